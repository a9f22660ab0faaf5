"""Collective-contract dates, quality-evaluation scores and survey rates. Pure rules.

Dates follow 《集体合同规定》(劳动和社会保障部令第22号): a contract runs 1–3 years (第38条);
it is sent to the labour bureau within 10 days of signing (第42条); it takes effect when the
bureau raises no objection within 15 days of receiving it (第47条).
"""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta

from zkdesk.domain.choices import CONTRACT_TYPES

MIN_TERM_YEARS = 1
MAX_TERM_YEARS = 3
FILING_DAYS = 10  # 签订后10日内报送
REVIEW_DAYS = 15  # 收到文本之日起15日内未提出异议即行生效
RENEWAL_WINDOW_MONTHS = 3  # contracts expiring within 3 months are due for renegotiation
LARGE_ENTERPRISE = 100  # 百人以上企业: 100 employees or more
QUALITY_PASS_SCORE = 80.0

# Ownership types counted as 非公有制 (non-public) in items 13: private, foreign, HK/Macao/Taiwan.
PRIVATE_OWNERSHIPS = ("非公", "外资", "港澳台")
STATE_OWNERSHIP = "国有"
# Regional and sector contracts cover several enterprises through a coverage list.
MULTI_ENTERPRISE_KINDS = ("区域性集体合同", "行业性集体合同")

QUALITY_AREAS = (
    ("score_parties", "协商主体"),
    ("score_procedure", "协商程序"),
    ("score_content", "协商内容"),
    ("score_performance", "合同履行及效果"),
    ("score_overall", "综合评价"),
)


class RuleError(ValueError):
    """Carries a Chinese message for the user."""


def add_years(day: date, years: int) -> date:
    """The anniversary `years` later; 29 February falls on 1 March in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the end of a shorter month."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def check_term(term_years: int) -> None:
    if not MIN_TERM_YEARS <= int(term_years) <= MAX_TERM_YEARS:
        raise RuleError(f"集体合同期限应为{MIN_TERM_YEARS}至{MAX_TERM_YEARS}年，现为{term_years}年")


def expiry_date(signed_on: date, term_years: int) -> date:
    """The last day of the term: the day before the `term_years` anniversary of signing."""
    check_term(term_years)
    return add_years(signed_on, int(term_years)) - timedelta(days=1)


def contract_problems(*, kind: str, signed_on: date | None, term_years: int, filed_on: date | None,
                      review_objection: bool, wage_increase_pct: float | None, employees_covered: int,
                      today: date) -> list[tuple[str, str]]:
    """Every problem with a contract's own fields, as (field, Chinese message), in form order.
    The parties (an enterprise, or the enterprises covered) are `parties_problems`'."""
    problems = []
    if kind not in CONTRACT_TYPES:
        problems.append(("kind", f"合同类型“{kind}”不在可选范围内：{'、'.join(CONTRACT_TYPES)}"))
    if signed_on is None:
        problems.append(("signed_on", "请填写签订日期"))
    elif signed_on > today:
        problems.append(("signed_on", f"签订日期{signed_on:%Y-%m-%d}晚于今天"))
    try:
        check_term(term_years)
    except RuleError as exc:
        problems.append(("term_years", str(exc)))
    if filed_on is not None and signed_on is not None and filed_on < signed_on:
        problems.append(("filed_on", f"报送日期{filed_on:%Y-%m-%d}早于签订日期{signed_on:%Y-%m-%d}"))
    if review_objection and filed_on is None:
        problems.append(("review_objection", "尚未报送的合同不会有审查意见：请先填写报送日期"))
    if wage_increase_pct is not None and not -100 < wage_increase_pct <= 100:
        problems.append(("wage_increase_pct", f"工资增长幅度{wage_increase_pct:g}%不合理"))
    if employees_covered < 0:
        problems.append(("employees_covered", "覆盖职工人数不能为负数"))
    return problems


def parties_problems(kind: str, has_enterprise: bool, covered: int) -> list[tuple[str, str]]:
    """An enterprise's own contract names its enterprise; a regional or sector contract the
    enterprises it covers. Fields: "enterprise_id", "covered_enterprise_ids"."""
    if kind in MULTI_ENTERPRISE_KINDS:
        return [] if covered else [("covered_enterprise_ids", f"{kind}须选择所覆盖的企业")]
    return [] if has_enterprise else [("enterprise_id", f"{kind}须选择签订合同的企业")]


def outside_township(kind: str, township: str, enterprise: str) -> str:
    """A township's regional or sector contract covers the township's own enterprises only."""
    return f"{township}的{kind}只能覆盖本乡镇的企业，“{enterprise}”不在{township}"


def filing_deadline(signed_on: date) -> date:
    """The last day for sending the contract to the labour bureau."""
    return signed_on + timedelta(days=FILING_DAYS)


def filing_overdue(signed_on: date | None, filed_on: date | None, today: date) -> bool:
    """Signed, not filed, and the 10 days after signing are over."""
    return signed_on is not None and filed_on is None and today > filing_deadline(signed_on)


def effective_date(filed_on: date | None, objection: bool) -> date | None:
    """15 days after filing when the review raised no objection; else not (yet) effective."""
    if filed_on is None or objection:
        return None
    return filed_on + timedelta(days=REVIEW_DAYS)


def in_renewal_window(expires_on: date | None, today: date) -> bool:
    """Still in force and expiring within the next 3 months."""
    return expires_on is not None and today <= expires_on <= add_months(today, RENEWAL_WINDOW_MONTHS)


def in_force_during(signed_on: date | None, expires_on: date | None, objection: bool, year: int) -> bool:
    """The contract's term overlaps `year` and the review did not object to it.

    Counted from signing, not from the effective date: a contract signed and not yet filed
    is still the result of a negotiation (the filing reminder deals with the paperwork).
    """
    if signed_on is None or objection:
        return False
    end = expires_on or date.max
    return signed_on <= date(year, 12, 31) and end >= date(year, 1, 1)


def survey_rate(part: int, respondents: int) -> float | None:
    """知晓率 / 满意度 in percent, from counts; None when nobody was surveyed."""
    if not respondents:
        return None
    return round(100.0 * part / respondents, 2)


@dataclass(frozen=True)
class Scores:
    score_parties: float
    score_procedure: float
    score_content: float
    score_performance: float
    score_overall: float

    @property
    def total(self) -> float:
        return round(sum(getattr(self, name) for name, _ in QUALITY_AREAS), 2)


def check_scores(scores: Scores) -> float:
    """The total of the five areas; each area ≥ 0 and the total at most 100."""
    for name, label in QUALITY_AREAS:
        value = getattr(scores, name)
        if value < 0:
            raise RuleError(f"质效评估“{label}”得分不能为负数")
    total = scores.total
    if total > 100:
        raise RuleError(f"质效评估五项得分合计{total:g}分，超过100分")
    return total


def check_survey(respondents: int, aware: int, satisfied: int) -> None:
    if min(respondents, aware, satisfied) < 0:
        raise RuleError("调查人数不能为负数")
    if aware > respondents:
        raise RuleError(f"知晓人数（{aware}）不能多于受调查职工数（{respondents}）")
    if satisfied > respondents:
        raise RuleError(f"满意人数（{satisfied}）不能多于受调查职工数（{respondents}）")
