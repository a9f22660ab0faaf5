"""The county's deletion of a township's record, as a decision that travels to the township.

By the ownership rule (ownership.py) a township's record, its tombstone flag included, is the
township's: the county's package never sets it, so a deletion made at the county would stay at
the county (and the township's record live). The county may still delete such a record (a
duplicate typed twice, a record that should not exist): its deletion, audited where it was made,
is a decision the county sends to that township in every package (`resolutions`, kind
"delete") until the township's own package reports the record deleted. The township takes it
unless it changed the flag itself meanwhile (exchange/peer_resolutions.py), tombstones the
record and audits it (`exchange_deletion`), and its next package brings the deletion back.

Which deletions are pending needs no bookkeeping of its own: the exchange state says the
township's copy was live when last agreed (the agreed hash of `deleted`, or a record we sent it
whole), and the record is a tombstone here.
"""

from __future__ import annotations

import json

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from zkdesk.exchange.ownership import county_owns_record
from zkdesk.exchange.state import STATE, chunks
from zkdesk.exchange.tables import travelling_tables, value_hash
from zkdesk.store.models import AuditEntry
from zkdesk.store.models.exchange import ExchangeAlias

DELETED = "deleted"
KIND = "delete"  # a resolution item that carries the county's deletion


def county_deletions(session: Session, township: str) -> list[dict]:
    """The `resolutions` items that tell `township` to delete its records deleted here."""
    live = value_hash(False)  # the agreed value of the flag while the record was live
    items = []
    for tt in travelling_tables():
        if county_owns_record(tt.name, township):
            continue
        t = tt.table
        joined = t.join(STATE, and_(STATE.c.peer_code == township, STATE.c.table_name == tt.name,
                                    STATE.c.record_id == t.c.id))
        rows = session.execute(
            select(t.c.id, t.c.updated_at, STATE.c.base_hashes, STATE.c.sent_revision).select_from(joined)
            .where(t.c.origin == township, t.c.deleted.is_(True)).order_by(t.c.id)).all()
        for rid, at, base_text, sent in rows:
            agreed = json.loads(base_text or "{}").get(DELETED)
            if agreed == live or (agreed is None and sent > 0):
                items.append({"table": tt.name, "id": rid, "kind": KIND, "values": {DELETED: True},
                              "expected": {DELETED: False}, "at": at.isoformat() if at else None})
    if not items:
        return []
    theirs, who = {}, {}
    for part in chunks(sorted({i["id"] for i in items})):
        theirs.update(session.execute(select(ExchangeAlias.local_id, ExchangeAlias.remote_id).where(
            ExchangeAlias.peer_code == township, ExchangeAlias.local_id.in_(part))).all())
        who.update(session.execute(  # who deleted it here (a child tombstoned with its parent: nobody named)
            select(AuditEntry.entity_id, AuditEntry.username).where(AuditEntry.action == "delete",
                                                                     AuditEntry.entity_id.in_(part))
            .order_by(AuditEntry.id)).all())  # the last deletion of each record wins
    for item in items:
        item["remote_id"] = theirs.get(item["id"], "")
        item["by"] = who.get(item["id"], "")
    return items
