"""完成事项: the plan's qualitative tasks (target kind milestone), done or not, with the date and
the evidence (the document's title and number, a link, …).

An org unit records the tasks it is judged on (domain.progress.reported_by: the shipped ones are
the 县总工会's own); the county office may record them for a township (代录). Travels like
indicator values; the natural key is indicator + org unit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from zkdesk.domain import progress as rules
from zkdesk.domain.orgcodes import is_county
from zkdesk.domain.roles import Permission
from zkdesk.services import audit
from zkdesk.services.actor import Actor
from zkdesk.services.baselines import get_plan
from zkdesk.services.catalog import plan_indicators
from zkdesk.services.errors import UserError
from zkdesk.services.orgs import get_org, require_entry_for
from zkdesk.services.records import RecordChanged, check_revision
from zkdesk.store.models import Indicator, Milestone

MILESTONE_LABELS = {"done_on": "完成日期", "evidence": "完成依据"}

# indicator id -> org code -> (done on, evidence)
Milestones = dict[str, dict[str, tuple[date | None, str]]]


def is_milestone(ind: Indicator) -> bool:
    return rules.judged_as(ind.kind, ind.target_kind) == rules.MILESTONE


@dataclass(frozen=True)
class MilestoneRow:
    indicator_id: str
    code: str
    name: str
    quote: str
    target_year: int
    done_on: date | None
    evidence: str
    changed_by: str
    revision: int = 0


@dataclass(frozen=True)
class MilestoneSheet:
    plan_id: str
    org_code: str
    editable: bool
    rows: list[MilestoneRow]


@dataclass(frozen=True)
class MilestoneEntry:
    indicator_id: str
    done_on: date | None = None
    evidence: str = ""
    seen_revision: int | None = None  # MilestoneRow.revision as shown; None: not checked


def stored_milestones(session: Session, indicator_ids) -> Milestones:
    ids = list(indicator_ids)
    found: Milestones = {}
    if ids:
        for row in session.scalars(select(Milestone).where(Milestone.indicator_id.in_(ids),
                                                           Milestone.deleted.is_(False))):
            found.setdefault(row.indicator_id, {})[row.org_code] = (row.done_on, row.evidence)
    return found


def _stored(session: Session, indicator_ids, org_code: str) -> dict[str, Milestone]:
    ids = list(indicator_ids)
    if not ids:
        return {}
    return {m.indicator_id: m for m in session.scalars(select(Milestone).where(
        Milestone.indicator_id.in_(ids), Milestone.org_code == org_code))}


def _tasks(session: Session, plan_id: str, org_code: str) -> list[Indicator]:
    return [i for i in plan_indicators(session, plan_id)
            if is_milestone(i) and rules.reported_by(i.level, is_county(org_code))]


def milestone_sheet(session: Session, actor: Actor, plan_id: str, org_code: str) -> MilestoneSheet:
    actor.require(Permission.VIEW)
    get_plan(session, plan_id)
    get_org(session, org_code)
    actor.require_scope(org_code)
    tasks = _tasks(session, plan_id, org_code)
    stored = _stored(session, [i.id for i in tasks], org_code)
    editable = actor.can(Permission.EDIT)
    if editable:
        try:
            require_entry_for(actor, org_code)
        except UserError:
            editable = False
    rows = []
    for ind in tasks:
        m = stored.get(ind.id)
        live = m is not None and not m.deleted
        rows.append(MilestoneRow(ind.id, ind.code, ind.name, ind.quote, ind.target_year,
                                 m.done_on if live else None, m.evidence if live else "",
                                 m.changed_by if live else "", m.revision if live else 0))
    return MilestoneSheet(plan_id, org_code, editable, rows)


def save_milestones(session: Session, actor: Actor, plan_id: str, org_code: str, entries: list[MilestoneEntry],
                    today: date | None = None) -> int:
    """Record which tasks are done, when and on what evidence; all or nothing. An entry without
    a date and evidence clears the task. Returns how many changed."""
    actor.require(Permission.EDIT)
    get_plan(session, plan_id)
    get_org(session, org_code)
    require_entry_for(actor, org_code)
    today = today or date.today()
    tasks = {i.id: i for i in _tasks(session, plan_id, org_code)}
    problems = []
    for e in entries:
        ind = tasks.get(e.indicator_id)
        if ind is None:
            raise UserError("要保存的事项不是本单位的完成事项")
        if e.done_on is not None and e.done_on > today:
            problems.append(f"{ind.code} {ind.name}：完成日期不能晚于今天")
        if e.done_on is not None and not e.evidence.strip():
            problems.append(f"{ind.code} {ind.name}：请填写完成依据（文件名称和文号等）")
    if problems:
        raise UserError("以下完成事项有错误，未保存：\n" + "\n".join(problems))
    stored = _stored(session, [e.indicator_id for e in entries], org_code)
    changed = 0
    for e in entries:
        ind, row = tasks[e.indicator_id], stored.get(e.indicator_id)
        label = f"完成事项 {ind.code}"
        if e.seen_revision is not None:
            current = row.revision if row is not None and not row.deleted else 0
            if current != e.seen_revision:
                if row is None:
                    raise RecordChanged("milestone", "", label, e.seen_revision, current, ())
                check_revision(session, _AtRevision(row, current), e.seen_revision, "milestone", label,
                               MILESTONE_LABELS)
        old = None if row is None or row.deleted else {"done_on": row.done_on, "evidence": row.evidence}
        evidence = e.evidence.strip()
        new = None if e.done_on is None and not evidence else {"done_on": e.done_on, "evidence": evidence}
        if old == new:
            continue
        if new is None:
            row.deleted, row.done_on, row.evidence = True, None, ""
        else:
            if row is None:
                row = Milestone(origin=org_code, indicator_id=ind.id, org_code=org_code)
                session.add(row)
            row.deleted, row.done_on, row.evidence = False, new["done_on"], new["evidence"]
        row.changed_by = actor.username
        session.flush()
        text = lambda v: None if v is None else {k: str(x) if x is not None else None for k, x in v.items()}  # noqa: E731
        audit.record(session, actor.username, "delete" if new is None else ("create" if old is None else "update"),
                     "milestone", row.id, {"old": text(old), "new": text(new), "org": org_code, "indicator": ind.code})
        changed += 1
    return changed


@dataclass(frozen=True)
class _AtRevision:
    row: Milestone
    revision: int

    @property
    def id(self) -> str:
        return self.row.id
