"""The nomination register (劳动模范推荐): create, change, delete, list, duplicate check.

A township office sees and edits its own nominations; the county sees all of them. A
nomination belongs to (origin) the township that nominates it. Only drafts are edited or
deleted: a nomination under review goes back to draft with 退回修改 first.
The review steps are in services/nomination_review.py, the session checks in
services/nomination_checks.py.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from zkdesk.domain import nomination_rules as rules
from zkdesk.domain import nomination_workflow as wf
from zkdesk.domain.idcard import mask_id_number
from zkdesk.domain.orgcodes import is_county
from zkdesk.domain.roles import Permission
from zkdesk.services import audit
from zkdesk.services.actor import Actor
from zkdesk.services.award_sessions import SessionRow, get_session, session_row
from zkdesk.services.errors import NotFound, UserError
from zkdesk.services.orgs import org_names
from zkdesk.services.privacy import mask_for, sees_personal
from zkdesk.services.records import check_revision
from zkdesk.services.scope import org_filter
from zkdesk.store.models import Enterprise, Nomination, OrgUnit, User
from zkdesk.store.sealed import hash_for


@dataclass
class NominationInput:
    """Every field a clerk types. gender and birth_date may stay empty: the ID number gives them."""

    session_id: str
    township_code: str
    name: str
    id_number: str
    gender: str = ""
    birth_date: date | None = None
    ethnicity: str = "汉族"
    political_status: str = "群众"
    education: str = ""
    employer: str = ""  # free text, or the linked enterprise's name
    enterprise_id: str | None = None  # the enterprise register's row, where the employer is in it
    job_title: str = ""
    phone: str = ""
    category: str = ""
    industrial_worker: bool = False
    earlier_honours: str = ""
    deeds_short: str = ""
    deeds_full: str = ""


PERSON_FIELDS = tuple(f.name for f in fields(NominationInput) if f.name not in ("session_id",))


@dataclass(frozen=True)
class DuplicateHit:
    nomination_id: str
    name: str
    township_code: str
    township_name: str
    status: str

    def describe(self) -> str:
        return f"{self.township_name} {self.name}（{wf.status_label(self.status)}）"


@dataclass(frozen=True)
class StepRow:
    from_status: str
    to_status: str
    actor: str  # username
    actor_name: str  # display name where the user is known in this database, else the username
    at: object  # aware UTC datetime
    opinion: str

    @property
    def label(self) -> str:
        if self.to_status == wf.DRAFT and self.from_status != wf.DRAFT:
            return "退回修改"
        return wf.status_label(self.to_status)


@dataclass(frozen=True)
class NominationRow:
    """One line of the list; id_number and phone are masked unless the actor may see them."""

    id: str
    session_id: str
    township_code: str
    township_name: str
    name: str
    gender: str
    ethnicity: str
    birth_date: date | None
    age: int | None  # in the session's year
    id_number: str
    phone: str
    political_status: str
    education: str
    employer: str
    enterprise_id: str | None
    job_title: str
    category: str
    industrial_worker: bool
    status: str
    publicity_start: date | None
    publicity_end: date | None
    has_objections: bool
    duplicate_of: tuple[DuplicateHit, ...] = ()

    @property
    def status_label(self) -> str:
        return wf.status_label(self.status)


@dataclass(frozen=True)
class NominationDetail:
    """Everything about one nomination, for the form, the printed 审批表 and the review panel."""

    id: str
    session: SessionRow
    township_code: str
    township_name: str
    fields: NominationInput  # id_number and phone masked unless the actor may see them
    status: str
    publicity_start: date | None
    publicity_end: date | None
    objections: str
    steps: tuple[StepRow, ...]
    masked: bool
    findings: tuple[rules.Finding, ...] = field(default=())
    revision: int = 0  # hand it back to update_nomination: a save over someone else's change is refused

    @property
    def status_label(self) -> str:
        return wf.status_label(self.status)


# --- reading -------------------------------------------------------------------------------


def visible(actor: Actor, nomination: Nomination) -> bool:
    return actor.sees(nomination.township_code)


def load(session: Session, actor: Actor, nomination_id: str) -> Nomination:
    """The nomination, if it exists, is not deleted and is in the actor's office's scope."""
    nom = session.get(Nomination, nomination_id)
    if nom is None or nom.deleted or not visible(actor, nom):
        raise NotFound("找不到该推荐人选，可能已被删除")
    return nom


def nomination_township_choices(session: Session, actor: Actor) -> list[tuple[str, str]]:
    """(code, name) of the units a nomination may come from: a township its own; the county
    every township plus 县直单位 (the county's own code)."""
    actor.require(Permission.VIEW)
    units = session.scalars(select(OrgUnit).where(OrgUnit.level.in_(("county", "township"))).order_by(OrgUnit.sort_order))
    townships, county = [], []
    for unit in units:
        if actor.sees(unit.code):
            if unit.level == "county":
                county.append((unit.code, "县直单位"))
            else:
                townships.append((unit.code, unit.short_name))
    return townships + county  # 县直单位 last: most nominations come from the townships


def employer_choices(session: Session, actor: Actor, township_code: str) -> list[tuple[str, str]]:
    """(enterprise id, name) of the township's registered enterprises, for the employer box."""
    actor.require(Permission.VIEW)
    query = select(Enterprise.id, Enterprise.name).where(Enterprise.deleted.is_(False)).order_by(Enterprise.name, Enterprise.id)
    if not is_county(township_code):
        query = query.where(Enterprise.township_code == township_code)
    return [(i, n) for i, n in session.execute(query).all()]


def find_duplicates(
    session: Session, actor: Actor, session_id: str, id_number: str, exclude_id: str | None = None
) -> list[DuplicateHit]:
    """Other live nominations of the same person (ID number) in the same session, within
    what the actor's office sees: a township its own, the county every township."""
    actor.require(Permission.VIEW)
    key = rules.same_person_key(id_number)
    if not key:
        return []
    query = select(Nomination).where(
        Nomination.session_id == session_id,
        Nomination.id_number_hmac == hash_for(session.get_bind(), key),  # the number is sealed: its keyed hash
        Nomination.deleted.is_(False),
        org_filter(Nomination.township_code, actor.office_code),
    )
    if exclude_id:
        query = query.where(Nomination.id != exclude_id)
    names = org_names(session)
    return [
        DuplicateHit(n.id, n.name, n.township_code, names.get(n.township_code, n.township_code), n.status)
        for n in session.scalars(query.order_by(Nomination.township_code, Nomination.id))
    ]


def duplicate_groups(session: Session, actor: Actor, session_id: str) -> dict[str, list[Nomination]]:
    """ID number → the live nominations of that person in the session, where there are two or
    more (they reach the county from different townships by USB, where no save could stop them).
    The database finds the repeated ID numbers; only those nominations are loaded."""
    seen = (
        Nomination.session_id == session_id,
        Nomination.deleted.is_(False),
        Nomination.id_number_hmac != "",
        org_filter(Nomination.township_code, actor.office_code),
    )
    repeated = select(Nomination.id_number_hmac).where(*seen).group_by(Nomination.id_number_hmac).having(func.count() > 1)
    query = select(Nomination).where(*seen, Nomination.id_number_hmac.in_(repeated))
    by_key: dict[str, list[Nomination]] = {}
    for nom in session.scalars(query.order_by(Nomination.township_code, Nomination.name, Nomination.id)):
        by_key.setdefault(nom.id_number, []).append(nom)
    return by_key


# What a list row needs: not the deeds or the photo.
_ROW_COLUMNS = (
    Nomination.id, Nomination.session_id, Nomination.township_code, Nomination.name, Nomination.gender,
    Nomination.ethnicity, Nomination.birth_date, Nomination.id_number, Nomination.phone, Nomination.political_status,
    Nomination.education, Nomination.employer, Nomination.enterprise_id, Nomination.job_title, Nomination.category,
    Nomination.industrial_worker, Nomination.status, Nomination.publicity_start, Nomination.publicity_end,
    Nomination.objections,
)


def list_nominations(
    session: Session,
    actor: Actor,
    session_id: str,
    *,
    township_code: str | None = None,
    status: str | None = None,
    category: str | None = None,
    text: str = "",
) -> list[NominationRow]:
    """The session's nominations the actor's office sees, filtered, ordered by township and name.

    Rows of the same person nominated twice in the session carry `duplicate_of`.
    """
    actor.require(Permission.VIEW)
    award = get_session(session, session_id)
    query = select(*_ROW_COLUMNS).where(
        Nomination.session_id == session_id,
        Nomination.deleted.is_(False),
        org_filter(Nomination.township_code, actor.office_code),
    )
    if township_code:
        query = query.where(Nomination.township_code == township_code)
    if status:
        query = query.where(Nomination.status == status)
    if category:
        query = query.where(Nomination.category == category)
    text = text.strip()
    if text:
        query = query.where(or_(*(column.icontains(text, autoescape=True)
                                  for column in (Nomination.name, Nomination.employer, Nomination.job_title))))
    names = org_names(session)
    dupes = duplicate_groups(session, actor, session_id)
    rows = []
    for n in session.execute(query.order_by(Nomination.township_code, Nomination.name, Nomination.id)):
        others = tuple(
            DuplicateHit(o.id, o.name, o.township_code, names.get(o.township_code, o.township_code), o.status)
            for o in dupes.get(n.id_number, ()) if o.id != n.id
        )
        rows.append(NominationRow(
            id=n.id, session_id=n.session_id, township_code=n.township_code,
            township_name=names.get(n.township_code, n.township_code), name=n.name, gender=n.gender,
            ethnicity=n.ethnicity, birth_date=n.birth_date,
            age=rules.age_in_year(n.birth_date, award.year) if n.birth_date else None,
            id_number=mask_for(actor, id_number=n.id_number), phone=mask_for(actor, phone=n.phone),
            political_status=n.political_status, education=n.education, employer=n.employer,
            enterprise_id=n.enterprise_id, job_title=n.job_title, category=n.category,
            industrial_worker=rules.industrial_worker(n.category, n.industrial_worker).counts, status=n.status,
            publicity_start=n.publicity_start,
            publicity_end=n.publicity_end, has_objections=bool(n.objections.strip()), duplicate_of=others,
        ))
    return rows


def _input_of(n: Nomination, shown_to: Actor | None = None) -> NominationInput:
    """The stored fields; with `shown_to`, the ID and phone numbers as that actor may see them."""
    id_number, phone = (n.id_number, n.phone) if shown_to is None else mask_for(shown_to, id_number=n.id_number, phone=n.phone)
    return NominationInput(
        session_id=n.session_id, township_code=n.township_code, name=n.name,
        id_number=id_number, gender=n.gender, birth_date=n.birth_date,
        ethnicity=n.ethnicity, political_status=n.political_status, education=n.education, employer=n.employer,
        enterprise_id=n.enterprise_id, job_title=n.job_title, phone=phone,
        category=n.category, industrial_worker=n.industrial_worker, earlier_honours=n.earlier_honours,
        deeds_short=n.deeds_short, deeds_full=n.deeds_full,
    )


def get_nomination(session: Session, actor: Actor, nomination_id: str) -> NominationDetail:
    actor.require(Permission.VIEW)
    n = load(session, actor, nomination_id)
    award = get_session(session, n.session_id)
    data = _input_of(n, shown_to=actor)
    people = dict(session.execute(select(User.username, User.display_name)).all())
    return NominationDetail(
        id=n.id, session=session_row(award), township_code=n.township_code,
        township_name=org_names(session).get(n.township_code, n.township_code), fields=data,
        status=n.status, publicity_start=n.publicity_start, publicity_end=n.publicity_end, objections=n.objections,
        steps=tuple(
            StepRow(s.from_status, s.to_status, s.actor, people.get(s.actor, s.actor), s.at, s.opinion)
            for s in n.steps if not s.deleted
        ),
        masked=not sees_personal(actor), findings=tuple(check_input(award.year, _input_of(n))),
        revision=n.revision,
    )


# --- checking and writing ------------------------------------------------------------------


def check_input(session_year: int, data: NominationInput) -> list[rules.Finding]:
    """The field checks of domain/nomination_rules.py on an input (errors first)."""
    return rules.check_person(
        session_year=session_year, name=data.name, id_number=data.id_number, gender=data.gender,
        birth_date=data.birth_date, ethnicity=data.ethnicity, political_status=data.political_status,
        education=data.education, phone=data.phone, category=data.category, employer=data.employer,
        deeds_short=data.deeds_short, deeds_full=data.deeds_full,
    )


def _clean(session: Session, actor: Actor, data: NominationInput, exclude_id: str | None) -> NominationInput:
    """Validate and normalise an input, or raise UserError naming every error."""
    award = get_session(session, data.session_id)
    if data.township_code not in dict(nomination_township_choices(session, actor)):
        raise UserError(f"推荐单位 {data.township_code} 不是本单位或本单位所辖乡镇")
    errors = [f.message for f in check_input(award.year, data) if f.is_error]
    if errors:
        raise UserError("；".join(errors))
    info, _ = rules.check_id(data.id_number)
    clean = NominationInput(**{k: (v.strip() if isinstance(v, str) else v) for k, v in asdict(data).items()})
    clean.id_number = info.number
    clean.gender = info.gender
    clean.birth_date = info.birth_date
    clean.phone = clean.phone.replace(" ", "")
    # the 人员类别 decides where it can; the tick is kept only where it does not (plan item 12.5)
    clean.industrial_worker = rules.industrial_worker(clean.category, clean.industrial_worker).counts
    if clean.enterprise_id:
        ent = session.get(Enterprise, clean.enterprise_id)
        if ent is None or ent.deleted:
            raise UserError("所选工作单位不在企业台账中（可能已被删除），请重新选择或直接填写单位名称")
        clean.employer = clean.employer or ent.name
    else:
        clean.enterprise_id = None
    hits = find_duplicates(session, actor, data.session_id, clean.id_number, exclude_id)
    if hits:
        raise UserError(duplicate_message(award.name, clean.id_number, hits))
    return clean


def duplicate_message(session_name: str, id_number: str, hits: list[DuplicateHit]) -> str:
    where = "、".join(h.describe() for h in hits)
    return f"身份证号码 {mask_id_number(id_number)} 的人员已在{session_name}中被推荐：{where}。同一人在同一届次只能推荐一次"


def _snapshot(n: Nomination) -> dict:
    return {name: getattr(n, name) for name in PERSON_FIELDS} | {"session_id": n.session_id, "status": n.status}


def create_nomination(session: Session, actor: Actor, data: NominationInput) -> str:
    """A new draft nomination; returns its id."""
    actor.require(Permission.EDIT)
    clean = _clean(session, actor, data, exclude_id=None)
    nom = Nomination(origin=clean.township_code, status=wf.DRAFT, **asdict(clean))
    session.add(nom)
    session.flush()
    audit.record(session, actor.username, "create", "nomination", nom.id, {"new": _snapshot(nom)})
    return nom.id


def not_draft_message(name: str, status: str, doing: str) -> str:
    """Only drafts are edited or deleted; "" when `status` is a draft."""
    if status == wf.DRAFT:
        return ""
    return f"“{name}”当前状态为“{wf.status_label(status)}”，只有草稿才能{doing}；如需修改请由审核人员退回修改"


def _require_draft(nom: Nomination, doing: str) -> None:
    message = not_draft_message(nom.name, nom.status, doing)
    if message:
        raise UserError(message)


def update_nomination(session: Session, actor: Actor, nomination_id: str, data: NominationInput,
                      seen_revision: int | None = None) -> None:
    actor.require(Permission.EDIT)
    nom = load(session, actor, nomination_id)
    check_revision(session, nom, seen_revision, "nomination", f"推荐人选“{nom.name}”")
    _require_draft(nom, "修改")
    if data.session_id != nom.session_id:
        raise UserError("不能把推荐人选移到另一届次；请在该届次重新登记")
    if data.township_code != nom.township_code:
        raise UserError("不能更改推荐单位；请删除后由该单位重新登记")
    clean = _clean(session, actor, data, exclude_id=nom.id)
    old = _snapshot(nom)
    for name in PERSON_FIELDS:
        setattr(nom, name, getattr(clean, name))
    session.flush()
    new = _snapshot(nom)
    changed = {k for k in new if new[k] != old[k]}
    if changed:
        audit.record(session, actor.username, "update", "nomination", nom.id,
                     {"old": {k: old[k] for k in changed}, "new": {k: new[k] for k in changed}})


def delete_nomination(session: Session, actor: Actor, nomination_id: str, seen_revision: int | None = None) -> None:
    """Tombstone a draft nomination."""
    actor.require(Permission.EDIT)
    nom = load(session, actor, nomination_id)
    check_revision(session, nom, seen_revision, "nomination", f"推荐人选“{nom.name}”")
    _require_draft(nom, "删除")
    nom.deleted = True
    session.flush()
    audit.record(session, actor.username, "delete", "nomination", nom.id, {"old": {"name": nom.name, "session_id": nom.session_id}})


def session_year(session: Session, session_id: str) -> int:
    return get_session(session, session_id).year

