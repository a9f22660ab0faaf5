"""The enterprise register: enterprises, their per-year figures, their union and democratic
management. One function per user action; the caller opens the session."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from zkdesk.domain import choices
from zkdesk.domain.enterprise_rules import TEXT_LIMITS, field_problems
from zkdesk.domain.roles import Permission
from zkdesk.domain.uscc import check_uscc, normalize_uscc
from zkdesk.services import audit
from zkdesk.services.actor import Actor
from zkdesk.services.enterprise_facts import (
    YearFacts,
    contract_facts,
    enterprise_year_facts,
    require_in_scope,
)
from zkdesk.services.errors import UserError
from zkdesk.services.orgs import org_names
from zkdesk.services.records import check_revision, live_record
from zkdesk.store.models import Enterprise, EnterpriseUnion, EnterpriseYear

MIN_YEAR, MAX_YEAR = 2000, 2100


@dataclass(frozen=True)
class EnterpriseInput:
    name: str
    township_code: str
    uscc: str = ""
    ownership: str = "非公"
    industry: str = ""
    is_company: bool = True
    address: str = ""
    contact_person: str = ""
    contact_phone: str = ""
    note: str = ""


@dataclass(frozen=True)
class YearInput:
    year: int
    employees: int
    operating_status: str = "正常经营"
    status_date: date | None = None


@dataclass(frozen=True)
class UnionInput:
    established_on: date | None = None
    members: int = 0
    chair: str = ""
    congress: bool = False  # 职代会
    congress_on: date | None = None
    openness: bool = False  # 厂务公开
    openness_on: date | None = None
    worker_director: bool = False  # 职工董事 (companies only)
    worker_supervisor: bool = False  # 职工监事 (companies only)


@dataclass(frozen=True)
class Saved:
    id: str
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class EnterpriseDetail:
    id: str
    data: EnterpriseInput
    years: tuple[YearInput, ...]
    union: UnionInput | None
    warnings: tuple[str, ...]
    revision: int = 0  # hand it back to update_enterprise: a save over someone else's change is refused


FIELD_LABELS = {"name": "企业名称", "township_code": "所属乡镇", "uscc": "统一社会信用代码", "ownership": "所有制类型",
                "is_company": "公司制", "note": "备注"} | {field: label for field, label, _ in TEXT_LIMITS}


_ENTERPRISE_FIELDS = tuple(EnterpriseInput.__dataclass_fields__)
_UNION_FIELDS = tuple(UnionInput.__dataclass_fields__)


def _snapshot(obj, fields) -> dict:
    return {name: getattr(obj, name) for name in fields}


def _load(session: Session, actor: Actor, enterprise_id: str) -> Enterprise:
    ent = live_record(session, Enterprise, enterprise_id, "找不到该企业，可能已被删除")
    require_in_scope(session, actor, ent.township_code)
    return ent


# ---- USCC ----------------------------------------------------------------------------

def uscc_warnings(session: Session, raw: str, exclude_id: str | None = None) -> list[str]:
    """Warnings for a 统一社会信用代码: the GB 32100 check and duplicates in the county.

    Neither blocks saving: real codes exist that fail the check, and a duplicate may be a
    branch registered twice on purpose. An empty code gives no warning here.
    """
    code = normalize_uscc(raw)
    if not code:
        return []
    check = check_uscc(code)
    return ([] if check.ok else [check.message]) + uscc_duplicate_warnings(session, code, exclude_id)


def uscc_duplicate_warnings(session: Session, code: str, exclude_id: str | None = None,
                            exclude_name: str = "") -> list[str]:
    """One warning per other enterprise of the county holding `code` (normalised); the
    import names the record it updates by its name, the form by its id."""
    names = org_names(session)
    query = select(Enterprise).where(Enterprise.deleted.is_(False), Enterprise.uscc == code)
    if exclude_id:
        query = query.where(Enterprise.id != exclude_id)
    return [
        f"统一社会信用代码与“{other.name}”（{names.get(other.township_code, other.township_code)}）重复"
        for other in session.scalars(query)
        if not exclude_name or other.name != exclude_name
    ]


def duplicate_usccs(session: Session) -> set[str]:
    """Codes held by more than one enterprise of the county (for flagging in lists)."""
    seen: dict[str, int] = {}
    for code in session.scalars(select(Enterprise.uscc).where(Enterprise.deleted.is_(False), Enterprise.uscc != "")):
        seen[code] = seen.get(code, 0) + 1
    return {code for code, n in seen.items() if n > 1}


# ---- the enterprise itself ------------------------------------------------------------

def _clean(session: Session, actor: Actor, data: EnterpriseInput) -> EnterpriseInput:
    problems = field_problems(data.name, data.ownership, data.uscc, data.industry, data.address,
                              data.contact_person, data.contact_phone)
    if problems:
        raise UserError("；".join(message for _, message in problems))
    require_in_scope(session, actor, data.township_code)
    return EnterpriseInput(
        name=data.name.strip(), township_code=data.township_code, uscc=normalize_uscc(data.uscc),
        ownership=data.ownership, industry=data.industry.strip(), is_company=bool(data.is_company),
        address=data.address.strip(), contact_person=data.contact_person.strip(),
        contact_phone=data.contact_phone.strip(), note=data.note.strip(),
    )


def clear_company_only_roles(ent: Enterprise) -> None:
    """职工董事 and 职工监事 belong to companies: the union of a non-company loses them."""
    if not ent.is_company and ent.union is not None and not ent.union.deleted:
        ent.union.worker_director = ent.union.worker_supervisor = False


def create_enterprise(session: Session, actor: Actor, data: EnterpriseInput) -> Saved:
    actor.require(Permission.EDIT)
    data = _clean(session, actor, data)
    ent = Enterprise(origin=data.township_code, **asdict(data))
    session.add(ent)
    session.flush()
    audit.record(session, actor.username, "create", "enterprise", ent.id, {"new": asdict(data)})
    return Saved(ent.id, tuple(uscc_warnings(session, data.uscc, exclude_id=ent.id)))


def update_enterprise(session: Session, actor: Actor, enterprise_id: str, data: EnterpriseInput,
                      seen_revision: int | None = None) -> Saved:
    """`seen_revision`: the revision the form was loaded with (EnterpriseDetail.revision);
    RecordChanged if someone saved a newer one since."""
    actor.require(Permission.EDIT)
    ent = _load(session, actor, enterprise_id)
    check_revision(session, ent, seen_revision, "enterprise", f"企业“{ent.name}”", FIELD_LABELS)
    data = _clean(session, actor, data)
    old = _snapshot(ent, _ENTERPRISE_FIELDS)
    new = asdict(data)
    if old != new:
        for name, value in new.items():
            setattr(ent, name, value)
        clear_company_only_roles(ent)
        session.flush()
        audit.record(session, actor.username, "update", "enterprise", ent.id, {"old": old, "new": new})
    return Saved(ent.id, tuple(uscc_warnings(session, data.uscc, exclude_id=ent.id)))


def delete_enterprise(session: Session, actor: Actor, enterprise_id: str, seen_revision: int | None = None) -> None:
    """Tombstone the enterprise with its per-year rows and its union."""
    actor.require(Permission.EDIT)
    ent = _load(session, actor, enterprise_id)
    check_revision(session, ent, seen_revision, "enterprise", f"企业“{ent.name}”", FIELD_LABELS)
    ent.deleted = True
    for row in ent.years:
        row.deleted = True
    if ent.union is not None:
        ent.union.deleted = True
    session.flush()
    audit.record(session, actor.username, "delete", "enterprise", ent.id, {"old": _snapshot(ent, _ENTERPRISE_FIELDS)})


def get_enterprise(session: Session, actor: Actor, enterprise_id: str) -> EnterpriseDetail:
    actor.require(Permission.VIEW)
    ent = _load(session, actor, enterprise_id)
    years = tuple(
        YearInput(r.year, r.employees, r.operating_status, r.status_date) for r in ent.years if not r.deleted
    )
    union = ent.union if ent.union is not None and not ent.union.deleted else None
    return EnterpriseDetail(
        id=ent.id,
        data=EnterpriseInput(**_snapshot(ent, _ENTERPRISE_FIELDS)),
        years=years,
        union=UnionInput(**_snapshot(union, _UNION_FIELDS)) if union else None,
        warnings=tuple(uscc_warnings(session, ent.uscc, exclude_id=ent.id)),
        revision=ent.revision,
    )


# ---- per-year figures -----------------------------------------------------------------

def _check_year(row: YearInput) -> None:
    if not MIN_YEAR <= row.year <= MAX_YEAR:
        raise UserError(f"年度“{row.year}”不合理")
    if row.employees < 0:
        raise UserError(f"{row.year}年职工人数不能为负数")
    if row.operating_status not in choices.OPERATING_STATUSES:
        raise UserError(f"{row.year}年经营状态“{row.operating_status}”不在可选范围内：{'、'.join(choices.OPERATING_STATUSES)}")


def set_enterprise_year(session: Session, actor: Actor, enterprise_id: str, row: YearInput) -> None:
    """Record (or change) one year's employee count and operating status."""
    actor.require(Permission.EDIT)
    ent = _load(session, actor, enterprise_id)
    _check_year(row)
    existing = session.scalars(
        select(EnterpriseYear).where(EnterpriseYear.enterprise_id == ent.id, EnterpriseYear.year == row.year)
    ).first()
    new = asdict(row)
    if existing is None:
        session.add(EnterpriseYear(origin=ent.township_code, enterprise_id=ent.id, **new))
        old = None
    else:
        old = None if existing.deleted else _snapshot(existing, new)
        if old == new:
            return
        for name, value in new.items():
            setattr(existing, name, value)
        existing.deleted = False  # a removed year entered again comes back
    session.flush()
    audit.record(session, actor.username, "update" if old else "create", "enterprise_year", f"{ent.id}/{row.year}",
                 {"old": old, "new": new})


