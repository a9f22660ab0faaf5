"""三室一站: register, change, tombstone and list studios; their members; status changes.

Yearly results are in services/studio_results.py, the item-6 figures in studio_progress.py.
A township office sees and edits its own studios; the county office every township's.
Lead phone and ID numbers come back masked unless the user may view personal data.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, fields, replace
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zkdesk.domain import studio_rules as rules
from zkdesk.domain.choices import INDUSTRIES, STUDIO_LEVELS, STUDIO_STATUSES, STUDIO_TYPES
from zkdesk.domain.idcard import IdNumberError, mask_id_number, mask_phone, parse_id_number
from zkdesk.domain.roles import Permission
from zkdesk.services import audit
from zkdesk.services.actor import Actor
from zkdesk.services.errors import PermissionDenied, UserError
from zkdesk.services.orgs import org_names
from zkdesk.services.privacy import mask_for
from zkdesk.services.records import check_revision, live_record
from zkdesk.services.scope import org_filter
from zkdesk.store.id_lists import chunks
from zkdesk.store.models import Enterprise, OrgUnit, Studio, StudioMember

ENTITY = "studio"
MEMBER_ENTITY = "studio_member"


@dataclass
class StudioInput:
    """Every field of a studio as the user enters it (dates as `date`, empty text as "")."""

    name: str
    kind: str
    township_code: str
    lead_name: str
    applied_on: date | None
    industry: str = "其他"
    level: str = "县级"
    status: str = "申报"
    enterprise_id: str | None = None  # a host from the enterprise register ...
    host_name: str = ""  # ... or the host's name as free text
    lead_honours: str = ""
    lead_phone: str = ""
    lead_id_number: str = ""
    named_on: date | None = None
    reviewed_on: date | None = None
    revoked_on: date | None = None
    naming_doc_no: str = ""
    room_notes: str = ""
    equipment_notes: str = ""
    funding_notes: str = ""


@dataclass
class MemberInput:
    name: str
    job: str = ""
    skill_level: str = ""


@dataclass(frozen=True)
class MemberRow:
    id: str
    name: str
    job: str
    skill_level: str


@dataclass(frozen=True)
class StudioRow:
    id: str
    name: str
    kind: str
    level: str
    status: str
    township_code: str
    township_name: str
    industry: str
    host: str
    lead_name: str
    lead_phone: str  # masked unless VIEW_PERSONAL
    applied_on: date | None
    named_on: date | None
    revoked_on: date | None
    naming_doc_no: str
    member_count: int


@dataclass(frozen=True)
class StudioDetail:
    id: str
    data: StudioInput  # lead phone and ID masked unless VIEW_PERSONAL
    township_name: str
    members: tuple[MemberRow, ...]
    revision: int


@dataclass
class StudioFilter:
    """None means "all" for each choice."""

    kind: str | None = None
    level: str | None = None
    township_code: str | None = None
    industry: str | None = None
    status: str | None = None


@dataclass(frozen=True)
class StudioList:
    rows: list[StudioRow]
    by_kind: dict[str, int] = field(default_factory=dict)
    by_level: dict[str, int] = field(default_factory=dict)
    by_status: dict[str, int] = field(default_factory=dict)
    by_township: dict[str, int] = field(default_factory=dict)  # township short name → count
    by_industry: dict[str, int] = field(default_factory=dict)
    named_today: int = 0  # named and not revoked today

    @property
    def total(self) -> int:
        return len(self.rows)


# ---------------------------------------------------------------- reading


def host_enterprise_choices(session: Session, actor: Actor, township_code: str) -> list[tuple[str, str, str]]:
    """(id, name, industry) of the registered enterprises in a township, to choose a host from."""
    actor.require(Permission.VIEW)
    query = (
        select(Enterprise.id, Enterprise.name, Enterprise.industry)
        .where(Enterprise.township_code == township_code, Enterprise.deleted.is_(False))
        .where(org_filter(Enterprise.township_code, actor.office_code))
        .order_by(Enterprise.name, Enterprise.id)
    )
    return [(i, name, industry) for i, name, industry in session.execute(query)]


def list_studios(session: Session, actor: Actor, flt: StudioFilter | None = None) -> StudioList:
    actor.require(Permission.VIEW)
    flt = flt or StudioFilter()
    members = (
        select(StudioMember.studio_id, func.count().label("n"))
        .where(StudioMember.deleted.is_(False))
        .group_by(StudioMember.studio_id)
        .subquery()
    )
    query = (
        select(Studio.id, Studio.name, Studio.kind, Studio.level, Studio.status, Studio.township_code, Studio.industry,
               Studio.host_name, Studio.lead_name, Studio.lead_phone, Studio.applied_on, Studio.named_on,
               Studio.reviewed_on, Studio.revoked_on, Studio.naming_doc_no,
               func.coalesce(members.c.n, 0).label("member_count"))
        .outerjoin(members, members.c.studio_id == Studio.id)
        .where(Studio.deleted.is_(False), org_filter(Studio.township_code, actor.office_code))
    )
    for column, wanted in (
        (Studio.kind, flt.kind),
        (Studio.level, flt.level),
        (Studio.township_code, flt.township_code),
        (Studio.industry, flt.industry),
        (Studio.status, flt.status),
    ):
        if wanted:
            query = query.where(column == wanted)
    studios = session.execute(
        query.order_by(Studio.township_code, Studio.applied_on.asc().nulls_first(), Studio.name, Studio.id)).all()
    names = org_names(session)
    today = date.today()
    rows = [
        StudioRow(
            id=s.id, name=s.name, kind=s.kind, level=s.level, status=s.status, township_code=s.township_code,
            township_name=names.get(s.township_code, s.township_code), industry=s.industry, host=s.host_name,
            lead_name=s.lead_name, lead_phone=mask_for(actor, phone=s.lead_phone),
            applied_on=s.applied_on, named_on=s.named_on, revoked_on=s.revoked_on, naming_doc_no=s.naming_doc_no,
            member_count=s.member_count,
        )
        for s in studios
    ]
    return StudioList(
        rows=rows,
        by_kind=_ordered(Counter(r.kind for r in rows), STUDIO_TYPES),
        by_level=_ordered(Counter(r.level for r in rows), STUDIO_LEVELS),
        by_status=_ordered(Counter(r.status for r in rows), STUDIO_STATUSES),
        by_township=dict(Counter(r.township_name for r in rows)),
        by_industry=_ordered(Counter(r.industry for r in rows), INDUSTRIES),
        named_today=sum(rules.counts_as_named(_dates(s), today) for s in studios),
    )


def get_studio(session: Session, actor: Actor, studio_id: str) -> StudioDetail:
    actor.require(Permission.VIEW)
    studio = _visible_studio(session, actor, studio_id)
    data = _input_of(studio)
    lead_id_number, lead_phone = mask_for(actor, id_number=data.lead_id_number, phone=data.lead_phone)
    data = replace(data, lead_phone=lead_phone, lead_id_number=lead_id_number)
    members = tuple(
        MemberRow(m.id, m.name, m.job, m.skill_level)
        for m in sorted(_live_members(studio), key=lambda m: m.name)
    )
    return StudioDetail(studio.id, data, org_names(session).get(studio.township_code, ""), members, studio.revision)


# ---------------------------------------------------------------- changing


def register_studio(session: Session, actor: Actor, data: StudioInput, members: list[MemberInput]) -> str:
    """A new studio with its members (at least three). Returns its id."""
    actor.require(Permission.EDIT)
    problems: list[str] = []
    try:  # gather the studio's and the members' problems into one message
        clean = _checked(session, actor, data)
    except PermissionDenied:
        raise
    except UserError as exc:
        problems.append(str(exc))
    member_list = []
    for number, member in enumerate(members, start=1):
        try:
            member_list.append(checked_member(member, number))
        except UserError as exc:
            problems.append(str(exc))
    count = rules.member_count_problem(len(members))
    if count:
        problems.append(count)
    if problems:
        raise UserError("；".join(problems))
    _refuse_duplicate_name(session, clean)
    studio = Studio(origin=clean.township_code, **_columns(clean))
    session.add(studio)
    session.flush()
    for m in member_list:
        session.add(StudioMember(origin=studio.origin, studio_id=studio.id, name=m.name, job=m.job, skill_level=m.skill_level))
    session.flush()
    audit.record(session, actor.username, "create", ENTITY, studio.id,
                 {"new": _audit_view(clean) | {"members": [m.name for m in member_list]}})
    return studio.id


def update_studio(session: Session, actor: Actor, studio_id: str, data: StudioInput,
                  seen_revision: int | None = None) -> None:
    """Change a studio's fields (status and dates included, checked as a whole).
    `seen_revision`: StudioDetail.revision as the form was loaded."""
    actor.require(Permission.EDIT)
    studio = _visible_studio(session, actor, studio_id)
    check_revision(session, studio, seen_revision, ENTITY, f"“{studio.name}”")
    old = _input_of(studio)
    # A masked number handed back unchanged means "keep what is stored".
    if data.lead_id_number and data.lead_id_number == mask_id_number(old.lead_id_number):
        data = replace(data, lead_id_number=old.lead_id_number)
    if data.lead_phone and data.lead_phone == mask_phone(old.lead_phone):
        data = replace(data, lead_phone=old.lead_phone)
    clean = _checked(session, actor, data)
    _refuse_duplicate_name(session, clean, except_id=studio.id)
    changes = {k: v for k, v in _columns(clean).items() if getattr(studio, k) != v}
    if not changes:
        return
    for key, value in changes.items():
        setattr(studio, key, value)
    session.flush()
    audit.record(session, actor.username, "update", ENTITY, studio.id,
                 {"old": _audit_view(old, changes), "new": _audit_view(clean, changes)})


def delete_studio(session: Session, actor: Actor, studio_id: str, seen_revision: int | None = None) -> None:
    """Tombstone the studio with its members and results."""
    actor.require(Permission.EDIT)
    studio = _visible_studio(session, actor, studio_id)
    check_revision(session, studio, seen_revision, ENTITY, f"“{studio.name}”")
    studio.deleted = True
    for record in [*studio.members, *studio.results]:
        record.deleted = True
    session.flush()
    audit.record(session, actor.username, "delete", ENTITY, studio.id, {"old": {"name": studio.name}})


def change_status(
    session: Session, actor: Actor, studio_id: str, new_status: str, on: date, naming_doc_no: str | None = None
) -> None:
    """One step of 申报 → 命名 → 年度复核 → 撤销, dated; the naming may carry its 命名文号."""
    actor.require(Permission.EDIT)
    studio = _visible_studio(session, actor, studio_id)
    problem = rules.transition_problem(studio.status, new_status)
    if problem:
        raise UserError(problem)
    after = rules.apply_transition(_dates(studio), new_status, on)
    problems = rules.status_problems(after)
    if problems:
        raise UserError("；".join(problems))
    old = {"status": studio.status, "named_on": studio.named_on, "reviewed_on": studio.reviewed_on,
           "revoked_on": studio.revoked_on, "naming_doc_no": studio.naming_doc_no}
    studio.status, studio.named_on, studio.reviewed_on, studio.revoked_on = (
        after.status, after.named_on, after.reviewed_on, after.revoked_on)
    if naming_doc_no is not None:
        studio.naming_doc_no = naming_doc_no.strip()
    session.flush()
    new = {"status": studio.status, "named_on": studio.named_on, "reviewed_on": studio.reviewed_on,
           "revoked_on": studio.revoked_on, "naming_doc_no": studio.naming_doc_no}
    audit.record(session, actor.username, "status", ENTITY, studio.id, {"old": old, "new": new})


def add_member(session: Session, actor: Actor, studio_id: str, member: MemberInput) -> str:
    actor.require(Permission.EDIT)
    studio = _visible_studio(session, actor, studio_id)
    clean = checked_member(member)
    row = StudioMember(origin=studio.origin, studio_id=studio.id, name=clean.name, job=clean.job, skill_level=clean.skill_level)
    session.add(row)
    session.flush()
    audit.record(session, actor.username, "create", MEMBER_ENTITY, row.id, {"new": {"studio": studio.name, **vars(clean)}})
    return row.id


def update_member(session: Session, actor: Actor, member_id: str, member: MemberInput) -> None:
    actor.require(Permission.EDIT)
    row = _visible_member(session, actor, member_id)
    clean = checked_member(member)
    old = {"name": row.name, "job": row.job, "skill_level": row.skill_level}
    if old == vars(clean):
        return
    row.name, row.job, row.skill_level = clean.name, clean.job, clean.skill_level
    session.flush()
    audit.record(session, actor.username, "update", MEMBER_ENTITY, row.id, {"old": old, "new": vars(clean)})


def remove_member(session: Session, actor: Actor, member_id: str) -> None:
    """Tombstone a member; refused when the studio would fall below the minimum."""
    actor.require(Permission.EDIT)
    row = _visible_member(session, actor, member_id)
    remaining = len(_live_members(row.studio)) - 1
    if remaining < rules.MIN_MEMBERS:
        raise UserError(f"不能移除“{row.name}”：{rules.member_count_problem(remaining)}，请先添加新成员")
    row.deleted = True
    session.flush()
    audit.record(session, actor.username, "delete", MEMBER_ENTITY, row.id, {"old": {"studio": row.studio.name, "name": row.name}})


# ---------------------------------------------------------------- helpers


def visible_studio(session: Session, actor: Actor, studio_id: str) -> Studio:
    """The live studio, if this office may see it (for the results module)."""
    return _visible_studio(session, actor, studio_id)


def _visible_studio(session: Session, actor: Actor, studio_id: str) -> Studio:
    studio = live_record(session, Studio, studio_id, "未找到该工作室（可能已被删除）")
    actor.require_scope(studio.township_code)
    return studio


def _visible_member(session: Session, actor: Actor, member_id: str) -> StudioMember:
    row = live_record(session, StudioMember, member_id, "未找到该成员（可能已被移除）")
    _visible_studio(session, actor, row.studio_id)
    return row


def _live_members(studio: Studio) -> list[StudioMember]:
    return [m for m in studio.members if not m.deleted]


def _checked(session: Session, actor: Actor, data: StudioInput) -> StudioInput:
    """The input with text trimmed and the ID number normalised; UserError lists every problem."""
    clean, problems = studio_problems(session, actor, data)
    if problems:
        raise UserError("；".join(message for _, message in problems))
    return clean


def studio_problems(session: Session, actor: Actor, data: StudioInput) -> tuple[StudioInput, list[tuple[str, str]]]:
    """The input with text trimmed, the ID number normalised and the host's name taken from the
    register; and every problem as (field, Chinese message). The form and the import share it."""
    d, problems = studio_field_problems(data)
    township = session.get(OrgUnit, d.township_code)
    problem = township_problem(d.township_code, township.level if township is not None else None)
    if problem:
        problems.append(("township_code", problem))
    elif not actor.sees(d.township_code):
        problems.append(("township_code", "乡镇只能登记本乡镇的工作室"))
    if d.enterprise_id:
        host = session.get(Enterprise, d.enterprise_id)
        live = host is not None and not host.deleted
        problem = host_problem(host.name if live else None, host.township_code if live else None, d.township_code,
                               township.short_name if township is not None else None)
        if problem:
            problems.append(("enterprise_id", problem))
        else:
            d.host_name = host.name  # keep the name with the studio, for lists and prints
    else:
        d.enterprise_id = None
    problems.sort(key=lambda p: _PROBLEM_ORDER.get(p[0], len(_PROBLEM_ORDER)))  # the form's order; stable
    return d, problems


def township_problem(code: str, level: str | None) -> str:
    """A studio's 所在乡镇 must be one of the county's townships: `level` is the org unit's
    (None: no such unit). The form's check, and a package's (services/record_rules.py)."""
    return "" if level == "township" else f"所在乡镇代码“{code}”不是本县的乡镇"


def host_problem(host_name: str | None, host_township: str | None, township_code: str,
                 township_short: str | None) -> str:
    """A studio's 依托企业 must be a live enterprise of the register (`host_name` None: it is not)
    in the studio's township (`township_short`: that township's short name, None when there is
    no such unit: the township's own check names it). The form's check, and a package's."""
    if host_name is None:
        return "所选依托企业不在企业名录中（可能已被删除）"
    if township_short is not None and host_township != township_code:
        return f"依托企业“{host_name}”不在{township_short}，请核对所在乡镇"
    return ""


