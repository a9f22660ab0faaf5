"""Logging in, with the lockout after repeated wrong passwords."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from zkdesk.domain.roles import Role
from zkdesk.services import audit
from zkdesk.services.actor import Actor
from zkdesk.services.errors import UserError
from zkdesk.services.office import office_code
from zkdesk.services.passwords import password_key
from zkdesk.store.base import utcnow
from zkdesk.store.models import User

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=10)


class LoginFailed(UserError):
    pass


def actor_for(session: Session, user: User) -> Actor:
    return Actor(
        username=user.username,
        display_name=user.display_name,
        role=Role(user.role),
        office_code=office_code(session) or "",
        user_id=user.id,
    )


def login(session: Session, username: str, password: str, purpose: str = "login",
          checked: tuple[str, bytes | None] | None = None) -> Actor:
    """Check the password; returns the Actor or raises LoginFailed with a Chinese reason.

    `purpose` names the audit action: "login", or "unlock" when the idle-locked window asks for
    the password again (failures are "<purpose>_failed" and count towards the lockout alike).

    Failed attempts are committed by the caller's session like any other change, so the
    caller must commit even when this raises (see `login_and_commit`).

    `checked`: (the stored hash, its result) when the caller already ran the scrypt before the
    write session began (`login_and_commit`); used only if the hash is still the stored one.
    """
    username = username.strip()
    user = session.scalars(select(User).where(User.username == username)).first()
    now = utcnow()
    if user is None:
        audit.record(session, username or "?", f"{purpose}_failed", "user", "", {"reason": "unknown user"})
        raise LoginFailed("用户名或密码错误")
    if not user.active:
        audit.record(session, username, f"{purpose}_failed", "user", user.id, {"reason": "disabled"})
        raise LoginFailed("该用户已被停用，请联系管理员")
    if user.locked_until and user.locked_until > now:
        minutes = max(1, int((user.locked_until - now).total_seconds() // 60) + 1)
        raise LoginFailed(f"密码错误次数过多，账号已锁定，请{minutes}分钟后再试")
    if checked is not None and checked[0] == user.password_hash:
        kek = checked[1]
    else:  # the same scrypt checks it and opens the user's key slot
        kek = password_key(password, user.password_hash)
    if kek is None:
        failed = _count_failure(session, user)
        details = {"reason": "wrong password", "failed": failed}
        if failed >= MAX_FAILED_LOGINS:
            session.execute(
                update(User).where(User.id == user.id).values(locked_until=now + LOCKOUT, failed_logins=0)
                .execution_options(synchronize_session=False)
            )
            session.expire(user, ["failed_logins", "locked_until"])
            audit.record(session, username, f"{purpose}_failed", "user", user.id, details | {"locked": True})
            raise LoginFailed(f"密码连续错误{MAX_FAILED_LOGINS}次，账号锁定10分钟")
        audit.record(session, username, f"{purpose}_failed", "user", user.id, details)
        left = MAX_FAILED_LOGINS - failed
        raise LoginFailed(f"用户名或密码错误（再错{left}次将锁定10分钟）")
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    from zkdesk.services import key_slots  # cryptography: only once a password is right

    key_slots.unlock_at_login(session, user, kek)
    audit.record(session, username, purpose, "user", user.id)
    return actor_for(session, user)


def _count_failure(session: Session, user: User) -> int:
    """One atomic UPDATE ... RETURNING: the database adds the failure, whatever another process
    counted meanwhile (the write session's lock already orders them; the statement does not rely
    on it). Returns the count after this failure."""
    failed = session.execute(
        update(User).where(User.id == user.id).values(failed_logins=User.failed_logins + 1)
        .returning(User.failed_logins).execution_options(synchronize_session=False)
    ).scalar_one()
    session.expire(user, ["failed_logins"])
    return failed


def login_and_commit(db, username: str, password: str, purpose: str = "login") -> Actor:
    """Log in through a Database; a failed attempt is still recorded (and counted).

    The scrypt (≈0.1 s) runs on the stored hash read from a snapshot, before the write session
    takes the lock, so twenty logins at once do not queue behind each other's hashing; the write
    session then counts, audits and unlocks (and hashes again only if the password changed
    in between)."""
    with db.read_session() as reader:
        found = reader.execute(select(User.password_hash, User.active, User.locked_until)
                               .where(User.username == username.strip())).first()
    checked = None
    if found is not None and found.active and not (found.locked_until and found.locked_until > utcnow()):
        checked = (found.password_hash, password_key(password, found.password_hash))
    with db.session(commit_on=(LoginFailed,)) as session:
        return login(session, username, password, purpose, checked)
