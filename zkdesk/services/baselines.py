"""Baselines (基期数): each org unit's figure of an indicator in the year before the plan
(2020 for 十四五), entered in 规划与目标 and carried in packages like indicator values.

A baseline is where a rate's or a stock's target path starts, and what a growth target
(比2020年增加) is measured against. Only indicators measured as a level have one: rates and
stocks (a cumulative count starts from 0, a yearly one stands alone), and the per-term shares
(12.x): for them the baseline is the previous term's (届) share and number, elected before the
plan. An org unit enters
the baselines of the indicators it reports (domain.progress.reported_by); the county office
may enter them for a township (代录, as with values). Rates keep numerator and denominator, so
that the county's baseline is Σnum/Σden of its parts, as its figures are.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from zkdesk.domain import progress as rules
from zkdesk.domain.indicator_checks import History, check_entry
from zkdesk.domain.orgcodes import is_county
from zkdesk.domain.roles import Permission
from zkdesk.services import audit
from zkdesk.services.actor import Actor
from zkdesk.services.catalog import plan_indicators
from zkdesk.services.errors import UserError
from zkdesk.services.orgs import get_org, require_entry_for
from zkdesk.services.records import RecordChanged, check_revision, live_record
from zkdesk.store.models import Indicator, IndicatorBaseline, IndicatorValue, Plan

# indicator id -> org code -> Amount
Baselines = dict[str, dict[str, rules.Amount]]

BASELINE_LABELS = {"value": "基期数", "numerator": "分子", "denominator": "分母", "note": "说明"}


def get_plan(session: Session, plan_id: str) -> Plan:
    return live_record(session, Plan, plan_id, "找不到该规划")


def has_baseline(ind: Indicator) -> bool:
    """Whether the indicator's target is judged from a baseline: a level (rate or stock), or a
    per-term share whose previous term (届) was elected before the plan; never a task."""
    kind = rules.judged_as(ind.kind, ind.target_kind)
    if kind == rules.PER_TERM:
        return _term_before_plan(ind) is not None
    return ind.kind in (rules.RATE, rules.STOCK) and kind != rules.MILESTONE


def _term_before_plan(ind: Indicator) -> rules.Term | None:
    """The last term elected before the plan (its figure is the baseline), if any."""
    before = [t for t in rules.terms_of(ind.terms) if t.year < ind.plan.start_year]
    return before[-1] if before else None


def baseline_label(ind: Indicator) -> str:
    """What the baseline of the indicator is: 2020年, or 上一届（2016年）."""
    term = _term_before_plan(ind) if rules.judged_as(ind.kind, ind.target_kind) == rules.PER_TERM else None
    return term.title if term is not None else f"{baseline_year(ind.plan.start_year)}年"


def baseline_year(start_year: int) -> int:
    return start_year - 1


@dataclass(frozen=True)
class BaselineRow:
    indicator_id: str
    code: str
    name: str
    unit: str
    kind: str
    target_kind: str
    label: str  # what the baseline is: 2020年, 上一届（2016年）
    numerator_label: str
    denominator_label: str
    value: float | None
    numerator: float | None
    denominator: float | None
    note: str
    changed_by: str
    revision: int = 0  # of the stored baseline; 0 when there is none
    carried: str = ""  # when nothing is entered and the figures shown carry over: 由十四五2025年终值带入


@dataclass(frozen=True)
class BaselineSheet:
    plan_id: str
    org_code: str
    year: int  # the baseline year (2020 for 十四五)
    editable: bool
    rows: list[BaselineRow]


@dataclass(frozen=True)
class BaselineEntry:
    indicator_id: str
    value: str | float | None = None
    numerator: str | float | None = None
    denominator: str | float | None = None
    note: str = ""
    seen_revision: int | None = None  # BaselineRow.revision as shown; None: not checked


def stored_baselines(session: Session, indicator_ids, org_codes=None, derived=None) -> Baselines:
    """Every live baseline of the indicators (of the org units), as Amounts: the one entered,
    else the figure carried over from the previous plan (`carried_baselines`; `derived`: the
    request's DerivedCache, so the registers are read once)."""
    ids = list(indicator_ids)
    found: Baselines = defaultdict(dict)
    if not ids:
        return found
    found.update(entered_baselines(session, ids, org_codes))
    for indicator_id, by_org in carried_baselines(session, ids, org_codes, derived).items():
        for org_code, amount in by_org.items():
            entered = found[indicator_id].get(org_code)
            if entered is None or entered.value is None:  # a note alone is no figure
                found[indicator_id][org_code] = amount
    return found


def entered_baselines(session: Session, indicator_ids, org_codes=None) -> Baselines:
    """The baselines entered in 规划与目标 (or taken from packages), without the carried ones."""
    found: Baselines = defaultdict(dict)
    ids = list(indicator_ids)
    if not ids:
        return found
    query = select(IndicatorBaseline).where(IndicatorBaseline.indicator_id.in_(ids),
                                            IndicatorBaseline.deleted.is_(False))
    if org_codes is not None:
        query = query.where(IndicatorBaseline.org_code.in_(list(org_codes)))
    for row in session.scalars(query):
        found[row.indicator_id][row.org_code] = rules.Amount(row.value, row.numerator, row.denominator)
    return found


def previous_plan(session: Session, plan: Plan) -> Plan | None:
    """The plan that ended the year before `plan` starts (十四五 for 十五五), if there is one."""
    return session.scalars(select(Plan).where(Plan.deleted.is_(False), Plan.end_year == plan.start_year - 1)
                           .order_by(Plan.code)).first()


CARRIED_NOTE = "由{plan}{year}年终值带入"


def carried_from(session: Session, plan: Plan) -> tuple[str, int] | None:
    """(the previous plan's short name, its last year) when `plan`'s baselines carry over from one."""
    before = previous_plan(session, plan)
    return (before.short_name, before.end_year) if before is not None else None


def _carried_years(ind: Indicator, before: Plan) -> range:
    """The previous plan's years whose latest figure becomes `ind`'s baseline, as progress reads
    its final figure (domain.progress.over_years): a rate's last year (2025) alone; a stock's
    latest figure in the plan; for a per-term share, the term before the new plan (elected in
    the old one) up to its end, as the term's own figure is read (progress.term_amount)."""
    end = before.end_year
    if rules.judged_as(ind.kind, ind.target_kind) == rules.PER_TERM:
        return range(min(_term_before_plan(ind).year, end), end + 1)
    if ind.kind == rules.STOCK:
        return range(before.start_year, end + 1)
    return range(end, end + 1)


def carried_baselines(session: Session, indicator_ids, org_codes=None, derived=None) -> Baselines:
    """The baselines a plan inherits from the one before it (十五五 from 十四五), under the same
    indicator code and kind: each org unit's final figure of the previous plan — the value entered
    for its last year (2025), or for an indicator computed from the registers (derived) that
    year's figure from them; for a per-term share, its previous term's latest figure. An entered
    baseline overrides the carried one."""
    from zkdesk.domain.orgcodes import COUNTY_CODE
    from zkdesk.services.indicator_series import DerivedCache
    from zkdesk.services.orgs import townships

    indicators = [i for i in session.scalars(select(Indicator).where(Indicator.id.in_(list(indicator_ids))))
                  if has_baseline(i)]
    found: Baselines = defaultdict(dict)
    by_plan: dict[str, list[Indicator]] = defaultdict(list)
    for ind in indicators:
        by_plan[ind.plan_id].append(ind)
    for plan_id, inds in by_plan.items():
        plan = session.get(Plan, plan_id)
        before = previous_plan(session, plan) if plan is not None else None
        if before is None:
            continue
        olds = {(i.code, i.kind): i for i in session.scalars(select(Indicator).where(
            Indicator.plan_id == before.id, Indicator.deleted.is_(False)))}
        pairs = {ind.id: olds[(ind.code, ind.kind)] for ind in inds if (ind.code, ind.kind) in olds}
        if not pairs:
            continue
        years = {ind.id: _carried_years(ind, before) for ind in inds if ind.id in pairs}
        entered = {new_id: old for new_id, old in pairs.items() if not old.source}
        if entered:
            first = min(years[i].start for i in entered)
            query = select(IndicatorValue).where(
                IndicatorValue.indicator_id.in_([o.id for o in entered.values()]),
                IndicatorValue.year.between(first, before.end_year), IndicatorValue.deleted.is_(False))
            if org_codes is not None:
                query = query.where(IndicatorValue.org_code.in_(list(org_codes)))
            new_of = {old.id: new_id for new_id, old in entered.items()}
            latest: dict[tuple[str, str], int] = {}
            for row in session.scalars(query):
                new_id = new_of[row.indicator_id]
                key = (new_id, row.org_code)
                if row.value is None or row.year not in years[new_id] or latest.get(key, 0) > row.year:
                    continue
                latest[key] = row.year
                found[new_id][row.org_code] = rules.Amount(row.value, row.numerator, row.denominator)
        computed = {new_id: old for new_id, old in pairs.items() if old.source}
        if computed:
            cache = derived if derived is not None else DerivedCache(session)
            orgs = list(org_codes) if org_codes is not None else [COUNTY_CODE, *(t.code for t in townships(session))]
            for new_id, old in computed.items():
                for org_code in orgs:
                    series = cache.amounts(old.source, org_code, years[new_id])
                    have = [y for y, a in series.items() if a.value is not None]
                    if have:
                        found[new_id][org_code] = series[max(have)]
    return found


def _entered_by(ind: Indicator, org_code: str) -> bool:
    return has_baseline(ind) and rules.reported_by(ind.level, is_county(org_code))


def _stored(session: Session, indicator_ids, org_code: str) -> dict[str, IndicatorBaseline]:
    ids = list(indicator_ids)
    if not ids:
        return {}
    return {row.indicator_id: row for row in session.scalars(select(IndicatorBaseline).where(
        IndicatorBaseline.indicator_id.in_(ids), IndicatorBaseline.org_code == org_code))}


def baseline_sheet(session: Session, actor: Actor, plan_id: str, org_code: str) -> BaselineSheet:
    """The baselines one org unit enters: the plan's rates and stocks it reports."""
    actor.require(Permission.VIEW)
    plan = get_plan(session, plan_id)
    get_org(session, org_code)
    actor.require_scope(org_code)
    indicators = [i for i in plan_indicators(session, plan_id) if _entered_by(i, org_code)]
    stored = _stored(session, [i.id for i in indicators], org_code)
    editable = actor.can(Permission.EDIT)
    if editable:
        try:
            require_entry_for(actor, org_code)
        except UserError:
            editable = False
    carried = carried_baselines(session, [i.id for i in indicators], [org_code])
    source = carried_from(session, plan)
    note = CARRIED_NOTE.format(plan=source[0], year=source[1]) if source else ""
    rows = []
    for ind in indicators:
        row = stored.get(ind.id)
        live = row is not None and not row.deleted
        inherited = None if live else carried.get(ind.id, {}).get(org_code)
        shown = (rules.Amount(row.value, row.numerator, row.denominator) if live
                 else inherited or rules.Amount(None, None, None))
        rows.append(BaselineRow(
            indicator_id=ind.id, code=ind.code, name=ind.name, unit=ind.unit, kind=ind.kind,
            target_kind=rules.judged_as(ind.kind, ind.target_kind), label=baseline_label(ind),
            numerator_label=ind.numerator_label,
            denominator_label=ind.denominator_label,
            value=shown.value, numerator=shown.numerator, denominator=shown.denominator,
            note=row.note if live else "",
            changed_by=row.changed_by if live else "", revision=row.revision if live else 0,
            carried=note if inherited is not None else "",
        ))
    return BaselineSheet(plan_id, org_code, baseline_year(plan.start_year), editable, rows)


def _snapshot(row: IndicatorBaseline | None) -> dict | None:
    if row is None or row.deleted:
        return None
    return {"value": row.value, "numerator": row.numerator, "denominator": row.denominator, "note": row.note}


def save_baselines(session: Session, actor: Actor, plan_id: str, org_code: str,
                   entries: list[BaselineEntry]) -> int:
    """Save one org unit's baselines in the caller's transaction, or nothing: any error refuses
    the whole batch, naming the indicator. A blank entry removes the baseline. Returns how many
    changed."""
    actor.require(Permission.EDIT)
    plan = get_plan(session, plan_id)
    get_org(session, org_code)
    require_entry_for(actor, org_code)
    indicators = {i.id: i for i in plan_indicators(session, plan_id)}
    year = baseline_year(plan.start_year)
    checked = {}
    problems: list[str] = []
    for entry in entries:
        ind = indicators.get(entry.indicator_id)
        if ind is None:
            raise UserError("要保存的指标不属于该规划")
        if not _entered_by(ind, org_code):
            what = "该指标没有基期数（累计、每年或完成事项）" if not has_baseline(ind) else \
                f"该指标由{rules.LEVEL_LABELS[ind.level]}填报"
            raise UserError(f"{ind.code} {ind.name}：{what}")
        result = check_entry(ind.kind, ind.unit, entry.value, entry.numerator, entry.denominator,
                             (entry.note or "").strip(), History())
        problems.extend(f"{ind.code} {ind.name}：{i.message}" for i in result.errors)
        checked[ind.id] = (entry, result)
    if problems:
        lines = "\n".join(problems[:10])
        raise UserError(f"以下{year}年基期数有错误，未保存：\n{lines}")
    stored = _stored(session, list(checked), org_code)
    changed = 0
    for ind_id, (entry, result) in checked.items():
        ind, row = indicators[ind_id], stored.get(ind_id)
        if entry.seen_revision is not None:
            current = row.revision if row is not None and not row.deleted else 0
            if current != entry.seen_revision:
                label = f"指标 {ind.code} 的{year}年基期数"
                if row is None:
                    raise RecordChanged("indicator_baseline", "", label, entry.seen_revision, current, ())
                check_revision(session, _AtRevision(row, current), entry.seen_revision, "indicator_baseline",
                               label, BASELINE_LABELS)
        old = _snapshot(row)
        new = None if result.blank and not result.note else {
            "value": result.value, "numerator": result.numerator, "denominator": result.denominator,
            "note": result.note}
        if old == new:
            continue
        if new is None:
            row.deleted, row.value, row.numerator, row.denominator, row.note = True, None, None, None, ""
        else:
            if row is None:
                row = IndicatorBaseline(origin=org_code, indicator_id=ind_id, org_code=org_code)
                session.add(row)
            row.deleted = False
            row.value, row.numerator, row.denominator, row.note = (new["value"], new["numerator"],
                                                                   new["denominator"], new["note"])
        row.changed_by = actor.username
        session.flush()
        audit.record(session, actor.username, "delete" if new is None else ("create" if old is None else "update"),
                     "indicator_baseline", row.id,
                     {"old": old, "new": new, "org": org_code, "year": year, "indicator": ind.code})
        changed += 1
    return changed


@dataclass(frozen=True)
class _AtRevision:
    """A stored baseline as the sheet sees it: a tombstone counts as none (revision 0)."""

    row: IndicatorBaseline
    revision: int

    @property
    def id(self) -> str:
        return self.row.id

