"""Roll-up rules, completion, status and projection of plan indicators. Pure Python.

Kinds (as in the plan catalog):
  - rate: numerator / denominator of one year; several org units roll up as Σnum / Σden,
    never as an average of percentages;
  - cumulative: each year's value is the year's own count; the actual at year Y adds up the
    plan years from the plan's start to Y;
  - stock: a level at the end of a year; the actual is the latest plan year up to Y;
  - yearly: a count that each year must reach on its own; the actual is that year's value.
How the target is judged (`target_kind`, the plan's words; TARGET_KINDS):
  - threshold_every_year (动态保持…以上): the threshold must hold in every year; a year below it
    is 未达标（本年）, never "on its way";
  - cumulative (累计, 新增): a path from 0 before the plan's first year to the target;
  - growth_over_baseline (增加…以上): the figure minus the org unit's 2020 baseline must reach
    the target; falls are figures like any other;
  - stock, rate: a path from the 2020 baseline (else the first reported year) to the target;
  - yearly (每年): each year on its own;
  - per_term (不低于上一届的比例人数): share and number not below the previous 届's;
  - milestone: done / not done.
Who reports it (`level`, LEVELS): county_only (县本级 alone; townships neither see nor are
summed), township (townships; the county is their sum), both (县本级 and townships, summed).
Comparators: ge (不低于), le (不高于), eq (左右, within EQ_TOLERANCE of the target),
not_below_last (不低于上一届: the target is the previous year's actual).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

RATE, CUMULATIVE, YEARLY, STOCK = "rate", "cumulative", "yearly", "stock"
KINDS = (RATE, CUMULATIVE, YEARLY, STOCK)
GE, EQ, LE, NOT_BELOW_LAST = "ge", "eq", "le", "not_below_last"
COMPARATORS = (GE, EQ, LE, NOT_BELOW_LAST)

DONE, ON_TRACK, BEHIND, NO_DATA = "已完成", "进度正常", "滞后", "无数据"
NOT_MET, NO_TARGET, NOT_ASSESSED = "未达标（本年）", "无目标", "不考核"
STATUSES = (DONE, ON_TRACK, BEHIND, NOT_MET, NO_TARGET, NO_DATA, NOT_ASSESSED)

THRESHOLD, GROWTH, PER_TERM, MILESTONE = "threshold_every_year", "growth_over_baseline", "per_term", "milestone"
TARGET_KINDS = (THRESHOLD, CUMULATIVE, GROWTH, STOCK, RATE, YEARLY, PER_TERM, MILESTONE)
TARGET_KIND_LABELS = {THRESHOLD: "每年保持", CUMULATIVE: "累计", GROWTH: "比基期增加", STOCK: "存量", RATE: "比率",
                      YEARLY: "每年", PER_TERM: "不低于上一届", MILESTONE: "完成事项"}
COUNTY_ONLY, TOWNSHIP, BOTH = "county_only", "township", "both"
LEVELS = (COUNTY_ONLY, TOWNSHIP, BOTH)
LEVEL_LABELS = {COUNTY_ONLY: "县本级", TOWNSHIP: "乡镇", BOTH: "县本级和乡镇"}
LINE, STEP = "line", "step"
PROJECTIONS = (LINE, STEP)  # step: awards come in sessions, the figure stays until the next one

KIND_LABELS = {RATE: "比率", CUMULATIVE: "累计", YEARLY: "每年", STOCK: "存量"}
COMPARATOR_LABELS = {GE: "≥", EQ: "≈", LE: "≤", NOT_BELOW_LAST: "不低于上届"}



def judged_as(kind: str, target_kind: str | None) -> str:
    """The indicator's target kind; catalogs without one are judged by their measure."""
    return target_kind or kind


def reported_by(level: str, org_code_is_county: bool) -> bool:
    """Whether an org unit enters (and is judged on) an indicator of this level."""
    if level == COUNTY_ONLY:
        return org_code_is_county
    if level == TOWNSHIP:
        return not org_code_is_county
    return True


def level_refusal(level: str, org_code_is_county: bool) -> str:
    """Why an org unit does not enter values of an indicator of this level ("" when it does)."""
    if reported_by(level, org_code_is_county):
        return ""
    if level == COUNTY_ONLY:
        return "该指标是县总工会本级的任务，由县本级填报，乡镇不填报"
    return "该指标由各乡镇填报，县本级不填报（全县数为各乡镇之和）"


EQ_TOLERANCE = 0.10  # "10%左右": within 10 % of the target counts as reached
_EPS = 1e-9


