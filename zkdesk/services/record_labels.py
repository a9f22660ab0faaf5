"""One readable line per register record, for drill-down from a derived number."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from zkdesk.domain.roles import Permission
from zkdesk.services.actor import Actor
from zkdesk.services.orgs import org_names
from zkdesk.store.models import CollectiveContract, Enterprise, EnterpriseUnion, Nomination, Studio, StudioResult

KIND_LABELS = {
    "nomination": "劳模推荐",
    "studio": "三室一站",
    "studio_result": "三室一站年度成果",
    "enterprise": "企业",
    "enterprise_union": "企业工会",
    "contract": "集体合同",
}


@dataclass(frozen=True)
class RecordLabel:
    record_id: str
    title: str
    township: str
    detail: str


def _by_id(session: Session, model, ids: tuple[str, ...]):
    return {r.id: r for r in session.scalars(select(model).where(model.id.in_(ids)))} if ids else {}


def describe_records(session: Session, actor: Actor, kind: str, ids: tuple[str, ...]) -> list[RecordLabel]:
    """Label the records in the order given; an id the database lacks is listed as such."""
    actor.require(Permission.VIEW)
    towns = org_names(session)
    labels: dict[str, RecordLabel] = {}
    if kind == "nomination":
        for r in _by_id(session, Nomination, ids).values():
            labels[r.id] = RecordLabel(r.id, r.name, towns.get(r.township_code, ""), f"{r.employer} {r.job_title}".strip())
    elif kind == "studio":
        for r in _by_id(session, Studio, ids).values():
            labels[r.id] = RecordLabel(r.id, r.name, towns.get(r.township_code, ""), f"{r.kind}，{r.level}，{r.status}")
    elif kind == "studio_result":
        results = _by_id(session, StudioResult, ids)
        studios = _by_id(session, Studio, tuple({r.studio_id for r in results.values()}))
        for r in results.values():
            s = studios.get(r.studio_id)
            labels[r.id] = RecordLabel(r.id, f"{s.name if s else '?'} {r.year}年", towns.get(s.township_code, "") if s else "",
                                       f"合理化建议{r.proposals}件，技术革新{r.tech_innovations}项，专利{r.patents}件")
    elif kind in ("enterprise", "enterprise_union"):
        model = Enterprise if kind == "enterprise" else EnterpriseUnion
        rows = _by_id(session, model, ids)
        ent_ids = tuple(ids) if kind == "enterprise" else tuple(r.enterprise_id for r in rows.values())
        enterprises = _by_id(session, Enterprise, ent_ids)
        for rid, r in rows.items():
            e = r if kind == "enterprise" else enterprises.get(r.enterprise_id)
            if e is not None:
                labels[rid] = RecordLabel(rid, e.name, towns.get(e.township_code, ""), f"{e.ownership}，{e.industry}")
    elif kind == "contract":
        for r in _by_id(session, CollectiveContract, ids).values():
            signed = f"{r.signed_on:%Y-%m-%d}签订" if r.signed_on else "未填签订日期"
            labels[r.id] = RecordLabel(r.id, r.title or r.kind, towns.get(r.township_code, ""), f"{r.kind}，{signed}")
    return [labels.get(i) or RecordLabel(i, "（本机数据库中没有该记录）", "", "") for i in ids]
