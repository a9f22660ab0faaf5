"""open_database decides "is a migration due?" without alembic, by reading the migration files
as text (store.migrate.revisions): it must agree with alembic, whose chain runs the upgrade."""

from alembic.script import ScriptDirectory

from zkdesk.store.migrate import MIGRATIONS_DIR, alembic_config, head_revision, read_revisions, revisions


def test_the_text_reading_agrees_with_alembic():
    script = ScriptDirectory.from_config(alembic_config())
    known, head = revisions()
    assert head == script.get_current_head()
    assert known == {r.revision for r in script.walk_revisions()}
    assert head_revision() == head


def test_the_forms_alembic_writes_are_read(tmp_path):
    """Plain and annotated assignments, a merge of two heads, None: as new_migration.py and
    alembic's templates write them."""
    (tmp_path / "0001_a.py").write_text('revision = "0001"\ndown_revision = None\n', "utf-8")
    (tmp_path / "0002_b.py").write_text("revision: str = '0002'\ndown_revision: Union[str, None] = '0001'\n", "utf-8")
    (tmp_path / "0003_c.py").write_text("revision = '0003_c'\ndown_revision = '0001'\n", "utf-8")
    assert read_revisions(tmp_path) == ({"0001", "0002", "0003_c"}, {"0002", "0003_c"})
    (tmp_path / "0004_merge.py").write_text(
        '"""merge"""\nrevision = "0004"\ndown_revision = ("0002", "0003_c")\nbranch_labels = None\n', "utf-8")
    assert read_revisions(tmp_path) == ({"0001", "0002", "0003_c", "0004"}, {"0004"})


def test_the_real_folder_has_one_head():
    known, heads = read_revisions(MIGRATIONS_DIR / "versions")
    assert len(heads) == 1 and heads <= known
