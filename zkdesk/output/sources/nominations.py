"""劳动模范推荐: the summary of recommended candidates and the per-person approval form."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from zkdesk.domain.nomination_rules import industrial_worker
from zkdesk.output.sources import SourceQuery, SourceResult, source
from zkdesk.output.sources.common import township_names
from zkdesk.services.errors import NotFound, UserError
from zkdesk.services.scope import org_filter
from zkdesk.store.models import AwardSession, Nomination, NominationStep

# Not (or no longer) recommended: left out of the summary of 推荐人选.
NOT_RECOMMENDED = ("draft", "rejected", "withdrawn")

# Which recorded review step fills which opinion box of the 审批表 (latest step wins).
OPINION_STEPS = {
    "opinion_unit": ("unit_recommended",),
    "opinion_township": ("township_reviewed",),
    "opinion_county": ("county_reviewed", "honoured"),
}

PERSON_FIELDS = {
    "township": "所在乡镇",
    "name": "姓名",
    "gender": "性别",
    "ethnicity": "民族",
    "birth_date": "出生日期",
    "id_number": "身份证号码",
    "political_status": "政治面貌",
    "education": "文化程度",
    "employer": "工作单位",
    "job_title": "职务（职称）",
    "employer_job": "工作单位及职务",
    "phone": "联系电话",
    "category": "人员类别",
    "industrial_worker": "是否产业工人",
    "earlier_honours": "曾获荣誉",
    "deeds_short": "主要事迹（简要）",
    "session_name": "评选届次",
    "honour": "荣誉称号",
}
PERSONAL = {"id_number": "id", "phone": "phone"}


def _years(session: Session, org_code: str) -> list[int]:
    query = (select(AwardSession.year).join(Nomination, Nomination.session_id == AwardSession.id)
             .where(AwardSession.deleted.is_(False), Nomination.deleted.is_(False), org_filter(Nomination.township_code, org_code))
             .distinct())
    return sorted(session.scalars(query))


def _sessions(session: Session, year: int) -> list[AwardSession]:
    query = select(AwardSession).where(AwardSession.year == year, AwardSession.deleted.is_(False)).order_by(AwardSession.number)
    sessions = list(session.scalars(query))
    if not sessions:
        raise UserError(f"{year}年没有劳动模范评选届次，请换一个年度")
    return sessions


def _nominations(session: Session, org_code: str, year: int, recommended_only: bool) -> list[Nomination]:
    awards = {s.id for s in _sessions(session, year)}
    query = select(Nomination).where(
        Nomination.session_id.in_(awards), Nomination.deleted.is_(False), org_filter(Nomination.township_code, org_code)
    )
    if recommended_only:
        query = query.where(Nomination.status.not_in(NOT_RECOMMENDED))
    names = township_names(session)
    return sorted(session.scalars(query), key=lambda n: (names.get(n.township_code, (999,))[0], n.name, n.id))


def _person_row(n: Nomination, award: AwardSession, names: dict) -> dict[str, object]:
    return {
        "township": names.get(n.township_code, (0, n.township_code))[1],
        "name": n.name,
        "gender": n.gender,
        "ethnicity": n.ethnicity,
        "birth_date": n.birth_date,
        "id_number": n.id_number,
        "political_status": n.political_status,
        "education": n.education,
        "employer": n.employer,
        "job_title": n.job_title,
        "employer_job": "".join(x for x in (n.employer, n.job_title) if x),
        "phone": n.phone,
        "category": n.category,
        "industrial_worker": industrial_worker(n.category, n.industrial_worker).counts,  # as 12.5 counts it
        "earlier_honours": n.earlier_honours,
        "deeds_short": n.deeds_short,
        "session_name": award.name,
        "honour": award.honour_type,
    }


def _persons(session: Session, org_code: str, year: int) -> list[tuple[str, str]]:
    names = township_names(session)
    return [(n.id, f"{n.name}（{names.get(n.township_code, (0, ''))[1]}）") for n in _nominations(session, org_code, year, False)]


@source("nominations.summary", label="劳模推荐人选", fields=PERSON_FIELDS, personal=PERSONAL,
        meta=("session_name",), years=_years)
def nomination_summary(q: SourceQuery) -> SourceResult:
    awards = {s.id: s for s in _sessions(q.session, q.year)}
    names = township_names(q.session)
    rows = [_person_row(n, awards[n.session_id], names) for n in _nominations(q.session, q.org_code, q.year, True)]
    return SourceResult(rows, {"session_name": "、".join(s.name for s in awards.values())})


RECORD_FIELDS = PERSON_FIELDS | {
    "deeds_full": "主要事迹",
    "photo": "照片",
    "township_name": "推荐乡镇全称",
    "opinion_unit": "所在单位意见（已录入的）",
    "opinion_township": "乡镇（街道）工会意见（已录入的）",
    "opinion_county": "县总工会意见（已录入的）",
}


@source("nominations.person", label="劳模推荐审批表", fields=RECORD_FIELDS, personal=PERSONAL,
        meta=("session_name",), years=_years, persons=_persons)
def nomination_person(q: SourceQuery) -> SourceResult:
    """One row per person: the chosen one, or every nominee of the year for a batch print."""
    names = township_names(q.session)
    if q.person_id:
        n = q.session.get(Nomination, q.person_id)
        in_scope = n is not None and not n.deleted and (len(q.org_code) == 6 or n.township_code == q.org_code)
        if not in_scope:
            raise NotFound("找不到这条劳模推荐记录（可能已删除，或不属于所选单位）")
        people = [n]
    else:
        people = _nominations(q.session, q.org_code, q.year, False)
    rows = []
    for n in people:
        award = q.session.get(AwardSession, n.session_id)
        row = _person_row(n, award, names)
        row.update(deeds_full=n.deeds_full or n.deeds_short, photo=n.photo,
                   township_name=names.get(n.township_code, (0, "", ""))[2], **_opinions(q.session, n.id))
        rows.append(row)
    session_names = sorted({str(r["session_name"]) for r in rows})
    return SourceResult(rows, {"session_name": "、".join(session_names)})


def _opinions(session: Session, nomination_id: str) -> dict[str, str]:
    steps = session.scalars(
        select(NominationStep).where(NominationStep.nomination_id == nomination_id, NominationStep.deleted.is_(False))
        .order_by(NominationStep.at, NominationStep.id)
    )
    found = {key: "" for key in OPINION_STEPS}
    for step in steps:
        for key, statuses in OPINION_STEPS.items():
            if step.to_status in statuses and step.opinion.strip():
                found[key] = step.opinion.strip()
    return found
