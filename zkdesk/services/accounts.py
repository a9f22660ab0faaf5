"""Managing accounts: the administrator creates users, changes their role, resets passwords and
disables or enables them. Users are never deleted, so the audit trail keeps their names.
Also the idle-lock setting, which belongs to the same administrator.
"""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zkdesk.domain.roles import Permission, Role
from zkdesk.services import audit, key_slots
from zkdesk.services.actor import Actor
from zkdesk.services.errors import NotFound, UserError
from zkdesk.services import settings
from zkdesk.services.passwords import hash_password_and_key, password_key, password_problem
from zkdesk.store.models import User

IDLE_LOCK_KEY = "idle_lock_seconds"
MAX_IDLE_LOCK_SECONDS = settings.SPECS[IDLE_LOCK_KEY].maximum
RESERVED_USERNAMES = {"system", "?"}  # names the program itself writes into the audit trail
_USERNAME = re.compile(r"^[^\s\x00-\x1f]{1,50}$")


def _user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"找不到编号为 {user_id} 的用户")
    return user


def _snapshot(user: User) -> dict:
    return {"username": user.username, "display_name": user.display_name, "role": user.role, "active": user.active}


def _active_admins(session: Session) -> int:
    return session.scalar(select(func.count(User.id)).where(User.role == Role.ADMIN.value, User.active.is_(True)))


def _check_role(role: Role | str) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise UserError(f"没有“{role}”这个角色") from None


def create_user(session: Session, actor: Actor, username: str, display_name: str, role: Role | str, password: str) -> User:
    actor.require(Permission.MANAGE_USERS)
    username = username.strip()
    if not _USERNAME.match(username):
        raise UserError("用户名不能为空、不能含空格，最多50个字符")
    if username.lower() in RESERVED_USERNAMES:
        raise UserError(f"“{username}”是程序保留的名字，请换一个用户名")
    if session.scalar(select(User.id).where(func.lower(User.username) == username.lower())) is not None:
        raise UserError(f"用户名“{username}”已经存在（停用的用户也保留其用户名）")
    display_name = display_name.strip() or username
    if len(display_name) > 50:
        raise UserError("姓名最多50个字符")
    role = _check_role(role)
    problem = password_problem(password, username)
    if problem:
        raise UserError(problem)
    stored, kek = hash_password_and_key(password)
    user = User(username=username, display_name=display_name, role=role.value, password_hash=stored, active=True)
    session.add(user)
    session.flush()
    key_slots.rewrap(session, user, kek)  # the data key for the new account, from the administrator's login
    audit.record(session, actor.username, "create", "user", user.id, {"new": _snapshot(user)})
    return user


def update_user(session: Session, actor: Actor, user_id: int, *, display_name: str | None = None, role: Role | str | None = None) -> User:
    actor.require(Permission.MANAGE_USERS)
    user = _user(session, user_id)
    old = _snapshot(user)
    if display_name is not None:
        display_name = display_name.strip() or user.username
        if len(display_name) > 50:
            raise UserError("姓名最多50个字符")
        user.display_name = display_name
    if role is not None:
        role = _check_role(role)
        if user.role == Role.ADMIN.value and role != Role.ADMIN and user.active and _active_admins(session) <= 1:
            raise UserError("至少要保留一个启用的管理员，不能更改最后一个管理员的角色")
        user.role = role.value
    new = _snapshot(user)
    changed = [k for k in new if new[k] != old[k]]
    if changed:
        session.flush()
        audit.record(session, actor.username, "update", "user", user.id, {"old": {k: old[k] for k in changed}, "new": {k: new[k] for k in changed}})
    return user


def reset_password(session: Session, actor: Actor, user_id: int, new_password: str) -> None:
    """Set a new password chosen by the administrator; also lifts a lockout."""
    actor.require(Permission.MANAGE_USERS)
    user = _user(session, user_id)
    problem = password_problem(new_password, user.username)
    if problem:
        raise UserError(problem)
    user.password_hash, kek = hash_password_and_key(new_password)
    user.failed_logins = 0
    user.locked_until = None
    key_slots.rewrap(session, user, kek)
    audit.record(session, actor.username, "password_reset", "user", user.id, {"username": user.username})


def set_active(session: Session, actor: Actor, user_id: int, active: bool) -> User:
    """Disable (or enable again) an account. Disabled users cannot log in; their name stays."""
    actor.require(Permission.MANAGE_USERS)
    user = _user(session, user_id)
    if user.active == active:
        return user
    if not active:
        if user.id == actor.user_id:
            raise UserError("不能停用自己正在使用的账号")
        if user.role == Role.ADMIN.value and _active_admins(session) <= 1:
            raise UserError("至少要保留一个启用的管理员")
    user.active = active
    if active:
        user.failed_logins = 0
        user.locked_until = None
    audit.record(session, actor.username, "enable" if active else "disable", "user", user.id,
                 {"username": user.username, "old": {"active": not active}, "new": {"active": active}})
    return user


def change_own_password(session: Session, actor: Actor, old_password: str, new_password: str) -> None:
    """Any logged-in user may change their own password, knowing the current one."""
    if actor.user_id is None:
        raise UserError("当前用户不能修改密码")
    user = _user(session, actor.user_id)
    old_kek = password_key(old_password, user.password_hash)
    if old_kek is None:
        raise UserError("原密码不正确")
    problem = password_problem(new_password, user.username)
    if problem:
        raise UserError(problem)
    key_slots.unlock_at_login(session, user, old_kek)  # the key the old password opened, to wrap anew
    user.password_hash, kek = hash_password_and_key(new_password)
    key_slots.rewrap(session, user, kek)
    audit.record(session, actor.username, "password_change", "user", user.id, {"username": user.username})


class RecoveryFailed(UserError):
    """A 恢复码 that does not open the key: refused, and written to the audit trail."""


def reset_password_with_recovery_code(session: Session, username: str, code: str, new_password: str) -> None:
    """用恢复码重设密码 (the login dialog, every password forgotten): the 恢复码 opens the data key,
    the user gets the new password and a slot under it, the lockout is lifted. A wrong code is
    refused as RecoveryFailed after its audit entry (callers commit on it)."""
    name = username.strip()
    user = session.scalars(select(User).where(User.username == name)).first()
    if user is None or not user.active:
        raise UserError("没有这个用户，或该账号已停用")
    problem = password_problem(new_password, user.username)
    if problem:
        raise UserError(problem)
    if not key_slots.unlock_with_recovery_code(session, code):
        audit.record(session, name, "recovery_failed", "user", user.id, {"username": name})
        raise RecoveryFailed("恢复码不正确（请核对抄下的恢复码，字母不分大小写，短横线可省略）")
    user.password_hash, kek = hash_password_and_key(new_password)
    user.failed_logins = 0
    user.locked_until = None
    key_slots.rewrap(session, user, kek)
    audit.record(session, name, "password_reset_recovery", "user", user.id, {"username": name})


def reset_password_with_recovery_code_and_commit(db, username: str, code: str, new_password: str) -> None:
    with db.session(commit_on=(RecoveryFailed,)) as session:
        reset_password_with_recovery_code(session, username, code, new_password)


def idle_lock_seconds(session: Session) -> int:
    """After how many seconds without input the window locks (0 = never)."""
    return settings.value(session, IDLE_LOCK_KEY)


def set_idle_lock_seconds(session: Session, actor: Actor, seconds: int) -> None:
    settings.change(session, actor, IDLE_LOCK_KEY, seconds)
