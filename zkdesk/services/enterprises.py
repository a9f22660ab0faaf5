"""The enterprise register: enterprises, their per-year figures, their union and democratic
management. One function per user action; the caller opens the session."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from functools import lru_cache

from sqlalchemy import not_, or_, select
from sqlalchemy.orm import Session

from zkdesk.domain import choices
from zkdesk.domain.enterprise_rules import TEXT_LIMITS, field_problems
from zkdesk.domain.roles import Permission
from zkdesk.domain.uscc import check_uscc, normalize_uscc
from zkdesk.services import audit
from zkdesk.services.actor import Actor
from zkdesk.services.enterprise_facts import YearFacts, require_in_scope
from zkdesk.services.enterprise_query import YearColumns, contains_text, contract_cover, duplicate_codes
from zkdesk.services.errors import UserError
from zkdesk.services.orgs import org_names
from zkdesk.services.records import check_revision, live_record
from zkdesk.services.scope import org_filter
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
    return duplicate_codes(session)


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

def year_problems(row: YearInput) -> list[tuple[str, str]]:
    """(field, Chinese message) for each rule a year's figures break: the form's and the
    import's one set of rules."""
    if not MIN_YEAR <= row.year <= MAX_YEAR:
        return [("year", f"年度“{row.year}”不合理")]
    problems = []
    if row.employees < 0:
        problems.append(("employees", f"{row.year}年职工人数不能为负数"))
    if row.operating_status not in choices.OPERATING_STATUSES:
        problems.append(("operating_status", f"{row.year}年经营状态“{row.operating_status}”不在可选范围内："
                                             f"{'、'.join(choices.OPERATING_STATUSES)}"))
    return problems


def _check_year(row: YearInput) -> None:
    problems = year_problems(row)
    if problems:
        raise UserError(problems[0][1])


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

def union_problems(is_company: bool, data: UnionInput, today: date | None = None) -> list[tuple[str, str]]:
    """(field, Chinese message) for each rule the union's data breaks (form and import).
    `today`: the date dates may not be later than (an import takes it once for all its rows)."""
    problems = []
    if data.members < 0:
        problems.append(("members", "工会会员人数不能为负数"))
    today = today or date.today()
    for field_name, label, day in (("established_on", "工会成立日期", data.established_on),
                                   ("congress_on", "职代会建立日期", data.congress_on),
                                   ("openness_on", "厂务公开建立日期", data.openness_on)):
        if day is not None and day > today:
            problems.append((field_name, f"{label}{day:%Y-%m-%d}晚于今天"))
    if (data.worker_director or data.worker_supervisor) and not is_company:
        problems.append(("worker_director" if data.worker_director else "worker_supervisor",
                         "职工董事、职工监事只适用于公司制企业：请先在企业信息中勾选“公司制企业”"))
    if len(data.chair.strip()) > 50:
        problems.append(("chair", "工会主席姓名过长"))
    return problems


def clean_union(is_company: bool, data: UnionInput) -> UnionInput:
    """The union as stored: checked (UserError with the first problem), names trimmed, the
    date of a 职代会 or 厂务公开 that is not established dropped."""
    problems = union_problems(is_company, data)
    if problems:
        raise UserError(problems[0][1])
    return union_as_stored(data)


def union_as_stored(data: UnionInput) -> UnionInput:
    """The union as stored, once `union_problems` found nothing: names trimmed, the date of a
    职代会 or 厂务公开 that is not established dropped (clean_union checks first)."""
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
    new = asdict(clean_union(ent.is_company, data))
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


def _year_filters(cols: YearColumns, flt: EnterpriseFilter) -> list:
    """The filter as WHERE clauses (the same choices the list's filter boxes offer)."""
    where = []
    if flt.township_code:
        where.append(Enterprise.township_code == flt.township_code)
    if flt.ownership:
        where.append(Enterprise.ownership == flt.ownership)
    if flt.industry:
        where.append(Enterprise.industry == flt.industry)
    if flt.size == SIZE_LARGE:
        where.append(cols.large)
    elif flt.size == SIZE_SMALL:
        where.append(not_(cols.large))
    if flt.has_union is not None:
        where.append(cols.has_union if flt.has_union else not_(cols.has_union))
    text = flt.text.strip()
    if text:
        where.append(or_(contains_text(Enterprise.name, text), contains_text(Enterprise.uscc, text)))
    return where


@lru_cache(maxsize=1 << 18)
def _code_passes(uscc: str) -> bool:
    """check_uscc for the list, remembered: a refresh after a save checks the same codes again."""
    return check_uscc(uscc).ok


DUPLICATE_CODE = "代码重复"  # the list's flag for a code held by two live enterprises: 合并重复企业 is offered


def _uscc_warning(uscc: str, held_twice: bool) -> str:
    if not uscc:
        return "未填写"
    if held_twice:
        return DUPLICATE_CODE
    return "" if _code_passes(uscc) else "校验不符"


def list_enterprises(session: Session, actor: Actor, year: int, flt: EnterpriseFilter | None = None) -> list[EnterpriseRow]:
    """The enterprises the actor's office sees, as they stood in `year`, filtered.

    Three statements whatever the size: the matching enterprises with their year row and
    union (filtered by the database), the contracts covering them, the duplicated codes."""
    actor.require(Permission.VIEW)
    flt = flt or EnterpriseFilter()
    names = org_names(session)
    cols = YearColumns(year)
    found = session.execute(cols.select(actor.office_code).where(*_year_filters(cols, flt))).all()
    # Sorted here, not by ORDER BY: with it SQLite walks the township index and reads the whole
    # table in index order, twice as slow for a search. Code-point order is the order of
    # SQLite's BINARY and PostgreSQL's "C" collation.
    found.sort(key=lambda r: (r.township_code, r.name, r.enterprise_id))
    cover = contract_cover(session, year, [r.enterprise_id for r in found])
    duplicates = duplicate_codes(session, [r.uscc for r in found if r.uscc])
    rows = []
    for r in found:
        facts = YearFacts(*r)  # YearColumns.select gives YearFacts' fields, in their order
        negotiated = cover.get(r.enterprise_id)
        rows.append(EnterpriseRow(facts, names.get(r.township_code, r.township_code), negotiated is not None,
                                  bool(negotiated), _uscc_warning(r.uscc, r.uscc in duplicates)))
    return rows


def count_enterprises(rows: list[EnterpriseRow]) -> EnterpriseCounts:
    """The figures above the list, for the rows it shows (one pass)."""
    by_township: dict[str, int] = {}
    large = large_with_union = with_union = with_contract = flagged = 0
    for r in rows:
        f = r.facts
        by_township[r.township_name] = by_township.get(r.township_name, 0) + 1
        is_large = f.large
        large += is_large
        large_with_union += is_large and f.has_union
        with_union += f.has_union
        with_contract += r.has_contract
        flagged += bool(r.uscc_warning) and r.uscc_warning != "未填写"
    return EnterpriseCounts(
        total=len(rows), large=large, large_with_union=large_with_union, with_union=with_union,
        with_contract=with_contract, flagged_uscc=flagged, by_township=by_township,
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
    query = (
        select(Enterprise.id, Enterprise.name, Enterprise.township_code)
        .where(Enterprise.deleted.is_(False), org_filter(Enterprise.township_code, actor.office_code))
        .order_by(Enterprise.township_code, Enterprise.name, Enterprise.id)
    )
    if township_code is not None:
        query = query.where(Enterprise.township_code == township_code)
    return [EnterpriseChoice(i, name, code, names.get(code, "")) for i, name, code in session.execute(query)]
