"""Conflicts: records changed on both sides since the last exchange, kept with both versions
until a reviewer chooses one. Choosing settles only the conflicting fields; the package's
other changes were merged when it was imported.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from zkdesk.domain.roles import Permission
from zkdesk.exchange.state import load_states, upsert_states
from zkdesk.exchange.tables import TABLE_LABELS, tables_by_name, value_hash
from zkdesk.services import audit
from zkdesk.services.actor import Actor
from zkdesk.services.errors import NotFound, UserError
from zkdesk.store.base import utcnow
from zkdesk.store.models import OrgUnit
from zkdesk.store.models.exchange import ExchangeConflict

CHOICES = {"local": "保留本机版本", "remote": "采用对方版本"}


@dataclass(frozen=True)
class ConflictRow:
    id: int
    peer_code: str
    peer_name: str
    sequence: int
    table: str
    table_label: str
    record_id: str
    fields: list[str]
    local: dict  # field -> value here, for the conflicting fields
    remote: dict  # field -> value as the peer sent it
    title: str  # a readable name for the record (its name/title column if it has one)
    created_at: datetime
    status: str
    resolution: str


def _title(row: dict) -> str:
    for key in ("name", "title", "code", "lead_name"):
        if row.get(key):
            return str(row[key])
    return row.get("id", "")[:8]


def list_conflicts(session: Session, actor: Actor, open_only: bool = True) -> list[ConflictRow]:
    actor.require(Permission.VIEW)
    stmt = select(ExchangeConflict).order_by(ExchangeConflict.id)
    if open_only:
        stmt = stmt.where(ExchangeConflict.status == "open")
    names = dict(session.execute(select(OrgUnit.code, OrgUnit.short_name)).all())
    out = []
    for c in session.scalars(stmt):
        local, remote, fields = json.loads(c.local_json), json.loads(c.remote_json), json.loads(c.fields)
        out.append(ConflictRow(
            c.id, c.peer_code, names.get(c.peer_code, c.peer_code), c.sequence, c.table_name,
            TABLE_LABELS.get(c.table_name, c.table_name), c.record_id, fields,
            {f: local.get(f) for f in fields}, {f: remote.get(f) for f in fields}, _title(remote or local),
            c.created_at, c.status, c.resolution,
        ))
    return out


def resolve_conflict(session: Session, actor: Actor, conflict_id: int, choice: str) -> None:
    """Keep this office's values ("local") or take the peer's ("remote") for the conflicting fields.

    Either way the peer's values become the agreed state, so a later change there of the same
    field is judged against them (and kept values here show up as a conflict again).
    """
    actor.require(Permission.EXCHANGE)
    if choice not in CHOICES:
        raise UserError("请选择“保留本机版本”或“采用对方版本”")
    c = session.get(ExchangeConflict, conflict_id)
    if c is None:
        raise NotFound(f"找不到第{conflict_id}号冲突")
    if c.status != "open":
        raise UserError("该冲突已经处理过")
    tt = tables_by_name().get(c.table_name)
    if tt is None:
        raise UserError(f"本程序不认识数据表 {c.table_name}")
    remote, fields = json.loads(c.remote_json), json.loads(c.fields)
    t = tt.table
    current = session.execute(select(t).where(t.c.id == c.record_id)).mappings().first()
    if current is None:
        raise NotFound("冲突所涉及的记录已不存在")
    state = load_states(session, c.peer_code, c.table_name, [c.record_id]).get(c.record_id)
    base = json.loads(state["base_hashes"]) if state else {}
    base.update({f: value_hash(remote.get(f)) for f in fields})
    old = {f: tt.encode_row(current)[f] for f in fields}
    new_values = old
    acked = state["acked_revision"] if state else 0
    if choice == "remote":
        new_values = {f: remote.get(f) for f in fields}
        revision = max(current["revision"] + 1, c.remote_revision)
        values = {f: tt.decode_value(f, v) for f, v in new_values.items()} | {"revision": revision, "updated_at": utcnow()}
        session.execute(update(t).where(t.c.id == c.record_id).values(values))
        if current["revision"] <= acked:  # nothing else pending for the peer: it has these values
            acked = revision
    upsert_states(session, [{"peer_code": c.peer_code, "table_name": c.table_name, "record_id": c.record_id,
                             "remote_revision": max(c.remote_revision, state["remote_revision"] if state else 0),
                             "base_hashes": json.dumps(base, sort_keys=True), "acked_revision": acked}],
                  ("remote_revision", "base_hashes", "acked_revision"))
    c.status, c.resolution, c.resolved_by, c.resolved_at = "resolved", choice, actor.username, utcnow()
    audit.record(session, actor.username, "resolve_conflict", c.table_name, c.record_id,
                 {"old": old, "new": new_values, "choice": choice, "peer": c.peer_code})
