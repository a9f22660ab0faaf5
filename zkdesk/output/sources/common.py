"""Small helpers the sources share: org unit names, ordering by township, years with data."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from zkdesk.services.scope import org_filter
from zkdesk.store.models import Enterprise, EnterpriseYear, OrgUnit


def township_names(session: Session) -> dict[str, tuple[int, str, str]]:
    """code -> (sort order, short name, full name) of every org unit."""
    return {u.code: (u.sort_order, u.short_name, u.name) for u in session.scalars(select(OrgUnit))}


def townships_in_scope(session: Session, org_code: str) -> list[OrgUnit]:
    """The townships an org unit's print covers, in the official order."""
    query = select(OrgUnit).where(OrgUnit.level == "township", OrgUnit.active.is_(True)).order_by(OrgUnit.sort_order)
    units = list(session.scalars(query))
    return units if len(org_code) == 6 else [u for u in units if u.code == org_code]


def enterprise_years(session: Session, org_code: str) -> list[int]:
    """Years with enterprise records in scope."""
    query = (select(EnterpriseYear.year).join(Enterprise, Enterprise.id == EnterpriseYear.enterprise_id)
             .where(Enterprise.deleted.is_(False), EnterpriseYear.deleted.is_(False),
                    org_filter(Enterprise.township_code, org_code)).distinct())
    return sorted(session.scalars(query))
