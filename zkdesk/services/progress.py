"""Progress against the plan's targets, for one org unit or every township. A contract other
features (printed forms, exchange summaries, the CLI) build on: keep ProgressRow's fields.

Actuals: see domain/progress.py for the kinds. The county's actual (530924) is its own
县本级 values plus every township's, rolled up by the kind's rule (rates Σnum/Σden).
Indicators with a `source` key are never typed: their figures come from
`services.derived.derive`; until a register provides one they have no data. Where the register
covers only part of the total (`services.derived.partial_of`: 06.x, the studios' results) the
figure is the register's part plus the part typed as the indicator's value (其他), each rolled up
by the kind's rule; the row names both (`derived_part`, `entered_part`, source "derived+entered").

Targets: the plan's targets are county targets. A township's target is the one the county
allocated to it (IndicatorTarget; a year-specific allocation wins over the plan-period one);
without one, a rate's target applies to each township as it is, while a count has no
township target (target None, status 无数据: nothing to judge against; the screens say 无目标).
Not-below-last targets are the org unit's own latest earlier year.

Baselines (services/baselines.py): an org unit's figure in the year before the plan. A rate's or
a stock's path starts there; a growth target (比基期增加) is judged on the figure less the
baseline, org unit by org unit (the county's growth is the sum of its parts' growths, and its
baseline the roll-up of theirs, as its figures are).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zkdesk.domain import progress as rules
from zkdesk.domain.orgcodes import COUNTY_CODE, is_county
from zkdesk.domain.progress import Amount
from zkdesk.services.baselines import has_baseline, stored_baselines
from zkdesk.services.catalog import indicator_responsible, item_responsible, plan_duties, plan_indicators
from zkdesk.services.derived import Derived, own_scope, partial_of
from zkdesk.services.milestones import is_milestone, stored_milestones
from zkdesk.services.errors import NotFound, UserError
from zkdesk.services.indicator_series import DerivedCache, stored_figures
from zkdesk.services.orgs import get_org, townships
from zkdesk.services.records import live_record
from zkdesk.store.models import Indicator, IndicatorTarget, IndicatorValue, Plan


SOURCE_ENTERED, SOURCE_DERIVED, SOURCE_BOTH = "entered", "derived", "derived+entered"


def source_of(ind: Indicator) -> str:
    """Where an indicator's figures come from: typed, a register, or a register's part and 其他 typed."""
    if not ind.source:
        return SOURCE_ENTERED
    return SOURCE_BOTH if partial_of(ind.source) is not None else SOURCE_DERIVED


@dataclass(frozen=True)
class ProgressRow:
    indicator_id: str
    code: str
    item: int
    name: str
    unit: str
    kind: str
    comparator: str
    target: float | None
    actual: float | None
    completion: float | None  # in % of the target
    status: str  # one of domain.progress.STATUSES
    projection: float | None
    derived: bool
    responsible: tuple[str, ...]
    numerator: float | None = None
    denominator: float | None = None
    target_kind: str = ""  # domain.progress.TARGET_KINDS
    level: str = rules.BOTH
    expected: float | None = None  # the target path's value in the year, where the kind has one
    status_reason: str = ""
    source: str = "entered"  # SOURCE_ENTERED | SOURCE_DERIVED | SOURCE_BOTH
    baseline: float | None = None  # the year before the plan (2020), where the kind has one
    stray: str = ""  # values entered by org units that do not report the indicator: named, never counted
    rule_words: str = ""  # how the target is judged, in the plan's words (domain.progress.rule_words)
    derived_part: float | None = None  # SOURCE_BOTH: the register's part of `actual`
    entered_part: float | None = None  # SOURCE_BOTH: the part typed by hand (其他)


@dataclass(frozen=True)
class IndicatorPath:
    """One indicator's actuals over the plan years against its straight-line target path."""

    indicator_id: str
    code: str
    name: str
    unit: str
    org_code: str
    years: tuple[int, ...]
    actuals: dict[int, float | None]
    target: float | None
    target_year: int
    expected: dict[int, float]  # the straight-line path, where there is one
    projection: float | None


def get_plan(session: Session, plan_id: str) -> Plan:
    return live_record(session, Plan, plan_id, "找不到该规划")


