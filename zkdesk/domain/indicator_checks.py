"""Checking one typed indicator value, in two levels like the statistical reporting clients.

Hard errors block saving: not a number, a negative count, a fraction where only whole
counts make sense, a numerator above its denominator or one of the pair missing, a running
total (累计) below the total up to the year before.
Soft warnings need a 说明 before the value counts as complete: a value far outside the org
unit's earlier years, a rate more than RATE_DROP_MARGIN points below the year before.
Pure Python: the grid checks while typing and the service checks again before saving.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass, field

from zkdesk.domain.progress import CUMULATIVE, RATE, rate_of

ERROR, WARNING = "error", "warning"
# Fields of an entry, as the grid's columns name them.
VALUE, NUMERATOR, DENOMINATOR, TOTAL, NOTE = "value", "numerator", "denominator", "total", "note"

FAR_FACTOR = 3.0  # more than 3× the highest earlier year (or under a third of the lowest) ...
FAR_MIN_GAP = 10.0  # ... and at least this far away, so that 1 → 4 does not count as far
RATE_DROP_MARGIN = 10.0  # percentage points below the previous year

# Units counted in whole numbers; others (万元, %) may carry decimals.
WHOLE_UNITS = frozenset({"人", "人次", "名", "家", "个", "件", "项", "场次", "所", "户"})


class NotANumber(ValueError):
    pass


def parse_number(text: str | float | int | None) -> float | None:
    """A typed number: blank is None; full-width digits and thousands separators are fine."""
    if text is None:
        return None
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        number = float(text)
    else:
        cleaned = unicodedata.normalize("NFKC", str(text)).strip().replace(",", "").replace(" ", "")
        if cleaned == "":
            return None
        try:
            number = float(cleaned)
        except ValueError:
            raise NotANumber(str(text)) from None
    if math.isnan(number) or math.isinf(number):
        raise NotANumber(str(text))
    return number


@dataclass(frozen=True)
class Issue:
    level: str  # ERROR | WARNING
    field: str  # VALUE | NUMERATOR | DENOMINATOR | TOTAL
    message: str


@dataclass(frozen=True)
class History:
    """The same org unit's earlier years of the same indicator, oldest first."""

    values: tuple[float, ...] = ()  # counts, or rates in %
    denominators: tuple[float, ...] = ()  # rates only
    previous_rate: float | None = None  # the latest earlier year's rate
    total_before: float = 0.0  # cumulative: the plan years before this one added up
    years_before: int = 0  # cumulative: how many of those years hold a value (0: no total yet, not a total of 0)


@dataclass(frozen=True)
class Checked:
    value: float | None
    numerator: float | None
    denominator: float | None
    issues: tuple[Issue, ...] = field(default=())
    note: str = ""

    @property
    def errors(self) -> tuple[Issue, ...]:
        return tuple(i for i in self.issues if i.level == ERROR)

    @property
    def warnings(self) -> tuple[Issue, ...]:
        return tuple(i for i in self.issues if i.level == WARNING)

    @property
    def blank(self) -> bool:
        return self.value is None and self.numerator is None and self.denominator is None

    @property
    def complete(self) -> bool:
        """Counts as complete: no warning, or every warning explained by a 说明."""
        return not self.warnings or bool(self.note.strip())


def _fmt(number: float) -> str:
    return f"{number:g}"


def _number(text, field_name: str, label: str, unit: str, issues: list[Issue]) -> float | None:
    try:
        number = parse_number(text)
    except NotANumber:
        issues.append(Issue(ERROR, field_name, f"{label}“{text}”不是数字"))
        return None
    if number is None:
        return None
    if number < 0:
        issues.append(Issue(ERROR, field_name, f"{label}不能为负数"))
    elif unit in WHOLE_UNITS and number != int(number):
        issues.append(Issue(ERROR, field_name, f"{label}应为整数（单位：{unit}）"))
    return number


