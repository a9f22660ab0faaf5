"""The audit trail: append-only, each entry hashing the one before it.

Someone who edits or deletes a row behind the program's back breaks the chain, and
`verify_chain` names the first broken link.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from zkdesk.store.base import utcnow
from zkdesk.store.engine import serialize
from zkdesk.store.models import AuditEntry


def _digest(prev_hash: str, at: datetime, username: str, action: str, entity: str, entity_id: str, details: str) -> str:
    payload = "\x1f".join([prev_hash, at.isoformat(timespec="microseconds"), username, action, entity, entity_id, details])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _json(details: dict | None) -> str:
    return json.dumps(details or {}, ensure_ascii=False, sort_keys=True, default=str)


def record(
    session: Session,
    username: str,
    action: str,
    entity: str = "",
    entity_id: str = "",
    details: dict | None = None,
) -> AuditEntry:
    """Append one entry in the caller's transaction, which holds the chain's tail until it ends
    (so two writers never both extend the same last entry)."""
    serialize(session, "audit_log")
    last = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).first()
    prev_hash = last.hash if last else ""
    at = utcnow()
    body = _json(details)
    entry = AuditEntry(
        at=at,
        username=username,
        action=action,
        entity=entity,
        entity_id=str(entity_id),
        details=body,
        prev_hash=prev_hash,
        hash=_digest(prev_hash, at, username, action, entity, str(entity_id), body),
    )
    session.add(entry)
    session.flush()
    return entry


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    broken_id: int | None = None
    message: str = ""


def verify_chain(session: Session) -> ChainReport:
    prev_hash, checked = "", 0
    for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.id)):
        expected = _digest(prev_hash, entry.at, entry.username, entry.action, entry.entity, entry.entity_id, entry.details)
        if entry.prev_hash != prev_hash:
            return ChainReport(False, checked, entry.id, f"操作日志第{entry.id}条之前的记录被删除或改动")
        if entry.hash != expected:
            return ChainReport(False, checked, entry.id, f"操作日志第{entry.id}条被改动（{entry.username} {entry.action}）")
        prev_hash = entry.hash
        checked += 1
    return ChainReport(True, checked)


def personal_data_disclosed(session: Session, actor, what: str, count: int) -> AuditEntry:
    """Log an export or print that shows unmasked personal data (ID or phone numbers).

    Call it from every export and print, in the same session, whenever `privacy.sees_personal
    (actor)` let the output carry unmasked numbers: `what` says what left the program (e.g.
    "劳模推荐名单导出（Excel）"), `count` how many people's data it carried.
    """
    return record(session, actor.username, "disclose_personal", "personal_data", "", {"what": what, "count": int(count)})