_PROBLEM_ORDER = {f: i for i, f in enumerate(("name", "kind", "level", "industry", "township_code", "lead_name",
                                              "lead_id_number", "lead_phone", "enterprise_id"))}


def studio_field_problems(data: StudioInput) -> tuple[StudioInput, list[tuple[str, str]]]:
    """The rules on a studio's own fields, needing nothing else (the form's, the import's, and a
    package's: services/record_rules.py): the input with text trimmed and the ID number
    normalised, and each problem as (field, Chinese message)."""
    d = replace(data, **{f.name: getattr(data, f.name).strip() for f in fields(data) if isinstance(getattr(data, f.name), str)})
    problems: list[tuple[str, str]] = []
    if not d.name:
        problems.append(("name", "请填写工作室名称"))
    elif len(d.name) > 200:
        problems.append(("name", "工作室名称过长（最多200字）"))
    for field_name, label, value, allowed in (("kind", "类型", d.kind, STUDIO_TYPES), ("level", "级别", d.level, STUDIO_LEVELS),
                                              ("industry", "产业", d.industry, INDUSTRIES)):
        if value not in allowed:
            problems.append((field_name, f"{label}“{value}”无效，应为：{'、'.join(allowed)}"))
    if not d.lead_name:
        problems.append(("lead_name", "请填写领衔人姓名"))
    if d.lead_id_number:
        try:
            d.lead_id_number = parse_id_number(d.lead_id_number).number
        except IdNumberError as exc:
            problems.append(("lead_id_number", f"领衔人{exc}"))
    phone = rules.phone_problem(d.lead_phone)
    if phone:
        problems.append(("lead_phone", f"领衔人{phone}"))
    problems += rules.status_findings(_dates(d))
    return d, problems