def delete_enterprise_year(session: Session, actor: Actor, enterprise_id: str, year: int) -> None:
    actor.require(Permission.EDIT)
    ent = _load(session, actor, enterprise_id)
    for row in ent.years:
        if row.year == year and not row.deleted:
            old = _snapshot(row, YearInput.__dataclass_fields__)
            row.deleted = True
            session.flush()
            audit.record(session, actor.username, "delete", "enterprise_year", f"{ent.id}/{year}", {"old": old})


def replace_enterprise_years(session: Session, actor: Actor, enterprise_id: str, rows: list[YearInput]) -> None:
    """Make the enterprise's per-year table exactly `rows` (what the dialog's table shows)."""
    years = [r.year for r in rows]
    duplicated = sorted({y for y in years if years.count(y) > 1})
    if duplicated:
        raise UserError(f"年度{'、'.join(map(str, duplicated))}重复填写了多行")
    for row in rows:
        set_enterprise_year(session, actor, enterprise_id, row)
    ent = _load(session, actor, enterprise_id)
    for row in list(ent.years):
        if not row.deleted and row.year not in years:
            delete_enterprise_year(session, actor, enterprise_id, row.year)


# ---- union and democratic management --------------------------------------------------

def _clean_union(ent: Enterprise, data: UnionInput) -> UnionInput:
    if data.members < 0:
        raise UserError("工会会员人数不能为负数")
    today = date.today()
    for label, day in (("工会成立日期", data.established_on), ("职代会建立日期", data.congress_on),
                       ("厂务公开建立日期", data.openness_on)):
        if day is not None and day > today:
            raise UserError(f"{label}{day:%Y-%m-%d}晚于今天")
    if (data.worker_director or data.worker_supervisor) and not ent.is_company:
        raise UserError("职工董事、职工监事只适用于公司制企业：请先在企业信息中勾选“公司制企业”")
    if len(data.chair.strip()) > 50:
        raise UserError("工会主席姓名过长")
    return UnionInput(
        established_on=data.established_on, members=data.members, chair=data.chair.strip(),
        congress=data.congress, congress_on=data.congress_on if data.congress else None,
        openness=data.openness, openness_on=data.openness_on if data.openness else None,
        worker_director=data.worker_director, worker_supervisor=data.worker_supervisor,
    )


