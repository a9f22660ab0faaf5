"""Reading the plan catalogs: plans, items and indicators."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zkdesk.store.models import Department, Indicator, IndicatorDuty, Plan, PlanItem


@dataclass(frozen=True)
class PlanRow:
    id: str
    code: str
    name: str
    short_name: str
    start_year: int
    end_year: int
    document: str
    indicator_count: int
    current: bool = False  # marked 当前规划 by the county


def plan_overview(session: Session) -> list[PlanRow]:
    counts = dict(
        session.execute(
            select(Indicator.plan_id, func.count(Indicator.id)).where(Indicator.deleted.is_(False)).group_by(Indicator.plan_id)
        ).all()
    )
    plans = session.scalars(select(Plan).where(Plan.deleted.is_(False)).order_by(Plan.start_year))
    return [
        PlanRow(p.id, p.code, p.name, p.short_name, p.start_year, p.end_year, p.document, counts.get(p.id, 0),
                bool(p.current)) for p in plans
    ]


def current_plan(session: Session, year: int | None = None) -> Plan | None:
    """The plan whose period contains `year` (else the latest one)."""
    plans = list(session.scalars(select(Plan).where(Plan.deleted.is_(False)).order_by(Plan.start_year)))
    if year is not None:
        for plan in plans:
            if plan.start_year <= year <= plan.end_year:
                return plan
    return plans[-1] if plans else None


def marked_current_plan(session: Session) -> Plan | None:
    """The plan the county marked 当前规划 (设为当前规划), if any."""
    return session.scalars(select(Plan).where(Plan.deleted.is_(False), Plan.current.is_(True))
                           .order_by(Plan.start_year.desc(), Plan.code)).first()


def default_plan(session: Session, year: int | None = None) -> Plan | None:
    """The plan a page or report opens on when none is chosen: the one marked 当前规划, else
    the plan whose period contains `year` (else the latest)."""
    return marked_current_plan(session) or current_plan(session, year)


def plan_indicators(session: Session, plan_id: str) -> list[Indicator]:
    return list(
        session.scalars(
            select(Indicator).where(Indicator.plan_id == plan_id, Indicator.deleted.is_(False)).order_by(Indicator.sort_key)
        )
    )


def item_responsible(session: Session, plan_id: str) -> dict[int, list[str]]:
    """Plan item number → its 责任单位, for every item of a plan in one statement."""
    found: dict[int, list[str]] = {}
    for number, responsible in session.execute(
        select(PlanItem.number, PlanItem.responsible).where(PlanItem.plan_id == plan_id).order_by(PlanItem.id)
    ):
        found.setdefault(number, json.loads(responsible))
    return found


def _duties_query(*where):
    return (select(IndicatorDuty.indicator_id, Department.name)
            .join(Department, IndicatorDuty.department_id == Department.id)
            .where(IndicatorDuty.deleted.is_(False), Department.deleted.is_(False), *where)
            .order_by(IndicatorDuty.indicator_id, IndicatorDuty.role != "lead", IndicatorDuty.sort_order))


def plan_duties(session: Session, plan_id: str) -> dict[str, list[str]]:
    """Indicator id → its departments (the lead first), for every indicator of a plan in one statement."""
    found: dict[str, list[str]] = {}
    in_plan = select(Indicator.id).where(Indicator.plan_id == plan_id)
    for indicator_id, name in session.execute(_duties_query(IndicatorDuty.indicator_id.in_(in_plan))):
        found.setdefault(indicator_id, []).append(name)
    return found


def indicator_responsible(session: Session, indicator: Indicator,
                          items: dict[int, list[str]] | None = None,
                          duties: dict[str, list[str]] | None = None) -> list[str]:
    """The indicator's 责任单位, the lead first: its duties (services/departments.py), else the
    catalog's list, falling back to its plan item's. `items` (item_responsible) and `duties`
    (plan_duties) are the plan's, when the caller read them for many indicators."""
    if duties is None:
        duties = {}
        for _, name in session.execute(_duties_query(IndicatorDuty.indicator_id == indicator.id)):
            duties.setdefault(indicator.id, []).append(name)
    duties = duties.get(indicator.id)
    if duties:
        return duties
    own = json.loads(indicator.responsible or "[]")
    if own:
        return own
    if items is not None:
        return items.get(indicator.item, [])
    return _item_responsible_of(session, indicator)


def _item_responsible_of(session: Session, indicator: Indicator) -> list[str]:
    item = session.scalars(
        select(PlanItem).where(PlanItem.plan_id == indicator.plan_id, PlanItem.number == indicator.item)
    ).first()
    return json.loads(item.responsible) if item else []