@dataclass(frozen=True)
class Amount:
    """One org unit's (or a roll-up's) figure: a count, or a rate with its parts."""

    value: float | None
    numerator: float | None = None
    denominator: float | None = None


def rate_of(numerator: float | None, denominator: float | None) -> float | None:
    """100·num/den rounded to 2 places; None when the denominator is missing or zero."""
    if numerator is None or not denominator:
        return None
    return round(100.0 * numerator / denominator, 2)


def rate_amount(numerator: float, denominator: float) -> Amount:
    return Amount(rate_of(numerator, denominator), float(numerator), float(denominator))


def combine_orgs(kind: str, amounts: Iterable[Amount | None]) -> Amount | None:
    """Several org units' figures for the same year: counts summed, rates Σnum/Σden."""
    if kind == RATE:
        parts = [a for a in amounts if a is not None and a.denominator is not None]
        if not parts:
            return None
        return rate_amount(sum(a.numerator or 0.0 for a in parts), sum(a.denominator for a in parts))
    values = [a.value for a in amounts if a is not None and a.value is not None]
    return Amount(float(sum(values))) if values else None


def over_years(kind: str, by_year: Mapping[int, Amount], year: int, start_year: int) -> Amount | None:
    """One org unit's actual at `year` from its yearly figures, by the indicator's kind."""
    if kind == CUMULATIVE:
        values = [a.value for y, a in by_year.items() if start_year <= y <= year and a.value is not None]
        return Amount(float(sum(values))) if values else None
    if kind == STOCK:
        years = [y for y, a in by_year.items() if start_year <= y <= year and a.value is not None]
        return by_year[max(years)] if years else None
    return by_year.get(year)  # yearly and rate: that year only


def meets(comparator: str, actual: float, target: float) -> bool:
    if comparator == LE:
        return actual <= target + _EPS
    if comparator == EQ:
        return abs(actual - target) <= EQ_TOLERANCE * abs(target) + _EPS
    return actual >= target - _EPS  # ge and not_below_last


def completion(comparator: str, actual: float | None, target: float | None) -> float | None:
    """Completion in % of the target (may exceed 100); None when it cannot be computed."""
    if actual is None or target is None:
        return None
    if comparator == LE:
        if actual <= 0:
            return 100.0
        return round(100.0 * target / actual, 1)
    if target == 0:
        return 100.0 if actual >= 0 else 0.0
    return round(100.0 * actual / target, 1)


def expected_at(year: int, from_year: int, from_value: float, target_year: int, target: float) -> float:
    """The straight-line path from (from_year, from_value) to (target_year, target)."""
    if target_year <= from_year:
        return target
    share = min(1.0, max(0.0, (year - from_year) / (target_year - from_year)))
    return from_value + (target - from_value) * share


def path_start(kind: str, start_year: int, actuals: Mapping[int, float | None],
               baseline: float | None = None) -> tuple[int, float] | None:
    """Where the straight-line path begins: nothing accumulated (or grown) before the plan for
    a cumulative (growth) target; the 2020 baseline where the org unit has one; otherwise the
    first plan year with a value."""
    if kind in (CUMULATIVE, GROWTH):
        return start_year - 1, 0.0
    if baseline is not None:
        return start_year - 1, float(baseline)
    years = sorted(y for y, v in actuals.items() if v is not None and y >= start_year)
    return (years[0], actuals[years[0]]) if years else None


@dataclass(frozen=True)
class Judgement:
    """A status with the sentence that explains it and the path value expected in the year."""

    status: str
    reason: str
    expected: float | None = None


def _fig(value: float | None, unit: str) -> str:
    return format_number(None if value is None else round(value, 2)) + unit


def _on_path(comparator: str, actual: float, expected: float, target: float) -> bool:
    if comparator == LE:
        return actual <= expected + _EPS
    if comparator == EQ:
        return abs(actual - target) <= abs(expected - target) + EQ_TOLERANCE * abs(target) + _EPS
    return actual >= expected - _EPS


