"""Indicators computed from the nomination register (plan items 3 and 12): the honoured county
model workers are read once per request (services.derived.Registers).

12.5 counts 产业工人 by `domain.nomination_rules.industrial_worker`: the 人员类别 decides where it
can, the tick 属于产业工人 only where it cannot (农民工, 企业管理人员, none filled in); the
explanation says how many were counted which way."""

from __future__ import annotations

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from zkdesk.domain import nomination_workflow as wf
from zkdesk.domain.nomination_rules import INDUSTRIAL_CATEGORIES, industrial_worker
from zkdesk.services.derived import Derived, Registers, derivation, of_org, rate
from zkdesk.store.models import AwardSession, Nomination

COUNTY_LEVEL = "县级"
MODEL_WORKER = "劳动模范"
FOURTH_SESSION_NUMBER = 4
FOURTH_SESSION_WORD = "第四届"


def _honoured_county_model_workers(session: Session) -> list[Row]:
    """Every honoured 县级劳动模范 of a live session, with the session's year, number and name."""
    return list(session.execute(
        select(Nomination.id, Nomination.category, Nomination.industrial_worker, Nomination.township_code,
               AwardSession.year, AwardSession.number, AwardSession.name)
        .join(AwardSession, Nomination.session_id == AwardSession.id)
        .where(
            Nomination.deleted.is_(False),
            AwardSession.deleted.is_(False),
            Nomination.status == wf.HONOURED,
            AwardSession.level == COUNTY_LEVEL,
            AwardSession.honour_type == MODEL_WORKER,
        )
        .order_by(Nomination.id)
    ).all())


def _honoured(reg: Registers, org_code: str) -> list[Row]:
    keep = of_org(org_code)
    return [r for r in reg.once("nominations.county_model_workers", _honoured_county_model_workers)
            if keep(r.township_code)]


def _fourth(row: Row) -> bool:
    return row.number == FOURTH_SESSION_NUMBER or FOURTH_SESSION_WORD in (row.name or "")


@derivation("nominations.county_model_workers")
def county_model_workers(reg: Registers, org_code: str, year: int) -> Derived:
    """Honoured 镇康县劳动模范, counted in the year of their session (cumulative indicator)."""
    ids = tuple(r.id for r in _honoured(reg, org_code) if r.year == year)
    return Derived(
        value=float(len(ids)), record_kind="nomination", record_ids=ids,
        explanation=f"{year}年届次评选表彰的县级劳动模范人数（推荐状态为“表彰”）",
    )


@derivation("nominations.industrial_worker_share")
def industrial_worker_share(reg: Registers, org_code: str, year: int) -> Derived:
    """Share of industrial workers among the honoured of the 4th county session (第四届)."""
    rows = [r for r in _honoured(reg, org_code) if _fourth(r) and r.year <= year]  # not yet held in an earlier year
    judged = [(r, industrial_worker(r.category, r.industrial_worker)) for r in rows]
    industrial = [r.id for r, j in judged if j.counts]
    by_tick = [j for _r, j in judged if not j.by_category]
    ticked = sum(j.counts for j in by_tick)
    how = f"产业工人按人员类别认定（{'、'.join(INDUSTRIAL_CATEGORIES)}计入）"
    if by_tick:
        how += f"；人员类别不能确定的{len(by_tick)}人按“属于产业工人”勾选认定，其中{ticked}人计入"
    return rate(
        len(industrial), len(rows), record_kind="nomination", record_ids=tuple(r.id for r in rows),
        explanation=f"第四届镇康县劳动模范（已表彰）中产业工人的人数占总人数的比例；{how}",
    )
