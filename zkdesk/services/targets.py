"""Allocating the plan's county targets to townships (分解目标)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from zkdesk.domain.orgcodes import COUNTY_CODE
from zkdesk.services import audit
from zkdesk.services.actor import Actor
from zkdesk.services.errors import UserError
from zkdesk.services.orgs import townships
from zkdesk.services.plans import require_plan_manager
from zkdesk.services.records import live_record
from zkdesk.store.models import Indicator, IndicatorTarget


@dataclass(frozen=True)
class Allocation:
    org_code: str
    org_name: str
    value: float | None


def _indicator(session: Session, indicator_id: str) -> Indicator:
    return live_record(session, Indicator, indicator_id, "找不到该指标")


def _rows(session: Session, indicator_id: str, year: int | None) -> dict[str, IndicatorTarget]:
    query = select(IndicatorTarget).where(IndicatorTarget.indicator_id == indicator_id)
    query = query.where(IndicatorTarget.year.is_(None) if year is None else IndicatorTarget.year == year)
    return {t.org_code: t for t in session.scalars(query)}


def allocations(session: Session, indicator_id: str, year: int | None = None) -> list[Allocation]:
    """Every township's allocated target (None where none is set), in the county's order."""
    _indicator(session, indicator_id)
    rows = _rows(session, indicator_id, year)
    result = []
    for town in townships(session):
        row = rows.get(town.code)
        result.append(Allocation(town.code, town.short_name, None if row is None or row.deleted else row.value))
    return result


def set_allocations(session: Session, actor: Actor, indicator_id: str, values: dict[str, float | None],
                    year: int | None = None) -> int:
    """Set townships' targets; None removes an allocation. Returns how many changed."""
    require_plan_manager(actor)
    ind = _indicator(session, indicator_id)
    known = {t.code: t.short_name for t in townships(session)}
    for code, value in values.items():
        if code not in known:
            raise UserError(f"单位代码 {code} 不是本县的乡镇")
        if value is not None and value < 0:
            raise UserError(f"{known[code]}的分解目标不能为负数")
    rows = _rows(session, indicator_id, year)
    changed = 0
    for code, value in values.items():
        row = rows.get(code)
        old = None if row is None or row.deleted else row.value
        if old == value:
            continue
        if row is None:
            row = IndicatorTarget(origin=COUNTY_CODE, indicator_id=ind.id, org_code=code, year=year, value=value)
            session.add(row)
        elif value is None:
            row.deleted = True
        else:
            row.deleted, row.value = False, value
        session.flush()
        audit.record(session, actor.username, "update", "indicator_target", row.id,
                     {"old": old, "new": value, "indicator": ind.code, "org": code, "year": year})
        changed += 1
    return changed
