"""Backups through the services: rotation with a fake clock, verification, restore round trip,
damage detected before opening and repaired from the newest good backup."""

import shutil
import sqlite3
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.backup_helpers import damage_database, table_dump
from tests.conftest import PASSWORD
from zkdesk.services import accounts
from zkdesk.services.backups import backup_files, backup_now, daily_backup_if_due, list_backups, make_backup
from zkdesk.services.errors import UserError
from zkdesk.services.restore import DAMAGED, MISSING, check_startup, restore_after_damage, restore_backup
from zkdesk.store.backup_file import BackupError, copy_database, integrity_ok
from zkdesk.store.migrate import open_database
from zkdesk.store.models import AuditEntry, User

pytestmark = pytest.mark.sqlite_only  # backups of the SQLite file itself (the server's: tests/postgres/test_server_backups.py)


def test_a_simulated_year_of_starts_and_exits_leaves_exactly_the_promised_backups(home, monkeypatch):
    monkeypatch.setattr("zkdesk.store.backup_file.os.fsync", lambda fd: None)  # durability is not the point here
    with sqlite3.connect(home.db_path) as con:  # rotation does not look inside: a small file is quicker
        con.execute("CREATE TABLE t (x)")
    day = datetime(2025, 1, 1, 8, 30)
    while day.year == 2025:
        assert daily_backup_if_due(home, home.db_path, now=day) is not None
        assert daily_backup_if_due(home, home.db_path, now=day + timedelta(hours=2)) is None  # a second start
        if day >= datetime(2025, 12, 20):  # the exits of the last days, every one rotated like the rest
            backup_now(home, home.db_path, "exit", now=day.replace(hour=17))
        day += timedelta(days=1)
    left = {(b.at.date(), b.trigger) for b in backup_files(home.backups_dir)}
    month_ends = {(date(2025, m, 1) + timedelta(days=31)).replace(day=1) - timedelta(days=1) for m in range(1, 12)}
    expected = (
        {(date(2025, 12, 30), "daily"), (date(2025, 12, 31), "daily")}  # the last 48 hours, whole
        | {(date(2025, 12, d), "exit") for d in range(25, 32)}  # 7 daily: each day's newest
        | {(date(2025, 12, 21), "exit"), (date(2025, 12, 14), "daily")}  # 4 weekly (with Dec 28 and 31)
        | {(d, "daily") for d in month_ends}  # 12 monthly (December's is Dec 31)
    )
    assert left == expected
    assert len(left) == 2 + 7 + 2 + 11
    assert not list(home.backups_dir.glob("*.partial"))


def test_every_backup_is_verified_and_named_by_its_trigger(county_db, home):
    db, admin = county_db
    info = backup_now(home, db.path, "import", now=datetime(2025, 5, 6, 10, 0, 0))
    assert info.name == "zkdesk-20250506-100000-import.sqlite3" and info.trigger_label == "导入前"
    assert integrity_ok(info.path) == (True, "")
    again = backup_now(home, db.path, "import", now=datetime(2025, 5, 6, 10, 0, 0))
    assert again.path != info.path and again.path.exists()  # same second: a second file, not overwritten
    (home.backups_dir / "zkdesk-20250506-110000-exit.sqlite3.partial").write_bytes(b"half")
    with db.session():
        names = [b.name for b in list_backups(home, admin)]
    assert names == sorted(names, reverse=True) and len(names) == 2


def test_a_damaged_database_cannot_be_backed_up_into_a_file_that_looks_good(county_db, home, tmp_path):
    db, _ = county_db
    db.dispose()
    broken = tmp_path / "broken.sqlite3"
    shutil.copy(db.path, broken)
    damage_database(broken)
    with pytest.raises(BackupError):
        copy_database(broken, home.backups_dir / "x.sqlite3")
    assert list(home.backups_dir.iterdir()) == []


def test_a_manual_backup_to_another_folder_is_audited(county_db, home, tmp_path):
    db, admin = county_db
    usb = tmp_path / "usb"
    usb.mkdir()
    with db.session() as s:
        info = make_backup(s, admin, home, db.path, usb)
    assert info.path.parent == usb and info.trigger == "manual"
    assert backup_files(home.backups_dir) == []
    with db.session() as s:
        entry = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert (entry.action, entry.entity_id) == ("backup", info.name) and '"external": true' in entry.details