def _far_outside(value: float, earlier: tuple[float, ...]) -> tuple[float, float] | None:
    if not earlier:
        return None
    low, high = min(earlier), max(earlier)
    if value > high * FAR_FACTOR and value - high >= FAR_MIN_GAP:
        return low, high
    if value < low / FAR_FACTOR and low - value >= FAR_MIN_GAP:
        return low, high
    return None


def check_rate(numerator_text, denominator_text, note: str, history: History) -> Checked:
    issues: list[Issue] = []
    num = _number(numerator_text, NUMERATOR, "分子", "个", issues)
    den = _number(denominator_text, DENOMINATOR, "分母", "个", issues)
    unreadable = any(i.message.endswith("不是数字") for i in issues)
    if not unreadable and (num is None) != (den is None):
        missing = DENOMINATOR if den is None else NUMERATOR
        issues.append(Issue(ERROR, missing, "分子和分母须同时填写"))
    if num is not None and den is not None and num > den:
        issues.append(Issue(ERROR, NUMERATOR, f"分子（{_fmt(num)}）不能大于分母（{_fmt(den)}）"))
    value = rate_of(num, den) if num is not None and den is not None and num <= den else None
    if not any(i.level == ERROR for i in issues) and den is not None:
        far = _far_outside(den, history.denominators)
        if far:
            issues.append(Issue(WARNING, DENOMINATOR,
                                f"分母与本单位往年（{_fmt(far[0])}—{_fmt(far[1])}）相差很大，请核实并填写说明"))
        if value is not None and history.previous_rate is not None and history.previous_rate - value > RATE_DROP_MARGIN:
            issues.append(Issue(WARNING, NUMERATOR,
                                f"比率 {_fmt(value)}% 比上年（{_fmt(history.previous_rate)}%）下降超过"
                                f"{_fmt(RATE_DROP_MARGIN)}个百分点，请填写说明"))
    return Checked(value, num, den, tuple(issues), note or "")


def check_count(kind: str, unit: str, value_text, note: str, history: History, total_text=None) -> Checked:
    """A count. For a cumulative indicator the clerk may type the running total (累计)
    instead of the year's count; the year's count is then the total less the years before."""
    issues: list[Issue] = []
    value: float | None
    if kind == CUMULATIVE and total_text not in (None, ""):
        try:
            total = parse_number(total_text)
        except NotANumber:
            issues.append(Issue(ERROR, TOTAL, f"累计数“{total_text}”不是数字"))
            return Checked(None, None, None, tuple(issues), note or "")
        if total < history.total_before:
            issues.append(Issue(ERROR, TOTAL,
                                f"累计数（{_fmt(total)}）不能小于截至上年的累计数（{_fmt(history.total_before)}）"))
            return Checked(None, None, None, tuple(issues), note or "")
        value = _number(round(total - history.total_before, 6), TOTAL, "累计数", unit, issues)
    else:
        value = _number(value_text, VALUE, "数值", unit, issues)
        if kind == CUMULATIVE and value is not None and value < 0:
            issues = [Issue(ERROR, VALUE, "累计数不能减少：本年新增不能为负数")]
    if value is not None and not issues:
        far = _far_outside(value, history.values)
        if far:
            issues.append(Issue(WARNING, VALUE if total_text in (None, "") else TOTAL,
                                f"{_fmt(value)} 与本单位往年数值（{_fmt(far[0])}—{_fmt(far[1])}）相差很大，请核实并填写说明"))
    return Checked(value, None, None, tuple(issues), note or "")


def check_entry(kind: str, unit: str, value_text=None, numerator_text=None, denominator_text=None,
                note: str = "", history: History | None = None, total_text=None) -> Checked:
    """Check one typed entry of an indicator of `kind` against the org unit's history."""
    history = history or History()
    if kind == RATE:
        return check_rate(numerator_text, denominator_text, note, history)
    return check_count(kind, unit, value_text, note, history, total_text)