def save_union(session: Session, actor: Actor, enterprise_id: str, data: UnionInput | None) -> None:
    """Record the enterprise's union; None records that it has none (the old one is tombstoned)."""
    actor.require(Permission.EDIT)
    ent = _load(session, actor, enterprise_id)
    union = session.scalars(select(EnterpriseUnion).where(EnterpriseUnion.enterprise_id == ent.id)).first()
    old = _snapshot(union, _UNION_FIELDS) if union is not None and not union.deleted else None
    if data is None:
        if old is not None:
            union.deleted = True
            session.flush()
            audit.record(session, actor.username, "delete", "enterprise_union", union.id, {"old": old})
        return
    new = asdict(_clean_union(ent, data))
    if old == new:
        return
    if union is None:
        union = EnterpriseUnion(origin=ent.township_code, enterprise_id=ent.id, **new)
        session.add(union)
    else:
        for name, value in new.items():
            setattr(union, name, value)
        union.deleted = False  # one union row per enterprise: a re-founded union revives it
    session.flush()
    audit.record(session, actor.username, "update" if old else "create", "enterprise_union", union.id,
                 {"old": old, "new": new})


# ---- the list -------------------------------------------------------------------------

SIZE_LARGE, SIZE_SMALL = "large", "small"


@dataclass(frozen=True)
class EnterpriseFilter:
    township_code: str | None = None
    ownership: str | None = None
    industry: str | None = None
    size: str | None = None  # SIZE_LARGE (100+ employees) | SIZE_SMALL | None
    has_union: bool | None = None
    text: str = ""  # part of the name or the code


