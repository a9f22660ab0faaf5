"""Year locks (审核通过): a county reviewer locks an org unit's values of a year; locked
values cannot change until the reviewer unlocks them. Both steps go into the audit trail."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from zkdesk.domain.orgcodes import COUNTY_CODE
from zkdesk.domain.roles import Permission
from zkdesk.services import audit
from zkdesk.services.actor import Actor
from zkdesk.services.errors import PermissionDenied, UserError
from zkdesk.services.orgs import get_org
from zkdesk.store.base import utcnow
from zkdesk.store.models import YearLock


class YearLocked(UserError):
    pass


def _lock_row(session: Session, org_code: str, year: int) -> YearLock | None:
    return session.scalars(select(YearLock).where(YearLock.org_code == org_code, YearLock.year == year)).first()


def active_lock(session: Session, org_code: str, year: int) -> YearLock | None:
    row = _lock_row(session, org_code, year)
    return row if row is not None and row.locked and not row.deleted else None


def locks_of_year(session: Session, year: int) -> dict[str, YearLock]:
    rows = session.scalars(select(YearLock).where(YearLock.year == year, YearLock.locked.is_(True), YearLock.deleted.is_(False)))
    return {r.org_code: r for r in rows}


def locked_message(org_name: str, year: int, locked_by: str) -> str:
    by = f"（{locked_by}）" if locked_by else ""
    return f"{org_name}{year}年的数值已审核锁定{by}，须审核员解锁后才能修改"


def require_unlocked(session: Session, org_code: str, year: int) -> None:
    lock = active_lock(session, org_code, year)
    if lock is not None:
        raise YearLocked(locked_message(get_org(session, org_code).short_name, year, lock.locked_by))


def _require_reviewer(actor: Actor) -> None:
    actor.require(Permission.REVIEW)
    if not actor.at_county:
        raise PermissionDenied("只有县总工会的审核员可以锁定或解锁年度数值")


def lock_year(session: Session, actor: Actor, org_code: str, year: int, reason: str = "审核通过") -> YearLock:
    _require_reviewer(actor)
    get_org(session, org_code)
    row = _lock_row(session, org_code, year)
    if row is not None and row.locked and not row.deleted:
        raise UserError(f"{year}年已经锁定")
    if row is None:
        row = YearLock(origin=COUNTY_CODE, org_code=org_code, year=year)
        session.add(row)
    row.locked, row.deleted = True, False
    row.locked_by, row.locked_at, row.reason = actor.username, utcnow(), reason
    session.flush()
    audit.record(session, actor.username, "lock", "year_lock", row.id, {"org": org_code, "year": year, "reason": reason})
    return row


def unlock_year(session: Session, actor: Actor, org_code: str, year: int, reason: str = "") -> YearLock:
    _require_reviewer(actor)
    row = active_lock(session, org_code, year)
    if row is None:
        raise UserError(f"{year}年没有锁定，无需解锁")
    row.locked = False
    row.locked_by, row.locked_at, row.reason = actor.username, utcnow(), reason
    session.flush()
    audit.record(session, actor.username, "unlock", "year_lock", row.id, {"org": org_code, "year": year, "reason": reason})
    return row
