"""Plans are data: the county copies a plan (e.g. 十四五 → 十五五) and edits its indicators
and targets. Copies get deterministic ids, like the shipped catalogs (store/seed.py)."""

from __future__ import annotations

import json
import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from zkdesk.domain.orgcodes import COUNTY_CODE
from zkdesk.domain import progress as rules
from zkdesk.domain.progress import COMPARATORS, KINDS, NOT_BELOW_LAST, RATE
from zkdesk.domain.roles import Permission
from zkdesk.services import audit
from zkdesk.services.actor import Actor
from zkdesk.services.errors import PermissionDenied, UserError
from zkdesk.services.progress import get_plan
from zkdesk.services.records import live_record
from zkdesk.store.models import Department, Indicator, IndicatorDuty, IndicatorValue, Plan, PlanItem
from zkdesk.store.seed import seed_duties, seed_id

_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{1,39}$")
_INDICATOR_CODE = re.compile(r"^(\d{1,2})\.(\d{1,2})$")


def plan_item_titles(session: Session, plan_id: str) -> dict[int, str]:
    """Plan item number -> its title."""
    items = session.scalars(select(PlanItem).where(PlanItem.plan_id == plan_id, PlanItem.deleted.is_(False)))
    return {i.number: i.title for i in items}


def require_plan_manager(actor: Actor) -> None:
    actor.require(Permission.MANAGE_PLANS)
    if not actor.at_county:
        raise PermissionDenied("规划目录和目标由县总工会管理")


def _indicator(session: Session, indicator_id: str) -> Indicator:
    return live_record(session, Indicator, indicator_id, "找不到该指标")


def _indicator_snapshot(ind: Indicator) -> dict:
    return {"code": ind.code, "name": ind.name, "unit": ind.unit, "kind": ind.kind,
            "target_kind": rules.judged_as(ind.kind, ind.target_kind), "level": ind.level, "comparator": ind.comparator,
            "target": ind.target, "target_year": ind.target_year}


def sort_key(code: str) -> str:
    item, _, seq = code.partition(".")
    return f"{int(item):03d}.{int(seq or 0):03d}"


def _next_terms(terms_json: str, shift: int) -> str:
    """A per-term target in the next plan: the last term of this one is the previous term, and
    the next is elected as many years later as the plans lie apart."""
    terms = rules.terms_of(terms_json)
    if not terms:
        return "[]"
    last = terms[-1]
    return json.dumps([{"label": "上一届", "year": last.year}, {"label": "本届", "year": last.year + shift}],
                      ensure_ascii=False)


def copy_plan(session: Session, actor: Actor, source_plan_id: str, code: str, name: str, short_name: str,
              start_year: int, end_year: int, document: str = "") -> Plan:
    """A new plan with the source's items and indicators. Target years at the source's end
    move to the new end; other target years shift by the difference of the start years.
    Township allocations are not copied: a new period gets new ones."""
    require_plan_manager(actor)
    source = get_plan(session, source_plan_id)
    code, name, short_name = code.strip(), name.strip(), short_name.strip() or code.strip()
    if not _CODE.match(code):
        raise UserError("规划代码须为2至40位字母、数字、“-”或“_”，如 zk-2026-2030")
    if not name:
        raise UserError("请填写规划名称")
    if not (2000 <= start_year <= end_year <= 2100):
        raise UserError("规划期起止年度无效：起始年度不能晚于截止年度")
    if session.scalars(select(Plan).where(Plan.code == code)).first() is not None:
        raise UserError(f"规划代码“{code}”已存在")
    plan = Plan(id=seed_id("plan", code), origin=COUNTY_CODE, code=code, name=name, short_name=short_name,
                document=document.strip(), start_year=start_year, end_year=end_year, catalog_version=1, status="active")
    session.add(plan)
    session.flush()
    for item in source.items:
        if item.deleted:
            continue
        session.add(PlanItem(id=seed_id("plan-item", code, item.number), origin=COUNTY_CODE, plan_id=plan.id,
                             number=item.number, section=item.section, title=item.title, responsible=item.responsible))
    shift = start_year - source.start_year
    copied = 0
    for ind in source.indicators:
        if ind.deleted:
            continue
        target_year = end_year if ind.target_year == source.end_year else min(end_year, ind.target_year + shift)
        session.add(Indicator(
            id=seed_id("indicator", code, ind.code), origin=COUNTY_CODE, plan_id=plan.id, code=ind.code,
            item=ind.item, sort_key=ind.sort_key, name=ind.name, unit=ind.unit, kind=ind.kind,
            target_kind=ind.target_kind, level=ind.level, projection_method=ind.projection_method,
            comparator=ind.comparator, target=ind.target, target_year=target_year,
            numerator_label=ind.numerator_label, denominator_label=ind.denominator_label, source=ind.source,
            responsible=ind.responsible, quote="", terms=_next_terms(ind.terms, shift),
        ))
        copied += 1
    session.flush()
    _copy_duties(session, source, code)
    audit.record(session, actor.username, "create", "plan", plan.id,
                 {"new": {"code": code, "name": name, "years": [start_year, end_year]},
                  "copied_from": source.code, "indicators": copied})
    return plan