def test_restore_round_trip_returns_the_same_data(county_db, home):
    db, admin = county_db
    with db.session() as s:
        accounts.create_user(s, admin, "li_na", "李娜", "clerk", "li-na-pass-1")
    backup = backup_now(home, db.path, "manual", now=datetime(2025, 3, 1, 9, 0))
    db.dispose()
    before = table_dump(db.path)
    db = open_database(db.path, home.backups_dir)
    with db.session() as s:  # work done after the backup
        accounts.create_user(s, admin, "wang", "王强", "viewer", "wang-pass-12")
        accounts.set_idle_lock_seconds(s, admin, 300)
    db.dispose()
    changed = table_dump(db.path)
    assert changed != before

    result = restore_backup(home, db.path, backup.path, admin)

    assert table_dump(db.path) == before
    assert integrity_ok(db.path) == (True, "")
    assert table_dump(result.safety_backup) == changed  # the state before the restore is kept
    assert result.safety_backup.name.endswith("-restore.sqlite3")
    db = open_database(db.path, home.backups_dir)
    with db.session() as s:
        last = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert (last.username, last.action, last.entity_id) == ("admin", "restore", backup.name)
        assert s.scalars(select(User.username)).all() == ["admin", "li_na"]
    db.dispose()


def test_a_damaged_file_is_detected_before_opening_and_the_newest_good_backup_restored(county_db, home):
    db, admin = county_db
    with db.session() as s:
        accounts.create_user(s, admin, "li_na", "李娜", "clerk", "li-na-pass-1")
    older = backup_now(home, db.path, "daily", now=datetime(2025, 3, 1, 8, 0))
    newest = backup_now(home, db.path, "exit", now=datetime(2025, 3, 1, 17, 0))
    damage_database(newest.path, seed=3)  # the newest backup went bad too: the older one is chosen
    db.dispose()
    before = table_dump(db.path)
    page = damage_database(db.path)

    health = check_startup(home, db.path)
    assert health.state == DAMAGED and not health.ok
    assert health.newest_good.path == older.path
    assert "已损坏" in health.message and "2025年03月01日 08:00:00" in health.message

    result = restore_after_damage(home, db.path)
    assert result.restored_from == older.path and result.safety_backup is None
    assert result.damaged_copy.exists() and result.damaged_copy.parent.name == "damaged"
    assert integrity_ok(result.damaged_copy, quick=True)[0] is False  # kept as it was, for an expert
    assert check_startup(home, db.path).ok
    assert table_dump(db.path) == before
    assert page > 1


def test_a_missing_database_with_backups_offers_the_restore(county_db, home):
    db, _ = county_db
    backup_now(home, db.path, "exit", now=datetime(2025, 3, 1, 17, 0))
    db.dispose()
    db.path.unlink()
    health = check_startup(home, db.path)
    assert health.state == MISSING and health.newest_good is not None
    restore_after_damage(home, db.path)
    assert check_startup(home, db.path).ok


def test_restore_refuses_bad_sources_and_leaves_the_database_alone(county_db, home, tmp_path):
    db, admin = county_db
    db.dispose()
    before = db.path.read_bytes()
    broken = tmp_path / "broken.sqlite3"
    shutil.copy(db.path, broken)
    damage_database(broken)
    newer = tmp_path / "newer.sqlite3"
    shutil.copy(db.path, newer)
    with sqlite3.connect(newer) as con:
        con.execute("UPDATE alembic_version SET version_num='9999_future'")
    for source, message in ((tmp_path / "nope.sqlite3", "找不到备份文件"), (broken, "已损坏"), (newer, "更新版本"), (db.path, "正在使用")):
        with pytest.raises(UserError, match=message):
            restore_backup(home, db.path, source, admin)
    assert db.path.read_bytes() == before
    assert backup_files(home.backups_dir) == []


def test_restore_after_damage_is_refused_for_a_healthy_database(county_db, home):
    db, _ = county_db
    backup_now(home, db.path, "exit")
    db.dispose()
    with pytest.raises(UserError, match="数据库完好"):
        restore_after_damage(home, db.path)


def test_a_healthy_database_needs_a_password_to_log_in_again_after_restore(county_db, home):
    """The restored file is a complete database: its own users and passwords."""
    from zkdesk.services.auth import login_and_commit

    db, admin = county_db
    backup = backup_now(home, db.path, "manual")
    db.dispose()
    restore_backup(home, db.path, backup.path, admin)
    db = open_database(db.path, home.backups_dir)
    try:
        assert login_and_commit(db, "admin", PASSWORD).username == "admin"
    finally:
        db.dispose()


def test_rotation_leaves_a_backup_being_written_and_removes_one_cut_off_long_ago(home):
    import os
    import time as _time

    from zkdesk.services.backups import STALE_PARTIAL_SECONDS, rotate

    fresh = home.backups_dir / "zkdesk-20250506-110000-exit.sqlite3.partial"  # another window writing now
    old = home.backups_dir / "zkdesk-20250505-110000-exit.sqlite3.partial"  # a crash yesterday
    fresh.write_bytes(b"half")
    old.write_bytes(b"half")
    long_ago = _time.time() - STALE_PARTIAL_SECONDS - 60
    os.utime(old, (long_ago, long_ago))
    rotate(home)
    assert fresh.exists() and not old.exists()
