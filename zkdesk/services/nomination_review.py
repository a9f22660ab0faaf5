"""Taking the review steps of a nomination (推荐/审核/评审/公示/表彰/未通过/退回修改).

The rules (which step from where, who, the 公示 working days) are domain/nomination_workflow.py;
this module applies them to a stored nomination and records each step as a NominationStep
(user, time, opinion) and in the audit trail. Steps a township takes (推荐, 乡镇审核, and
returning or rejecting at that stage) belong to the township; later ones to the county.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from zkdesk.domain import nomination_rules as rules
from zkdesk.domain import nomination_workflow as wf
from zkdesk.domain.orgcodes import COUNTY_CODE
from zkdesk.domain.roles import Permission
from zkdesk.services import audit
from zkdesk.services.actor import Actor
from zkdesk.services.errors import UserError
from zkdesk.services.nominations import load
from zkdesk.services import settings
from zkdesk.store.base import utcnow
from zkdesk.store.models import NominationStep

# The office's public holidays and 调休 working Saturdays (settings); without them 公示 counts
# Monday to Friday.
HOLIDAYS_KEY = "workdays.holidays"
EXTRA_WORKDAYS_KEY = "workdays.extra_workdays"


def office_calendar(session: Session) -> tuple[set[date], set[date]]:
    """(holidays, extra working days) of this office, for counting 公示 working days."""
    return set(settings.value(session, HOLIDAYS_KEY)), set(settings.value(session, EXTRA_WORKDAYS_KEY))


def publicity_end_for(session: Session, start: date) -> date:
    holidays, extra = office_calendar(session)
    return wf.publicity_end(start, holidays, extra)


def step_refusal(
    session: Session,
    actor: Actor,
    nomination_id: str,
    action: wf.Action | str,
    opinion: str = "",
    *,
    publicity_start: date | None = None,
    on: date | None = None,
) -> str:
    """Why `actor` may not take this step now (Chinese), or "" when they may."""
    nom = load(session, actor, nomination_id)
    holidays, extra = office_calendar(session)
    start = publicity_start if action == wf.Action.PUBLICIZE else nom.publicity_start
    reason = wf.refusal(
        nom.status, action, role=actor.role, at_county=actor.at_county, opinion=opinion,
        publicity_start=start, on=on or date.today(), has_objections=bool(nom.objections.strip()),
        holidays=holidays, extra_workdays=extra,
    )
    if reason:
        return reason
    if action == wf.Action.RECOMMEND:
        missing = rules.submission_problems(
            id_number=nom.id_number, employer=nom.employer, deeds_short=nom.deeds_short, deeds_full=nom.deeds_full
        )
        if missing:
            return f"“{nom.name}”还不能推荐：{'、'.join(missing)}"
    return ""


def take_step(
    session: Session,
    actor: Actor,
    nomination_id: str,
    action: wf.Action | str,
    opinion: str = "",
    *,
    publicity_start: date | None = None,
    on: date | None = None,
) -> str:
    """Take one workflow step; returns the new status. Raises UserError with the reason if refused.

    `publicity_start` is required with 公示; `on` is today unless given (a test, or a decision
    recorded after the fact).
    """
    actor.require(Permission.VIEW)
    reason = step_refusal(session, actor, nomination_id, action, opinion, publicity_start=publicity_start, on=on)
    if reason:
        raise UserError(reason)
    action = wf.Action(action)
    nom = load(session, actor, nomination_id)
    old = {"status": nom.status, "publicity_start": nom.publicity_start, "publicity_end": nom.publicity_end}
    from_status, to_status = nom.status, wf.TRANSITIONS[action].target
    if action is wf.Action.PUBLICIZE:
        nom.publicity_start = publicity_start
        nom.publicity_end = publicity_end_for(session, publicity_start)
    elif action is wf.Action.RETURN and from_status == wf.PUBLICIZED:
        nom.publicity_start = nom.publicity_end = None  # a new 公示 starts from scratch
    nom.status = to_status
    township_step = from_status in (wf.DRAFT, wf.UNIT_RECOMMENDED)
    step = NominationStep(
        origin=nom.township_code if township_step else COUNTY_CODE, nomination_id=nom.id, from_status=from_status,
        to_status=to_status, actor=actor.username, at=utcnow(), opinion=opinion.strip(),
    )
    session.add(step)
    session.flush()
    new = {"status": nom.status, "publicity_start": nom.publicity_start, "publicity_end": nom.publicity_end}
    audit.record(session, actor.username, f"nomination_{action.value}", "nomination", nom.id,
                 {"old": old, "new": new, "opinion": step.opinion})
    return to_status


def record_objection(session: Session, actor: Actor, nomination_id: str, text: str, *, on: date | None = None) -> None:
    """Record an objection (异议) received during the 公示, one dated line per objection."""
    actor.require(Permission.REVIEW)
    nom = load(session, actor, nomination_id)
    if nom.status != wf.PUBLICIZED:
        raise UserError(f"只有公示期间才能登记异议（当前状态为“{wf.status_label(nom.status)}”）")
    if not actor.at_county:
        raise UserError("公示异议由县总工会登记")
    text = " ".join(text.split())
    if not text:
        raise UserError("请填写异议内容")
    line = f"{(on or date.today()):%Y-%m-%d} {actor.display_name or actor.username}：{text}"
    old = nom.objections
    nom.objections = f"{old}\n{line}" if old.strip() else line
    session.flush()
    audit.record(session, actor.username, "nomination_objection", "nomination", nom.id, {"old": old, "new": nom.objections})


def actions_for(status: str) -> list[tuple[wf.Action, str]]:
    """(action, button label) of the steps that exist from `status`, for the workflow buttons."""
    return [(a, wf.TRANSITIONS[a].label) for a in wf.actions_from(status)]