def plan_by_code(session: Session, code: str) -> Plan:
    plan = session.scalars(select(Plan).where(Plan.code == code, Plan.deleted.is_(False))).first()
    if plan is None:
        raise NotFound(f"找不到规划“{code}”")
    return plan


def check_year(plan: Plan, year: int) -> None:
    if not plan.start_year <= year <= plan.end_year:
        raise UserError(f"{year}年不在{plan.short_name}规划期（{plan.start_year}—{plan.end_year}年）内")


def default_year(session: Session, plan: Plan, org_code: str | None = None) -> int:
    """The latest plan year with a stored value (of the org unit, or any for the county),
    else this year capped to the plan period."""
    query = (
        select(func.max(IndicatorValue.year))
        .join(Indicator, Indicator.id == IndicatorValue.indicator_id)
        .where(Indicator.plan_id == plan.id, IndicatorValue.deleted.is_(False),
               IndicatorValue.year.between(plan.start_year, plan.end_year))
    )
    if org_code and not is_county(org_code):
        query = query.where(IndicatorValue.org_code == org_code)
    latest = session.scalar(query)
    if latest is not None:
        return latest
    return max(plan.start_year, min(date.today().year, plan.end_year))


def working_year(session: Session, org_code: str | None = None) -> int:
    """The year every page opens on (当前工作年度): the office's setting when an administrator set
    one; else the latest year, not after this one, with an indicator value stored (of the org unit,
    or any for the county); else this year (指标台账 shows its plan's nearest year when the plan
    does not cover it)."""
    from zkdesk.services import settings

    if settings.get_raw(session, "work_year") is not None:
        return settings.value(session, "work_year")
    this_year = date.today().year
    query = select(func.max(IndicatorValue.year)).where(IndicatorValue.deleted.is_(False), IndicatorValue.year <= this_year)
    if org_code and not is_county(org_code):
        query = query.where(IndicatorValue.org_code == org_code)
    return session.scalar(query) or this_year


