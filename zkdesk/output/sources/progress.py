"""主要指标完成情况 and 年度目标任务分解: the plan's indicators as the progress service sees them.

Every figure (actual, target, completion, status, a township's allocated target) is a field of
`services.progress.ProgressRow`; nothing is recomputed here, so the forms print what the
progress dashboard shows. The county's prints carry one field per township (`t` + its code)
for the forms' township columns.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from zkdesk.domain import progress as rules
from zkdesk.domain.orgcodes import COUNTY_CODE, is_county
from zkdesk.output.sources import SourceQuery, SourceResult, source
from zkdesk.services.catalog import current_plan, plan_overview
from zkdesk.services.errors import UserError
from zkdesk.services.plans import plan_item_titles
from zkdesk.services.progress import SOURCE_BOTH, ProgressRow, county_and_townships, progress_for
from zkdesk.store.models import Plan
from zkdesk.store.seed import shipped_org_units

TOWNSHIPS = [(u["code"], u["short_name"]) for u in shipped_org_units() if u["level"] == "township"]
BEHIND_MARK = "▲"  # after a township's figure when it is behind (滞后) or misses the year's threshold

COMMON_FIELDS = {
    "item_label": "规划项目（序号和名称）",
    "code": "指标编号",
    "name": "指标名称（由登记数据计算的带＊）",
    "unit": "计量单位",
    "kind": "指标类型（比率、累计、存量、每年、每年保持、比基期增加、不低于上一届）",
    "target_text": "目标值（带比较符号，如≥80）",
}
PLAN_META = ("plan_name", "plan_short_name")


def _plan(session: Session, year: int) -> Plan:
    plan = current_plan(session, year)
    if plan is None:
        raise UserError("数据库中没有规划目录")
    return plan


def _plan_years(session: Session, org_code: str, up_to: int | None = None) -> list[int]:
    years: set[int] = set()
    for p in plan_overview(session):
        years.update(range(p.start_year, min(p.end_year, up_to or p.end_year) + 1))
    return sorted(years)


def _years_so_far(session: Session, org_code: str) -> list[int]:
    """Plan years up to this year: a year to come has nothing to report yet."""
    return _plan_years(session, org_code, date.today().year)


def target_text(comparator: str, target: float | None) -> str:
    """≥80, ≈10, 不低于上届 (with last term's figure when there is one); 无目标 without a target."""
    if comparator == rules.NOT_BELOW_LAST:
        label = rules.COMPARATOR_LABELS[comparator]
        return label if target is None else f"{label}（{rules.format_number(target)}）"
    if target is None:
        return "无目标"
    return f"{rules.COMPARATOR_LABELS[comparator]}{rules.format_number(target)}"


def year_target_text(r: ProgressRow) -> str:
    """The figure the year's path asks for (the threshold itself for 每年 and 动态保持); — where
    there is none (no target, no baseline to start a rate's path, a per-term or a task)."""
    kind = r.target_kind or r.kind
    if kind == rules.PER_TERM:
        return "不低于上一届"
    if r.expected is None or r.target is None or kind == rules.MILESTONE:
        return "—"
    sign = rules.COMPARATOR_LABELS.get(r.comparator, "") if kind in (rules.THRESHOLD, rules.YEARLY) else ""
    return f"{sign}{rules.format_number(round(r.expected, 2))}"


def _common(r: ProgressRow, items: dict[int, str]) -> dict[str, object]:
    return {
        "item_label": f"{r.item}.{items.get(r.item, '')}",
        "code": r.code,
        "name": f"{r.name}＊" if r.derived else r.name,
        "unit": r.unit,
        "kind": rules.TARGET_KIND_LABELS.get(r.target_kind or r.kind, rules.KIND_LABELS.get(r.kind, r.kind)),
        "target_text": target_text(r.comparator, r.target),
    }


def _meta(plan: Plan) -> dict[str, str]:
    return {"plan_name": plan.name, "plan_short_name": plan.short_name}


# ---- 主要指标完成情况表 ----------------------------------------------------------------------

PROGRESS_FIELDS = {
    **COMMON_FIELDS,
    "target": "目标值",
    "actual": "完成值",
    "basis": "比率的分子／分母；登记数加填报数的指标为两部分（登记＋其他）",
    "completion": "完成率（%）",
    "status": "状态（已完成、进度正常、滞后、无数据）",
    "projection": "按目前进度预计到目标年度的完成值",
    "responsible": "责任单位",
    **{f"t{code}": f"{name}完成值（滞后的带{BEHIND_MARK}）" for code, name in TOWNSHIPS},
}


def _township_figure(r: ProgressRow) -> str:
    if r.actual is None:
        return ""
    return rules.format_number(r.actual) + (BEHIND_MARK if r.status in (rules.BEHIND, rules.NOT_MET) else "")


def _basis(r: ProgressRow) -> str:
    """A rate's numerator/denominator; for a figure made of a register's part and a typed part
    (06.x), the two parts: 登记3＋其他5."""
    if r.source == SOURCE_BOTH:
        if r.actual is None:
            return ""
        return f"登记{rules.format_number(r.derived_part or 0)}＋其他{rules.format_number(r.entered_part or 0)}"
    if r.denominator is not None:
        return f"{rules.format_number(r.numerator)}/{rules.format_number(r.denominator)}"
    return ""


def _printed_status(r: ProgressRow, org_code: str) -> str:
    """A township's print shows a status only where the township has a target of its own;
    elsewhere 不考核 (the county judges the county's figure)."""
    if not is_county(org_code) and r.target is None:
        return rules.NOT_ASSESSED
    return r.status


def _status_summary(rows: list[ProgressRow], org_code: str) -> str:
    statuses = [_printed_status(r, org_code) for r in rows]
    counts = {s: statuses.count(s) for s in rules.STATUSES}
    return f"共{len(rows)}项指标，" + "，".join(f"{s}{n}项" for s, n in counts.items())


@source("indicators.progress", label="主要指标完成情况", fields=PROGRESS_FIELDS,
        meta=(*PLAN_META, "status_summary"), years=_years_so_far)
def indicator_progress(q: SourceQuery) -> SourceResult:
    """One row per indicator of the plan in force in the year; the county's with every township's figure."""
    plan = _plan(q.session, q.year)
    items = plan_item_titles(q.session, plan.id)
    if is_county(q.org_code):
        own, by_township = county_and_townships(q.session, plan.id, q.year)  # the registers read once
    else:
        own, by_township = progress_for(q.session, plan.id, q.org_code, q.year), {}
    rows = []
    for i, r in enumerate(own):
        row = _common(r, items)
        row.update(
            target=r.target, actual=r.actual, completion=r.completion, status=_printed_status(r, q.org_code),
            projection=r.projection,
            basis=_basis(r),
            responsible="、".join(r.responsible),
        )
        for code, township_rows in by_township.items():
            row[f"t{code}"] = _township_figure(township_rows[i])
        rows.append(row)
    return SourceResult(rows, meta={**_meta(plan), "status_summary": _status_summary(own, q.org_code)})


# ---- 年度目标任务分解表 ----------------------------------------------------------------------

TARGET_FIELDS = {
    **COMMON_FIELDS,
    "rule": "考核方式（每年均≥、到目标年度累计≥、比基期增加≥、不低于上一届等）",
    "year_target": "本年度应达到（全县，按进度；每年类和动态保持类为目标本身）",
    "own_year_target": "本单位本年度应达到（乡镇打印时为本乡镇的）",
    "responsible": "责任单位",
    "county_target": "全县目标值",
    "own_target": "本单位目标值（乡镇打印时为本乡镇的分解目标）",
    "township_total": "各乡镇分解目标合计（比率类不合计）",
    "remark": "备注（未分解、按全县目标执行等）",
    **{f"t{code}": f"{name}分解目标" for code, name in TOWNSHIPS},
}


def _remark(county: ProgressRow, townships: list[ProgressRow]) -> str:
    """What the allocation to `townships` (all seven, or the one printing) says at a glance,
    judged from the targets the progress service uses."""
    if county.level == rules.COUNTY_ONLY:
        return "县总工会本级任务，乡镇不考核"
    if county.comparator == rules.NOT_BELOW_LAST:
        return "不低于本乡镇上一届"
    targets = [t.target for t in townships]
    if county.kind == rules.RATE:
        return "按全县目标执行" if all(t == county.target for t in targets) else ""
    missing = sum(t is None for t in targets)
    if missing == len(targets):
        return "未分解"
    if missing:
        return f"{missing}个乡镇未分解"
    if len(targets) > 1 and county.target is not None and sum(targets) < county.target:
        return "分解合计低于全县目标"
    return ""


def _township_total(county: ProgressRow, townships: list[ProgressRow]) -> float | None:
    """Σ the townships' targets of a count; a rate's or a not-below-last target does not add up."""
    targets = [t.target for t in townships if t.target is not None]
    if county.kind == rules.RATE or county.comparator == rules.NOT_BELOW_LAST or not targets:
        return None
    return float(sum(targets))


@source("indicators.targets", label="年度目标任务分解", fields=TARGET_FIELDS, meta=PLAN_META, years=_plan_years)
def target_breakdown(q: SourceQuery) -> SourceResult:
    """One row per indicator: the county's target and each township's, as progress judges them
    (an allocation of the year, else of the plan period; a rate not allocated applies as it is)."""
    plan = _plan(q.session, q.year)
    items = plan_item_titles(q.session, plan.id)
    if is_county(q.org_code):
        county, by_township = county_and_townships(q.session, plan.id, q.year)  # the registers read once
    else:
        county = progress_for(q.session, plan.id, COUNTY_CODE, q.year)
        by_township = {q.org_code: progress_for(q.session, plan.id, q.org_code, q.year)}
    rows = []
    for i, r in enumerate(county):  # every progress list has the plan's indicators in the same order
        townships = [township_rows[i] for township_rows in by_township.values()]
        row = _common(r, items)
        own = r if is_county(q.org_code) else townships[0]
        assessed = own.status != rules.NOT_ASSESSED
        row.update(
            county_target=r.target, own_target=own.target if assessed else rules.NOT_ASSESSED,
            township_total=_township_total(r, townships), remark=_remark(r, townships),
            rule=r.rule_words, year_target=year_target_text(r),
            own_year_target=year_target_text(own) if assessed else rules.NOT_ASSESSED,
            responsible="、".join(r.responsible),
        )
        for code, t in zip(by_township, townships):
            row[f"t{code}"] = t.target if t.status != rules.NOT_ASSESSED else None
        rows.append(row)
    return SourceResult(rows, meta=_meta(plan))
