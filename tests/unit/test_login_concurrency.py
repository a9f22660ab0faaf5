"""Logins at the same moment: wrong passwords are counted by the database, so sixteen at once
lock the account after exactly five; a login while another process holds a long write gets
the Chinese busy message, never an internal error."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from sqlalchemy import func, select

from tests.conftest import PASSWORD
from zkdesk.services.auth import MAX_FAILED_LOGINS, LoginFailed, login_and_commit
from zkdesk.services.audit import verify_chain
from zkdesk.services.errors import user_message
from zkdesk.store import engine as engine_module
from zkdesk.store.base import utcnow
from zkdesk.store.engine import Database, DatabaseBusy
from zkdesk.store.models import AuditEntry, User


def _at_once(count: int, work) -> list:
    results: list = [None] * count
    start = threading.Barrier(count)

    def run(i: int) -> None:
        start.wait()
        try:
            results[i] = work(i)
        except BaseException as exc:  # noqa: BLE001 - the test looks at what each one got
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_sixteen_wrong_passwords_at_once_lock_the_account_after_exactly_five(county_db):
    db, _admin = county_db
    results = _at_once(16, lambda i: login_and_commit(db, "admin", f"wrong-password-{i}"))

    assert all(isinstance(r, LoginFailed) for r in results), results
    messages = Counter(str(r) for r in results)
    wrong = [m for m in messages if m.startswith("用户名或密码错误")]
    assert sorted(wrong) == sorted(f"用户名或密码错误（再错{left}次将锁定10分钟）" for left in range(1, MAX_FAILED_LOGINS))
    assert messages[f"密码连续错误{MAX_FAILED_LOGINS}次，账号锁定10分钟"] == 1
    locked = [m for m in messages if m.startswith("密码错误次数过多")]
    assert sum(messages[m] for m in locked) == 16 - MAX_FAILED_LOGINS
    with db.read_session() as s:
        user = s.scalars(select(User).where(User.username == "admin")).one()
        assert user.locked_until is not None and user.locked_until > utcnow()
        counted = s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "login_failed"))
        assert counted == MAX_FAILED_LOGINS  # a refused attempt on a locked account is not a guess checked
        assert verify_chain(s).ok
    with pytest.raises(LoginFailed, match="账号已锁定"):
        login_and_commit(db, "admin", PASSWORD)  # even the right password waits out the lockout


def test_a_login_during_a_long_write_gets_the_busy_message(county_db, monkeypatch):
    db, _admin = county_db
    monkeypatch.setattr(engine_module, "BUSY_TIMEOUT_MS", 200)
    db.engine.dispose()  # new connections take the short timeout
    other = Database(db.url, db.password)  # another process importing
    writing = other.session()
    long_import = writing.__enter__()
    long_import.execute(select(1))  # its transaction holds the write lock
    try:
        with pytest.raises(DatabaseBusy) as caught:
            login_and_commit(db, "admin", PASSWORD)
        assert user_message(caught.value) == "另一个zkdesk窗口或命令正在写入数据，请稍后再试"
    finally:
        writing.__exit__(None, None, None)
        other.dispose()
    assert login_and_commit(db, "admin", PASSWORD).username == "admin"  # once it is done, the login goes through
