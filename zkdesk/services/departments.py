"""责任单位 as units: the county departments (resources/departments.toml, then data) and each
indicator's lead (牵头) and co-responsible (配合) departments.

The duties are made once from the plan's 责任单位 lists when a catalog is loaded or a database
upgraded (store/seed.py seed_duties: the first named leads); from then on they are edited here,
and every print naming an indicator's 责任单位 reads them (services/catalog.indicator_responsible).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from zkdesk.domain.orgcodes import COUNTY_CODE
from zkdesk.domain.roles import Permission
from zkdesk.services import audit
from zkdesk.services.actor import Actor
from zkdesk.services.errors import UserError
from zkdesk.services.plans import require_plan_manager
from zkdesk.services.records import live_record
from zkdesk.store.models import Department, Indicator, IndicatorDuty
from zkdesk.store.seed import seed_id

LEAD, CO = "lead", "co"
ROLE_LABELS = {LEAD: "牵头", CO: "配合"}
_CODE = re.compile(r"^[a-z][a-z0-9_-]{0,19}$")


@dataclass(frozen=True)
class DepartmentRow:
    code: str
    name: str
    full_name: str
    sort_order: int


@dataclass(frozen=True)
class Duties:
    """One indicator's departments: the lead first, then the co-responsible in the plan's order."""

    lead: tuple[DepartmentRow, ...]
    co: tuple[DepartmentRow, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(d.name for d in (*self.lead, *self.co))

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(d.code for d in (*self.lead, *self.co))


NO_DUTIES = Duties((), ())


def _row(d: Department) -> DepartmentRow:
    return DepartmentRow(d.code, d.name, d.full_name, d.sort_order)


def list_departments(session: Session) -> list[DepartmentRow]:
    """Every department, in the official order."""
    query = select(Department).where(Department.deleted.is_(False)).order_by(Department.sort_order, Department.code)
    return [_row(d) for d in session.scalars(query)]


def plan_duties(session: Session, plan_id: str) -> dict[str, Duties]:
    """indicator id -> its departments, for every indicator of a plan that has any (one query)."""
    query = (select(IndicatorDuty.indicator_id, IndicatorDuty.role, Department)
             .join(Department, Department.id == IndicatorDuty.department_id)
             .join(Indicator, Indicator.id == IndicatorDuty.indicator_id)
             .where(Indicator.plan_id == plan_id, IndicatorDuty.deleted.is_(False), Department.deleted.is_(False))
             .order_by(IndicatorDuty.indicator_id, IndicatorDuty.sort_order, Department.sort_order))
    lead: dict[str, list[DepartmentRow]] = {}
    co: dict[str, list[DepartmentRow]] = {}
    for indicator_id, role, dept in session.execute(query):
        (lead if role == LEAD else co).setdefault(indicator_id, []).append(_row(dept))
    return {i: Duties(tuple(lead.get(i, ())), tuple(co.get(i, ()))) for i in lead.keys() | co.keys()}


def indicator_duties(session: Session, indicator_id: str) -> Duties:
    ind = session.get(Indicator, indicator_id)
    return plan_duties(session, ind.plan_id).get(indicator_id, NO_DUTIES) if ind else NO_DUTIES


def _department(session: Session, code: str) -> Department:
    dept = session.scalars(select(Department).where(Department.code == code.strip())).first()
    if dept is None or dept.deleted:
        raise UserError(f"没有代码为“{code}”的责任单位")
    return dept


def set_duties(session: Session, actor: Actor, indicator_id: str, lead: str, co: list[str] | tuple[str, ...] = ()
               ) -> Duties:
    """The indicator's lead department and its co-responsible ones (in the order given); the
    departments no longer named are removed from it (tombstoned: the change travels)."""
    require_plan_manager(actor)
    ind = live_record(session, Indicator, indicator_id, "找不到该指标")
    if not (lead or "").strip():
        raise UserError(f"请为指标 {ind.code} 选择牵头单位")
    wanted = [_department(session, lead)]
    for code in co:
        dept = _department(session, code)
        if dept.id == wanted[0].id:
            raise UserError(f"{dept.name}已是指标 {ind.code} 的牵头单位，不能同时为配合单位")
        if dept not in wanted:
            wanted.append(dept)
    old = indicator_duties(session, ind.id)
    existing = {d.department_id: d for d in session.scalars(select(IndicatorDuty).where(
        IndicatorDuty.indicator_id == ind.id))}
    for k, dept in enumerate(wanted):
        role = LEAD if k == 0 else CO
        duty = existing.pop(dept.id, None)
        if duty is None:
            session.add(IndicatorDuty(id=seed_id("indicator-duty", ind.id, dept.code), origin=COUNTY_CODE,
                                      indicator_id=ind.id, department_id=dept.id, role=role, sort_order=k))
        elif (duty.role, duty.sort_order, duty.deleted) != (role, k, False):
            duty.role, duty.sort_order, duty.deleted = role, k, False
    for duty in existing.values():
        if not duty.deleted:
            duty.deleted = True
    session.flush()
    new = indicator_duties(session, ind.id)
    if new != old:
        audit.record(session, actor.username, "update", "indicator", ind.id,
                     {"old": {"责任单位": _words(old)}, "new": {"责任单位": _words(new)}})
    return new


def _words(duties: Duties) -> str:
    lead = "、".join(d.name for d in duties.lead)
    co = "、".join(d.name for d in duties.co)
    return f"牵头：{lead or '无'}；配合：{co or '无'}"


def save_department(session: Session, actor: Actor, code: str, name: str, full_name: str = "",
                    sort_order: int | None = None) -> DepartmentRow:
    """Add a department or rename one (its code stays: duties refer to it)."""
    require_plan_manager(actor)
    code, name, full_name = code.strip(), name.strip(), full_name.strip()
    if not _CODE.match(code):
        raise UserError("责任单位代码须为1至20位小写字母、数字、“-”或“_”，以字母开头，如 rsj")
    if not name:
        raise UserError("请填写责任单位名称")
    clash = session.scalars(select(Department).where(Department.name == name, Department.code != code,
                                                     Department.deleted.is_(False))).first()
    if clash is not None:
        raise UserError(f"责任单位“{name}”已存在（代码 {clash.code}）")
    dept = session.scalars(select(Department).where(Department.code == code)).first()
    if dept is None:
        last = max((d.sort_order for d in session.scalars(select(Department))), default=0)
        dept = Department(id=seed_id("department", code), origin=COUNTY_CODE, code=code, name=name,
                          full_name=full_name, sort_order=last + 1 if sort_order is None else sort_order)
        session.add(dept)
        session.flush()
        audit.record(session, actor.username, "create", "department", dept.id, {"new": {"code": code, "name": name}})
    else:
        old = {"name": dept.name, "full_name": dept.full_name, "sort_order": dept.sort_order}
        dept.name, dept.full_name, dept.deleted = name, full_name, False
        if sort_order is not None:
            dept.sort_order = sort_order
        new = {"name": dept.name, "full_name": dept.full_name, "sort_order": dept.sort_order}
        if new != old:
            session.flush()
            audit.record(session, actor.username, "update", "department", dept.id, {"old": old, "new": new})
    return _row(dept)


def departments_for_view(session: Session, actor: Actor) -> list[DepartmentRow]:
    actor.require(Permission.VIEW)
    return list_departments(session)
