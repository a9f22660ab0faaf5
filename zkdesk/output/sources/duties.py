"""责任分工表 and 各责任单位任务落实情况: the plan's indicators with their lead (牵头) and
co-responsible (配合) departments (services/departments.py) and their evaluation status in
the year (services/evaluation_status.py over the progress service's row, as the evaluation
report judges them)."""

from __future__ import annotations

from zkdesk.output.sources import SourceQuery, SourceResult, source
from zkdesk.output.sources.progress import COMMON_FIELDS, PLAN_META, _common, _meta, _plan, _years_so_far
from zkdesk.services import evaluation_status as ev
from zkdesk.services.departments import NO_DUTIES, ROLE_LABELS, list_departments, plan_duties
from zkdesk.services.plans import plan_item_titles
from zkdesk.services.progress import progress_for

STATUS_FIELDS = {
    "actual": "本年度完成值",
    "completion": "完成率（%）",
    "status": "评价（已完成、基本完成、未完成、无数据）",
    "reason": "评价依据（实际值、目标和完成率）",
}


def _judged(q: SourceQuery):
    plan = _plan(q.session, q.year)
    rows = progress_for(q.session, plan.id, q.org_code, q.year)
    targets_year = {i.id: i.target_year for i in plan.indicators}
    judged = [(r, ev.judge(r, q.year, targets_year[r.indicator_id])) for r in rows]
    return plan, judged


def _figures(r, judgement) -> dict[str, object]:
    return {"actual": r.actual, "completion": r.completion, "status": judgement.status, "reason": judgement.reason}


DUTY_FIELDS = {
    **COMMON_FIELDS,
    "lead": "牵头单位",
    "co": "配合单位",
    **STATUS_FIELDS,
}


@source("duties.table", label="责任分工", fields=DUTY_FIELDS, meta=PLAN_META, years=_years_so_far)
def duty_table(q: SourceQuery) -> SourceResult:
    """One row per indicator: its lead and co-responsible departments and its status in the year."""
    plan, judged = _judged(q)
    items = plan_item_titles(q.session, plan.id)
    duties = plan_duties(q.session, plan.id)
    rows = []
    for r, judgement in judged:
        d = duties.get(r.indicator_id, NO_DUTIES)
        rows.append({**_common(r, items), "lead": "、".join(x.name for x in d.lead),
                     "co": "、".join(x.name for x in d.co), **_figures(r, judgement)})
    return SourceResult(rows, meta=_meta(plan))


DEPARTMENT_FIELDS = {
    "department": "责任单位",
    "department_code": "责任单位代码",
    "role": "牵头或配合",
    **COMMON_FIELDS,
    **STATUS_FIELDS,
}


def department_rows(q: SourceQuery, department_code: str | None = None) -> tuple[list[dict[str, object]], object]:
    """One row per department and indicator it leads or supports, the departments in the official
    order, each one's lead indicators first; only `department_code`'s when given."""
    plan, judged = _judged(q)
    items = plan_item_titles(q.session, plan.id)
    duties = plan_duties(q.session, plan.id)
    rows = []
    for dept in list_departments(q.session):
        if department_code and dept.code != department_code:
            continue
        for role in ("lead", "co"):
            for r, judgement in judged:
                d = duties.get(r.indicator_id, NO_DUTIES)
                if dept.code in (x.code for x in (d.lead if role == "lead" else d.co)):
                    rows.append({"department": dept.name, "department_code": dept.code, "role": ROLE_LABELS[role],
                                 **_common(r, items), **_figures(r, judgement)})
    return rows, plan


@source("duties.departments", label="各责任单位任务落实情况", fields=DEPARTMENT_FIELDS, meta=PLAN_META,
        years=_years_so_far)
def department_tasks(q: SourceQuery) -> SourceResult:
    rows, plan = department_rows(q)
    return SourceResult(rows, meta=_meta(plan))


def status_counts(rows: list[dict[str, object]]) -> dict[str, int]:
    """status -> how many of the rows (e.g. a department's lead indicators) have it."""
    counts = {s: 0 for s in ev.STATUSES}
    for row in rows:
        counts[str(row["status"])] += 1
    return counts


