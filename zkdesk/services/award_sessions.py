"""Award sessions (届次, e.g. 第四届镇康县劳动模范): set up by the county, seen by everyone."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from zkdesk.domain import choices
from zkdesk.domain.orgcodes import COUNTY_CODE
from zkdesk.domain.roles import Permission
from zkdesk.services import audit
from zkdesk.services.actor import Actor
from zkdesk.services.errors import UserError
from zkdesk.services.records import check_revision, live_record
from zkdesk.store.models import AwardSession


@dataclass(frozen=True)
class SessionInput:
    name: str
    year: int
    number: int = 0  # 第几届; 0 when the session has no number
    honour_type: str = "劳动模范"
    level: str = "县级"
    quota: int | None = None  # 表彰名额


@dataclass(frozen=True)
class SessionRow:
    id: str
    name: str
    number: int
    year: int
    honour_type: str
    level: str
    quota: int | None

    @property
    def label(self) -> str:
        return f"{self.name}（{self.year}年）"


def session_years(session: Session, honour_type: str = "劳动模范", level: str = "县级") -> list[int]:
    """The years award sessions of a kind are held in (a step target's path and projection)."""
    return sorted(set(session.scalars(select(AwardSession.year).where(
        AwardSession.deleted.is_(False), AwardSession.honour_type == honour_type, AwardSession.level == level))))


def session_row(s: AwardSession) -> SessionRow:
    return SessionRow(s.id, s.name, s.number, s.year, s.honour_type, s.level, s.quota)


def _snapshot(s: AwardSession) -> dict:
    return {"name": s.name, "number": s.number, "year": s.year, "honour_type": s.honour_type, "level": s.level, "quota": s.quota}


def list_sessions(session: Session, actor: Actor) -> list[SessionRow]:
    """Every session, newest first."""
    actor.require(Permission.VIEW)
    rows = session.scalars(
        select(AwardSession).where(AwardSession.deleted.is_(False)).order_by(AwardSession.year.desc(), AwardSession.number.desc())
    )
    return [session_row(s) for s in rows]


def get_session(session: Session, session_id: str) -> AwardSession:
    return live_record(session, AwardSession, session_id, "找不到该届次，可能已被删除")


def _validate(data: SessionInput) -> SessionInput:
    name = data.name.strip()
    if not name:
        raise UserError("请填写届次名称，例如“第四届镇康县劳动模范”")
    if not 1949 <= int(data.year) <= 2100:
        raise UserError(f"届次年份{data.year}不合理")
    if data.number < 0:
        raise UserError("届次序号不能为负数")
    if data.honour_type not in choices.HONOUR_TYPES:
        raise UserError(f"荣誉类型“{data.honour_type}”不在规定的选项中")
    if data.level not in choices.HONOUR_LEVELS:
        raise UserError(f"荣誉级别“{data.level}”不在规定的选项中")
    if data.quota is not None and data.quota < 0:
        raise UserError("表彰名额不能为负数")
    return SessionInput(name, int(data.year), int(data.number), data.honour_type, data.level, data.quota)


def _require_county(actor: Actor) -> None:
    actor.require(Permission.EDIT)
    if not actor.at_county:
        raise UserError("届次由县总工会设立；乡镇请导入县总工会下发的数据包")


def create_session(session: Session, actor: Actor, data: SessionInput) -> SessionRow:
    _require_county(actor)
    data = _validate(data)
    award = AwardSession(origin=COUNTY_CODE, name=data.name, number=data.number, year=data.year,
                         honour_type=data.honour_type, level=data.level, quota=data.quota)
    session.add(award)
    session.flush()
    audit.record(session, actor.username, "create", "award_session", award.id, {"new": _snapshot(award)})
    return session_row(award)


def update_session(session: Session, actor: Actor, session_id: str, data: SessionInput,
                   seen_revision: int | None = None) -> SessionRow:
    _require_county(actor)
    data = _validate(data)
    award = get_session(session, session_id)
    check_revision(session, award, seen_revision, "award_session", f"届次“{award.name}”")
    old = _snapshot(award)
    award.name, award.number, award.year = data.name, data.number, data.year
    award.honour_type, award.level, award.quota = data.honour_type, data.level, data.quota
    session.flush()
    audit.record(session, actor.username, "update", "award_session", award.id, {"old": old, "new": _snapshot(award)})
    return session_row(award)