class _Calculator:
    """Everything one progress request needs, loaded once."""

    def __init__(self, session: Session, plan: Plan, derived: DerivedCache | None = None):
        self.session = session
        self.plan = plan
        self.indicators = plan_indicators(session, plan.id)
        units = townships(session)
        self.township_codes = [t.code for t in units]
        self.org_names = {t.code: t.short_name or t.name for t in units} | {COUNTY_CODE: "县本级"}
        self.figures = stored_figures(session, self.indicators, (plan.start_year, plan.end_year))
        self.derived = derived or DerivedCache(session)
        self._responsible: dict[str, tuple[str, ...]] = {}
        self._items: dict[int, list[str]] | None = None  # plan item → 责任单位, read once when asked
        self._session_years: list[int] | None = None  # award sessions' years, read once when asked
        self.targets: dict[tuple[str, str, int | None], float] = {}
        ids = [i.id for i in self.indicators]
        self.baselines = stored_baselines(session, [i.id for i in self.indicators if has_baseline(i)],
                                          derived=self.derived)
        self.milestones = stored_milestones(session, [i.id for i in self.indicators if is_milestone(i)])
        if ids:
            for t in session.scalars(select(IndicatorTarget).where(IndicatorTarget.indicator_id.in_(ids),
                                                                   IndicatorTarget.deleted.is_(False))):
                self.targets[(t.indicator_id, t.org_code, t.year)] = t.value

    def years(self, up_to: int) -> range:
        return range(self.plan.start_year, min(up_to, self.plan.end_year) + 1)

    def responsible(self, ind: Indicator) -> tuple[str, ...]:
        if ind.id not in self._responsible:
            if self._items is None:
                self._items = item_responsible(self.session, self.plan.id)
                self._duties = plan_duties(self.session, self.plan.id)
            self._responsible[ind.id] = tuple(indicator_responsible(self.session, ind, self._items, self._duties))
        return self._responsible[ind.id]

    def _parts(self, ind: Indicator, org_code: str) -> list[str]:
        """The org units whose entries make up an org unit's figure: its own, or for the county
        县本级 and (or only) the townships; a county-only task is the 县本级 entry, never a sum."""
        if not is_county(org_code) or ind.level == rules.COUNTY_ONLY or self._per_term(ind):
            # the county's own congress is not the sum of the townships' (nor theirs of it)
            return [org_code]
        return [COUNTY_CODE, *self.township_codes] if ind.level == rules.BOTH else list(self.township_codes)

    def _growth(self, ind: Indicator) -> bool:
        return rules.judged_as(ind.kind, ind.target_kind) == rules.GROWTH

    def _per_term(self, ind: Indicator) -> bool:
        return rules.judged_as(ind.kind, ind.target_kind) == rules.PER_TERM

    def term_amount(self, ind: Indicator, org_code: str, term: rules.Term, before: int) -> Amount | None:
        """One org unit's figure of a term: a term elected before the plan is its baseline; a
        later one, the latest figure entered from its year up to (not including) `before`."""
        if term.year < self.plan.start_year:
            base = self.baselines.get(ind.id, {}).get(org_code)
            return base if base is not None and base.value is not None else None
        if ind.source:
            series = self.derived.amounts(ind.source, org_code, self.years(before - 1))
        else:
            series = self.figures.get(ind.id, {}).get(org_code, {})
        years = [y for y, a in series.items() if term.year <= y < before and a.value is not None]
        return series[max(years)] if years else None

    def judge_milestone(self, ind: Indicator, org_code: str, year: int,
                        target: float | None) -> tuple[Amount, rules.Judgement]:
        """A qualitative task: done (by the end of `year`) or not, with its date and evidence."""
        done_on, evidence = self.milestones.get(ind.id, {}).get(org_code, (None, ""))
        done = done_on is not None and done_on.year <= year
        judgement = rules.judge(rules.MILESTONE, ind.comparator, 1.0 if done else 0.0, target, year,
                                ind.target_year, None)
        if done and judgement.status == rules.DONE:
            judgement = rules.Judgement(rules.DONE, f"已于{done_on:%Y年%m月%d日}完成：{evidence}", 1.0)
        return Amount(1.0 if done else 0.0), judgement

    def judge_term(self, ind: Indicator, org_code: str, year: int) -> tuple[Amount | None, Amount | None,
                                                                             rules.Judgement]:
        """不低于上一届的比例人数: the term sitting in `year` against the one before it."""
        current, previous = rules.terms_at(rules.terms_of(ind.terms), year)
        if current is None or previous is None:
            return None, None, rules.Judgement(rules.NO_TARGET, "规划目录没有列出可比较的两届（上一届和本届）")
        if current.year < self.plan.start_year:
            return None, None, rules.Judgement(rules.NO_DATA, f"规划期内尚未换届（{current.title}）")
        now = self.term_amount(ind, org_code, current, year + 1)
        before = self.term_amount(ind, org_code, previous, current.year)
        return now, before, rules.judge_per_term(now, before, current.title, previous.title)

    def baseline(self, ind: Indicator, org_code: str) -> Amount | None:
        """The org unit's baseline (the county's: its parts' rolled up); None without one."""
        if not has_baseline(ind):
            return None
        by_org = self.baselines.get(ind.id, {})
        if ind.source or not is_county(org_code) or ind.level == rules.COUNTY_ONLY:
            return by_org.get(org_code)
        return rules.combine_orgs(ind.kind, [by_org.get(o) for o in self._parts(ind, org_code)])

    def _own(self, ind: Indicator, org_code: str, series: dict[int, Amount], year: int) -> Amount | None:
        amount = rules.over_years(ind.kind, series, year, self.plan.start_year)
        if not self._growth(ind) or amount is None or amount.value is None:
            return amount
        base = self.baselines.get(ind.id, {}).get(org_code)
        if base is None or base.value is None:
            return None  # no growth without the figure it grew from
        return Amount(round(amount.value - base.value, 6))

    def entered_in(self, ind: Indicator, org_code: str, year: int) -> Amount | None:
        """The figure typed for `year` itself (for the county: its parts' of that year rolled up)."""
        by_org = self.figures.get(ind.id, {})
        return rules.combine_orgs(ind.kind, [by_org.get(o, {}).get(year) for o in self._parts(ind, org_code)])

    def derived_part(self, ind: Indicator, org_code: str, year: int) -> Amount | None:
        """The register's figure at `year` (the county's counts every township)."""
        series = self.derived.amounts(ind.source, org_code, self.years(year))
        return self._own(ind, org_code, series, year)

    def entered_part(self, ind: Indicator, org_code: str, year: int) -> Amount | None:
        """The figure typed at `year` (for the county: its parts' rolled up)."""
        by_org = self.figures.get(ind.id, {})
        parts = self._parts(ind, org_code)
        if parts == [org_code]:
            return self._own(ind, org_code, by_org.get(org_code, {}), year)
        return rules.combine_orgs(ind.kind, [self._own(ind, o, by_org.get(o, {}), year) for o in parts])

    def own_parts(self, ind: Indicator, org_code: str, year: int) -> tuple[Amount | None, Amount | None,
                                                                         Amount | None]:
        """An org unit's own register part, typed part (其他) and both added, at `year`, of a figure
        that has both: a township's are its figure's; 县本级's are the register records attached to
        县本级 alone and what 县本级 typed (the county's figure adds every township's to them)."""
        register = self._own(ind, org_code, self.derived.amounts(ind.source, own_scope(org_code), self.years(year)),
                             year)
        typed = self._own(ind, org_code, self.figures.get(ind.id, {}).get(org_code, {}), year)
        return register, typed, rules.combine_orgs(ind.kind, [register, typed])

    def actual(self, ind: Indicator, org_code: str, year: int) -> Amount | None:
        """The org unit's figure at `year`; for a growth target, the growth over the baseline."""
        source = source_of(ind)
        if source == SOURCE_DERIVED:
            return self.derived_part(ind, org_code, year)
        if source == SOURCE_BOTH:
            return rules.combine_orgs(ind.kind, [self.derived_part(ind, org_code, year),
                                                 self.entered_part(ind, org_code, year)])
        return self.entered_part(ind, org_code, year)

    def reported_years(self, ind: Indicator, org_code: str) -> set[int]:
        """Years with a figure of their own (for the county: of any of the org units it sums)."""
        years: set[int] = set()
        if ind.source:
            years |= set(self.derived.amounts(ind.source, org_code, self.years(self.plan.end_year)))
            if source_of(ind) == SOURCE_DERIVED:
                return years
        by_org = self.figures.get(ind.id, {})
        return years | {y for o in self._parts(ind, org_code) for y in by_org.get(o, {})}

    def step(self, ind: Indicator, target: float | None) -> dict[int, float]:
        """A step target's path (awards come in sessions: 03.1 县级劳动模范): the cumulative target
        of the sessions held by each year; {} for a straight-line target or without sessions."""
        if ind.projection_method != rules.STEP or rules.judged_as(ind.kind, ind.target_kind) != rules.CUMULATIVE:
            return {}
        return rules.step_path(target, self.session_years(), self.plan.start_year, ind.target_year)

    def session_years(self) -> list[int]:
        if self._session_years is None:
            from zkdesk.services.award_sessions import session_years

            self._session_years = session_years(self.session)
        return self._session_years

    def _projection(self, ind: Indicator, kind: str, actuals: dict[int, float | None], year: int,
                    baseline: float | None) -> float | None:
        if ind.projection_method == rules.STEP and kind == rules.CUMULATIVE:
            return rules.step_projection(actuals.get(year), self.session_years(), year, ind.target_year)
        return rules.projection(ind.kind, actuals, year, self.plan.start_year, ind.target_year, baseline=baseline)

    def rule_words(self, ind: Indicator) -> str:
        return rules.rule_words(rules.judged_as(ind.kind, ind.target_kind), ind.target_year, self.plan.start_year - 1)

    def stray(self, ind: Indicator, org_code: str, year: int) -> str:
        """Values entered up to `year` by org units that do not report the indicator (a township's
        value of a county task, 县本级's of a township task; older databases and the demo hold
        some): never counted, named here so the county can see and clear them."""
        if source_of(ind) == SOURCE_DERIVED or ind.level == rules.BOTH:
            return ""
        by_org = self.figures.get(ind.id, {})
        orgs = [o for o in by_org if not rules.reported_by(ind.level, is_county(o))
                and (is_county(org_code) or o == org_code)]
        found = []
        for o in sorted(orgs, key=lambda c: (not is_county(c), c)):
            years = sorted(y for y, a in by_org[o].items() if y <= year and a.value is not None)
            if years:
                found.append(f"{self.org_names.get(o, o)}（{'、'.join(map(str, years))}年）")
        if not found:
            return ""
        who = "县本级填报" if ind.level == rules.COUNTY_ONLY else "各乡镇填报"
        return f"该指标由{who}，{'、'.join(found)}录入的数值未计入"

    def actuals(self, ind: Indicator, org_code: str, up_to: int) -> dict[int, float | None]:
        result = {}
        for y in self.years(up_to):
            amount = self.actual(ind, org_code, y)
            result[y] = amount.value if amount else None
        return result

    def target(self, ind: Indicator, org_code: str, year: int, actuals: dict[int, float | None]) -> float | None:
        for key in ((ind.id, org_code, year), (ind.id, org_code, None)):
            if key in self.targets:
                return self.targets[key]
        if ind.comparator == rules.NOT_BELOW_LAST:
            earlier = [y for y, v in actuals.items() if y < year and v is not None]
            return actuals[max(earlier)] if earlier else None
        if is_county(org_code) or ind.kind == rules.RATE:
            return ind.target
        return None

    def row(self, ind: Indicator, org_code: str, year: int) -> ProgressRow:
        actuals = self.actuals(ind, org_code, year)
        amount = self.actual(ind, org_code, year)
        actual = amount.value if amount else None
        target = self.target(ind, org_code, year, actuals)
        target_kind = rules.judged_as(ind.kind, ind.target_kind)
        base = self.baseline(ind, org_code)
        base_value = base.value if base is not None else None
        start = rules.path_start(target_kind, self.plan.start_year, actuals, base_value)
        unit = "%" if ind.kind == rules.RATE else ind.unit
        # a growth's own baseline is 0: the figure less the baseline
        projection_base = 0.0 if target_kind == rules.GROWTH else base_value
        stray = self.stray(ind, org_code, year)
        if not rules.reported_by(ind.level, is_county(org_code)):
            judgement = rules.Judgement(rules.NOT_ASSESSED, f"该指标由{rules.LEVEL_LABELS[ind.level]}填报和考核")
            target = None
            if not ind.source:  # a value typed here anyway is not a figure of this org unit's
                actual = amount = None
        elif target_kind == rules.MILESTONE:
            amount, judgement = self.judge_milestone(ind, org_code, year, target)
            actual = amount.value
        elif target_kind == rules.PER_TERM:
            amount, previous, judgement = self.judge_term(ind, org_code, year)
            actual = amount.value if amount else None
            target = previous.value if previous else None
        elif ind.comparator == rules.NOT_BELOW_LAST:
            judgement = rules.judge(rules.THRESHOLD, ind.comparator, actual, target, year, ind.target_year, start, unit=unit)
        else:
            judgement = rules.judge(target_kind, ind.comparator, actual, target, year, ind.target_year, start,
                                    unit=unit, baseline=base_value, path=self.step(ind, target))
        if stray:
            judgement = rules.Judgement(judgement.status, f"{judgement.reason}；{stray}", judgement.expected)
        return ProgressRow(
            indicator_id=ind.id, code=ind.code, item=ind.item, name=ind.name, unit=ind.unit, kind=ind.kind,
            stray=stray, rule_words=self.rule_words(ind),
            comparator=ind.comparator, target=target, actual=actual,
            completion=rules.completion(ind.comparator, actual, target),
            status=judgement.status, status_reason=judgement.reason,
            expected=judgement.expected if judgement.expected is not None or target is None else
            (self.step(ind, target) or rules.expected_path(target_kind, target, start, self.plan.start_year,
                                                           ind.target_year)).get(year),
            target_kind=target_kind, level=ind.level, source=source_of(ind), **self._parts_of(ind, org_code, year),
            projection=actual if target_kind in (rules.PER_TERM, rules.MILESTONE) or actual is None else
            self._projection(ind, target_kind, actuals, year, projection_base),
            derived=bool(ind.source), responsible=self.responsible(ind), baseline=base_value,
            numerator=amount.numerator if amount and ind.kind == rules.RATE else None,
            denominator=amount.denominator if amount and ind.kind == rules.RATE else None,
        )

    def _parts_of(self, ind: Indicator, org_code: str, year: int) -> dict[str, float | None]:
        """A register's part and the typed part of a figure that has both (ProgressRow's fields)."""
        if source_of(ind) != SOURCE_BOTH:
            return {}
        derived, entered = self.derived_part(ind, org_code, year), self.entered_part(ind, org_code, year)
        return {"derived_part": derived.value if derived else None, "entered_part": entered.value if entered else None}

    def path(self, ind: Indicator, org_code: str) -> IndicatorPath:
        end = self.plan.end_year
        last = max(self.reported_years(ind, org_code), default=None)
        # after the last reported year the line stops: no data is not "unchanged"
        actuals = {y: v if last is not None and y <= last else None for y, v in self.actuals(ind, org_code, end).items()}
        target = self.target(ind, org_code, last or end, actuals)
        base = self.baseline(ind, org_code)
        start = rules.path_start(rules.GROWTH if self._growth(ind) else ind.kind, self.plan.start_year, actuals,
                                 base.value if base else None)
        expected: dict[int, float] = self.step(ind, target)
        if not expected and target is not None and start is not None and ind.kind != rules.YEARLY \
                and ind.comparator != rules.NOT_BELOW_LAST:
            for y in range(max(start[0], self.plan.start_year - 1), ind.target_year + 1):
                expected[y] = rules.expected_at(y, start[0], start[1], ind.target_year, target)
        return IndicatorPath(
            indicator_id=ind.id, code=ind.code, name=ind.name, unit=ind.unit, org_code=org_code,
            years=tuple(range(self.plan.start_year, end + 1)), actuals=actuals, target=target,
            target_year=ind.target_year, expected=expected,
            projection=self._projection(ind, rules.judged_as(ind.kind, ind.target_kind), actuals, last, None)
            if last else None,
        )