def checked_member(member: MemberInput, number: int | None = None) -> MemberInput:
    clean = MemberInput(member.name.strip(), member.job.strip(), member.skill_level.strip())
    if not clean.name:
        where = f"第{number}位成员" if number else "成员"
        raise UserError(f"请填写{where}的姓名")
    return clean


def duplicate_name_problem(session: Session, township_code: str, name: str, except_id: str | None = None) -> str:
    """A township registers one studio of a name; "" when the name is free."""
    query = select(Studio.id).where(Studio.deleted.is_(False), Studio.township_code == township_code, Studio.name == name)
    if except_id:
        query = query.where(Studio.id != except_id)
    return f"本乡镇已登记名为“{name}”的工作室" if session.scalars(query).first() else ""


def _refuse_duplicate_name(session: Session, d: StudioInput, except_id: str | None = None) -> None:
    problem = duplicate_name_problem(session, d.township_code, d.name, except_id)
    if problem:
        raise UserError(problem)


def live_members(session: Session, studio_ids: list[str]) -> dict[str, list[MemberInput]]:
    """Studio id → its live members."""
    found: dict[str, list[MemberInput]] = {}
    query = select(StudioMember).where(StudioMember.deleted.is_(False))
    for part in chunks(list(studio_ids)):  # an import's studios may pass the engines' limit on IN (…)
        for m in session.scalars(query.where(StudioMember.studio_id.in_(part))):
            found.setdefault(m.studio_id, []).append(MemberInput(m.name, m.job, m.skill_level))
    return found


