"""The office's private keys are sealed with a data key that only a login (or the 恢复码) opens:
nothing in the database file or a backup lets a thief sign or read packages as the office.
Password changes rewrap; an older database is migrated to sealed keys without losing a record."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import select

from tests import databases
from tests.conftest import PASSWORD, make_office
from zkdesk.config import Home
from zkdesk.services import key_slots
from zkdesk.services.accounts import change_own_password, create_user, reset_password
from zkdesk.services.auth import login_and_commit
from zkdesk.services.backups import backup_now
from zkdesk.services.errors import UserError
from zkdesk.services.exchange_keys import office_fingerprint, office_keys
from zkdesk.services.exchange_keys import _private_raw as private_raw
from zkdesk.services.settings import get_raw
from zkdesk.store import key_material as km
from zkdesk.store.migrate import open_database
from zkdesk.store.models import Setting, User

FIXTURE_0_2 = Path(__file__).resolve().parents[1] / "fixtures" / "zkdesk-0.2.0-county-demo.sqlite3"


@pytest.fixture
def office(tmp_path):
    home = Home(tmp_path / "home").ensure()
    db = open_database(home.db_path, home.backups_dir)
    if db.path is None:  # pragma: no cover - file tests only
        pytest.skip("a file database")
    admin = make_office(db)
    yield home, db, admin
    db.dispose()
    key_slots.forget_unlocked()


def secrets_of(db) -> list[bytes]:
    """The office's private keys and data key, raw and as base64: what must never be on disk."""
    with db.session() as s:
        keys = office_keys(s)
        data_key = key_slots.unlocked(s)
    raws = [private_raw(keys.sign_private), private_raw(keys.box_private), data_key]
    return raws + [km.b64(r).encode("ascii") for r in raws]


def on_disk(path: Path) -> bytes:
    """The file as `strings` reads it, with its WAL (what a copy of the folder carries)."""
    data = path.read_bytes()
    wal = path.with_name(path.name + "-wal")
    return data + (wal.read_bytes() if wal.exists() else b"")


def test_a_new_office_keeps_no_private_key_in_the_clear(office):
    home, db, _admin = office
    hidden = secrets_of(db)
    backup = backup_now(home, db, "manual").path
    with db.read_session() as s:
        names = set(s.scalars(select(Setting.key)))
    assert km.PLAIN_SIGN not in names and km.PLAIN_BOX not in names
    assert {km.SEALED_KEYS, km.RECOVERY_SLOT, km.user_slot(1), km.HEAD_MAC} <= names
    for path in (Path(db.path), backup):
        content = on_disk(path)
        assert [s for s in hidden if s in content] == []


def test_without_a_login_the_keys_stay_shut_and_a_login_opens_them(office):
    _home, db, _admin = office
    with db.session() as s:
        fingerprint = office_keys(s).fingerprint
    key_slots.forget_unlocked()  # another process, or the program started again
    with db.session() as s:
        with pytest.raises(UserError, match="需要用户登录"):
            office_keys(s)
        assert office_fingerprint(s) == fingerprint  # the public halves need no login
    login_and_commit(db, "admin", PASSWORD)
    with db.session() as s:
        assert office_keys(s).fingerprint == fingerprint


def test_a_password_change_rewraps_the_slot(office):
    _home, db, admin = office
    with db.read_session() as s:
        before = get_raw(s, km.user_slot(admin.user_id))
    with db.session() as s:
        change_own_password(s, admin, PASSWORD, "a-new-password-7")
    with db.read_session() as s:
        after = get_raw(s, km.user_slot(admin.user_id))
    assert after != before
    key_slots.forget_unlocked()
    with pytest.raises(UserError):
        login_and_commit(db, "admin", PASSWORD)
    login_and_commit(db, "admin", "a-new-password-7")
    with db.session() as s:
        office_keys(s)


def test_an_account_made_or_reset_by_an_administrator_opens_the_key(office):
    _home, db, admin = office
    with db.session() as s:
        clerk = create_user(s, admin, "li_na", "李娜", "clerk", "li-na-pass-1")
        clerk_id = clerk.id
    key_slots.forget_unlocked()
    login_and_commit(db, "li_na", "li-na-pass-1")
    with db.session() as s:
        office_keys(s)
        reset_password(s, admin, clerk_id, "li-na-pass-2")  # the administrator's key is unlocked here
    key_slots.forget_unlocked()
    login_and_commit(db, "li_na", "li-na-pass-2")
    with db.session() as s:
        office_keys(s)

    key_slots.forget_unlocked()  # a reset where the key is not unlocked drops the stale slot
    with db.session() as s:
        reset_password(s, admin, clerk_id, "li-na-pass-3")
        assert get_raw(s, km.user_slot(clerk_id)) is None
    login_and_commit(db, "li_na", "li-na-pass-3")  # the account works; the keys wait for a slot
    with db.session() as s, pytest.raises(UserError, match="需要用户登录"):
        office_keys(s)


