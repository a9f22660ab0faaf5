"""Fresh databases are created and stamped; old ones are backed up and upgraded; newer refused.

On the PostgreSQL pass (tools/test_on_postgresql.sh) the same tests run against server
databases: one migration chain for both engines."""

import json
import sqlite3
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, select, text

from tests import databases
from zkdesk.store.base import Base
from zkdesk.store.engine import Database
from zkdesk.store.migrate import DatabaseVersionError, _run, current_revision, head_revision, open_database
from zkdesk.store.models import Indicator, OrgUnit, User

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
FIRST_RELEASE = FIXTURES / "zkdesk-0.1.0-first-release.sqlite3"
COUNTY_DEMO_0_2 = FIXTURES / "zkdesk-0.2.0-county-demo.sqlite3"


def test_fresh_database_is_created_and_stamped_at_head(home):
    db = open_database(databases.new_empty_target(home.root, home.db_path.name), home.backups_dir)
    try:
        assert current_revision(db) == head_revision()
        with db.engine.connect() as conn:
            if db.is_server:
                assert conn.exec_driver_sql("SHOW TimeZone").scalar() == "UTC"
                assert conn.exec_driver_sql("SELECT datcollate FROM pg_database WHERE datname = current_database()").scalar() == "C"
            else:
                assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
                assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
                assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    finally:
        db.dispose()


def test_migrations_build_exactly_the_models(tmp_path):
    """Running every migration from empty gives the schema the models declare."""
    db = Database(databases.new_empty_target(tmp_path, "m.sqlite3"))
    try:
        _run(db, command.upgrade, "head")
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert diff == []
    finally:
        db.dispose()


def _alembic_version(db: Database) -> str:
    with db.engine.connect() as conn:
        return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


def test_first_release_database_is_backed_up_and_upgraded(tmp_path):
    target = databases.load_fixture(FIRST_RELEASE, tmp_path)
    with sqlite3.connect(FIRST_RELEASE) as con:
        old_version = con.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    backups = tmp_path / "backups"
    db = open_database(target, backups)
    try:
        assert current_revision(db) == head_revision()
        with db.session() as s:
            assert s.scalars(select(User.username)).all() == ["admin"]
            assert s.get(OrgUnit, "530924103").short_name == "南伞镇"
            assert len(s.scalars(select(Indicator)).all()) >= 55
    finally:
        db.dispose()
    if old_version != head_revision():
        made = list(backups.glob("*.sqlite3")) + list(backups.glob("*.dump"))
        assert len(made) == 1 and old_version in made[0].name


def test_database_from_a_newer_zkdesk_is_refused_untouched(tmp_path):
    target = databases.load_fixture(FIRST_RELEASE, tmp_path)
    db = Database(target)
    try:
        with db.engine.begin() as conn:
            conn.exec_driver_sql("UPDATE alembic_version SET version_num='9999_future'")
            conn.exec_driver_sql("UPDATE org_unit SET name = name || '' WHERE code = '530924'")  # a no-op write
        before = _counts(db)
    finally:
        db.dispose()
    raw = target.read_bytes() if isinstance(target, Path) else None
    with pytest.raises(DatabaseVersionError, match="更新版本"):
        open_database(target, tmp_path / "backups")
    if raw is not None:
        assert target.read_bytes() == raw
    db = Database(target)
    try:
        assert _alembic_version(db) == "9999_future" and _counts(db) == before
    finally:
        db.dispose()


def test_a_database_that_is_not_a_zkdesk_database_is_refused(tmp_path):
    target = databases.new_empty_target(tmp_path, "other.sqlite3")
    db = Database(target)
    try:
        with db.engine.begin() as conn:
            conn.execute(text("CREATE TABLE t (x INTEGER)"))
    finally:
        db.dispose()
    with pytest.raises(DatabaseVersionError, match="不是 zkdesk 数据库"):
        open_database(target, tmp_path / "backups")