def set_current_plan(session: Session, actor: Actor, plan_id: str) -> Plan:
    """设为当前规划: the county marks `plan_id` as the plan the dashboard and the reports open on;
    the plan marked before is unmarked. Both changes travel to the townships in the next package
    (the plan is county-owned) and one audit entry names the old and the new plan."""
    require_plan_manager(actor)
    plan = get_plan(session, plan_id)
    before = [p for p in session.scalars(select(Plan).where(Plan.current.is_(True))) if p.id != plan.id]
    if plan.current and not before:
        return plan
    for other in before:
        other.current = False
    plan.current = True
    session.flush()
    audit.record(session, actor.username, "set_current", "plan", plan.id,
                 {"new": {"code": plan.code, "name": plan.name, "years": [plan.start_year, plan.end_year]},
                  "old": [p.code for p in before]})
    return plan


def _copy_duties(session: Session, source: Plan, code: str) -> None:
    """The copied indicators keep their lead and co-responsible departments (editable after)."""
    duties = session.execute(select(IndicatorDuty, Indicator.code, Department.code)
                             .join(Indicator, Indicator.id == IndicatorDuty.indicator_id)
                             .join(Department, Department.id == IndicatorDuty.department_id)
                             .where(Indicator.plan_id == source.id, Indicator.deleted.is_(False),
                                    IndicatorDuty.deleted.is_(False)))
    for duty, indicator_code, department_code in duties:
        indicator_id = seed_id("indicator", code, indicator_code)
        session.add(IndicatorDuty(id=seed_id("indicator-duty", indicator_id, department_code), origin=COUNTY_CODE,
                                  indicator_id=indicator_id, department_id=duty.department_id, role=duty.role,
                                  sort_order=duty.sort_order))
    session.flush()


def _clean_target(target: float | None, comparator: str) -> float | None:
    if target is None:
        if comparator != NOT_BELOW_LAST:
            raise UserError("请填写目标值（只有“不低于上一届”的指标可以不填）")
        return None
    target = float(target)
    if target < 0:
        raise UserError("目标值不能为负数")
    return target


def update_indicator(session: Session, actor: Actor, indicator_id: str, *, name: str | None = None,
                     unit: str | None = None, target: float | None = None, clear_target: bool = False,
                     target_year: int | None = None) -> Indicator:
    """Edit an indicator's name, unit, target and target year (its kind stays: values depend on it)."""
    require_plan_manager(actor)
    ind = _indicator(session, indicator_id)
    plan = get_plan(session, ind.plan_id)
    old = _indicator_snapshot(ind)
    if name is not None:
        if not name.strip():
            raise UserError(f"指标 {ind.code} 的名称不能为空")
        ind.name = name.strip()
    if unit is not None:
        if not unit.strip():
            raise UserError(f"指标 {ind.code} 的单位不能为空")
        ind.unit = unit.strip()
    if target is not None or clear_target:
        ind.target = _clean_target(None if clear_target else target, ind.comparator)
    if target_year is not None:
        if not plan.start_year <= target_year <= plan.end_year:
            raise UserError(f"指标 {ind.code} 的目标年度须在规划期（{plan.start_year}—{plan.end_year}年）内")
        ind.target_year = target_year
    new = _indicator_snapshot(ind)
    if new != old:
        session.flush()
        audit.record(session, actor.username, "update", "indicator", ind.id, {"old": old, "new": new})
    return ind