@dataclass(frozen=True)
class EnterpriseRow:
    facts: YearFacts
    township_name: str
    has_contract: bool  # covered by a contract in force in the year
    negotiated: bool  # covered by a negotiation-established contract in force
    uscc_warning: str  # "" when the code passes the check and is unique

    def __getattr__(self, name):  # row.name, row.employees ... read through to the facts
        if name == "facts":
            raise AttributeError(name)
        return getattr(self.facts, name)


@dataclass(frozen=True)
class EnterpriseCounts:
    total: int = 0
    large: int = 0
    large_with_union: int = 0
    with_union: int = 0
    with_contract: int = 0
    flagged_uscc: int = 0
    by_township: dict[str, int] = field(default_factory=dict)


def _matches(f: YearFacts, flt: EnterpriseFilter) -> bool:
    if flt.township_code and f.township_code != flt.township_code:
        return False
    if flt.ownership and f.ownership != flt.ownership:
        return False
    if flt.industry and f.industry != flt.industry:
        return False
    if flt.size == SIZE_LARGE and not f.large:
        return False
    if flt.size == SIZE_SMALL and f.large:
        return False
    if flt.has_union is not None and f.has_union != flt.has_union:
        return False
    text = flt.text.strip().upper()
    return not text or text in f.name.upper() or text in f.uscc


def list_enterprises(session: Session, actor: Actor, year: int, flt: EnterpriseFilter | None = None) -> list[EnterpriseRow]:
    """The enterprises the actor's office sees, as they stood in `year`, filtered."""
    actor.require(Permission.VIEW)
    flt = flt or EnterpriseFilter()
    names = org_names(session)
    contracts = contract_facts(session, year)
    duplicates = duplicate_usccs(session)
    rows = []
    for f in enterprise_year_facts(session, actor.office_code, year):
        if not _matches(f, flt):
            continue
        if not f.uscc:
            warning = "未填写"
        elif f.uscc in duplicates:
            warning = "代码重复"
        else:
            warning = "" if check_uscc(f.uscc).ok else "校验不符"
        rows.append(EnterpriseRow(f, names.get(f.township_code, f.township_code), f.enterprise_id in contracts.covered,
                                  f.enterprise_id in contracts.negotiated, warning))
    return rows


def count_enterprises(rows: list[EnterpriseRow]) -> EnterpriseCounts:
    by_township: dict[str, int] = {}
    for r in rows:
        by_township[r.township_name] = by_township.get(r.township_name, 0) + 1
    return EnterpriseCounts(
        total=len(rows),
        large=sum(r.large for r in rows),
        large_with_union=sum(r.large and r.has_union for r in rows),
        with_union=sum(r.has_union for r in rows),
        with_contract=sum(r.has_contract for r in rows),
        flagged_uscc=sum(bool(r.uscc_warning) and r.uscc_warning != "未填写" for r in rows),
        by_township=by_township,
    )


@dataclass(frozen=True)
class EnterpriseChoice:
    id: str
    name: str
    township_code: str
    township_name: str


def enterprise_choices(session: Session, actor: Actor, township_code: str | None = None) -> list[EnterpriseChoice]:
    """Enterprises to pick from (a contract's party, the enterprises a regional contract covers)."""
    actor.require(Permission.VIEW)
    names = org_names(session)
    return [
        EnterpriseChoice(f.enterprise_id, f.name, f.township_code, names.get(f.township_code, ""))
        for f in enterprise_year_facts(session, actor.office_code, MAX_YEAR)
        if township_code is None or f.township_code == township_code
    ]