def _counts(db: Database) -> dict[str, int]:
    from sqlalchemy import MetaData

    meta = MetaData()
    meta.reflect(db.engine)
    with db.engine.connect() as conn:
        return {t.name: conn.execute(select(func.count()).select_from(t)).scalar()
                for t in meta.sorted_tables if t.name != "alembic_version"}


def test_released_0_2_demo_county_upgrades_without_losing_a_record(tmp_path):
    """Every table of the 0.2 release keeps at least its rows through every later migration."""
    target = databases.load_fixture(COUNTY_DEMO_0_2, tmp_path)
    with sqlite3.connect(f"file:{COUNTY_DEMO_0_2}?mode=ro", uri=True) as con:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' AND name != 'alembic_version'")]
        before = {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    assert before["enterprise"] == 335 and before["indicator_value"] > 1000
    db = open_database(target, tmp_path / "backups")
    try:
        assert current_revision(db) == head_revision()
        after = _counts(db)
        from zkdesk.services.audit import verify_chain
        from zkdesk.store.audit_head import read_head

        with db.read_session() as s:  # 0004 anchored the chain as it stood
            assert read_head(s).count == before["audit_log"]
            assert verify_chain(s).ok and verify_chain(s).anchored
    finally:
        db.dispose()
    lost = {t: (n, after.get(t)) for t, n in before.items() if after.get(t, 0) < n}
    assert lost == {}


def test_0_2_demo_county_gets_the_plan_kinds_and_keeps_its_targets(tmp_path):
    """0004_plan_kinds: the shipped catalog's indicators are judged as the plan says, the
    catalog is marked as loaded at version 2 (so loading it again overwrites nothing) and
    every indicator keeps its target, name and values."""
    from zkdesk.store.models import IndicatorValue, Plan
    from zkdesk.store.seed import load_shipped_data, seed_id

    target = databases.load_fixture(COUNTY_DEMO_0_2, tmp_path)
    with sqlite3.connect(f"file:{COUNTY_DEMO_0_2}?mode=ro", uri=True) as con:
        before = dict((code, (name, tgt)) for code, name, tgt in con.execute("SELECT code, name, target FROM indicator"))
        values = con.execute("SELECT count(*), sum(coalesce(value, 0)) FROM indicator_value").fetchone()
    db = open_database(target, tmp_path / "backups")
    try:
        with db.session() as s:
            load_shipped_data(s)
            inds = {i.code: i for i in s.scalars(select(Indicator))}
            plan = s.scalars(select(Plan).where(Plan.code == "zk-2021-2025")).one()
            after_values = (s.scalar(select(func.count(IndicatorValue.id))),
                            s.scalar(select(func.sum(func.coalesce(IndicatorValue.value, 0)))))
        assert plan.catalog_version == 3  # 0004 marked it 2, 0007 (07.1 as a headcount) 3
        assert {c: (i.name, i.target) for c, i in inds.items() if c in before} == before
        # 0007 adds the catalog's qualitative tasks, with the ids loading the catalog gives them
        added = {c: i for c, i in inds.items() if c not in before}
        assert sorted(added) == ["03.2", "06.8", "11.1", "15.5", "17.1", "17.2"]
        assert all(i.id == seed_id("indicator", "zk-2021-2025", c) and i.target_kind == "milestone"
                   and i.level == "county_only" for c, i in added.items())
        assert after_values[0] == values[0]  # 07.1's figures are running totals now: its own test below
        assert inds["14.1"].target_kind == "threshold_every_year" and inds["14.1"].level == "both"
        assert inds["05.2"].level == "county_only" and inds["12.1"].target_kind == "per_term"
        assert inds["03.1"].projection_method == "step" and inds["01.1"].target_kind == "rate"
        # 0007: the terms a per-term target compares, as the catalog lists them
        assert json.loads(inds["12.1"].terms) == [{"label": "上一届", "year": 2016}, {"label": "本届", "year": 2021}]
        assert inds["01.1"].terms == "[]"
    finally:
        db.dispose()


def test_0_2_demo_county_keeps_its_07_1_growth_as_headcounts_over_a_zero_baseline(tmp_path):
    """0007_baselines: 07.1 (在校学生人数增加) was a yearly increase that could not fall; it is a
    headcount now, judged against the baseline. Each township's increases become running totals
    over a baseline of 0 (noted), so its growth — and the county's — is what it was."""
    from zkdesk.services.progress import plan_by_code, progress_for
    from zkdesk.store.models import IndicatorBaseline, IndicatorValue

    target = databases.load_fixture(COUNTY_DEMO_0_2, tmp_path)
    with sqlite3.connect(f"file:{COUNTY_DEMO_0_2}?mode=ro", uri=True) as con:
        old = {(org, year): v for org, year, v in con.execute(
            "SELECT v.org_code, v.year, v.value FROM indicator_value v JOIN indicator i ON i.id = v.indicator_id "
            "WHERE i.code = '07.1' AND v.deleted = 0")}
        others = con.execute("SELECT count(*), sum(coalesce(v.value, 0)) FROM indicator_value v "
                             "JOIN indicator i ON i.id = v.indicator_id WHERE i.code != '07.1'").fetchone()
    assert old[("530924101", 2021)] == 24 and old[("530924101", 2022)] == 24
    db = open_database(target, tmp_path / "backups")
    try:
        with db.session() as s:
            ind = s.scalars(select(Indicator).where(Indicator.code == "07.1")).one()
            assert (ind.kind, ind.target_kind) == ("stock", "growth_over_baseline")
            new = {(v.org_code, v.year): v.value for v in s.scalars(
                select(IndicatorValue).where(IndicatorValue.indicator_id == ind.id, IndicatorValue.deleted.is_(False)))}
            bases = {b.org_code: b for b in s.scalars(select(IndicatorBaseline))}
            rest = s.execute(select(func.count(IndicatorValue.id), func.sum(func.coalesce(IndicatorValue.value, 0)))
                             .where(IndicatorValue.indicator_id != ind.id)).one()
            plan = plan_by_code(s, "zk-2021-2025")
            county = next(r for r in progress_for(s, plan.id, "530924", 2023) if r.code == "07.1")
        assert tuple(rest) == tuple(others)  # no other figure moved
        orgs = {org for org, _ in old}
        for org in orgs:
            years = sorted(y for o, y in old if o == org)
            for y in years:  # the running total; each year's increase is still the difference
                assert new[(org, y)] == sum(old[(org, z)] for z in years if z <= y)
        assert set(bases) == orgs and all(b.value == 0 and "基期数记为0" in b.note for b in bases.values())
        growth = sum(v for (o, y), v in old.items() if y <= 2023)
        assert county.actual == growth and county.baseline == 0
    finally:
        db.dispose()


def test_0013_keys_links_by_sending_office_and_keeps_the_links_there(tmp_path):
    """exchange_alias's primary key takes peer_code (compare_metadata does not look at primary
    keys): the links already learnt stay, and another office may link the same UUID."""
    from sqlalchemy import inspect

    db = Database(databases.new_empty_target(tmp_path, "a.sqlite3"))
    try:
        _run(db, command.upgrade, "0012_audit_and_sealing")
        with db.engine.begin() as conn:
            conn.exec_driver_sql("INSERT INTO exchange_alias (table_name, remote_id, local_id, peer_code, created_at) "
                                 "VALUES ('enterprise', 'r1', 'l1', '530924103', '2026-01-01 00:00:00.000000')")
        _run(db, command.upgrade, "head")
        with db.engine.begin() as conn:
            assert inspect(conn).get_pk_constraint("exchange_alias")["constrained_columns"] == [
                "table_name", "remote_id", "peer_code"]
            conn.exec_driver_sql("INSERT INTO exchange_alias (table_name, remote_id, local_id, peer_code, created_at) "
                                 "VALUES ('enterprise', 'r1', 'l2', '530924101', '2026-01-02 00:00:00.000000')")
            rows = conn.exec_driver_sql("SELECT peer_code, local_id FROM exchange_alias ORDER BY peer_code").all()
        assert [tuple(r) for r in rows] == [("530924101", "l2"), ("530924103", "l1")]
    finally:
        db.dispose()
