"""三室一站: every studio existing in the year, with its results of that year."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from zkdesk.domain.choices import industry_label
from zkdesk.output.sources import SourceQuery, SourceResult, source
from zkdesk.output.sources.common import township_names
from zkdesk.services.scope import org_filter
from zkdesk.store.id_lists import id_parts
from zkdesk.store.models import Enterprise, Studio, StudioMember, StudioResult

RESULT_FIELDS = {
    "proposals": "合理化建议提出数",
    "proposals_adopted": "合理化建议采纳数",
    "tech_innovations": "技术革新项数",
    "rd_projects": "研发项目数",
    "patents": "专利数",
    "methods": "先进操作法数",
    "achievements_awarded": "获奖创新成果数",
    "training_sessions": "培训场次",
    "people_trained": "培训人次",
    "people_promoted": "技能晋级人数",
}

FIELDS = {
    "township": "所在乡镇",
    "name": "名称",
    "kind": "类型",
    "host": "依托单位",
    "industry": "所属产业",
    "lead_name": "领办人",
    "lead_honours": "领办人荣誉",
    "lead_phone": "领办人联系电话",
    "level": "级别（已命名的；申报中的为空）",
    "status": "状态（登记的当前状态）",
    "year_status": "年末状态（申报中、已命名、年度复核、已撤销）",
    "applied_on": "申报日期",
    "named_on": "命名日期",
    "naming_doc_no": "命名文号",
    "members": "成员人数",
    "studio_count": "工作室（站）数（每行为1）",
    "named_count": "已命名数（已命名为1）",
} | RESULT_FIELDS


def _years(session: Session, org_code: str) -> list[int]:
    query = (select(StudioResult.year).join(Studio, Studio.id == StudioResult.studio_id)
             .where(Studio.deleted.is_(False), StudioResult.deleted.is_(False), org_filter(Studio.township_code, org_code))
             .distinct())
    return sorted(session.scalars(query))


def _year_status(s: Studio, named: bool, revoked: bool, year: int) -> str:
    """Where the studio stood at the end of the year: 申报中（拟{level}）, 已命名, 年度复核, 已撤销."""
    if revoked:
        return "已撤销"
    if not named:
        return f"申报中（拟{s.level}）" if s.level else "申报中"
    if s.reviewed_on is not None and s.reviewed_on.year == year:
        return "年度复核"
    return "已命名"


@source("studios.summary", label="三室一站", fields=FIELDS, personal={"lead_phone": "phone"}, years=_years)
def studio_summary(q: SourceQuery) -> SourceResult:
    start, end = date(q.year, 1, 1), q.year_end
    studios = list(q.session.scalars(
        select(Studio).where(
            Studio.deleted.is_(False),
            org_filter(Studio.township_code, q.org_code),
            or_(Studio.applied_on.is_(None), Studio.applied_on <= end),
            or_(Studio.revoked_on.is_(None), Studio.revoked_on >= start),
        )
    ))
    ids = {s.id for s in studios}
    results, members, hosts = {}, {}, {}
    for part in id_parts(ids):  # a county's studios pass old engines' limit on IN (…): then read all, keep these
        year_results = select(StudioResult).where(StudioResult.year == q.year, StudioResult.deleted.is_(False))
        counts = (select(StudioMember.studio_id, func.count(StudioMember.id)).where(StudioMember.deleted.is_(False))
                  .group_by(StudioMember.studio_id))
        if part is not None:
            year_results = year_results.where(StudioResult.studio_id.in_(part))
            counts = counts.where(StudioMember.studio_id.in_(part))
        results.update((r.studio_id, r) for r in q.session.scalars(year_results) if r.studio_id in ids)
        members.update((sid, n) for sid, n in q.session.execute(counts) if sid in ids)
    host_ids = {s.enterprise_id for s in studios if s.enterprise_id}
    for part in id_parts(host_ids):
        names_of = select(Enterprise.id, Enterprise.name)
        rows = q.session.execute(names_of if part is None else names_of.where(Enterprise.id.in_(part)))
        hosts.update((eid, name) for eid, name in rows if eid in host_ids)
    names = township_names(q.session)
    studios.sort(key=lambda s: (names.get(s.township_code, (999,))[0], s.applied_on or date.min, s.name))
    rows = []
    for s in studios:
        result = results.get(s.id)
        named = s.named_on is not None and s.named_on <= end and s.status != "申报"
        revoked = s.revoked_on is not None and s.revoked_on <= end
        row = {
            "township": names.get(s.township_code, (0, s.township_code))[1],
            "name": s.name,
            "kind": s.kind,
            "host": hosts.get(s.enterprise_id, "") or s.host_name,
            "industry": industry_label(s.industry),
            "lead_name": s.lead_name,
            "lead_honours": s.lead_honours,
            "lead_phone": s.lead_phone,
            "level": s.level if named else "",  # an application is not yet a 县级 studio
            "status": s.status,
            "year_status": _year_status(s, named, revoked, q.year),
            "applied_on": s.applied_on,
            "named_on": s.named_on,
            "naming_doc_no": s.naming_doc_no,
            "members": members.get(s.id, 0),
            "studio_count": 1,
            "named_count": 1 if named else 0,
        }
        row.update({key: getattr(result, key) if result else 0 for key in RESULT_FIELDS})
        rows.append(row)
    return SourceResult(rows)
