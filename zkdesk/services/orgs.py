"""Org units: lookups, names for labels, the townships an office keeps records of, and who may
enter indicator values for whom."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from zkdesk.services.actor import Actor
from zkdesk.services.errors import NotFound
from zkdesk.store.models import OrgUnit


def get_org(session: Session, code: str) -> OrgUnit:
    unit = session.get(OrgUnit, code)
    if unit is None:
        raise NotFound(f"单位代码 {code} 不存在")
    return unit


def townships(session: Session) -> list[OrgUnit]:
    return list(
        session.scalars(
            select(OrgUnit).where(OrgUnit.level == "township", OrgUnit.active.is_(True)).order_by(OrgUnit.sort_order)
        )
    )


def org_names(session: Session) -> dict[str, str]:
    """Short names by code, for labels."""
    return dict(session.execute(select(OrgUnit.code, OrgUnit.short_name)).all())


def township_choices(session: Session, actor: Actor) -> list[tuple[str, str]]:
    """(code, short name) of the townships whose records the actor's office keeps: every
    township for the county, its own for a township."""
    return [(u.code, u.short_name) for u in townships(session) if actor.sees(u.code)]


def require_entry_for(actor: Actor, org_code: str) -> None:
    """A township office enters its own values; the county office enters 县本级 and, for a
    township that sent a paper form, the township's values (代录; they stay the township's)."""
    actor.require_scope(org_code)
