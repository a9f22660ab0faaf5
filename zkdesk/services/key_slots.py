"""The office's data key: made at first run, unlocked by each user's login, rewrapped when a
password changes, recoverable with the 恢复码 (formats in store/key_material.py).

Unlocked keys live in this process only, by database (`unlocked(session)`): a login unlocks the
data key for every session of the same database afterwards, and nothing is written down.

- First run (`office.initialise`): a new data key, the exchange key pair sealed with it, a slot
  for the administrator's password and one for a new 恢复码, which the caller shows once.
- Login: the user's slot opens the key. A user without a slot gets one from the key waiting in
  `data_key_pending` (a database upgraded from a version without slots), or from this process's
  unlocked key (an administrator who made the account is logged in here).
- Password change: the slot is rewrapped; a reset by an administrator wraps the key again for
  the new password (or drops the stale slot when the administrator's key is not unlocked).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from zkdesk.domain.roles import Permission
from zkdesk.services.actor import Actor
from zkdesk.services.errors import UserError
from zkdesk.services.settings import get_raw, put_raw
from zkdesk.store import key_material as km
from zkdesk.store import sealed
from zkdesk.store.models import Setting, User

RECOVERY_CODE = "new_recovery_code"  # session.info: a 恢复码 made in this session, to show once

def unlocked(session: Session) -> bytes | None:
    """This database's data key if a login in this process unlocked it."""
    return sealed.key_for(sealed.database_name(session.get_bind()))


def _remember(session: Session, data_key: bytes) -> None:
    """The key is unlocked for this process; personal numbers still stored plain (written before
    the key was at hand, e.g. by an upgrade that found no key) are sealed now. Only when a write
    without the key left the marker: otherwise a login reads no register."""
    sealed.remember(sealed.database_name(session.get_bind()), data_key)
    if get_raw(session, sealed.PLAIN_MARKER) is not None:
        seal_plain_values(session, data_key)
        _delete(session, sealed.PLAIN_MARKER)


def seal_plain_values(session: Session, data_key: bytes) -> int:
    from zkdesk.store.base import Base

    session.flush()
    count = sealed.seal_plain_values(session.connection(), data_key, Base.metadata.tables)
    if count:
        session.expire_all()
    return count


def forget_unlocked() -> None:
    """Drop every unlocked key of this process (tests; a window that locks for good)."""
    sealed.forget_all()


def _delete(session: Session, key: str) -> None:
    row = session.get(Setting, key)
    if row is not None:
        session.delete(row)


def has_data_key(session: Session) -> bool:
    return get_raw(session, km.SEALED_KEYS) is not None or get_raw(session, km.PENDING_KEY) is not None


def set_up(session: Session, user: User, kek: bytes) -> str:
    """First run: a new data key wrapped for `user` (`kek`: services.passwords.password_key) and
    a new 恢复码 (returned, and kept in session.info[RECOVERY_CODE] for the caller to show once)."""
    data_key = km.new_data_key()
    put_raw(session, km.user_slot(user.id), km.wrap(data_key, km.user_slot(user.id), kek=kek))
    code = km.new_recovery_code()
    put_raw(session, km.RECOVERY_SLOT, km.wrap(data_key, km.RECOVERY_SLOT, recovery_code=code))
    _remember(session, data_key)
    session.info[RECOVERY_CODE] = code
    return code


def unlock_at_login(session: Session, user: User, kek: bytes) -> bool:
    """Called once the password is verified (`kek` is its key): open the data key for this
    process. True when it is unlocked now."""
    slot_name = km.user_slot(user.id)
    slot = get_raw(session, slot_name)
    data_key = km.unwrap(slot, slot_name, kek=kek) if slot else None
    if data_key is None:
        pending = get_raw(session, km.PENDING_KEY)
        data_key = km.unb64(pending) if pending else unlocked(session)
        if data_key is None:
            return False
        put_raw(session, slot_name, km.wrap(data_key, slot_name, kek=kek))  # this user's slot from now on
        session.flush()
        _drop_pending_when_done(session)
    _remember(session, data_key)
    return True


def _drop_pending_when_done(session: Session) -> None:
    """The key waiting in the clear goes once every active user has a slot and a 恢复码 exists."""
    if get_raw(session, km.PENDING_KEY) is None or get_raw(session, km.RECOVERY_SLOT) is None:
        return
    if not users_without_slot(session):
        _delete(session, km.PENDING_KEY)


def users_without_slot(session: Session) -> list[str]:
    slots = set(session.scalars(select(Setting.key).where(Setting.key.like(km.SLOT_PREFIX + "user:%"))))
    return [u.username for u in session.scalars(select(User).where(User.active.is_(True)).order_by(User.id))
            if km.user_slot(u.id) not in slots]


def rewrap(session: Session, user: User, kek: bytes) -> None:
    """A password changed (`kek`: the new one's key): the user's slot under it (from the
    unlocked key), or no slot when this process has no key to wrap (the user then gets one as the
    pending key allows)."""
    data_key = unlocked(session)
    slot_name = km.user_slot(user.id)
    if data_key is None:
        _delete(session, slot_name)
        return
    put_raw(session, slot_name, km.wrap(data_key, slot_name, kek=kek))


