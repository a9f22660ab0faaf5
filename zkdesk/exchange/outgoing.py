"""What goes into a package for one peer: the records it takes from us, our receipts for its
packages, and (from the county) the org units.

A record goes again until the peer confirms a package that carried its current revision.
"""

from __future__ import annotations

import json

from sqlalchemy import and_, or_, select, true
from sqlalchemy.orm import Session

from zkdesk.domain.orgcodes import COUNTY_CODE
from zkdesk.exchange.ownership import COUNTY_FIELDS, COUNTY_TABLES, STAGED_FIELDS
from zkdesk.exchange.state import STATE, upsert_states
from zkdesk.exchange.tables import TravellingTable, tables_by_name, travelling_tables
from zkdesk.store.models import OrgUnit
from zkdesk.store.models.exchange import ExchangeInbound

MAX_RECEIPTS = 100  # the latest ones; older receipts were sent many times over already
ORG_FIELDS = ("code", "name", "short_name", "level", "parent_code", "sort_order", "active")


def _scope(tt: TravellingTable, township: str):
    """Rows of `tt` that concern one township: by an org-unit column, else through a parent."""
    t = tt.table
    if tt.org_columns:
        return or_(*(t.c[c] == township for c in tt.org_columns))
    if tt.parents:
        by_name = tables_by_name()
        clauses = []
        for column, parent_name in tt.parents:
            parent = by_name[parent_name]
            clauses.append(t.c[column].in_(select(parent.table.c.id).where(_scope(parent, township))))
        return or_(*clauses)
    return true()  # county-wide: plans, award sessions


def _wanted(tt: TravellingTable, sender: str, receiver: str):
    """Rows the receiver takes at least one field of, or None when it takes nothing here."""
    t = tt.table
    if sender != COUNTY_CODE:
        if tt.name in COUNTY_TABLES:
            return None
        return t.c.origin == sender
    scope = _scope(tt, receiver)
    if tt.name in COUNTY_TABLES:
        return scope
    if tt.name in COUNTY_FIELDS or tt.name in STAGED_FIELDS:
        return and_(scope, t.c.origin.in_((COUNTY_CODE, receiver)))
    return and_(scope, t.c.origin == COUNTY_CODE)


def select_records(session: Session, sender: str, receiver: str, full: bool, setup: bool) -> dict[str, dict]:
    """{table: {"columns": [...], "rows": [[...], ...]}} of what the receiver still lacks.

    A set-up package (sent in clear) carries only the county's own catalog tables.
    """
    out: dict[str, dict] = {}
    for tt in travelling_tables():
        if setup and tt.name not in COUNTY_TABLES:
            continue
        wanted = _wanted(tt, sender, receiver)
        if wanted is None:
            continue
        t = tt.table
        stmt = select(t).where(wanted)
        if not full:
            joined = t.outerjoin(
                STATE, and_(STATE.c.peer_code == receiver, STATE.c.table_name == tt.name, STATE.c.record_id == t.c.id)
            )
            stmt = (
                select(t).select_from(joined)
                .where(wanted, or_(STATE.c.record_id.is_(None), t.c.revision > STATE.c.acked_revision))
            )
        rows = [tt.encode_row(r) for r in session.execute(stmt.order_by(t.c.id)).mappings()]
        if rows:
            out[tt.name] = {"columns": list(tt.columns), "rows": [[r[c] for c in tt.columns] for r in rows]}
    return out


def mark_sent(session: Session, receiver: str, sequence: int, records: dict[str, dict]) -> None:
    rows = []
    for table, block in records.items():
        i_id, i_rev = block["columns"].index("id"), block["columns"].index("revision")
        rows.extend(
            {"peer_code": receiver, "table_name": table, "record_id": r[i_id], "sent_revision": r[i_rev], "sent_seq": sequence}
            for r in block["rows"]
        )
    upsert_states(session, rows, ("sent_revision", "sent_seq"))


def receipts_for(session: Session, peer: str) -> list[dict]:
    rows = session.scalars(
        select(ExchangeInbound).where(ExchangeInbound.peer_code == peer).order_by(ExchangeInbound.id.desc()).limit(MAX_RECEIPTS)
    )
    return [json.loads(r.receipt) | {"sequence": r.sequence} for r in reversed(list(rows))]


def org_units(session: Session) -> list[dict]:
    units = sorted(session.scalars(select(OrgUnit)), key=lambda u: (len(u.code), u.code))  # parents first
    return [{f: getattr(u, f) for f in ORG_FIELDS} for u in units]
