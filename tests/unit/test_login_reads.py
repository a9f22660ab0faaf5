"""A login reads only what it needs and hashes the password before it takes the write lock:
the registers are read (to seal numbers written without the key) only when such a write left
the marker; the scrypt runs while another writer could still begin."""

from __future__ import annotations

import re
import sqlite3

import pytest
from sqlalchemy import event

from tests.conftest import PASSWORD, make_office
from zkdesk.config import Home
from zkdesk.services import auth, key_slots
from zkdesk.services.auth import LoginFailed, login_and_commit
from zkdesk.services.demo import fill_demo
from zkdesk.store import sealed
from zkdesk.store.migrate import open_database
from zkdesk.store.models import Setting

REGISTERS = ("nomination", "studio", "enterprise")


@pytest.fixture
def office(tmp_path):
    home = Home(tmp_path / "home").ensure()
    db = open_database(home.db_path, home.backups_dir)
    make_office(db)
    yield home, db
    db.dispose()
    key_slots.forget_unlocked()


def _statements_of_login(db) -> list[str]:
    seen: list[str] = []

    def note(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)  # the read engine is an option of it
    try:
        login_and_commit(db, "admin", PASSWORD)
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    return seen


_REGISTER = re.compile(r"\b(FROM|UPDATE|JOIN)\s+(%s)\b" % "|".join(REGISTERS))


def _touches_registers(statements: list[str]) -> list[str]:
    return [s for s in statements if _REGISTER.search(s)]


def _marker(db) -> bool:
    with db.read_session() as s:
        return s.get(Setting, sealed.PLAIN_MARKER) is not None


def test_a_login_reads_no_register_when_nothing_was_written_plain(office):
    _home, db = office
    with db.session() as s:
        fill_demo(s)  # logged in: every number sealed as written
    login_and_commit(db, "admin", PASSWORD)  # the first login of an upgraded office may still seal
    assert not _marker(db)
    key_slots.forget_unlocked()  # the program started again
    statements = _statements_of_login(db)
    assert _touches_registers(statements) == [], statements
    assert len(statements) < 40, statements


def test_a_write_without_the_key_leaves_the_marker_and_the_next_login_seals_and_clears_it(office):
    _home, db = office
    login_and_commit(db, "admin", PASSWORD)
    key_slots.forget_unlocked()  # e.g. `zkdesk demo` without --user
    assert not _marker(db)
    with db.session() as s:
        fill_demo(s)
    assert _marker(db)
    statements = _statements_of_login(db)
    assert _touches_registers(statements)  # sealed now
    assert not _marker(db)
    con = sqlite3.connect(str(db.path))
    try:
        plain = con.execute("SELECT count(*) FROM nomination WHERE id_number != '' AND id_number NOT LIKE 'zk1:%'").fetchone()[0]
    finally:
        con.close()
    assert plain == 0


def test_the_password_is_hashed_before_the_write_lock_is_taken(office, monkeypatch):
    _home, db = office
    real = auth.password_key
    lock_free: list[bool] = []

    def hashing(password, stored):
        other = sqlite3.connect(str(db.path), timeout=0)
        try:
            other.isolation_level = None
            other.execute("BEGIN IMMEDIATE")  # fails at once while a write session holds the lock
            other.execute("ROLLBACK")
            lock_free.append(True)
        except sqlite3.OperationalError:
            lock_free.append(False)
        finally:
            other.close()
        return real(password, stored)

    monkeypatch.setattr(auth, "password_key", hashing)
    login_and_commit(db, "admin", PASSWORD)
    with pytest.raises(LoginFailed):
        login_and_commit(db, "admin", "not-the-password")
    assert lock_free == [True, True]  # one scrypt per attempt, none under the lock