def progress_for(session: Session, plan_id: str, org_code: str, year: int,
                 derived: DerivedCache | None = None) -> list[ProgressRow]:
    """Every indicator of the plan for one org unit (530924: the whole county) and year.
    `derived`: the request's derived figures when the caller needs them too (read once)."""
    plan = get_plan(session, plan_id)
    check_year(plan, year)
    get_org(session, org_code)
    calc = _Calculator(session, plan, derived)
    return [calc.row(ind, org_code, year) for ind in calc.indicators]


def progress_and_own_parts(session: Session, plan_id: str, org_code: str, year: int,
                           derived: DerivedCache | None = None) -> tuple[list[ProgressRow], dict[str, Amount | None]]:
    """progress_for, and for each indicator with a register part and a typed part (SOURCE_BOTH) the
    org unit's own figure at `year` (Calculator.own_parts: 县本级's own, not the whole county's)."""
    plan = get_plan(session, plan_id)
    check_year(plan, year)
    get_org(session, org_code)
    calc = _Calculator(session, plan, derived)
    rows = [calc.row(ind, org_code, year) for ind in calc.indicators]
    own = {ind.id: calc.own_parts(ind, org_code, year)[2] for ind in calc.indicators if source_of(ind) == SOURCE_BOTH}
    return rows, own


