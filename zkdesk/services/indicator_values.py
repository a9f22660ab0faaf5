"""Entering indicator values: the sheet of one org unit and year, and saving a batch of it.

A save is one transaction: any hard error refuses the whole batch, naming the indicator.
A value with an unexplained warning is saved with complete=False. Derived indicators are
never typed, except where the register covers only part of the total (`services.derived.partial_of`):
there the value typed is the other part (其他), and the sheet shows the register's part beside it.
Locked years are refused. Who changed a value last and when is kept on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from zkdesk.domain import progress as rules
from zkdesk.domain.indicator_checks import Checked, History, Issue, check_entry
from zkdesk.domain.orgcodes import is_county
from zkdesk.domain.roles import Permission
from zkdesk.services import audit
from zkdesk.services.actor import Actor
from zkdesk.services.catalog import plan_indicators
from zkdesk.services.derived import own_scope, partial_of
from zkdesk.services.errors import UserError
from zkdesk.services.indicator_series import DERIVED_NOTE, DerivedCache, live_values, stored_amount
from zkdesk.services.milestones import is_milestone
from zkdesk.services.orgs import get_org, require_entry_for, townships
from zkdesk.services.plans import plan_item_titles
from zkdesk.services.progress import check_year, get_plan, progress_and_own_parts
from zkdesk.services.records import RecordChanged, check_revision
from zkdesk.services.year_locks import active_lock, require_unlocked
from zkdesk.store.models import Indicator, IndicatorValue


@dataclass(frozen=True)
class ValueEntry:
    """One typed row. Numbers may be text as typed; `total` is a cumulative indicator's
    running total typed instead of the year's own count."""

    indicator_id: str
    value: str | float | None = None
    numerator: str | float | None = None
    denominator: str | float | None = None
    note: str = ""
    total: str | float | None = None
    # SheetRow.revision as the grid showed it (0: no value yet); None: not checked (imports)
    seen_revision: int | None = None


@dataclass(frozen=True)
class SheetRow:
    indicator_id: str
    code: str
    item: int
    name: str
    unit: str
    kind: str
    comparator: str
    numerator_label: str
    denominator_label: str
    derived: bool
    value: float | None
    numerator: float | None
    denominator: float | None
    total: float | None  # cumulative: running total up to and including the year
    note: str
    complete: bool
    changed_by: str
    updated_at: datetime | None
    target: float | None
    history: History
    revision: int = 0  # of the stored value; 0 when there is none: hand back as ValueEntry.seen_revision
    target_kind: str = ""  # how the target is judged (domain.progress.TARGET_KINDS)
    rule_words: str = ""  # the same, in the plan's words (domain.progress.rule_words)
    # a register covering part of the total (derived+entered): the register's part of the year, read
    # only, and what it and the typed part (value: 其他) are called; "" / None otherwise
    register_part: float | None = None
    register_label: str = ""
    other_label: str = ""
    register_note: str = ""  # what the register counts (the derivation's explanation)

    @property
    def partial(self) -> bool:
        return bool(self.register_label)


@dataclass(frozen=True)
class Sheet:
    plan_id: str
    org_code: str
    year: int
    rollup: bool  # the county's roll-up: read only
    editable: bool
    lock_note: str  # "" when not locked
    items: dict[int, str]  # plan item number -> title
    rows: list[SheetRow]


@dataclass(frozen=True)
class Problem:
    indicator_id: str
    code: str
    name: str
    issue: Issue

    def __str__(self) -> str:
        return f"{self.code} {self.name}：{self.issue.message}"


class ValuesRejected(UserError):
    """Hard errors in a batch: nothing was saved."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        lines = "\n".join(str(p) for p in problems[:10])
        more = f"\n……共{len(problems)}处" if len(problems) > 10 else ""
        super().__init__(f"以下数值有错误，未保存：\n{lines}{more}")


@dataclass
class SaveSummary:
    created: int = 0
    updated: int = 0
    cleared: int = 0
    unchanged: int = 0
    incomplete: list[str] = field(default_factory=list)  # codes saved with an unexplained warning


def value_history(kind: str, rows_by_year: dict[int, IndicatorValue], year: int, start_year: int) -> History:
    """The org unit's stored years of one indicator before `year`, as the checks compare them."""
    earlier = sorted(y for y in rows_by_year if y < year)
    amounts = {y: stored_amount(kind, rows_by_year[y]) for y in earlier}
    values = tuple(a.value for a in amounts.values() if a.value is not None)
    if kind == rules.RATE:
        with_rate = [y for y in earlier if amounts[y].value is not None]
        return History(
            values=values,
            denominators=tuple(a.denominator for a in amounts.values() if a.denominator is not None),
            previous_rate=amounts[with_rate[-1]].value if with_rate else None,
        )
    counted = [a.value for y, a in amounts.items() if y >= start_year and a.value is not None]
    return History(values=values, total_before=float(sum(counted)), years_before=len(counted))