def judge(
    target_kind: str,
    comparator: str,
    actual: float | None,
    target: float | None,
    year: int,
    target_year: int,
    start: tuple[int, float] | None,
    *,
    unit: str = "",
    baseline: float | None = None,
    path: Mapping[int, float] | None = None,
) -> Judgement:
    """The status of one org unit's figure in `year`, by the target's kind, with its reason.

    `actual` is what the target is about: the sum so far (cumulative), the growth over the
    baseline (growth_over_baseline), the year's figure otherwise. `start` is where the
    straight-line path begins (path_start); `path`, where given (step_path: awards come in
    sessions), is the value expected in each year instead of the line. Per-term targets are
    judged by judge_per_term.
    """
    sign = COMPARATOR_LABELS.get(comparator, "")
    if target_kind == GROWTH and baseline is None:
        return Judgement(NO_DATA, "未录入2020年基数，无法计算比基期增加的人数")
    if target is None:
        return Judgement(NO_TARGET, "本单位没有分解到该项目标")
    if actual is None:
        return Judgement(NO_DATA, f"{year}年没有数据")
    reached = meets(comparator, actual, target)
    if target_kind in (THRESHOLD, YEARLY):
        rule = "动态保持" if target_kind == THRESHOLD else "每年"
        if reached:
            return Judgement(DONE, f"{year}年{_fig(actual, unit)}，达到{rule}{sign}{_fig(target, unit)}的要求", target)
        return Judgement(NOT_MET, f"{year}年{_fig(actual, unit)}，未达到{rule}{sign}{_fig(target, unit)}的要求", target)
    if target_kind == MILESTONE:
        if actual >= 1:
            return Judgement(DONE, "已完成", 1.0)
        if year >= target_year:
            return Judgement(BEHIND, f"到{target_year}年应完成，尚未完成", 1.0)
        return Judgement(ON_TRACK, f"尚未完成，期限为{target_year}年", 0.0)
    what = {CUMULATIVE: "累计", GROWTH: "比2020年增加"}.get(target_kind, f"{year}年")
    if reached:
        return Judgement(DONE, f"{what}{_fig(actual, unit)}，已达到{target_year}年目标{sign}{_fig(target, unit)}", target)
    if year >= target_year:
        return Judgement(BEHIND, f"{what}{_fig(actual, unit)}，未达到{target_year}年目标{sign}{_fig(target, unit)}", target)
    if start is None:
        return Judgement(ON_TRACK, f"{what}{_fig(actual, unit)}；没有2020年基数，以本年为起点，尚无进度可比")
    if start[0] >= year:
        return Judgement(ON_TRACK, f"{what}{_fig(actual, unit)}；没有2020年基数，以{start[0]}年为起点，尚无进度可比")
    if path:
        expected = path.get(year, 0.0 if year < min(path) else target)
        base = "（按届次评选）"
    else:
        expected = expected_at(year, start[0], start[1], target_year, target)
        base = f"（自{start[0]}年的{_fig(start[1], unit)}起）" if target_kind in (RATE, STOCK) else ""
    if _on_path(comparator, actual, expected, target):
        return Judgement(ON_TRACK, f"{what}{_fig(actual, unit)}，不低于按进度{base}应达到的{_fig(expected, unit)}", expected)
    return Judgement(BEHIND, f"{what}{_fig(actual, unit)}，低于按进度{base}应达到的{_fig(expected, unit)}", expected)


@dataclass(frozen=True)
class Term:
    """A term (届) of a body whose members a per-term target counts, by the year it was elected."""

    label: str
    year: int

    @property
    def title(self) -> str:
        return f"{self.label}（{self.year}年）"


def terms_of(data: str | list | None) -> tuple[Term, ...]:
    """The catalog's terms (a JSON list of {"label", "year"}), oldest first."""
    import json

    items = json.loads(data) if isinstance(data, str) else (data or [])
    return tuple(sorted((Term(str(t["label"]), int(t["year"])) for t in items), key=lambda t: t.year))


def terms_at(terms: tuple[Term, ...], year: int) -> tuple[Term | None, Term | None]:
    """The term sitting in `year` (the latest elected by then) and the one before it."""
    elected = [t for t in terms if t.year <= year]
    current = elected[-1] if elected else None
    previous = elected[-2] if len(elected) > 1 else None
    return current, previous


def judge_per_term(current: Amount | None, previous: Amount | None, term: str = "本届",
                   previous_term: str = "上一届") -> Judgement:
    """不低于上一届的比例人数: the share and the number of the current term against the previous
    term's (both must hold)."""
    if previous is None or previous.value is None:
        return Judgement(NO_TARGET, f"未录入{previous_term}的比例和人数，无法比较")
    if current is None or current.value is None:
        return Judgement(NO_DATA, f"未录入{term}的比例和人数")
    now = f"{term}{_fig(current.value, '%')}（{_fig(current.numerator, '人')}）"
    before = f"{previous_term}{_fig(previous.value, '%')}（{_fig(previous.numerator, '人')}）"
    share_ok = current.value >= previous.value - _EPS
    count_ok = current.numerator is None or previous.numerator is None or current.numerator >= previous.numerator - _EPS
    if share_ok and count_ok:
        return Judgement(DONE, f"{now}，不低于{before}", previous.value)
    short = "比例和人数" if not (share_ok or count_ok) else ("比例" if not share_ok else "人数")
    return Judgement(NOT_MET, f"{now}，{short}低于{before}", previous.value)


