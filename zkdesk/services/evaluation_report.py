"""The evaluation report of a plan (终期评估, 中期评估, or a 年度工作总结), for the whole county
or one township: the data every output (PDF, Word, the preview) prints, built in one read.

Figures and statuses come through services/evaluation_status.py (the adapter to the progress
API); a year's figure equals `zkdesk progress --year Y --json` for that year.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from zkdesk.domain.orgcodes import COUNTY_CODE, is_county
from zkdesk.domain.roles import Permission
from zkdesk.services import evaluation_status as ev
from zkdesk.services.actor import Actor
from zkdesk.services.departments import list_departments
from zkdesk.services.derived import partial_of
from zkdesk.services.narratives import SECTION_KEYS, report_range, stored_texts
from zkdesk.services.orgs import get_org
from zkdesk.services.progress import plan_by_code
from zkdesk.store.models import PlanItem

FINAL, MIDTERM, ANNUAL = "final", "midterm", "annual"
KIND_LABELS = {FINAL: "终期评估报告", MIDTERM: "中期评估报告", ANNUAL: "年度工作总结"}


@dataclass(frozen=True)
class IndicatorLine:
    code: str
    item: int
    name: str
    unit: str
    kind: str
    comparator: str
    quote: str  # the plan's own sentence
    derived: bool
    responsible: tuple[str, ...]
    baseline: float | None  # the year before the plan
    values: dict[int, float | None]  # each year of the report's range
    midterm: float | None  # the mid-term year's figure (None after the range)
    final: float | None  # the figure of the range's last year
    target: float | None
    target_year: int
    completion: float | None  # % of the target
    status: str  # evaluation_status.STATUSES
    reason: str
    expected: dict[int, float]  # the straight-line target path by year, where there is one
    register_part: str = ""  # a register covering part of the figure (services.derived.Partial.register_label)


def count_statuses(statuses) -> dict[str, int]:
    counts = {s: 0 for s in ev.STATUSES}
    for status in statuses:
        counts[status] += 1
    return counts


def overall_status(statuses: list[str]) -> str:
    """An item's (or a township's) status from its indicators': 无数据 when none can be judged,
    已完成 when every judged one is, 未完成 when any is, else 基本完成."""
    judged = [s for s in statuses if s != ev.NO_DATA]
    if not judged:
        return ev.NO_DATA
    if all(s == ev.DONE for s in judged):
        return ev.DONE
    if ev.NOT_DONE in judged:
        return ev.NOT_DONE
    return ev.BASIC


@dataclass(frozen=True)
class ItemSection:
    number: int
    section: str
    title: str
    responsible: tuple[str, ...]
    indicators: list[IndicatorLine]

    @property
    def counts(self) -> dict[str, int]:
        return count_statuses(i.status for i in self.indicators)

    @property
    def status(self) -> str:
        return overall_status([i.status for i in self.indicators])


@dataclass(frozen=True)
class TownshipSummary:
    code: str
    name: str
    item_status: dict[int, str]  # item number -> overall status
    counts: dict[str, int]  # over every indicator


@dataclass(frozen=True)
class DepartmentDuty:
    """What one 责任单位 owes in a plan: the items and indicators it leads (牵头: named first in
    the plan's 责任单位 list, as plans list the lead first) and those it supports (配合), with the
    status of the indicators it leads."""

    name: str
    code: str  # services/departments.py; "" for a name no department has
    lead_items: tuple[int, ...]
    co_items: tuple[int, ...]
    lead_indicators: tuple[str, ...]  # indicator codes
    co_indicators: tuple[str, ...]
    lead_counts: dict[str, int]  # status -> number of the indicators it leads


def department_duties(items: list[ItemSection], codes: dict[str, str] | None = None) -> list[DepartmentDuty]:
    """Every unit named as 责任单位, in the order the plan first names them; an indicator's are
    its duties (the lead first), an item's the plan's list (the first named leads)."""
    order: list[str] = []
    duties: dict[str, dict[str, list]] = {}

    def entry(name: str) -> dict[str, list]:
        if name not in duties:
            order.append(name)
            duties[name] = {"lead_items": [], "co_items": [], "lead": [], "co": [], "statuses": []}
        return duties[name]

    for item in items:
        for k, name in enumerate(item.responsible):
            entry(name)["lead_items" if k == 0 else "co_items"].append(item.number)
        for line in item.indicators:
            for k, name in enumerate(line.responsible or item.responsible):
                d = entry(name)
                if k == 0:
                    d["lead"].append(line.code)
                    d["statuses"].append(line.status)
                else:
                    d["co"].append(line.code)
    codes = codes or {}
    return [DepartmentDuty(name, codes.get(name, ""), tuple(d["lead_items"]), tuple(d["co_items"]), tuple(d["lead"]), tuple(d["co"]),
                           count_statuses(d["statuses"])) for name in order for d in (duties[name],)]


@dataclass(frozen=True)
class EvaluationReport:
    kind: str  # FINAL | MIDTERM | ANNUAL
    title: str
    plan_code: str
    plan_name: str
    plan_short: str
    document: str
    org_code: str
    org_name: str
    year_from: int
    year_to: int
    plan_start: int
    plan_end: int
    midterm_year: int
    baseline_year: int
    made_on: date
    items: list[ItemSection]
    townships: list[TownshipSummary] = field(default_factory=list)  # the county's report only
    narratives: dict[str, str] = field(default_factory=dict)  # narratives.SECTION_KEYS -> text
    department_codes: dict[str, str] = field(default_factory=dict)  # department name -> code

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(range(self.year_from, self.year_to + 1))

    @property
    def indicators(self) -> list[IndicatorLine]:
        return [i for item in self.items for i in item.indicators]

    @property
    def counts(self) -> dict[str, int]:
        return count_statuses(i.status for i in self.indicators)

    @property
    def duties(self) -> list[DepartmentDuty]:
        return department_duties(self.items, self.department_codes)

    @property
    def range_label(self) -> str:
        return f"{self.year_from}年" if self.year_from == self.year_to else f"{self.year_from}—{self.year_to}年"


def report_kind(plan_start: int, plan_end: int, year_from: int, year_to: int) -> str:
    if year_from == year_to and not (year_from == plan_start and year_to == plan_end):
        return ANNUAL
    return FINAL if year_to >= plan_end else MIDTERM


def build_report(session: Session, actor: Actor, plan_code: str, org_code: str | None = None,
                 year_from: int | None = None, year_to: int | None = None,
                 narratives: dict[str, str] | None = None, today: date | None = None) -> EvaluationReport:
    """The report of plan `plan_code` for `org_code` (default: this office; 530924 = the whole
    county) over `year_from`–`year_to` (default: the whole plan period), with the narratives
    stored for that plan, org unit and range unless `narratives` gives them."""
    actor.require(Permission.VIEW)
    plan = plan_by_code(session, plan_code)
    org_code = org_code or actor.office_code or COUNTY_CODE
    org = get_org(session, org_code)
    actor.require_scope(org_code, org.short_name)
    start, end = plan.start_year, plan.end_year
    year_from, year_to = report_range(plan, year_from, year_to)
    kind = report_kind(start, end, year_from, year_to)
    midterm_year = start + (end - start) // 2

    figures = ev.Figures(session, plan)
    items = {i.number: i for i in session.scalars(select(PlanItem).where(PlanItem.plan_id == plan.id,
                                                                         PlanItem.deleted.is_(False)))}
    lines: dict[int, list[IndicatorLine]] = {}
    for ind in figures.indicators:
        lines.setdefault(ind.item, []).append(_line(figures, ind, org_code, year_from, year_to, midterm_year))

    sections = []
    for number in sorted(set(items) | set(lines)):
        item = items.get(number)
        sections.append(ItemSection(
            number=number, section=item.section if item else "", title=item.title if item else f"第{number}项",
            responsible=tuple(json.loads(item.responsible or "[]")) if item else (), indicators=lines.get(number, []),
        ))

    township_rows = []
    if is_county(org_code):
        names = {u: get_org(session, u).short_name for u in figures.township_codes}
        for code in figures.township_codes:
            by_item: dict[int, list[str]] = {section.number: [] for section in sections}
            for ind in figures.indicators:
                row = figures.row(ind, code, year_to)
                by_item.setdefault(ind.item, []).append(ev.judge(row, year_to, ind.target_year).status)
            township_rows.append(TownshipSummary(
                code=code, name=names[code],
                item_status={n: overall_status(s) for n, s in by_item.items()},
                counts=count_statuses(s for statuses in by_item.values() for s in statuses),
            ))

    org_name = f"{org.short_name}（全县）" if is_county(org_code) else org.short_name
    if kind == ANNUAL:
        title = f"{org.short_name}{plan.short_name}规划实施{year_to}年度工作总结"
    else:
        title = f"{org.short_name}{plan.short_name}规划{KIND_LABELS[kind]}"
    if narratives is None:
        texts = stored_texts(session, plan, org_code, year_from, year_to)
    else:
        texts = {k: narratives.get(k, "") for k in SECTION_KEYS}
    return EvaluationReport(
        kind=kind, title=title, plan_code=plan.code, plan_name=plan.name, plan_short=plan.short_name,
        document=plan.document, org_code=org_code, org_name=org_name, year_from=year_from, year_to=year_to,
        plan_start=start, plan_end=end, midterm_year=midterm_year, baseline_year=start - 1,
        made_on=today or date.today(), items=sections, townships=township_rows, narratives=texts,
        department_codes={d.name: d.code for d in list_departments(session)},
    )


def _line(figures: ev.Figures, ind, org_code: str, year_from: int, year_to: int, midterm_year: int) -> IndicatorLine:
    rows = {y: figures.row(ind, org_code, y) for y in range(year_from, year_to + 1)}
    last = rows[year_to]
    judgement = ev.judge(last, year_to, ind.target_year)
    midterm = None
    if midterm_year <= year_to:
        mid = rows.get(midterm_year) or figures.row(ind, org_code, midterm_year)
        midterm = mid.actual
    return IndicatorLine(
        code=ind.code, item=ind.item, name=ind.name, unit=ind.unit, kind=ind.kind, comparator=ind.comparator,
        quote=ind.quote or "", derived=bool(ind.source), responsible=figures.responsible(ind),
        baseline=figures.baseline(ind, org_code), values={y: r.actual for y, r in rows.items()},
        midterm=midterm, final=last.actual, target=last.target, target_year=ind.target_year, completion=last.completion,
        status=judgement.status, reason=judgement.reason, expected=figures.expected_path(ind, org_code),
        register_part=partial.register_label if (partial := partial_of(ind.source)) else "",
    )


@dataclass(frozen=True)
class PlanChoice:
    code: str
    label: str  # 十四五（2021—2025年）
    start: int
    end: int


@dataclass(frozen=True)
class ReportChoices:
    plans: list[PlanChoice]
    orgs: list[tuple[str, str]]  # (code, name): the county (全县) first, then its townships
    default_plan: int  # index into plans: the plan whose period holds last year


def report_choices(session: Session, actor: Actor, today: date | None = None) -> ReportChoices:
    """What an evaluation report may be made for: the plans, and the org units in the actor's scope."""
    from zkdesk.store.models import OrgUnit, Plan

    actor.require(Permission.VIEW)
    rows = list(session.scalars(select(Plan).where(Plan.deleted.is_(False)).order_by(Plan.start_year, Plan.code)))
    plans = [PlanChoice(p.code, f"{p.short_name}（{p.start_year}—{p.end_year}年）" + ("【当前规划】" if p.current else ""),
                        p.start_year, p.end_year) for p in rows]
    last_year = (today or date.today()).year - 1
    # the plan marked 当前规划, else the one whose period holds last year (the year a report looks back on)
    default = next((i for i, p in enumerate(rows) if p.current), None)
    if default is None:
        default = next((i for i, p in enumerate(plans) if p.start <= last_year <= p.end), 0)
    units = session.scalars(select(OrgUnit).where(OrgUnit.level.in_(("county", "township")), OrgUnit.active.is_(True))
                            .order_by(OrgUnit.sort_order))
    orgs = [(u.code, f"{u.short_name}（全县）" if is_county(u.code) else u.short_name) for u in units if actor.sees(u.code)]
    return ReportChoices(plans, orgs, default)