def _org_rows(session: Session, indicators: list[Indicator], org_code: str) -> dict[str, dict[int, IndicatorValue]]:
    by_indicator: dict[str, dict[int, IndicatorValue]] = {}
    for row in live_values(session, [i.id for i in indicators], [org_code]):
        by_indicator.setdefault(row.indicator_id, {})[row.year] = row
    return by_indicator


def entry_sheet(session: Session, actor: Actor, plan_id: str, org_code: str, year: int, rollup: bool = False) -> Sheet:
    """The grid of one org unit and year. `rollup` (county only): the whole county, read only."""
    actor.require(Permission.VIEW)
    plan = get_plan(session, plan_id)
    check_year(plan, year)
    get_org(session, org_code)
    actor.require_scope(org_code)
    rollup = rollup and is_county(org_code)
    # 县本级 enters county tasks and a township its own: the roll-up shows every indicator
    indicators = [i for i in plan_indicators(session, plan_id)
                  if rollup or rules.reported_by(i.level, is_county(org_code))]
    derived = DerivedCache(session)  # the registers, read once for the progress and the rows
    progress_rows, own_figures = progress_and_own_parts(session, plan_id, org_code, year, derived)
    progress = {r.indicator_id: r for r in progress_rows}
    lock = None if rollup else active_lock(session, org_code, year)
    lock_note = f"已审核锁定（{lock.locked_by} {lock.locked_at:%Y-%m-%d}）" if lock and lock.locked_at else ("已审核锁定" if lock else "")
    editable = not rollup and lock is None and actor.can(Permission.EDIT)
    if editable:
        try:
            require_entry_for(actor, org_code)
        except UserError:
            editable = False
    own = _org_rows(session, indicators, org_code)
    year_sums = _year_sums(session, indicators, year) if rollup else {}
    rows = []
    for ind in indicators:
        if is_milestone(ind):
            continue  # a task done or not: 规划与目标 → 完成事项
        p = progress[ind.id]
        stored = own.get(ind.id, {}).get(year)
        history = value_history(ind.kind, own.get(ind.id, {}), year, plan.start_year)
        value = numerator = denominator = None
        note, complete, changed_by, updated_at, revision = "", True, "", None, 0
        part = partial_of(ind.source)
        register_part, register_note = None, ""
        if part is not None:
            # 县本级's sheet: the records attached to 县本级 alone, beside the 其他 it enters; the
            # roll-up: every township's too
            d = derived.get(ind.source, org_code if rollup else own_scope(org_code), year)
            register_part = d.value if d is not None else None
            register_note = d.explanation if d is not None else ""
        if ind.source and part is None:
            d = derived.get(ind.source, org_code, year)
            if d is not None:
                value, numerator, denominator = d.value, d.numerator, d.denominator
            note = DERIVED_NOTE + (f"：{d.explanation}" if d is not None and d.explanation else "")
        elif rollup:
            amount = year_sums.get(ind.id)
            if amount is not None:
                value, numerator, denominator = amount.value, amount.numerator, amount.denominator
            note = p.stray  # values entered where the indicator is not reported: shown, not counted
        elif stored is not None:
            value, numerator, denominator = stored.value, stored.numerator, stored.denominator
            note, complete, changed_by, updated_at = stored.note, stored.complete, stored.changed_by, stored.updated_at
            revision = stored.revision
        total = p.actual if ind.kind == rules.CUMULATIVE else None
        if part is not None and not rollup:  # the org unit's own parts to date (县本级: not the county's)
            own_total = own_figures.get(ind.id)
            total = own_total.value if own_total is not None and ind.kind == rules.CUMULATIVE else None
        # 县本级 is a part of the county: the county's count targets are not its own, but for a
        # county task, which 县本级 alone reports
        target = p.target if rollup or not is_county(org_code) or ind.kind == rules.RATE \
            or ind.level == rules.COUNTY_ONLY else None
        rows.append(SheetRow(
            indicator_id=ind.id, code=ind.code, item=ind.item, name=ind.name, unit=ind.unit, kind=ind.kind,
            comparator=ind.comparator, numerator_label=ind.numerator_label, denominator_label=ind.denominator_label,
            derived=bool(ind.source) and part is None, value=value, numerator=numerator, denominator=denominator,
            total=total, note=note, complete=complete, changed_by=changed_by, updated_at=updated_at, target=target,
            history=history, revision=revision, target_kind=p.target_kind, rule_words=p.rule_words,
            register_part=register_part,
            register_label=part.register_label if part else "", other_label=part.other_label if part else "",
            register_note=register_note,
        ))
    return Sheet(plan_id, org_code, year, rollup, editable, lock_note, plan_item_titles(session, plan_id), rows)