def new_recovery_code(session: Session, actor: Actor) -> str:
    """A new 恢复码 replacing the old one (administrators, with the key unlocked). Shown once."""
    actor.require(Permission.MANAGE_USERS)
    data_key = unlocked(session)
    if data_key is None:
        raise UserError("本单位数据密钥尚未解锁：请用自己的账号重新登录后再生成恢复码")
    code = km.new_recovery_code()
    put_raw(session, km.RECOVERY_SLOT, km.wrap(data_key, km.RECOVERY_SLOT, recovery_code=code))
    session.flush()
    _drop_pending_when_done(session)
    session.info[RECOVERY_CODE] = code
    return code


def unlock_with_recovery_code(session: Session, code: str) -> bool:
    """Open the data key with the 恢复码 (every password forgotten); then an administrator's reset
    wraps it for the new password."""
    slot = get_raw(session, km.RECOVERY_SLOT)
    data_key = km.unwrap(slot, km.RECOVERY_SLOT, recovery_code=code) if slot else None
    if data_key is None:
        return False
    _remember(session, data_key)
    return True


def data_key(session: Session) -> bytes:
    """The unlocked data key, or a Chinese message saying a login is needed."""
    key = unlocked(session)
    if key is None:
        pending = get_raw(session, km.PENDING_KEY)
        if pending:
            return km.unb64(pending)
        raise UserError("本单位的密钥已加密保存，需要用户登录后才能使用：请先登录")
    return key


def key_at_hand(session: Session) -> bytes | None:
    """The data key if this process can use it: unlocked by a login, or still waiting in the
    clear (an upgraded database whose users have not all logged in)."""
    key = unlocked(session)
    if key is None:
        pending = get_raw(session, km.PENDING_KEY)
        key = km.unb64(pending) if pending else None
    return key


def skipped_checks(session: Session) -> list[str]:
    """The checks `zkdesk verify` cannot do here because no login unlocked the data key (Chinese,
    one phrase each); empty when the key is at hand or there is nothing it would check."""
    if key_at_hand(session) is not None:
        return []
    from zkdesk.store.base import Base

    skipped = []
    if get_raw(session, km.HEAD_MAC) is not None:
        skipped.append("操作日志密钥校验点的校验值（能否确认链条未被整体重算）")
    if get_raw(session, km.SEALED_KEYS) is not None:
        skipped.append("本单位交换私钥能否用数据密钥打开")
    if sealed.sealed_value_report(session.connection(), None, Base.metadata.tables)[0]:
        skipped.append("已加密的身份证号、电话能否用数据密钥解开")
    return skipped


def sealed_value_problems(session: Session) -> list[str]:
    """Personal values that do not open with the unlocked key (Chinese; empty without a key)."""
    from zkdesk.store.base import Base

    key = key_at_hand(session)
    if key is None:
        return []
    broken = sealed.sealed_value_report(session.connection(), key, Base.metadata.tables)[2]
    return [f"有{broken}个已加密的身份证号或电话无法用本单位数据密钥解开（已被改动）"] if broken else []


def key_report(session: Session) -> tuple[list[str], list[str]]:
    """(problems, notes) about the key material for `zkdesk verify`, in Chinese: a problem is
    wrong (exit 1), a note still to do."""
    problems = []
    if get_raw(session, km.PLAIN_SIGN) or get_raw(session, km.PLAIN_BOX):
        problems.append("本单位的交换私钥以明文保存在数据库中")
    if get_raw(session, km.SEALED_KEYS) is None and get_raw(session, km.PENDING_KEY) is None and get_raw(
            session, km.RECOVERY_SLOT) is None and get_raw(session, "office_code") and session.scalar(select(User.id).limit(1)):
        problems.append("本单位的数据密钥缺失（没有任何密钥槽）")
    key = key_at_hand(session)
    sealed_keys = get_raw(session, km.SEALED_KEYS)
    if key is not None and sealed_keys is not None and km.open_private_keys(key, sealed_keys) is None:
        problems.append("本单位的交换密钥无法用数据密钥打开（已被改动）")
    problems += sealed_value_problems(session)
    return problems, key_problems(session)


def key_problems(session: Session) -> list[str]:
    """What is still to do about the key material (Chinese, first one first)."""
    problems = []
    if get_raw(session, km.SEALED_KEYS) is not None and get_raw(session, km.RECOVERY_SLOT) is None:
        problems.append("尚未生成恢复码：请管理员登录后生成并妥善保管（zkdesk keys recovery-code）")
    if get_raw(session, km.PENDING_KEY) is not None:
        waiting = "、".join(users_without_slot(session)) or "管理员生成恢复码"
        problems.append(f"数据密钥仍以明文暂存，等待以下用户登录一次：{waiting}")
    return problems


def vouch_for_head(session: Session, count: int, head_hash: str) -> None:
    """The audit chain's head moved: its HMAC under the data key, when this process has the key
    (a failed login by someone unknown has none: the last vouched head stays, and verify checks
    that the chain passes through it)."""
    key = key_at_hand(session)
    if key is not None:
        put_raw(session, km.HEAD_MAC, km.head_mac_text(key, count, head_hash))


def vouched_head(session: Session) -> tuple[int, str, bool | None] | None:
    """(count, hash, genuine) of the last vouched head; genuine is None when no key is unlocked
    here to check the HMAC (the chain must still pass through it)."""
    found = km.read_head_mac(get_raw(session, km.HEAD_MAC))
    if found is None:
        return None
    count, head_hash, mac = found
    key = key_at_hand(session)
    if key is None:
        return count, head_hash, None
    import hmac

    return count, head_hash, hmac.compare_digest(mac, km.head_mac(key, count, head_hash))
