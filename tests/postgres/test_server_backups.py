"""Backups of an office database on a PostgreSQL server: pg_dump in custom format, verified by
reading it back whole, kept and rotated like the file's; restored with pg_restore into an empty
database only; clear Chinese messages when the tools are missing or the target is in use."""

from __future__ import annotations

import os
from datetime import datetime, timedelta

import pytest

from tests import databases
from tests.cli.helpers import run_cli
from tests.conftest import PASSWORD
from tests.databases import table_rows
from zkdesk.services.backups import backup_files, backup_now, daily_backup_if_due
from zkdesk.store import pg_tools
from zkdesk.store.audit_head import CHAIN_KEYS
from zkdesk.store.backup_file import BackupError
from zkdesk.store.engine import Database

pytestmark = pytest.mark.postgresql
LOGIN = ("--user", "admin", "--password-stdin")


def test_backup_is_a_verified_pg_dump_and_restores_into_an_empty_database(county_db, home):
    db, _admin = county_db
    made = run_cli(home.root, "backup", *LOGIN, "--json", stdin=PASSWORD + "\n")
    assert made.code == 0, made.err
    dump = home.backups_dir / os.path.basename(made.json()["file"])
    assert dump.suffix == ".dump" and made.json()["trigger"] == "manual"
    assert pg_tools.verify(dump) == (True, "")
    before = table_rows(db)
    listed = run_cli(home.root, "backup", "--list", *LOGIN, "--json", stdin=PASSWORD + "\n")
    assert [b["file"] for b in listed.json()["backups"]] == [str(dump)]

    empty = databases.server.empty()
    r = run_cli(home.root, "--database", empty.render_as_string(hide_password=False), "restore", str(dump), "--json")
    assert r.code == 0, r.err
    restored = Database(empty)
    try:
        after = table_rows(restored)
    finally:
        restored.dispose()
    def without_log(rows):  # the audit log and its head (setting audit_head)
        return {t: [r for r in v if t != "setting" or r[0] not in CHAIN_KEYS] for t, v in rows.items() if t != "audit_log"}

    assert without_log(after) == without_log(before)
    # the dump was taken before its own audit entry was committed; the restored copy ends with the restore
    assert sorted(before["audit_log"])[-1][3] == "backup"
    assert sorted(after["audit_log"])[:-1] == sorted(before["audit_log"])[:-1]
    assert sorted(after["audit_log"])[-1][3] == "restore"
    check = run_cli(home.root, "--database", empty.render_as_string(hide_password=False), "verify", "--json")
    assert check.code == 0 and check.json()["ok"]


def test_restore_into_the_database_in_use_is_refused_and_changes_nothing(county_db, home):
    db, _admin = county_db
    dump = backup_now(home, db, "manual").path
    before = table_rows(db)
    r = run_cli(home.root, "restore", str(dump))
    assert r.code == 2 and "不是空的" in r.err and "CREATE DATABASE" in r.err
    assert table_rows(db) == before


def test_a_cut_off_dump_is_refused(county_db, home, tmp_path):
    db, _admin = county_db
    dump = backup_now(home, db, "manual").path
    cut = tmp_path / dump.name
    cut.write_bytes(dump.read_bytes()[: dump.stat().st_size // 2])
    ok, problem = pg_tools.verify(cut)
    assert not ok and problem
    r = run_cli(home.root, "--database", databases.server.empty().render_as_string(hide_password=False), "restore", str(cut))
    assert r.code == 2 and "不能用来恢复" in r.err


def test_backups_of_a_server_database_are_rotated_like_the_file(county_db, home):
    db, _admin = county_db
    start = datetime(2026, 1, 1, 8, 0)
    for day in range(12):
        backup_now(home, db, "daily", now=start + timedelta(days=day))
    kept = backup_files(home.backups_dir)
    assert all(b.path.suffix == ".dump" for b in kept)
    assert len(kept) < 12 and kept[0].at == start + timedelta(days=11)


def test_without_pg_dump_a_backup_says_what_to_install_and_the_daily_one_is_skipped(county_db, home, monkeypatch):
    db, _admin = county_db
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(BackupError, match="postgresql-client"):
        backup_now(home, db, "manual")
    assert daily_backup_if_due(home, db) is None
    assert backup_files(home.backups_dir) == []