def _year_sums(session: Session, indicators: list[Indicator], year: int) -> dict[str, rules.Amount]:
    """The county's figures of one year: the org units that report each indicator (县本级 and
    every township, 县本级 alone for a county task, the townships alone for theirs), by the
    kind's rule; a value entered by another org unit is not counted."""
    kinds = {i.id: i.kind for i in indicators if not i.source or partial_of(i.source)}
    levels = {i.id: i.level for i in indicators}
    orgs = ["530924", *(t.code for t in townships(session))]
    grouped: dict[str, list[rules.Amount]] = {}
    for row in live_values(session, kinds, orgs, (year, year)):
        if not rules.reported_by(levels[row.indicator_id], is_county(row.org_code)):
            continue
        grouped.setdefault(row.indicator_id, []).append(stored_amount(kinds[row.indicator_id], row))
    return {ind_id: rules.combine_orgs(kinds[ind_id], amounts) for ind_id, amounts in grouped.items()}


def _same(row: IndicatorValue, checked: Checked) -> bool:
    return (row.value, row.numerator, row.denominator, row.note or "", row.complete) == (
        checked.value, checked.numerator, checked.denominator, checked.note, checked.complete)


def _snapshot(row: IndicatorValue | None) -> dict | None:
    if row is None or row.deleted:
        return None
    return {"value": row.value, "numerator": row.numerator, "denominator": row.denominator,
            "note": row.note, "complete": row.complete}


def check_batch(session: Session, plan_id: str, org_code: str, year: int,
                entries: list[ValueEntry]) -> tuple[dict[str, Checked], list[Problem]]:
    """Check every entry against the org unit's earlier years; nothing is written."""
    plan = get_plan(session, plan_id)
    indicators = {i.id: i for i in plan_indicators(session, plan_id)}
    own = _org_rows(session, list(indicators.values()), org_code)
    checked: dict[str, Checked] = {}
    problems: list[Problem] = []
    for entry in entries:
        ind = indicators.get(entry.indicator_id)
        if ind is None:
            raise UserError("要保存的指标不属于该规划")
        if is_milestone(ind):
            raise UserError(f"{ind.code} {ind.name}是完成事项，请在“规划与目标”的“完成事项”中填写完成日期和依据")
        refusal = "" if ind.source and not partial_of(ind.source) else level_problem(ind, org_code)  # a derived one is never typed: said below
        if refusal:
            if not _blank(entry):  # an empty cell of it asks for nothing: left as it is
                problems.append(Problem(ind.id, ind.code, ind.name, Issue("error", "value", refusal)))
            continue
        result = check_value(ind, entry, value_history(ind.kind, own.get(ind.id, {}), year, plan.start_year))
        problems.extend(Problem(ind.id, ind.code, ind.name, i) for i in result.errors)
        if not ind.source or partial_of(ind.source):
            checked[ind.id] = result
    return checked, problems


def level_problem(ind: Indicator, org_code: str) -> str:
    """Why `org_code` may not enter a value of the indicator, "" when it may: a county task
    (county_only) is entered by 县本级 alone, a township task by the townships alone. The grid's
    save, the Excel import and a package's values are refused alike."""
    return rules.level_refusal(ind.level, is_county(org_code))