# How a measure may be judged: the values stay as they were entered (a rate keeps its
# numerator and denominator), only the rule changes. A task done or not (milestone) is entered
# elsewhere (完成事项) and is never switched with a figure.
JUDGED_AS = {
    rules.RATE: (rules.RATE, rules.THRESHOLD, rules.PER_TERM),
    rules.STOCK: (rules.STOCK, rules.THRESHOLD, rules.GROWTH),
    rules.CUMULATIVE: (rules.CUMULATIVE,),
    rules.YEARLY: (rules.YEARLY, rules.THRESHOLD),
}
FIRST_TERM_YEAR = 1949


def clean_terms(plan: Plan, code: str, terms: list[tuple[str, int | str]]) -> str:
    """A per-term target's terms (届 label and the year it was elected) as stored, oldest first,
    or a Chinese reason: a year outside 1949..the plan's end, a year twice, a label missing."""
    cleaned: list[rules.Term] = []
    for label, year in terms:
        label = str(label).strip()
        if not label:
            raise UserError(f"指标 {code} 的届次须写明名称（如“上一届”“本届”）")
        if len(label) > 20:
            raise UserError(f"指标 {code} 的届次名称“{label[:20]}…”过长（最多20字）")
        try:
            year = int(str(year).strip())
        except ValueError:
            raise UserError(f"指标 {code} 的{label}年份“{year}”不是年份") from None
        if not FIRST_TERM_YEAR <= year <= plan.end_year:
            raise UserError(f"指标 {code} 的{label}年份{year}不合理：须在{FIRST_TERM_YEAR}—{plan.end_year}年之间")
        cleaned.append(rules.Term(label, year))
    years = [t.year for t in cleaned]
    twice = sorted({y for y in years if years.count(y) > 1})
    if twice:
        raise UserError(f"指标 {code} 的届次年份重复：{'、'.join(map(str, twice))}年")
    cleaned.sort(key=lambda t: t.year)
    return json.dumps([{"label": t.label, "year": t.year} for t in cleaned], ensure_ascii=False)


def set_indicator_rule(session: Session, actor: Actor, indicator_id: str, *, target_kind: str, level: str,
                       terms: list[tuple[str, int | str]] | None = None, target: float | None = None) -> bool:
    """How an indicator is judged (its target kind), who reports it (its level) and, for a
    per-term target, its terms. A switch to 不低于上一届 compares with the previous term (no
    target figure); a switch from it needs a target. True when anything changed."""
    require_plan_manager(actor)
    ind = _indicator(session, indicator_id)
    plan = get_plan(session, ind.plan_id)
    old = _indicator_snapshot(ind) | {"terms": rules.terms_of(ind.terms)}
    current = rules.judged_as(ind.kind, ind.target_kind)
    if level not in rules.LEVELS:
        raise UserError(f"指标 {ind.code} 的填报层级无效")
    if target_kind != current:
        if rules.MILESTONE in (target_kind, current):
            raise UserError(f"指标 {ind.code}：完成事项与数值指标不能互相改换（录入的内容不同）")
        allowed = JUDGED_AS.get(ind.kind, (ind.kind,))
        if target_kind not in allowed:
            words = "、".join(rules.TARGET_KIND_LABELS[k] for k in allowed)
            raise UserError(f"指标 {ind.code} 按{rules.KIND_LABELS.get(ind.kind, ind.kind)}填报，"
                            f"考核方式只能是：{words}")
    if target_kind == rules.PER_TERM:
        stored = clean_terms(plan, ind.code, terms if terms is not None else
                             [(t.label, t.year) for t in rules.terms_of(ind.terms)])
        if len(rules.terms_of(stored)) < 2:
            raise UserError(f"指标 {ind.code}“不低于上一届”须列出至少两届（上一届和本届）及其年份")
        ind.terms, ind.comparator, ind.target = stored, NOT_BELOW_LAST, None
    elif current == rules.PER_TERM:
        ind.comparator, ind.target = rules.GE, _clean_target(target, rules.GE)
    ind.target_kind, ind.level = target_kind, level
    new = _indicator_snapshot(ind) | {"terms": rules.terms_of(ind.terms)}
    if new == old:
        return False
    session.flush()
    audit.record(session, actor.username, "update", "indicator", ind.id,
                 {"old": _terms_listed(old), "new": _terms_listed(new)})
    return True


def _terms_listed(snapshot: dict) -> dict:
    return snapshot | {"terms": [f"{t.label}{t.year}年" for t in snapshot["terms"]]}


