"""This database's office (which org unit it belongs to) and first-run set-up."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zkdesk.domain.roles import Role
from zkdesk.services import audit
from zkdesk.services.errors import UserError
from zkdesk.services.passwords import hash_password_and_key, password_problem
from zkdesk.services.settings import OFFICE_KEY, office_code, put_raw
from zkdesk.store.models import OrgUnit, User
from zkdesk.store.seed import load_shipped_data

DEMO_KEY = "demo_data"


def is_initialised(session: Session) -> bool:
    return office_code(session) is not None and session.scalar(select(func.count(User.id))) > 0


def office_unit(session: Session) -> OrgUnit | None:
    code = office_code(session)
    return session.get(OrgUnit, code) if code else None


def choosable_offices(session: Session) -> list[OrgUnit]:
    """The county union and its townships, for the first-run dialog."""
    load_shipped_data(session)
    return list(session.scalars(select(OrgUnit).where(OrgUnit.level.in_(("county", "township"))).order_by(OrgUnit.sort_order)))


def initialise(session: Session, org_code: str, admin_username: str, password: str, display_name: str = "") -> User:
    """First run: load the shipped catalog, record which office this is, create the admin."""
    if is_initialised(session):
        raise UserError("本数据库已经初始化过，不能重复初始化")
    admin_username = admin_username.strip()
    if not admin_username:
        raise UserError("请填写管理员用户名")
    problem = password_problem(password, admin_username)
    if problem:
        raise UserError(problem)
    load_shipped_data(session)
    unit = session.get(OrgUnit, org_code)
    if unit is None or unit.level not in ("county", "township"):
        raise UserError(f"单位代码 {org_code} 不是镇康县总工会或所属乡镇的统计用区划代码")
    put_raw(session, OFFICE_KEY, org_code)
    user = User(
        username=admin_username,
        display_name=display_name.strip() or admin_username,
        role=Role.ADMIN.value,
        password_hash="",
    )
    user.password_hash, kek = hash_password_and_key(password)
    session.add(user)
    session.flush()
    from zkdesk.services import key_slots  # cryptography: not on every command's path
    from zkdesk.services.exchange_keys import ensure_office_keys

    key_slots.set_up(session, user, kek)  # the data key, the admin's slot, a 恢复码 to show once
    ensure_office_keys(session)
    audit.record(session, admin_username, "init", "office", org_code, {"office": unit.name, "admin": admin_username})
    return user
