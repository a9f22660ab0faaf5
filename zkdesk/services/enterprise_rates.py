"""The plan indicators computed from the enterprise register (items 4, 13, 14), for one org
unit and year: what the enterprise page shows beside its lists."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from zkdesk.domain.roles import Permission
from zkdesk.services.actor import Actor
from zkdesk.services.catalog import current_plan, plan_indicators
from zkdesk.services.derived import Derived, Registers, derive

SOURCE_PREFIXES = ("enterprises.", "contracts.")


@dataclass(frozen=True)
class RateLine:
    code: str  # the plan's indicator code, e.g. "14.2"
    name: str
    source: str
    target: float | None
    comparator: str
    derived: Derived


def enterprise_rates(session: Session, actor: Actor, org_code: str, year: int) -> list[RateLine]:
    actor.require(Permission.VIEW)
    plan = current_plan(session, year)
    if plan is None:
        return []
    lines, registers = [], Registers(session)
    for ind in plan_indicators(session, plan.id):
        if not ind.source.startswith(SOURCE_PREFIXES):
            continue
        result = derive(registers, ind.source, org_code, year)
        if result is not None:
            lines.append(RateLine(ind.code, ind.name, ind.source, ind.target, ind.comparator, result))
    return lines
