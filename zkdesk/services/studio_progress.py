"""The figures the 三室一站 register feeds into plan item 6, per plan year, against the targets.

The indicators are found in the plan catalog by their `source` keys (studios.*), so a later
plan that reuses the keys shows up here without code. Where the register covers only part of
what the plan counts (06.1–06.5: the plan counts all workers' 合理化建议, 专利, …) the part typed
in 指标台账 (其他) is added, as progress adds it (`services.progress.entered_parts`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from zkdesk.domain.orgcodes import is_county
from zkdesk.domain.roles import Permission
from zkdesk.domain.studio_rules import StatusDates, counts_as_named
from zkdesk.services.actor import Actor
from zkdesk.services.derived import Registers, derive
from zkdesk.services.derived.studios import COUNTY_LEVEL
from zkdesk.services.progress import entered_parts
from zkdesk.services.scope import org_filter
from zkdesk.store.models import Indicator, IndicatorTarget, Plan, Studio

SOURCE_PREFIX = "studios."


@dataclass(frozen=True)
class Item6Row:
    code: str  # "06.1"
    name: str
    unit: str
    source: str
    by_year: dict[int, float]  # the register's part and the other part (其他) together
    total: float
    target: float | None  # None: no target for this office (not allocated to the township)
    percent: float | None  # total against target
    other_by_year: dict[int, float] | None = None  # None: the register covers it all; else the part typed (其他)

    @property
    def other_total(self) -> float | None:
        return None if self.other_by_year is None else float(sum(self.other_by_year.values()))

    @property
    def reached(self) -> bool:
        return self.target is not None and self.total >= self.target


@dataclass(frozen=True)
class Item6Summary:
    plan_name: str
    years: list[int]
    org_code: str
    rows: list[Item6Row]
    county_named_today: int  # 县级 studios named and not revoked today (any naming year)


def studio_plans(session: Session) -> list[Plan]:
    """Plans whose catalog has indicators fed by this register, oldest first."""
    query = (
        select(Plan)
        .join(Indicator, Indicator.plan_id == Plan.id)
        .where(Plan.deleted.is_(False), Indicator.deleted.is_(False), Indicator.source.startswith(SOURCE_PREFIX))
        .distinct()
        .order_by(Plan.start_year)
    )
    return list(session.scalars(query))


def item6_summary(session: Session, actor: Actor, plan_code: str | None = None, today: date | None = None,
                  year: int | None = None) -> Item6Summary | None:
    """Item-6 figures of this office (county: all townships), or None without such a plan: of the
    plan that has `year` (the working year; default this year), else the last one."""
    actor.require(Permission.VIEW)
    plans = studio_plans(session)
    if plan_code:
        plans = [p for p in plans if p.code == plan_code]
    if not plans:
        return None
    today = today or date.today()
    year = year or today.year
    plan = next((p for p in plans if p.start_year <= year <= p.end_year), plans[-1])
    org = actor.office_code
    years = list(range(plan.start_year, plan.end_year + 1))
    indicators = session.scalars(
        select(Indicator)
        .where(Indicator.plan_id == plan.id, Indicator.deleted.is_(False), Indicator.source.startswith(SOURCE_PREFIX))
        .order_by(Indicator.sort_key)
    )
    rows, registers = [], Registers(session)
    others = entered_parts(session, plan.id, org)
    for ind in indicators:
        by_year = {}
        other = {y: others[ind.id].get(y, 0.0) for y in years} if ind.id in others else None
        for year in years:
            got = derive(registers, ind.source, org, year)
            by_year[year] = (got.value if got and got.value is not None else 0.0) + (other[year] if other else 0.0)
        total = sum(by_year.values())
        target = _target(session, ind, org)
        percent = round(100.0 * total / target, 1) if target else None
        rows.append(Item6Row(ind.code, ind.name, ind.unit, ind.source, by_year, total, target, percent, other))
    return Item6Summary(plan.name, years, org, rows, _county_named_on(session, org, today))


def _target(session: Session, ind: Indicator, org: str) -> float | None:
    """The office's allocated target (分解目标) for the target year, else the plan's own for the county."""
    allocated = session.scalars(
        select(IndicatorTarget.value).where(
            IndicatorTarget.indicator_id == ind.id,
            IndicatorTarget.org_code == org,
            IndicatorTarget.deleted.is_(False),
            or_(IndicatorTarget.year.is_(None), IndicatorTarget.year == ind.target_year),
        )
    ).first()
    if allocated is not None:
        return allocated
    return ind.target if is_county(org) else None


def _county_named_on(session: Session, org: str, day: date) -> int:
    query = select(Studio).where(
        Studio.deleted.is_(False), Studio.level == COUNTY_LEVEL, org_filter(Studio.township_code, org)
    )
    return sum(
        counts_as_named(StatusDates(s.status, s.applied_on, s.named_on, s.reviewed_on, s.revoked_on), day)
        for s in session.scalars(query)
    )
