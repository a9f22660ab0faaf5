"""`zkdesk migrate-to`: an office's SQLite database to an empty PostgreSQL database and back,
every table equal, `verify` passing on each; refusals leave the target as it was."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tests import databases
from tests.cli.helpers import run_cli
from tests.databases import table_rows
from zkdesk.services.demo import DEMO_PASSWORD
from zkdesk.store.engine import Database
from zkdesk.store.migrate import open_database

from zkdesk.store.audit_head import CHAIN_KEYS  # noqa: E402

pytestmark = pytest.mark.postgresql
LOGIN = ("--user", "demo", "--password-stdin")


def _rows(target) -> dict[str, list[tuple]]:
    db = Database(target)
    try:
        return table_rows(db)
    finally:
        db.dispose()


def _same_office(source: dict, copy: dict) -> None:
    """The copy holds every row of the source; each audit trail ends with its own note of the
    move (the source: where its data went; the copy: where it came from)."""
    assert set(copy) == set(source)
    for table, rows in source.items():
        if table == "audit_log":
            mine, theirs = sorted(rows), sorted(copy[table])  # by id
            assert mine[:-1] == theirs[:-1] and len(mine) == len(theirs)
            assert (mine[-1][3], theirs[-1][3]) == ("migrate_to", "migrated_from")
        elif table == "setting":  # each chain's head moved with its own last note
            assert [r for r in copy[table] if r[0] not in CHAIN_KEYS] == [r for r in rows if r[0] not in CHAIN_KEYS]
        else:
            assert copy[table] == rows, table


def test_round_trip_sqlite_server_sqlite_keeps_every_table_and_the_audit_chain(tmp_path):
    lite = tmp_path / "lite"
    assert run_cli(lite, "demo").code == 0
    url = databases.server.empty().render_as_string(hide_password=False)

    up = run_cli(lite, "migrate-to", url, *LOGIN, "--json", stdin=DEMO_PASSWORD + "\n")
    assert up.code == 0, up.err
    original = _rows(lite / "zkdesk.sqlite3")  # as copied (the login for the copy is in it)
    assert up.json()["rows"]["enterprise"] == len(original["enterprise"]) > 300
    on_server = _rows(url)
    _same_office(original, on_server)
    check = run_cli(tmp_path / "h2", "--database", url, "verify", "--json")
    assert check.code == 0 and check.json()["ok"], check.err

    back_file = tmp_path / "back" / "zkdesk.sqlite3"
    down = run_cli(tmp_path / "h2", "--database", url, "migrate-to", f"sqlite:{back_file}", *LOGIN,
                   stdin=DEMO_PASSWORD + "\n")
    assert down.code == 0, down.err
    _same_office(_rows(url), _rows(back_file))
    check = run_cli(back_file.parent, "verify", "--json")
    assert check.code == 0 and check.json()["ok"] and check.json()["integrity_ok"], check.err
    # the source keeps working, its trail saying where its data went
    assert run_cli(lite, "verify").code == 0
    assert max(_rows(lite / "zkdesk.sqlite3")["audit_log"])[3] == "migrate_to"


def test_a_server_database_that_is_not_empty_is_refused_untouched(tmp_path):
    lite = tmp_path / "lite"
    assert run_cli(lite, "demo").code == 0
    url = databases.server.empty()
    db = Database(url)
    with db.engine.begin() as conn:
        conn.execute(text("CREATE TABLE notes (x integer)"))
        conn.execute(text("INSERT INTO notes VALUES (1)"))
    db.dispose()
    r = run_cli(lite, "migrate-to", url.render_as_string(hide_password=False), *LOGIN, stdin=DEMO_PASSWORD + "\n")
    assert r.code == 2 and "不是空的" in r.err
    assert _rows(url) == {"notes": [(1,)]}


def test_an_existing_file_is_never_overwritten(tmp_path):
    lite = tmp_path / "lite"
    assert run_cli(lite, "demo").code == 0
    there = tmp_path / "there.sqlite3"
    there.write_bytes(b"keep me")
    r = run_cli(lite, "migrate-to", f"sqlite:{there}", *LOGIN, stdin=DEMO_PASSWORD + "\n")
    assert r.code == 2 and "已存在" in r.err and there.read_bytes() == b"keep me"


def test_only_an_administrator_may_move_the_office(tmp_path):
    from tests.conftest import make_office
    from zkdesk.domain.roles import Role
    from zkdesk.services import accounts

    home = tmp_path / "h"
    db = open_database(home / "zkdesk.sqlite3")
    admin = make_office(db)
    with db.session() as s:
        accounts.create_user(s, admin, "clerk", "录入员", Role.CLERK, "clerk-pass-123")
    db.dispose()
    url = databases.server.empty()
    r = run_cli(home, "migrate-to", url.render_as_string(hide_password=False), "--user", "clerk", "--password-stdin",
                stdin="clerk-pass-123\n")
    assert r.code == 2 and "权限" in r.err
    assert _rows(url) == {}
