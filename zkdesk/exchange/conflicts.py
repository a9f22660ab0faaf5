"""Conflicts: records changed on both sides since the last exchange (or made in two offices
under different origins), kept with both versions until a reviewer chooses. Choosing settles
only the conflicting fields; the package's other changes were merged when it was imported.

A value kept here against the peer's travels back (`send_back`) in every package to that peer
until it confirms one, and the peer takes it unless it changed that field again meanwhile: both
sides end equal.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from zkdesk.domain.roles import Permission
from zkdesk.exchange.state import chunks, load_states, upsert_states
from zkdesk.exchange.tables import field_hasher, tables_by_name
from zkdesk.services import audit
from zkdesk.services.actor import Actor
from zkdesk.services.errors import NotFound, UserError
from zkdesk.services.orgs import org_names
from zkdesk.services.record_labels import field_label, table_label, travelling_titles
from zkdesk.store.base import utcnow
from zkdesk.store.models import Enterprise, Indicator
from zkdesk.store.models.exchange import ExchangeAlias, ExchangeConflict
from zkdesk.store.sealed import keyed_hashes

CHOICES = {"local": "保留本地", "remote": "采用对方"}
TAKE = {"local": "local", "remote": "remote", "theirs": "remote"}  # what the command line and callers may say
RESOLUTIONS_KEY = "resolutions"


@dataclass(frozen=True)
class FieldDiff:
    field: str
    label: str  # the field's Chinese name
    local: str  # 本地值, as shown
    remote: str  # 对方值, as shown
    note: str = ""  # in an import preview: what happens to the field (将更新, 冲突, 保留本地)


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
    title: str  # the record's Chinese name: enterprise, person, indicator 编号 + name + year, …
    created_at: datetime
    status: str
    resolution: str
    diffs: tuple[FieldDiff, ...] = ()

    def to_json(self) -> dict:
        return {
            "id": self.id, "peer": self.peer_code, "peer_name": self.peer_name, "sequence": self.sequence,
            "table": self.table, "table_label": self.table_label, "record_id": self.record_id, "label": self.title,
            "fields": [{"field": d.field, "label": d.label, "local": d.local, "remote": d.remote} for d in self.diffs],
            "created_at": self.created_at.isoformat() if self.created_at else None, "status": self.status,
            "resolution": self.resolution,
        }


ORG_FIELDS = frozenset({"township_code", "org_code", "origin"})
DELETED = "deleted"


def deletion_diff(note: str = "") -> FieldDiff:
    """The line of a conflict 对方已删除: the record deleted there, changed here."""
    return FieldDiff(DELETED, "对方已删除", "保留（本机在上次交换后改过）", "删除", note)


def display_value(session: Session, table: str, name: str, value, towns: dict[str, str] | None = None) -> str:
    """One value as a clerk reads it: 是/否, the township's name, the enterprise's name, …"""
    if value is None or value == "":
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if name in ORG_FIELDS:
        towns = towns if towns is not None else org_names(session)
        return towns.get(value, str(value))
    if name == "photo":
        return "（照片）"
    if name == "enterprise_id":
        ent = session.get(Enterprise, value)
        return ent.name if ent else "（本机没有的企业）"
    if name == "indicator_id":
        ind = session.get(Indicator, value)
        return f"{ind.code} {ind.name}" if ind else "（本机没有的指标）"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def list_conflicts(session: Session, actor: Actor, open_only: bool = True) -> list[ConflictRow]:
    actor.require(Permission.VIEW)
    stmt = select(ExchangeConflict).order_by(ExchangeConflict.id)
    if open_only:
        stmt = stmt.where(ExchangeConflict.status == "open")
    towns = org_names(session)
    rows = list(session.scalars(stmt))
    parsed = [(c, json.loads(c.local_json), json.loads(c.remote_json), json.loads(c.fields)) for c in rows]
    titles: dict[int, str] = {}
    for table in {c.table_name for c in rows}:
        mine = [p for p in parsed if p[0].table_name == table]
        for p, title in zip(mine, travelling_titles(session, table, [p[1] | p[2] for p in mine]), strict=True):
            titles[p[0].id] = title
    out = []
    for c, local, remote, fields in parsed:
        diffs = tuple(deletion_diff() if f == DELETED and remote.get(f) and not local.get(f) else
                      FieldDiff(f, field_label(c.table_name, f), display_value(session, c.table_name, f, local.get(f), towns),
                                display_value(session, c.table_name, f, remote.get(f), towns)) for f in fields)
        out.append(ConflictRow(
            c.id, c.peer_code, towns.get(c.peer_code, c.peer_code), c.sequence, c.table_name, table_label(c.table_name),
            c.record_id, fields, {f: local.get(f) for f in fields}, {f: remote.get(f) for f in fields}, titles[c.id],
            c.created_at, c.status, c.resolution, diffs,
        ))
    return out


def open_conflict_count(session: Session, actor: Actor) -> int:
    actor.require(Permission.VIEW)
    return session.scalar(select(func.count()).select_from(ExchangeConflict).where(ExchangeConflict.status == "open"))


def resolve_conflict(session: Session, actor: Actor, conflict_id: int, choice: str,
                     per_field: dict[str, str] | None = None) -> None:
    """Keep this office's values ("local") or take the peer's ("remote"/"theirs") for the
    conflicting fields; `per_field` (field -> local | theirs) chooses field by field (逐项选择).

    The peer's values become the agreed state; values kept here are sent back to the peer.
    """
    actor.require(Permission.EXCHANGE)
    if choice not in TAKE and per_field is None:
        raise UserError("请选择“保留本地”或“采用对方”")
    c = session.get(ExchangeConflict, conflict_id)
    if c is None:
        raise NotFound(f"找不到第{conflict_id}号冲突")
    if c.status != "open":
        raise UserError("该冲突已经处理过")
    tt = tables_by_name().get(c.table_name)
    if tt is None:
        raise UserError("本程序不认识这类数据，无法处理该冲突（对方的 zkdesk 较新？）")
    remote, fields = json.loads(c.remote_json), json.loads(c.fields)
    takes = {f: TAKE.get((per_field or {}).get(f, choice), "") for f in fields}
    if not all(takes.values()):
        raise UserError("请为每一项选择“保留本地”或“采用对方”")
    t = tt.table
    current = session.execute(select(t).where(t.c.id == c.record_id)).mappings().first()
    if current is None:
        raise NotFound("冲突所涉及的记录已不存在")
    state = load_states(session, c.peer_code, c.table_name, [c.record_id]).get(c.record_id)
    base = json.loads(state["base_hashes"]) if state else {}
    hasher = field_hasher(session, c.table_name)
    base.update({f: hasher.of(f, remote.get(f)) for f in fields})
    encoded = tt.encode_row(current)
    old = {f: encoded[f] for f in fields}
    theirs = [f for f in fields if takes[f] == "remote"]
    kept = {f: old[f] for f in fields if takes[f] == "local" and old[f] != remote.get(f)}
    new_values = old | {f: remote.get(f) for f in theirs}
    acked = state["acked_revision"] if state else 0
    if theirs:
        revision = max(current["revision"] + 1, c.remote_revision)
        values = {f: tt.decode_value(f, remote.get(f)) for f in theirs} | {"revision": revision, "updated_at": utcnow()}
        session.execute(update(t).where(t.c.id == c.record_id).values(keyed_hashes(session.get_bind(), c.table_name, values)))
        if current["revision"] <= acked and not kept:  # nothing else pending for the peer: it has these values
            acked = revision
    upsert_states(session, [{"peer_code": c.peer_code, "table_name": c.table_name, "record_id": c.record_id,
                             "remote_revision": max(c.remote_revision, state["remote_revision"] if state else 0),
                             "base_hashes": json.dumps(base, sort_keys=True), "acked_revision": acked}],
                  ("remote_revision", "base_hashes", "acked_revision"))
    resolution = "local" if not theirs else ("remote" if not kept and len(theirs) == len(fields) else "fields")
    c.status, c.resolution, c.resolved_by, c.resolved_at = "resolved", resolution, actor.username, utcnow()
    if kept:
        c.send_back = json.dumps({"values": kept, "expected": {f: remote.get(f) for f in kept}}, ensure_ascii=False)
    labels = {f: field_label(c.table_name, f) for f in fields}
    audit.record(session, actor.username, "resolve_conflict", c.table_name, c.record_id,
                 {"old": old, "new": new_values, "choice": resolution, "peer": c.peer_code, "fields": labels,
                  "kept": sorted(kept), "taken": theirs})


def resolve_conflicts(session: Session, actor: Actor, conflict_ids: list[int], choice: str) -> int:
    """The same choice for many conflicts at once (the rows selected on the 冲突 tab), each
    decided and audited on its own; all or none (one transaction). Returns how many."""
    for conflict_id in conflict_ids:
        resolve_conflict(session, actor, conflict_id, choice)
    return len(conflict_ids)


# -- decisions travelling back ---------------------------------------------------------------

def resolutions_for(session: Session, peer: str) -> tuple[list[dict], list[int]]:
    """The values kept here against `peer` that it has not confirmed: (payload items, conflict ids)."""
    rows = list(session.scalars(select(ExchangeConflict).where(
        ExchangeConflict.peer_code == peer, ExchangeConflict.status == "resolved", ExchangeConflict.send_back != "",
        ExchangeConflict.acked.is_(False)).order_by(ExchangeConflict.id)))
    if not rows:
        return [], []
    theirs = {local: remote for part in chunks(sorted({c.record_id for c in rows}))
              for local, remote in session.execute(select(ExchangeAlias.local_id, ExchangeAlias.remote_id).where(
                  ExchangeAlias.peer_code == peer, ExchangeAlias.local_id.in_(part)))}
    items = []
    for c in rows:
        back = json.loads(c.send_back)
        items.append({"table": c.table_name, "id": c.record_id, "remote_id": theirs.get(c.record_id, ""),
                      "values": back["values"], "expected": back["expected"], "by": c.resolved_by,
                      "at": c.resolved_at.isoformat() if c.resolved_at else None})
    return items, [c.id for c in rows]


def mark_resolutions_sent(session: Session, conflict_ids: list[int], sequence: int) -> None:
    for part in chunks(conflict_ids):
        session.execute(update(ExchangeConflict).where(ExchangeConflict.id.in_(part)).values(sent_seq=sequence))


def acknowledge_resolutions(session: Session, peer: str, sequence: int) -> None:
    """The peer confirmed our package `sequence`: the decisions it carried arrived."""
    session.execute(update(ExchangeConflict).where(
        ExchangeConflict.peer_code == peer, ExchangeConflict.sent_seq == sequence, ExchangeConflict.send_back != "",
    ).values(acked=True))