def status(
    kind: str,
    comparator: str,
    actual: float | None,
    target: float | None,
    year: int,
    target_year: int,
    start: tuple[int, float] | None,
) -> str:
    """judge()'s status alone. Not-below-last targets (the previous figure as `target`) are met
    or not in each year, like yearly ones."""
    if comparator == NOT_BELOW_LAST and kind != YEARLY:
        kind = THRESHOLD
    return judge(kind, comparator, actual, target, year, target_year, start).status


def expected_path(target_kind: str, target: float | None, start: tuple[int, float] | None, start_year: int,
                  target_year: int) -> dict[int, float]:
    """The value expected in each year from the path's start to the target year: the straight
    line where the kind has one, the threshold itself in every year for 动态保持 and 每年."""
    if target is None:
        return {}
    if target_kind in (THRESHOLD, YEARLY):
        return {y: target for y in range(start_year, target_year + 1)}
    if target_kind in (PER_TERM, MILESTONE) or start is None:
        return {}
    return {y: expected_at(y, start[0], start[1], target_year, target)
            for y in range(max(start[0], start_year - 1), target_year + 1)}


def rule_words(target_kind: str, target_year: int, baseline_year: int) -> str:
    """How a target is judged, in the plan's words: the one text 镇工表5's 考核方式 column, the
    windows' tooltips and `progress --json` (rule_words) print. The target figure is not in it."""
    return {
        THRESHOLD: "每年均达到（动态保持）",
        YEARLY: "每年达到",
        CUMULATIVE: f"到{target_year}年累计",
        GROWTH: f"到{target_year}年比{baseline_year}年增加",
        STOCK: f"到{target_year}年年末",
        RATE: f"到{target_year}年达到",
        MILESTONE: f"{target_year}年前完成",
        PER_TERM: "不低于上一届的比例人数",  # 第12条 as written: the share and the number of the previous 届
    }.get(target_kind, "")


def step_path(target: float | None, session_years: Iterable[int], start_year: int, target_year: int) -> dict[int, float]:
    """Awards come in sessions (届): the value expected in a year is the cumulative target of the
    sessions held by then (the target shared evenly among the plan's sessions), a step at each
    session year, not a line. Empty without a target or a session in the plan years."""
    years = sorted({y for y in session_years if start_year <= y <= target_year})
    if target is None or not years:
        return {}
    return {y: round(target * sum(1 for s in years if s <= y) / len(years), 2)
            for y in range(start_year - 1, target_year + 1)}


def step_projection(actual: float | None, session_years: Iterable[int], year: int, target_year: int) -> float | None:
    """Awards come in sessions (届): the figure stays as it is until the next one, and each
    session still to come by the target year adds what a session has added on average."""
    if actual is None:
        return None
    years = sorted(set(session_years))
    held = [y for y in years if y <= year]
    ahead = [y for y in years if year < y <= target_year]
    if not held or not ahead:
        return actual
    return round(actual + actual / len(held) * len(ahead), 2)


def projection(kind: str, actuals: Mapping[int, float | None], year: int, start_year: int, target_year: int,
               baseline: float | None = None) -> float | None:
    """The actual expected in the target year if the pace so far continues.

    cumulative: the average yearly increment kept up; stock and rate: the straight line
    through the baseline (else the first reported year) and the latest reported year;
    yearly and threshold_every_year: this year's level.
    """
    actual = actuals.get(year)
    if actual is None:
        return None
    if year >= target_year or kind in (YEARLY, THRESHOLD, PER_TERM, MILESTONE):
        return actual
    if kind == CUMULATIVE:
        elapsed = year - start_year + 1
        total = target_year - start_year + 1
        return round(actual * total / elapsed, 2) if elapsed > 0 else None
    points = sorted((y, v) for y, v in actuals.items() if v is not None and start_year <= y <= year)
    if baseline is not None:
        points.insert(0, (start_year - 1, float(baseline)))
    if len(points) < 2:
        return actual
    (y0, v0), (y1, v1) = points[0], points[-1]
    value = v1 + (v1 - v0) / (y1 - y0) * (target_year - y1)
    value = max(0.0, value)
    if kind == RATE:
        value = min(100.0, value)
    return round(value, 2)


def format_number(value: float | None, empty: str = "—") -> str:
    """12 for 12.0, 65.97 for 65.9700, `empty` for None: how figures read in tables."""
    if value is None:
        return empty
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".")
