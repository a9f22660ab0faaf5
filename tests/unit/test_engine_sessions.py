"""Write sessions hold the write lock from their first statement; read sessions never write;
a writer kept waiting too long gets the Chinese busy message; sessions know what they changed."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from zkdesk.services.errors import user_message
from zkdesk.store import engine as engine_module
from zkdesk.store.engine import CHANGES, Database, DatabaseBusy, ReadOnlySession
from zkdesk.store.models import Setting


def test_a_read_session_refuses_to_write(county_db):
    db, _actor = county_db
    with pytest.raises(ReadOnlySession):
        with db.read_session() as s:
            s.add(Setting(key="x", value="1"))
            s.flush()
    with db.read_session() as s:
        assert s.get(Setting, "x") is None


def test_concurrent_read_modify_write_sessions_lose_no_update(county_db):
    """Each writer reads a counter and writes it back plus one: with the lock taken at BEGIN,
    no two writers read the same value."""
    db, _actor = county_db
    with db.session() as s:
        s.add(Setting(key="counter", value="0"))

    def bump(times: int) -> None:
        for _ in range(times):
            with db.session() as s:
                row = s.get(Setting, "counter")
                row.value = str(int(row.value) + 1)

    threads = [threading.Thread(target=bump, args=(25,)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with db.read_session() as s:
        assert s.get(Setting, "counter").value == str(8 * 25)


def test_a_reader_is_not_blocked_by_a_writer(county_db):
    db, _actor = county_db
    with db.session() as writer:
        writer.add(Setting(key="pending", value="1"))
        writer.flush()  # the write lock is held and a row is written but not committed
        with db.read_session() as reader:
            assert reader.get(Setting, "pending") is None  # the committed snapshot


def test_a_writer_kept_waiting_gets_the_busy_message_and_nothing_changes(county_db, monkeypatch):
    db, _actor = county_db
    monkeypatch.setattr(engine_module, "BUSY_TIMEOUT_MS", 200)
    db.engine.dispose()  # new connections take the short timeout
    other = Database(db.url, db.password)  # another process writing a long import
    writing = other.session()
    long_import = writing.__enter__()
    long_import.execute(select(1))  # its transaction has begun: it holds the write lock
    try:
        with pytest.raises(DatabaseBusy) as caught:
            with db.session() as s:
                s.add(Setting(key="late", value="1"))
        assert user_message(caught.value) == "另一个zkdesk窗口或命令正在写入数据，请稍后再试"
    finally:
        writing.__exit__(None, None, None)
        other.dispose()
    with db.read_session() as s:
        assert s.scalars(select(Setting.key).where(Setting.key == "late")).first() is None


def test_a_write_session_knows_which_rows_it_changed(county_db):
    db, _actor = county_db
    with db.session() as s:
        s.add(Setting(key="a", value="1"))
        s.flush()
        s.get(Setting, "office_code").value = s.get(Setting, "office_code").value  # not modified
        changes = s.info[CHANGES]
    assert changes == {"setting": {"a"}}


def test_a_long_write_waits_longer_for_the_lock_than_a_save(county_db, monkeypatch):
    """An import behind a progress dialog waits for another writer instead of giving up at once."""
    db, _actor = county_db
    monkeypatch.setattr(engine_module, "BUSY_TIMEOUT_MS", 200)
    db.engine.dispose()
    other = Database(db.url, db.password)
    writing = other.session()
    first = writing.__enter__()
    first.execute(select(1))  # holds the write lock
    done = []

    def patient() -> None:
        with db.session(wait_ms=30_000) as s:
            s.add(Setting(key="patient", value="1"))
        done.append(True)

    waiter = threading.Thread(target=patient)
    waiter.start()
    waiter.join(1.0)  # five times the short timeout: a plain save would have given up by now
    assert done == [] and waiter.is_alive()
    writing.__exit__(None, None, None)  # the other writer finishes
    waiter.join(10)
    other.dispose()
    assert done == [True]
    with db.read_session() as s:
        assert s.get(Setting, "patient").value == "1"
