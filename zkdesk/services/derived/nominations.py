"""Indicators computed from the nomination register (plan items 3 and 12)."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from zkdesk.domain import nomination_workflow as wf
from zkdesk.domain.orgcodes import is_county
from zkdesk.services.derived import Derived, derivation, rate
from zkdesk.store.models import AwardSession, Nomination

COUNTY_LEVEL = "县级"
MODEL_WORKER = "劳动模范"
FOURTH_SESSION_NUMBER = 4
FOURTH_SESSION_WORD = "第四届"


def _honoured_county_model_workers(org_code: str):
    query = (
        select(Nomination.id, Nomination.industrial_worker)
        .join(AwardSession, Nomination.session_id == AwardSession.id)
        .where(
            Nomination.deleted.is_(False),
            AwardSession.deleted.is_(False),
            Nomination.status == wf.HONOURED,
            AwardSession.level == COUNTY_LEVEL,
            AwardSession.honour_type == MODEL_WORKER,
        )
        .order_by(Nomination.id)
    )
    if not is_county(org_code):
        query = query.where(Nomination.township_code == org_code)
    return query


@derivation("nominations.county_model_workers")
def county_model_workers(session: Session, org_code: str, year: int) -> Derived:
    """Honoured 镇康县劳动模范, counted in the year of their session (cumulative indicator)."""
    ids = tuple(session.scalars(_honoured_county_model_workers(org_code).where(AwardSession.year == year).with_only_columns(Nomination.id)))
    return Derived(
        value=float(len(ids)), record_kind="nomination", record_ids=ids,
        explanation=f"{year}年届次评选表彰的县级劳动模范人数（推荐状态为“表彰”）",
    )


@derivation("nominations.industrial_worker_share")
def industrial_worker_share(session: Session, org_code: str, year: int) -> Derived:
    """Share of industrial workers among the honoured of the 4th county session (第四届)."""
    fourth = select(AwardSession.id).where(
        AwardSession.deleted.is_(False),
        AwardSession.level == COUNTY_LEVEL,
        AwardSession.honour_type == MODEL_WORKER,
        or_(AwardSession.number == FOURTH_SESSION_NUMBER, AwardSession.name.contains(FOURTH_SESSION_WORD)),
        AwardSession.year <= year,  # not yet held in an earlier year
    )
    rows = session.execute(_honoured_county_model_workers(org_code).where(Nomination.session_id.in_(fourth))).all()
    industrial = tuple(r.id for r in rows if r.industrial_worker)
    return rate(
        len(industrial), len(rows), record_kind="nomination", record_ids=tuple(r.id for r in rows),
        explanation="第四届镇康县劳动模范（已表彰）中产业工人的人数占总人数的比例",
    )
