"""报送情况: at the county, per township, what has arrived — the last package (number, when made,
when received, what it did), packages missing in the numbering, records received in all,
conflicts still open, and per year whether the township's indicator values are all in."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zkdesk.domain.orgcodes import is_county
from zkdesk.domain.progress import reported_by
from zkdesk.domain.roles import Permission
from zkdesk.exchange.export import townships
from zkdesk.services.actor import Actor
from zkdesk.services.errors import UserError
from zkdesk.store.models import ExchangeLogEntry, Indicator, IndicatorValue, Plan
from zkdesk.store.models.exchange import ExchangeConflict, ExchangeInbound


@dataclass(frozen=True)
class YearFill:
    filled: int  # indicator values entered (and complete)
    expected: int  # indicators the township reports that year

    @property
    def complete(self) -> bool:
        return self.expected > 0 and self.filled >= self.expected

    @property
    def text(self) -> str:
        if self.expected == 0:
            return "—"
        return "齐全" if self.complete else f"{self.filled}/{self.expected}"


@dataclass(frozen=True)
class Submission:
    code: str
    name: str
    last_sequence: int | None
    last_created: datetime | None  # when the township wrote it
    last_received: datetime | None  # when it was imported here
    last_counts: dict  # new, updated, conflicts, rejected of the last import
    gaps: tuple[int, ...]  # package numbers missing below the highest received
    packages: int  # packages received
    records: int  # records added or updated by them, in all
    open_conflicts: int
    years: dict[int, YearFill] = field(default_factory=dict)

    @property
    def gap_text(self) -> str:
        if not self.gaps:
            return ""
        shown = "、".join(str(n) for n in self.gaps[:5]) + ("等" if len(self.gaps) > 5 else "")
        return f"缺第{shown}号"

    @property
    def last_text(self) -> str:
        if self.last_sequence is None:
            return "尚未收到"
        c = self.last_counts
        return (f"新增{c.get('new', 0)} 更新{c.get('updated', 0)} 冲突{c.get('conflicts', 0)} "
                f"拒收{c.get('rejected', 0)}")

    def to_json(self) -> dict:
        return {
            "code": self.code, "name": self.name, "last_sequence": self.last_sequence,
            "last_created": self.last_created.isoformat() if self.last_created else None,
            "last_received": self.last_received.isoformat() if self.last_received else None,
            "last_counts": self.last_counts, "gaps": list(self.gaps), "packages": self.packages,
            "records": self.records, "open_conflicts": self.open_conflicts,
            "years": {str(y): {"filled": f.filled, "expected": f.expected, "complete": f.complete}
                      for y, f in self.years.items()},
        }


def _years(session: Session, up_to: int) -> list[int]:
    spans = session.execute(select(func.min(Plan.start_year), func.max(Plan.end_year)).where(
        Plan.status == "active", Plan.deleted.is_(False))).one()
    if spans[0] is None:
        return []
    return list(range(spans[0], min(spans[1], up_to) + 1))


def submissions(session: Session, actor: Actor, up_to_year: int) -> list[Submission]:
    """One row per township (the county office only)."""
    actor.require(Permission.VIEW)
    if not is_county(actor.office_code):
        raise UserError("报送情况只在县总工会查看")
    towns = sorted(townships(session), key=lambda u: u.code)
    years = _years(session, up_to_year)
    inbound: dict[str, list[ExchangeInbound]] = {}
    for r in session.scalars(select(ExchangeInbound).order_by(ExchangeInbound.sequence, ExchangeInbound.id)):
        inbound.setdefault(r.peer_code, []).append(r)
    logs: dict[str, list[ExchangeLogEntry]] = {}
    for e in session.scalars(select(ExchangeLogEntry).where(ExchangeLogEntry.direction == "in",
                                                            ExchangeLogEntry.status == "applied")
                             .order_by(ExchangeLogEntry.id)):
        logs.setdefault(e.peer_code, []).append(e)
    open_conflicts = dict(session.execute(select(ExchangeConflict.peer_code, func.count()).where(
        ExchangeConflict.status == "open").group_by(ExchangeConflict.peer_code)).all())

    indicators = session.execute(select(Indicator.id, Indicator.level).join(Plan, Plan.id == Indicator.plan_id).where(
        Plan.status == "active", Plan.deleted.is_(False), Indicator.deleted.is_(False), Indicator.source == "")).all()
    reported = {i for i, level in indicators if reported_by(level, False)}
    filled: dict[tuple[str, int], int] = {}
    if years and reported:
        rows = session.execute(select(IndicatorValue.org_code, IndicatorValue.year, IndicatorValue.indicator_id).where(
            IndicatorValue.deleted.is_(False), IndicatorValue.complete.is_(True),
            IndicatorValue.year.between(years[0], years[-1])))
        for org, year, ind in rows:
            if ind in reported:
                filled[(org, year)] = filled.get((org, year), 0) + 1

    out = []
    for town in towns:
        received = inbound.get(town.code, [])
        seqs = {r.sequence for r in received}
        last = max(received, key=lambda r: (r.sequence, r.id)) if received else None
        entries = logs.get(town.code, [])
        summaries = [json.loads(e.summary or "{}") for e in entries]
        last_counts = {}
        if last is not None:
            for e, s in zip(reversed(entries), reversed(summaries), strict=True):
                if e.sequence == last.sequence:
                    last_counts = {k: s.get(k, 0) for k in ("new", "updated", "unchanged", "conflicts", "rejected")}
                    break
        out.append(Submission(
            code=town.code, name=town.short_name, last_sequence=last.sequence if last else None,
            last_created=last.created if last else None, last_received=last.imported_at if last else None,
            last_counts=last_counts,
            gaps=tuple(sorted(set(range(1, max(seqs) + 1)) - seqs)) if seqs else (),
            packages=len(seqs), records=sum(s.get("new", 0) + s.get("updated", 0) for s in summaries),
            open_conflicts=open_conflicts.get(town.code, 0),
            years={y: YearFill(filled.get((town.code, y), 0), len(reported)) for y in years},
        ))
    return out