@dataclass(frozen=True)
class PartsLine:
    """One org unit's line of a figure with a register part and a typed part (drill-down)."""

    org_code: str  # "" on the county's total line
    label: str  # 县本级, a township's name, or 全县合计
    register: float | None
    entered: float | None
    total: float | None


@dataclass(frozen=True)
class FigureParts:
    """A figure's register part and typed part per org unit; the labels say what each part counts."""

    register_label: str  # services.derived.Partial.register_label, e.g. 三室一站登记
    other_label: str  # e.g. 其他（三室一站以外的职工）
    lines: tuple[PartsLine, ...]  # the county's: its parts, then 全县合计 (org_code "")


def parts_by_org(session: Session, plan_id: str, indicator_id: str, org_code: str, year: int) -> FigureParts | None:
    """The register part, the typed part (其他) and their sum at `year`, per org unit making up
    `org_code`'s figure: a township its own line; the county 县本级 (its own records and entry),
    each township that reports the indicator, and the county's total. None unless the indicator
    has both parts (SOURCE_BOTH)."""
    plan = get_plan(session, plan_id)
    check_year(plan, year)
    get_org(session, org_code)
    calc = _Calculator(session, plan)
    ind = next((i for i in calc.indicators if i.id == indicator_id), None)
    if ind is None:
        raise NotFound("找不到该指标")
    part = partial_of(ind.source)
    if part is None:
        return None

    def value(amount: Amount | None) -> float | None:
        return amount.value if amount is not None else None

    def line(code: str) -> PartsLine:
        register, typed, both = calc.own_parts(ind, code, year)
        return PartsLine(code, calc.org_names.get(code, code), value(register), value(typed), value(both))

    if not is_county(org_code):
        lines = [line(org_code)]
    else:
        lines = [line(code) for code in calc._parts(ind, org_code)]
        lines.append(PartsLine("", "全县合计", value(calc.derived_part(ind, org_code, year)),
                               value(calc.entered_part(ind, org_code, year)), value(calc.actual(ind, org_code, year))))
    return FigureParts(part.register_label, part.other_label, tuple(lines))


