"""Small helpers the sources share: org unit names, ordering by township."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from zkdesk.store.models import OrgUnit


def township_names(session: Session) -> dict[str, tuple[int, str, str]]:
    """code -> (sort order, short name, full name) of every org unit."""
    return {u.code: (u.sort_order, u.short_name, u.name) for u in session.scalars(select(OrgUnit))}


def townships_in_scope(session: Session, org_code: str) -> list[OrgUnit]:
    """The townships an org unit's print covers, in the official order."""
    query = select(OrgUnit).where(OrgUnit.level == "township", OrgUnit.active.is_(True)).order_by(OrgUnit.sort_order)
    units = list(session.scalars(query))
    return units if len(org_code) == 6 else [u for u in units if u.code == org_code]