def raise_catalog_version(session: Session, actor: Actor, plan_id: str) -> int:
    """Once per save of the county's edits to a plan: the plan's catalog version moves on, so the
    next package carries the edited catalog and a shipped catalog no newer does not replace it."""
    require_plan_manager(actor)
    plan = get_plan(session, plan_id)
    plan.catalog_version = (plan.catalog_version or 0) + 1
    session.flush()
    audit.record(session, actor.username, "update", "plan", plan.id,
                 {"old": {"catalog_version": plan.catalog_version - 1}, "new": {"catalog_version": plan.catalog_version}})
    return plan.catalog_version


def save_indicator_edits(session: Session, actor: Actor, plan_id: str, edits: list[tuple[str, dict]],
                         rules_of: list[tuple[str, dict]] = ()) -> bool:
    """One save of 规划与目标: several indicators' names, units, targets (update_indicator) and
    rules (set_indicator_rule), in one transaction; the catalog version rises once when
    anything changed. True when it did."""
    require_plan_manager(actor)
    changed = False
    for indicator_id, fields in edits:
        ind = _indicator(session, indicator_id)
        if ind.plan_id != plan_id:
            raise UserError("要保存的指标不属于该规划")
        before = _indicator_snapshot(ind)
        update_indicator(session, actor, indicator_id, **fields)
        changed |= _indicator_snapshot(ind) != before
    for indicator_id, fields in rules_of:
        if _indicator(session, indicator_id).plan_id != plan_id:
            raise UserError("要保存的指标不属于该规划")
        changed |= set_indicator_rule(session, actor, indicator_id, **fields)
    if changed:
        raise_catalog_version(session, actor, plan_id)
    return changed


def add_indicator(session: Session, actor: Actor, plan_id: str, code: str, name: str, unit: str, kind: str,
                  comparator: str, target: float | None, target_year: int | None = None,
                  numerator_label: str = "", denominator_label: str = "", target_kind: str = "",
                  level: str = rules.BOTH) -> Indicator:
    require_plan_manager(actor)
    plan = get_plan(session, plan_id)
    code = code.strip()
    match = _INDICATOR_CODE.match(code)
    if not match:
        raise UserError("指标编号须为“规划条目.序号”，如 06.8")
    item = int(match.group(1))
    if not any(i.number == item and not i.deleted for i in plan.items):
        raise UserError(f"规划中没有第{item}条")
    if session.scalars(select(Indicator).where(Indicator.plan_id == plan_id, Indicator.code == code)).first():
        raise UserError(f"指标编号 {code} 已存在")
    target_kind = target_kind or kind
    if kind not in KINDS or comparator not in COMPARATORS or target_kind not in rules.TARGET_KINDS:
        raise UserError("指标类型或比较方式无效")
    if level not in rules.LEVELS:
        raise UserError("填报层级无效")
    if not name.strip() or not unit.strip():
        raise UserError("请填写指标名称和单位")
    if kind == RATE and not (numerator_label.strip() and denominator_label.strip()):
        raise UserError("比率指标须写明分子和分母")
    target_year = target_year or plan.end_year
    if not plan.start_year <= target_year <= plan.end_year:
        raise UserError(f"目标年度须在规划期（{plan.start_year}—{plan.end_year}年）内")
    ind = Indicator(
        id=seed_id("indicator", plan.code, code), origin=COUNTY_CODE, plan_id=plan.id, code=code, item=item,
        sort_key=sort_key(code), name=name.strip(), unit=unit.strip(), kind=kind, target_kind=target_kind,
        level=level, comparator=comparator,
        target=_clean_target(target, comparator), target_year=target_year,
        numerator_label=numerator_label.strip(), denominator_label=denominator_label.strip(), source="",
    )
    session.add(ind)
    session.flush()
    seed_duties(session.connection())  # its item's 责任单位, the first named leading
    audit.record(session, actor.username, "create", "indicator", ind.id, {"new": _indicator_snapshot(ind), "plan": plan.code})
    return ind


def remove_indicator(session: Session, actor: Actor, indicator_id: str) -> None:
    """Tombstone an indicator that has no values yet (with values, the record must stay)."""
    require_plan_manager(actor)
    ind = _indicator(session, indicator_id)
    has_values = session.scalars(
        select(IndicatorValue.id).where(IndicatorValue.indicator_id == ind.id, IndicatorValue.deleted.is_(False))
    ).first()
    if has_values:
        raise UserError(f"指标 {ind.code} 已有录入的数值，不能删除")
    ind.deleted = True
    session.flush()
    audit.record(session, actor.username, "delete", "indicator", ind.id, {"old": _indicator_snapshot(ind)})
