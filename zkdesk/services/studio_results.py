"""A studio's yearly results (one record per studio and year) and its history over the years."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from zkdesk.domain import studio_rules as rules
from zkdesk.domain.roles import Permission
from zkdesk.services import audit
from zkdesk.services.actor import Actor
from zkdesk.services.errors import NotFound, UserError
from zkdesk.services.studios import visible_studio
from zkdesk.store.models import StudioResult

ENTITY = "studio_result"


@dataclass
class ResultInput:
    proposals: int = 0  # 合理化建议 提出
    proposals_adopted: int = 0  # 采纳
    tech_innovations: int = 0  # 技术革新
    rd_projects: int = 0  # 研发项目
    patents: int = 0
    patent_details: str = ""  # one patent a line: number and type
    methods: int = 0  # 先进操作法
    achievements_awarded: int = 0  # 创新成果 (获奖)
    training_sessions: int = 0
    people_trained: int = 0
    people_promoted: int = 0  # 技能等级晋升
    description: str = ""


@dataclass(frozen=True)
class ResultRow:
    id: str
    year: int
    values: ResultInput


@dataclass(frozen=True)
class Milestone:
    on: date
    label: str  # 申报 / 命名（文号） / 年度复核 / 撤销


@dataclass(frozen=True)
class StudioHistory:
    studio_id: str
    name: str
    milestones: list[Milestone]
    results: list[ResultRow]  # by year
    totals: dict[str, int]  # sums over the years, per count field


_FIELDS = tuple(f.name for f in fields(ResultInput))
COUNT_FIELDS = tuple(rules.RESULT_FIELDS)


def result_problems(revoked_on: date | None, year: int, values: dict) -> list[tuple[str, str]]:
    """(field, Chinese message) for each rule one year's results break (the form's and the
    import's): the field is the one the message names ("year" when none)."""
    messages = rules.result_problems(year, {k: values.get(k, 0) for k in COUNT_FIELDS})
    messages += rules.patent_details_problems(year, values.get("patents", 0), values.get("patent_details", ""))
    if revoked_on is not None and year > revoked_on.year:
        messages.append(f"工作室已于{revoked_on:%Y-%m-%d}撤销，不能登记{year}年的成果")
    named = [("patent_details", "专利明细"), ("proposals_adopted", "采纳")]
    named += sorted(rules.RESULT_FIELDS.items(), key=lambda pair: -len(pair[1]))
    return [(next((f for f, label in named if label in message), "year"), message) for message in messages]


def save_result(session: Session, actor: Actor, studio_id: str, year: int, data: ResultInput) -> str:
    """Create or update the studio's results of `year`. Returns the record's id."""
    actor.require(Permission.EDIT)
    studio = visible_studio(session, actor, studio_id)
    values = {name: getattr(data, name) for name in _FIELDS}
    values["patent_details"] = values["patent_details"].strip()
    values["description"] = values["description"].strip()
    problems = result_problems(studio.revoked_on, year, values)
    if problems:
        raise UserError("；".join(message for _field, message in problems))
    row = session.scalars(select(StudioResult).where(StudioResult.studio_id == studio.id, StudioResult.year == year)).first()
    if row is None:
        row = StudioResult(origin=studio.origin, studio_id=studio.id, year=year, **values)
        session.add(row)
        session.flush()
        audit.record(session, actor.username, "create", ENTITY, row.id, {"new": {"studio": studio.name, "year": year, **values}})
        return row.id
    old = {name: getattr(row, name) for name in _FIELDS}
    if old == values and not row.deleted:
        return row.id
    revived = row.deleted  # the unique (studio, year) row comes back from its tombstone
    row.deleted = False
    for name, value in values.items():
        setattr(row, name, value)
    session.flush()
    changed = [k for k in _FIELDS if old[k] != values[k]]
    audit.record(session, actor.username, "create" if revived else "update", ENTITY, row.id,
                 {"old": {"studio": studio.name, "year": year, **{k: old[k] for k in changed}},
                  "new": {"studio": studio.name, "year": year, **{k: values[k] for k in changed}}})
    return row.id


def remove_result(session: Session, actor: Actor, studio_id: str, year: int) -> None:
    actor.require(Permission.EDIT)
    studio = visible_studio(session, actor, studio_id)
    row = session.scalars(select(StudioResult).where(StudioResult.studio_id == studio.id, StudioResult.year == year)).first()
    if row is None or row.deleted:
        raise NotFound(f"{studio.name}没有{year}年的成果记录")
    row.deleted = True
    session.flush()
    audit.record(session, actor.username, "delete", ENTITY, row.id, {"old": {"studio": studio.name, "year": year}})


def list_results(session: Session, actor: Actor, studio_id: str) -> list[ResultRow]:
    actor.require(Permission.VIEW)
    studio = visible_studio(session, actor, studio_id)
    return [
        ResultRow(r.id, r.year, ResultInput(**{name: getattr(r, name) for name in _FIELDS}))
        for r in sorted(studio.results, key=lambda r: r.year)
        if not r.deleted
    ]


def studio_history(session: Session, actor: Actor, studio_id: str) -> StudioHistory:
    """The studio's dated milestones and its results year by year, with totals."""
    results = list_results(session, actor, studio_id)
    studio = visible_studio(session, actor, studio_id)
    milestones = [
        Milestone(on, label)
        for on, label in (
            (studio.applied_on, "申报"),
            (studio.named_on, f"命名（{studio.naming_doc_no}）" if studio.naming_doc_no else "命名"),
            (studio.reviewed_on, "年度复核"),
            (studio.revoked_on, "撤销"),
        )
        if on is not None
    ]
    totals = {name: sum(getattr(r.values, name) for r in results) for name in COUNT_FIELDS}
    return StudioHistory(studio.id, studio.name, milestones, results, totals)
