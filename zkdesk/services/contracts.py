"""Collective contracts: an enterprise's own, or a regional / sector contract covering several
enterprises. Expiry and effective dates are computed from the rules, never typed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import String, case, cast, func, or_, select
from sqlalchemy.orm import Session, aliased

from zkdesk.domain.contract_rules import (
    MULTI_ENTERPRISE_KINDS,
    contract_problems,
    effective_date,
    expiry_date,
    filing_overdue,
    outside_township,
    parties_problems,
)
from zkdesk.domain.orgcodes import COUNTY_CODE
from zkdesk.domain.roles import Permission
from zkdesk.services import audit
from zkdesk.services.actor import Actor
from zkdesk.services.enterprise_facts import covered_enterprise_ids, require_in_scope
from zkdesk.services.enterprise_query import contains_text, in_force
from zkdesk.services.errors import UserError
from zkdesk.services.orgs import org_names
from zkdesk.services.records import check_revision, live_record, revision_of
from zkdesk.services.scope import org_filter
from zkdesk.store.id_lists import id_parts
from zkdesk.store.models import CollectiveContract, ContractCoverage, Enterprise


@dataclass(frozen=True)
class ContractInput:
    kind: str
    signed_on: date | None
    term_years: int = 3
    enterprise_id: str | None = None  # the party of an enterprise's own contract
    township_code: str = ""  # regional / sector contracts: whose contract it is ("" = own office)
    covered_enterprise_ids: tuple[str, ...] = ()  # regional / sector contracts only
    title: str = ""
    signed_alone: bool = True  # 单独签订
    negotiation_established: bool = True  # 集体协商建制
    filed_on: date | None = None  # 报送日期
    review_opinion: str = ""  # 审查意见
    review_objection: bool = False  # the review objected: never effective
    wage_increase_pct: float | None = None
    employees_covered: int = 0
    note: str = ""


_STORED = ("kind", "enterprise_id", "township_code", "title", "signed_alone", "negotiation_established", "signed_on",
           "term_years", "expires_on", "filed_on", "review_opinion", "review_objection", "effective_on",
           "wage_increase_pct", "employees_covered", "note")


def is_multi_enterprise(kind: str) -> bool:
    return kind in MULTI_ENTERPRISE_KINDS


def _snapshot(c: CollectiveContract, covered: set[str]) -> dict:
    data = {name: getattr(c, name) for name in _STORED}
    data["covered_enterprise_ids"] = sorted(covered)
    return data


def _enterprise(session: Session, actor: Actor, enterprise_id: str, what: str) -> Enterprise:
    ent = live_record(session, Enterprise, enterprise_id, f"{what}不在企业名录中（可能已被删除）")
    require_in_scope(session, actor, ent.township_code)
    return ent


def _clean(session: Session, actor: Actor, data: ContractInput) -> tuple[dict, list[str]]:
    """The columns to store and the covered enterprises; raises UserError on bad input."""
    multi = is_multi_enterprise(data.kind)
    covered = list(dict.fromkeys(data.covered_enterprise_ids)) if multi else []
    problems = contract_problems(
        kind=data.kind, signed_on=data.signed_on, term_years=data.term_years, filed_on=data.filed_on,
        review_objection=data.review_objection, wage_increase_pct=data.wage_increase_pct,
        employees_covered=data.employees_covered, today=date.today(),
    ) + parties_problems(data.kind, bool(data.enterprise_id), len(covered))
    if problems:
        raise UserError("；".join(message for _, message in problems))
    if multi:
        township = data.township_code or actor.office_code or COUNTY_CODE
        unit = require_in_scope(session, actor, township, allow_county=True)
        for ent_id in covered:
            ent = _enterprise(session, actor, ent_id, "所覆盖的企业")
            if unit.level == "township" and ent.township_code != township:
                raise UserError(outside_township(data.kind, unit.short_name, ent.name))
        enterprise_id = data.enterprise_id or None
        if enterprise_id:
            _enterprise(session, actor, enterprise_id, "合同一方企业")
        signed_alone = False  # by definition: signed for several enterprises together
    else:
        ent = _enterprise(session, actor, data.enterprise_id, "签订合同的企业")
        enterprise_id, township, signed_alone = ent.id, ent.township_code, data.signed_alone
    columns = dict(
        kind=data.kind, enterprise_id=enterprise_id, township_code=township, title=data.title.strip(),
        signed_alone=signed_alone, negotiation_established=data.negotiation_established,
        signed_on=data.signed_on, term_years=int(data.term_years), expires_on=expiry_date(data.signed_on, data.term_years),
        filed_on=data.filed_on, review_opinion=data.review_opinion.strip(), review_objection=data.review_objection,
        effective_on=effective_date(data.filed_on, data.review_objection),
        wage_increase_pct=data.wage_increase_pct, employees_covered=data.employees_covered, note=data.note.strip(),
    )
    return columns, covered


def set_coverage(session: Session, contract_id: str, origin: str, wanted: list[str]) -> None:
    """Make the live coverage of a regional or sector contract exactly `wanted`."""
    rows = {r.enterprise_id: r for r in session.scalars(select(ContractCoverage).where(ContractCoverage.contract_id == contract_id))}
    for ent_id, row in rows.items():
        if ent_id not in wanted and not row.deleted:
            row.deleted = True
    for ent_id in wanted:
        row = rows.get(ent_id)
        if row is None:
            session.add(ContractCoverage(origin=origin, contract_id=contract_id, enterprise_id=ent_id))
        elif row.deleted:
            row.deleted = False


def coverage_lists(session: Session, contract_ids: list[str]) -> dict[str, list[str]]:
    """Contract id → its live coverage list (enterprise ids, sorted), for the contracts given."""
    found: dict[str, list[str]] = {}
    wanted = set(contract_ids)
    query = select(ContractCoverage.contract_id, ContractCoverage.enterprise_id).where(ContractCoverage.deleted.is_(False))
    for ids in id_parts(wanted):  # a whole register's contracts: one read, kept here
        part = query if ids is None else query.where(ContractCoverage.contract_id.in_(ids))
        for contract_id, enterprise_id in session.execute(part.order_by(ContractCoverage.enterprise_id)):
            if contract_id in wanted:
                found.setdefault(contract_id, []).append(enterprise_id)
    return found


def _covered(session: Session, contract: CollectiveContract) -> set[str]:
    return covered_enterprise_ids(session, [contract])[contract.id] - ({contract.enterprise_id} if contract.enterprise_id else set())


def _load(session: Session, actor: Actor, contract_id: str) -> CollectiveContract:
    c = live_record(session, CollectiveContract, contract_id, "找不到该集体合同，可能已被删除")
    require_in_scope(session, actor, c.township_code, allow_county=True)
    return c


def create_contract(session: Session, actor: Actor, data: ContractInput) -> str:
    actor.require(Permission.EDIT)
    columns, covered = _clean(session, actor, data)
    contract = CollectiveContract(origin=columns["township_code"], **columns)
    session.add(contract)
    session.flush()
    set_coverage(session, contract.id, contract.origin, covered)
    session.flush()
    audit.record(session, actor.username, "create", "contract", contract.id, {"new": _snapshot(contract, set(covered))})
    return contract.id


def contract_revision(session: Session, contract_id: str) -> int:
    """What the contract form hands back as `seen_revision` when it saves."""
    return revision_of(session, CollectiveContract, contract_id)


def update_contract(session: Session, actor: Actor, contract_id: str, data: ContractInput,
                    seen_revision: int | None = None) -> None:
    """`seen_revision`: records.revision_of(the contract) when the form was loaded."""
    actor.require(Permission.EDIT)
    contract = _load(session, actor, contract_id)
    check_revision(session, contract, seen_revision, "contract", f"集体合同“{contract.title or contract.kind}”")
    old = _snapshot(contract, _covered(session, contract))
    columns, covered = _clean(session, actor, data)
    for name, value in columns.items():
        setattr(contract, name, value)
    set_coverage(session, contract.id, contract.origin, covered)
    session.flush()
    new = _snapshot(contract, set(covered))
    if new != old:
        audit.record(session, actor.username, "update", "contract", contract.id, {"old": old, "new": new})


def delete_contract(session: Session, actor: Actor, contract_id: str, seen_revision: int | None = None) -> None:
    actor.require(Permission.EDIT)
    contract = _load(session, actor, contract_id)
    check_revision(session, contract, seen_revision, "contract", f"集体合同“{contract.title or contract.kind}”")
    old = _snapshot(contract, _covered(session, contract))
    contract.deleted = True
    for row in session.scalars(select(ContractCoverage).where(ContractCoverage.contract_id == contract.id)):
        row.deleted = True
    session.flush()
    audit.record(session, actor.username, "delete", "contract", contract.id, {"old": old})


def get_contract(session: Session, actor: Actor, contract_id: str) -> ContractInput:
    """The contract as the dialog edits it."""
    actor.require(Permission.VIEW)
    c = _load(session, actor, contract_id)
    fields = {name: getattr(c, name) for name in _STORED if name in ContractInput.__dataclass_fields__}
    return ContractInput(**fields, covered_enterprise_ids=tuple(sorted(_covered(session, c))))


# ---- the list -------------------------------------------------------------------------

@dataclass(frozen=True)
class ContractFilter:
    township_code: str | None = None
    kind: str | None = None
    year: int | None = None  # only contracts in force during that year
    text: str = ""


@dataclass(frozen=True)
class ContractRow:
    id: str
    kind: str
    title: str
    party: str  # the enterprise, or "N家企业" for regional / sector contracts
    township_name: str
    signed_on: date | None
    term_years: int
    expires_on: date | None
    filed_on: date | None
    effective_on: date | None
    review_objection: bool
    signed_alone: bool
    negotiation_established: bool
    wage_increase_pct: float | None
    employees_covered: int
    covered_count: int
    status: str  # 有效 / 已到期 / 未报送 / 逾期未报送 / 审查有异议 / 审查中


def contract_status(c: CollectiveContract, today: date) -> str:
    if c.review_objection:
        return "审查有异议"
    if c.expires_on is not None and c.expires_on < today:
        return "已到期"
    if c.filed_on is None:
        return "逾期未报送" if filing_overdue(c.signed_on, c.filed_on, today) else "未报送"
    if c.effective_on is not None and c.effective_on > today:
        return "审查中"
    return "有效"


def _party_count():
    """How many enterprises a contract covers: its own party and its live coverage list
    (enterprise_facts.covered_enterprise_ids, counted by the database)."""
    listed = (
        select(func.count()).select_from(ContractCoverage)
        .where(ContractCoverage.contract_id == CollectiveContract.id, ContractCoverage.deleted.is_(False),
               or_(CollectiveContract.enterprise_id.is_(None), ContractCoverage.enterprise_id != CollectiveContract.enterprise_id))
        .correlate(CollectiveContract)
        .scalar_subquery()
    )
    return listed + case((CollectiveContract.enterprise_id.is_not(None), 1), else_=0)


def list_contracts(session: Session, actor: Actor, flt: ContractFilter | None = None, today: date | None = None) -> list[ContractRow]:
    """The contracts the actor's office sees, newest signed first, filtered by the database."""
    actor.require(Permission.VIEW)
    flt = flt or ContractFilter()
    today = today or date.today()
    party_enterprise = aliased(Enterprise, name="party")
    covered_count = _party_count()
    party = case(
        (CollectiveContract.kind.in_(MULTI_ENTERPRISE_KINDS), cast(covered_count, String) + "家企业"),
        else_=func.coalesce(party_enterprise.name, ""),
    )
    query = (
        select(CollectiveContract.id, CollectiveContract.kind, CollectiveContract.title, CollectiveContract.township_code,
               CollectiveContract.signed_on, CollectiveContract.term_years, CollectiveContract.expires_on,
               CollectiveContract.filed_on, CollectiveContract.effective_on, CollectiveContract.review_objection,
               CollectiveContract.signed_alone, CollectiveContract.negotiation_established,
               CollectiveContract.wage_increase_pct, CollectiveContract.employees_covered,
               party.label("party"), covered_count.label("covered_count"))
        .outerjoin(party_enterprise, party_enterprise.id == CollectiveContract.enterprise_id)
        .where(CollectiveContract.deleted.is_(False), org_filter(CollectiveContract.township_code, actor.office_code))
        .order_by(CollectiveContract.signed_on.desc().nulls_last(), CollectiveContract.id)
    )
    if flt.township_code:
        query = query.where(CollectiveContract.township_code == flt.township_code)
    if flt.kind:
        query = query.where(CollectiveContract.kind == flt.kind)
    if flt.year is not None:
        query = query.where(in_force(flt.year))
    text = flt.text.strip()
    if text:
        query = query.where(or_(contains_text(party, text), contains_text(CollectiveContract.title, text)))
    names = org_names(session)
    return [
        ContractRow(
            id=c.id, kind=c.kind, title=c.title, party=c.party, township_name=names.get(c.township_code, c.township_code),
            signed_on=c.signed_on, term_years=c.term_years, expires_on=c.expires_on, filed_on=c.filed_on,
            effective_on=c.effective_on, review_objection=c.review_objection, signed_alone=c.signed_alone,
            negotiation_established=c.negotiation_established, wage_increase_pct=c.wage_increase_pct,
            employees_covered=c.employees_covered, covered_count=c.covered_count, status=contract_status(c, today),
        )
        for c in session.execute(query)
    ]