def _blank(entry: ValueEntry) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip())
               for v in (entry.value, entry.numerator, entry.denominator, entry.total, entry.note))


def check_value(ind: Indicator, entry: ValueEntry, history: History) -> Checked:
    """One entry checked in two levels (domain/indicator_checks.py); a derived indicator is
    never typed, but for the other part (其他) of one whose register covers only part of it.
    The grid's save and the Excel import both check this way."""
    if ind.source and partial_of(ind.source) is None:
        return Checked(None, None, None, (Issue("error", "value", f"{DERIVED_NOTE}，不能手工录入"),))
    return check_entry(ind.kind, ind.unit, entry.value, entry.numerator, entry.denominator,
                       (entry.note or "").strip(), history, entry.total)


def _check_revisions(session: Session, entries: list[ValueEntry], existing: dict[str, IndicatorValue],
                     codes: dict[str, str]) -> None:
    """A value saved by someone else since the grid was loaded refuses the whole batch."""
    for entry in entries:
        if entry.seen_revision is None:
            continue
        row = existing.get(entry.indicator_id)
        current = row.revision if row is not None and not row.deleted else 0
        if current != entry.seen_revision:
            label = f"指标 {codes.get(entry.indicator_id, '')} 的数值"
            if row is None:
                raise RecordChanged("indicator_value", "", label, entry.seen_revision, current, ())
            check_revision(session, _AtRevision(row, current), entry.seen_revision, "indicator_value", label, VALUE_LABELS)


@dataclass(frozen=True)
class _AtRevision:
    """A stored value as the grid sees it: a tombstone counts as no value (revision 0)."""

    row: IndicatorValue
    revision: int

    @property
    def id(self) -> str:
        return self.row.id


VALUE_LABELS = {"value": "数值", "numerator": "分子", "denominator": "分母", "note": "说明", "complete": "完整"}


def save_values(session: Session, actor: Actor, plan_id: str, org_code: str, year: int,
                entries: list[ValueEntry]) -> SaveSummary:
    """Save a batch of one org unit and year in the caller's transaction, or nothing."""
    actor.require(Permission.EDIT)
    plan = get_plan(session, plan_id)
    check_year(plan, year)
    get_org(session, org_code)
    require_entry_for(actor, org_code)
    require_unlocked(session, org_code, year)
    checked, problems = check_batch(session, plan_id, org_code, year, entries)
    if problems:
        raise ValuesRejected(problems)
    existing = {
        row.indicator_id: row
        for row in session.scalars(select(IndicatorValue).where(
            IndicatorValue.indicator_id.in_(list(checked)), IndicatorValue.org_code == org_code,
            IndicatorValue.year == year))
    }
    summary = SaveSummary()
    codes = {i.id: i.code for i in plan_indicators(session, plan_id)}
    _check_revisions(session, entries, existing, codes)
    for ind_id, result in checked.items():
        row = existing.get(ind_id)
        empty = result.blank and not result.note
        if empty:
            if row is None or row.deleted:
                summary.unchanged += 1
                continue
            old = _snapshot(row)
            row.deleted, row.value, row.numerator, row.denominator, row.note = True, None, None, None, ""
            row.complete, row.changed_by = True, actor.username
            session.flush()
            audit.record(session, actor.username, "delete", "indicator_value", row.id,
                         {"old": old, "new": None, "org": org_code, "year": year, "indicator": codes[ind_id]})
            summary.cleared += 1
            continue
        if row is not None and not row.deleted and _same(row, result):
            summary.unchanged += 1
            continue
        old = _snapshot(row)
        if row is None:
            row = IndicatorValue(origin=org_code, indicator_id=ind_id, org_code=org_code, year=year)
            session.add(row)
            summary.created += 1
        else:
            summary.created += 1 if row.deleted else 0
            summary.updated += 0 if row.deleted else 1
        row.deleted = False
        row.value, row.numerator, row.denominator = result.value, result.numerator, result.denominator
        row.note, row.complete, row.changed_by = result.note, result.complete, actor.username
        session.flush()
        audit.record(session, actor.username, "create" if old is None else "update", "indicator_value", row.id,
                     {"old": old, "new": _snapshot(row), "org": org_code, "year": year, "indicator": codes[ind_id]})
        if not result.complete:
            summary.incomplete.append(codes[ind_id])
    return summary