def test_the_recovery_code_opens_the_key_and_a_wrong_one_does_not(tmp_path):
    db = databases.new_database(tmp_path / "h")
    try:
        with db.session() as s:
            from zkdesk.services.office import initialise

            initialise(s, "530924103", "admin", PASSWORD)
            code = s.info[key_slots.RECOVERY_CODE]
            fingerprint = office_keys(s).fingerprint
        assert len(code) == 35 and code.count("-") == 5
        key_slots.forget_unlocked()
        with db.session() as s:
            assert not key_slots.unlock_with_recovery_code(s, "AAAAA-" * 5 + "AAAAA")
            assert key_slots.unlock_with_recovery_code(s, code.lower().replace("-", " "))
            assert office_keys(s).fingerprint == fingerprint
    finally:
        db.dispose()
        key_slots.forget_unlocked()


def test_an_older_database_gets_sealed_keys_and_no_record_lost(tmp_path):
    target = databases.load_fixture(FIXTURE_0_2, tmp_path)
    if not isinstance(target, Path):
        pytest.skip("the file's bytes are looked at")
    with sqlite3.connect(f"file:{FIXTURE_0_2}?mode=ro", uri=True) as con:
        plain = dict(con.execute("SELECT key, value FROM setting WHERE key LIKE 'exchange_%_private'").fetchall())
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' AND name != 'alembic_version'")]
        before = {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    assert set(plain) == {km.PLAIN_SIGN, km.PLAIN_BOX}
    db = open_database(target, tmp_path / "backups")
    try:
        with db.read_session() as s:
            assert get_raw(s, km.PLAIN_SIGN) is None and get_raw(s, km.SEALED_KEYS)
            problems = key_slots.key_problems(s)
            assert problems[0].startswith("尚未生成恢复码") and problems[1].startswith("数据密钥仍以明文暂存，等待以下用户登录一次：admin")
        after = {t: len(rows) for t, rows in databases.table_rows(db).items()}
        assert {t: n for t, n in before.items() if after.get(t, 0) < n} == {}
        with db.session() as s:  # the keys are the ones the office had: packages still match its fingerprint
            keys = office_keys(s)
            assert km.b64(private_raw(keys.sign_private)) == plain[km.PLAIN_SIGN]
        key_slots.forget_unlocked()
        admin = login_and_commit(db, "admin", "fixture-password-1")
        with db.session() as s:
            assert get_raw(s, km.user_slot(admin.user_id)) and get_raw(s, km.PENDING_KEY)  # the 恢复码 is still to make
            key_slots.new_recovery_code(s, admin)
        with db.read_session() as s:
            active = s.scalars(select(User).where(User.active.is_(True))).all()
            waiting = key_slots.users_without_slot(s)
        for user in active:
            if user.username in waiting:  # each remaining user's first login wraps the key for them
                with db.session() as s:
                    key_slots.unlock_at_login(s, s.get(User, user.id), b"\x00" * 32)
        with db.read_session() as s:
            assert get_raw(s, km.PENDING_KEY) is None and key_slots.key_problems(s) == []
    finally:
        db.dispose()
        key_slots.forget_unlocked()
    content = on_disk(Path(target))
    assert [v for v in plain.values() if v.encode("ascii") in content] == []


def test_verify_names_key_material_and_loose_files(office):
    import os

    from zkdesk.services.integrity import verify_file

    home, db, _admin = office
    backup_now(home, db, "manual")
    report = verify_file(Path(db.path), home.backups_dir)
    assert report.ok and report.key_problems == () and report.notes == ()
    with db.session() as s:  # an older zkdesk's habit, put back by hand
        s.add(Setting(key=km.PLAIN_SIGN, value=km.b64(b"\x01" * 32)))
    report = verify_file(Path(db.path), home.backups_dir)
    assert not report.ok and report.message == "密钥：本单位的交换私钥以明文保存在数据库中"
    with db.session() as s:
        s.delete(s.get(Setting, km.PLAIN_SIGN))
    if os.name == "posix":
        loose = sorted(home.backups_dir.glob("*.sqlite3"))[0]
        os.chmod(loose, 0o644)
        report = verify_file(Path(db.path), home.backups_dir)
        assert not report.ok and report.message == f"文件权限过宽（其他用户可读）：{loose}"
        assert report.as_dict()["loose_files"] == [str(loose)]