def township_breakdown(session: Session, plan_id: str, year: int) -> dict[str, list[ProgressRow]]:
    """Every township's rows, by township code in the county's order."""
    plan = get_plan(session, plan_id)
    check_year(plan, year)
    calc = _Calculator(session, plan)
    return {code: [calc.row(ind, code, year) for ind in calc.indicators] for code in calc.township_codes}


def county_and_townships(session: Session, plan_id: str, year: int) -> tuple[list[ProgressRow],
                                                                          dict[str, list[ProgressRow]]]:
    """progress_for the county and township_breakdown, from one reading of the registers."""
    plan = get_plan(session, plan_id)
    check_year(plan, year)
    calc = _Calculator(session, plan)
    county = [calc.row(ind, COUNTY_CODE, year) for ind in calc.indicators]
    return county, {code: [calc.row(ind, code, year) for ind in calc.indicators] for code in calc.township_codes}


def entered_parts(session: Session, plan_id: str, org_code: str) -> dict[str, dict[int, float]]:
    """The part typed by hand (其他) of each indicator whose register covers only part of it
    (source "derived+entered"), per plan year: the year's own figure, the county's rolled up."""
    calc = _Calculator(session, get_plan(session, plan_id))
    result: dict[str, dict[int, float]] = {}
    for ind in calc.indicators:
        if source_of(ind) != SOURCE_BOTH:
            continue
        amounts = {y: calc.entered_in(ind, org_code, y) for y in calc.years(calc.plan.end_year)}
        result[ind.id] = {y: a.value for y, a in amounts.items() if a is not None and a.value is not None}
    return result


