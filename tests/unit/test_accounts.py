"""Accounts: created with roles, password rules, reset, disabled (never deleted), every change audited."""

import json

import pytest
from sqlalchemy import func, select

from zkdesk.domain.roles import Role
from zkdesk.services import accounts
from zkdesk.services.auth import LoginFailed, login_and_commit
from zkdesk.services.errors import UserError
from zkdesk.store.base import utcnow
from zkdesk.store.models import AuditEntry, User


def _last_audit(db):
    with db.session() as s:
        e = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        return e.username, e.action, e.entity, json.loads(e.details)


def test_admin_creates_a_user_who_can_log_in_with_that_role(county_db):
    db, admin = county_db
    with db.session() as s:
        accounts.create_user(s, admin, " li_na ", "李娜", Role.REVIEWER, "li-na-pass-1")
    assert _last_audit(db) == ("admin", "create", "user", {"new": {"username": "li_na", "display_name": "李娜", "role": "reviewer", "active": True}})
    actor = login_and_commit(db, "li_na", "li-na-pass-1")
    assert actor.role == Role.REVIEWER and actor.display_name == "李娜"
    with db.session() as s:
        stored = s.scalars(select(User.password_hash).where(User.username == "li_na")).one()
    assert "li-na-pass-1" not in stored


@pytest.mark.parametrize(
    "username, password, message",
    [
        ("li_na", "short", "至少需要8位"),
        ("li_na_long", "li_na_long", "不能与用户名相同"),
        ("li_na_22", "LI_NA_22", "不能与用户名相同"),
        ("", "long-enough-1", "用户名不能为空"),
        ("li na", "long-enough-1", "不能含空格"),
        ("system", "long-enough-1", "保留"),
        ("ADMIN", "long-enough-1", "已经存在"),
    ],
)
def test_bad_accounts_are_refused_and_nothing_is_written(county_db, username, password, message):
    db, admin = county_db
    with db.session() as s:
        before = s.scalar(select(func.count(AuditEntry.id)))
    with pytest.raises(UserError, match=message):
        with db.session() as s:
            accounts.create_user(s, admin, username, "", Role.CLERK, password)
    with db.session() as s:
        assert s.scalars(select(User.username)).all() == ["admin"]
        assert s.scalar(select(func.count(AuditEntry.id))) == before


def test_reset_password_replaces_it_and_lifts_a_lockout(county_db):
    db, admin = county_db
    with db.session() as s:
        uid = accounts.create_user(s, admin, "li_na", "李娜", Role.CLERK, "li-na-pass-1").id
    for _ in range(5):
        with pytest.raises(LoginFailed):
            login_and_commit(db, "li_na", "wrong-wrong-1")
    with pytest.raises(LoginFailed, match="锁定"):
        login_and_commit(db, "li_na", "li-na-pass-1")
    with db.session() as s:
        with pytest.raises(UserError, match="至少需要8位"):
            accounts.reset_password(s, admin, uid, "short")
        accounts.reset_password(s, admin, uid, "fresh-pass-123")
    assert _last_audit(db)[:3] == ("admin", "password_reset", "user")
    assert "fresh-pass-123" not in json.dumps(_last_audit(db))
    assert login_and_commit(db, "li_na", "fresh-pass-123").username == "li_na"
    with pytest.raises(LoginFailed):
        login_and_commit(db, "li_na", "li-na-pass-1")


def test_a_disabled_user_cannot_log_in_but_keeps_their_name_and_can_be_enabled(county_db):
    db, admin = county_db
    with db.session() as s:
        uid = accounts.create_user(s, admin, "li_na", "李娜", Role.CLERK, "li-na-pass-1").id
    with db.session() as s:
        accounts.set_active(s, admin, uid, False)
    assert _last_audit(db)[1] == "disable"
    with pytest.raises(LoginFailed, match="停用"):
        login_and_commit(db, "li_na", "li-na-pass-1")
    with db.session() as s:
        assert s.get(User, uid).display_name == "李娜"  # never deleted
        accounts.set_active(s, admin, uid, True)
    assert login_and_commit(db, "li_na", "li-na-pass-1").username == "li_na"


def test_the_last_administrator_stays(county_db):
    db, admin = county_db
    with db.session() as s:
        with pytest.raises(UserError, match="自己"):
            accounts.set_active(s, admin, admin.user_id, False)
        with pytest.raises(UserError, match="最后一个管理员"):
            accounts.update_user(s, admin, admin.user_id, role=Role.CLERK)
        second = accounts.create_user(s, admin, "boss2", "二号管理员", Role.ADMIN, "boss2-pass-1")
    with db.session() as s:
        accounts.update_user(s, admin, admin.user_id, role=Role.REVIEWER)  # another admin exists now
        with pytest.raises(UserError, match="至少要保留一个启用的管理员"):
            accounts.set_active(s, admin, second.id, False)
    assert _last_audit(db)[1:] == ("update", "user", {"old": {"role": "admin"}, "new": {"role": "reviewer"}})


def test_changing_ones_own_password_needs_the_old_one(county_db):
    from tests.conftest import PASSWORD

    db, admin = county_db
    with db.session() as s:
        with pytest.raises(UserError, match="原密码不正确"):
            accounts.change_own_password(s, admin, "not-it-at-all", "another-pass-1")
    with db.session() as s:
        accounts.change_own_password(s, admin, PASSWORD, "another-pass-1")
    assert login_and_commit(db, "admin", "another-pass-1").username == "admin"


def test_idle_lock_setting_defaults_to_15_minutes_and_is_validated(county_db):
    db, admin = county_db
    with db.session() as s:
        assert accounts.idle_lock_seconds(s) == 15 * 60
        accounts.set_idle_lock_seconds(s, admin, 300)
        with pytest.raises(UserError):
            accounts.set_idle_lock_seconds(s, admin, -1)
    with db.session() as s:
        assert accounts.idle_lock_seconds(s) == 300
    assert _last_audit(db) == ("admin", "update", "setting", {"label": "空闲锁定时间（秒）", "old": 900, "new": 300})


def test_login_and_failed_login_are_in_the_audit_trail(county_db):
    db, _ = county_db
    with pytest.raises(LoginFailed):
        login_and_commit(db, "admin", "wrong-wrong-1")
    assert _last_audit(db)[:2] == ("admin", "login_failed")
    with pytest.raises(LoginFailed):
        login_and_commit(db, "ghost", "wrong-wrong-1")
    assert _last_audit(db)[:2] == ("ghost", "login_failed")
    with db.session() as s:
        user = s.scalars(select(User).where(User.username == "admin")).one()
        assert user.failed_logins == 1 and (user.locked_until is None or user.locked_until < utcnow())
