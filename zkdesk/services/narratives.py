"""The narrative sections of an evaluation report (成效, 问题, 下一步), per plan, org unit and the
report's year range (the 终期 2021–2025, the 中期 2021–2023 and each 年度工作总结 have their own).

Each record belongs to the org unit it is about (its origin, as for every travelling record): a
township's words travel to the county with its package, and the county may type a township's in
from paper, as it does with values. Scope as usual: a township only its own, the county all.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from zkdesk.domain.roles import Permission
from zkdesk.services import audit
from zkdesk.services.actor import Actor
from zkdesk.services.errors import UserError
from zkdesk.services.orgs import get_org
from zkdesk.services.progress import plan_by_code
from zkdesk.store.models import EvaluationNarrative, Plan

# (key, heading) in the order they are printed
SECTIONS = (("effects", "主要成效"), ("problems", "存在的问题"), ("next", "下一步工作"))
SECTION_KEYS = tuple(key for key, _ in SECTIONS)
HEADINGS = dict(SECTIONS)
PLACEHOLDER = "（此部分尚未填写，请补充后重新生成本报告。）"
COLUMNS = {"effects": "effects", "problems": "problems", "next": "next_steps"}  # section key -> column
MAX_CHARS = 20000  # per section: some pages of text, far more than a report section needs


def report_range(plan: Plan, year_from: int | None, year_to: int | None) -> tuple[int, int]:
    """A report's years, defaulting to the whole plan period; refused in Chinese when outside it."""
    start, end = plan.start_year, plan.end_year
    year_from = start if year_from is None else year_from
    year_to = end if year_to is None else year_to
    for y in (year_from, year_to):
        if not start <= y <= end:
            raise UserError(f"{y}年不在{plan.short_name}规划期（{start}—{end}年）内")
    if year_from > year_to:
        raise UserError(f"起始年度{year_from}年晚于截止年度{year_to}年")
    return year_from, year_to


def _row(session: Session, plan: Plan, org_code: str, year_from: int, year_to: int) -> EvaluationNarrative | None:
    return session.scalars(select(EvaluationNarrative).where(
        EvaluationNarrative.plan_id == plan.id, EvaluationNarrative.org_code == org_code,
        EvaluationNarrative.year_from == year_from, EvaluationNarrative.year_to == year_to)).first()


def stored_texts(session: Session, plan: Plan, org_code: str, year_from: int, year_to: int) -> dict[str, str]:
    """The sections as stored (empty strings where nothing is typed); no checks: the caller has
    checked the actor (build_report, get_narratives)."""
    row = _row(session, plan, org_code, year_from, year_to)
    if row is None or row.deleted:
        return {key: "" for key in SECTION_KEYS}
    return {key: getattr(row, column) or "" for key, column in COLUMNS.items()}


def get_narratives(session: Session, actor: Actor, plan_code: str, org_code: str | None = None,
                   year_from: int | None = None, year_to: int | None = None) -> dict[str, str]:
    actor.require(Permission.VIEW)
    plan = plan_by_code(session, plan_code)
    org_code = org_code or actor.office_code
    actor.require_scope(org_code, get_org(session, org_code).short_name)
    year_from, year_to = report_range(plan, year_from, year_to)
    return stored_texts(session, plan, org_code, year_from, year_to)


def save_narratives(session: Session, actor: Actor, plan_code: str, texts: dict[str, str], org_code: str | None = None,
                    year_from: int | None = None, year_to: int | None = None) -> dict[str, str]:
    """Store the sections given in `texts` (others keep their text); returns all three."""
    actor.require(Permission.EDIT)
    plan = plan_by_code(session, plan_code)
    org_code = org_code or actor.office_code
    org = get_org(session, org_code)
    actor.require_scope(org_code, org.short_name)
    unknown = set(texts) - set(SECTION_KEYS)
    if unknown:
        raise UserError(f"未知的报告部分：{'、'.join(sorted(unknown))}（可填：{'、'.join(HEADINGS.values())}）")
    for key, text in texts.items():
        if len(text) > MAX_CHARS:
            raise UserError(f"“{HEADINGS[key]}”超过{MAX_CHARS}字，请精简后再保存")
    year_from, year_to = report_range(plan, year_from, year_to)
    row = _row(session, plan, org_code, year_from, year_to)
    if row is None:
        row = EvaluationNarrative(origin=org_code, plan_id=plan.id, org_code=org_code, year_from=year_from,
                                  year_to=year_to, effects="", problems="", next_steps="")
        session.add(row)
        action = "create"
    else:
        action = "update"
    before = {key: getattr(row, COLUMNS[key]) or "" for key in SECTION_KEYS}
    changed = {key: text for key, text in texts.items() if text != before[key]}
    if row.deleted:
        row.deleted, changed = False, dict(texts)
    if not changed and action == "update":
        return before
    for key, text in changed.items():
        setattr(row, COLUMNS[key], text)
    row.changed_by = actor.username
    if action == "update":
        row.touch()
    session.flush()
    audit.record(session, actor.username, "create" if action == "create" else "update", "evaluation_narrative", row.id, {
        "plan": plan.code, "org": org_code, "from": year_from, "to": year_to,
        "sections": [HEADINGS[k] for k in SECTION_KEYS if k in changed],
    })
    return {key: getattr(row, COLUMNS[key]) or "" for key in SECTION_KEYS}