def indicator_path(session: Session, plan_id: str, indicator_id: str, org_code: str) -> IndicatorPath:
    plan = get_plan(session, plan_id)
    calc = _Calculator(session, plan)
    ind = next((i for i in calc.indicators if i.id == indicator_id), None)
    if ind is None:
        raise NotFound("找不到该指标")
    return calc.path(ind, org_code)


def derived_records(session: Session, plan_id: str, indicator_id: str, org_code: str, year: int) -> Derived | None:
    """The records behind a derived number, for drill-down: every plan year up to `year` for
    a cumulative indicator, the latest year for a stock, else the year itself. None when no
    register provides the indicator's source yet."""
    plan = get_plan(session, plan_id)
    ind = session.get(Indicator, indicator_id)
    if ind is None or not ind.source:
        raise NotFound("该指标不是由登记数据计算的")
    cache = DerivedCache(session)
    years = list(range(plan.start_year, min(year, plan.end_year) + 1))
    found = {y: cache.get(ind.source, org_code, y) for y in years}
    found = {y: d for y, d in found.items() if d is not None}
    if not found:
        return None
    if ind.kind == rules.CUMULATIVE:
        ids: list[str] = []
        for y in years:
            if y in found:
                ids.extend(i for i in found[y].record_ids if i not in ids)
        first = next(iter(found.values()))
        total = sum(d.value or 0 for d in found.values())
        return Derived(value=total, record_kind=first.record_kind, record_ids=tuple(ids), explanation=first.explanation)
    if ind.kind == rules.STOCK:
        with_value = [y for y, d in found.items() if d.value is not None]
        return found[max(with_value)] if with_value else found.get(year)
    return found.get(year)