def replace_members(session: Session, studio_id: str, origin: str, members: list[MemberInput]) -> None:
    """Make a studio's live members exactly `members` (an import's list): the same person
    stays, the others are tombstoned, new ones are added. The caller audits the change."""
    if (problem := rules.member_count_problem(len(members))):
        raise UserError(problem)
    wanted = [checked_member(m) for m in members]
    for row in session.scalars(select(StudioMember).where(StudioMember.studio_id == studio_id, StudioMember.deleted.is_(False))):
        mine = MemberInput(row.name, row.job, row.skill_level)
        if mine in wanted:
            wanted.remove(mine)
        else:
            row.deleted = True
    for m in wanted:
        session.add(StudioMember(origin=origin, studio_id=studio_id, name=m.name, job=m.job, skill_level=m.skill_level))


_COLUMNS = tuple(f.name for f in fields(StudioInput))


def _columns(d: StudioInput) -> dict:
    return {name: getattr(d, name) for name in _COLUMNS}


def _input_of(studio: Studio) -> StudioInput:
    return StudioInput(**{name: getattr(studio, name) for name in _COLUMNS})


def _dates(d) -> rules.StatusDates:
    return rules.StatusDates(d.status, d.applied_on, d.named_on, d.reviewed_on, d.revoked_on)


def _audit_view(d: StudioInput, only: dict | None = None) -> dict:
    """Fields for the audit trail, with the lead's phone and ID number masked."""
    view = _columns(d)
    view["lead_phone"] = mask_phone(view["lead_phone"])
    view["lead_id_number"] = mask_id_number(view["lead_id_number"])
    return {k: v for k, v in view.items() if only is None or k in only}


def _ordered(counts: Counter, order: tuple[str, ...]) -> dict[str, int]:
    known = {k: counts[k] for k in order if counts[k]}
    return known | {k: v for k, v in counts.items() if k not in known}
