"""The audit trail: append-only, each entry hashing the one before it.

Someone who edits or deletes a row behind the program's back breaks the chain, and
`verify_chain` names the first broken link. The chain's head (count and last hash) is kept
outside the table too (store/audit_head.py: a setting moved with every append, and a file beside
every backup), so cutting entries off the end, deleting them all, or rewriting the tail and
recomputing every hash after it is found as well.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from zkdesk.store.audit_head import ChainHead, backup_heads, read_head, write_head
from zkdesk.store.base import utcnow
from zkdesk.store.engine import serialize
from zkdesk.store.models import AuditEntry
from zkdesk.store.sealed import SEALED_COLUMNS


def _digest(prev_hash: str, at: datetime, username: str, action: str, entity: str, entity_id: str, details: str) -> str:
    payload = "\x1f".join([prev_hash, at.isoformat(timespec="microseconds"), username, action, entity, entity_id, details])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _json(details: dict | None) -> str:
    return json.dumps(details or {}, ensure_ascii=False, sort_keys=True, default=str)


def _masked(value, kind: str | None = None):
    """Details with the personal numbers masked: the audit trail is hashed as written and never
    re-sealed, so a sealed column's value (store/sealed.py) enters it only as every role sees it."""
    if isinstance(value, dict):
        return {k: _masked(v, _PERSONAL_KEYS.get(k) if isinstance(k, str) else None) for k, v in value.items()}
    if isinstance(value, (list, tuple)):  # a plain value outside a personal field is itself (an import lists thousands)
        return [v if kind is None and v.__class__ in _PLAIN else _masked(v, kind) for v in value]
    if kind and _is_plain(value):
        from zkdesk.domain.idcard import mask_id_number, mask_phone

        return mask_id_number(value) if kind == "id" else mask_phone(value)
    return value


def _is_plain(value) -> bool:
    """A personal number as typed: not empty, not already masked (masking a masked phone
    number again would hide what a clerk may see)."""
    return isinstance(value, str) and bool(value.strip()) and "*" not in value


def _carries_plain(value, kind: str | None = None) -> bool:
    if isinstance(value, dict):
        return any(_carries_plain(v, _PERSONAL_KEYS.get(k) if isinstance(k, str) else None) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(_carries_plain(v, kind) for v in value)
    return bool(kind) and _is_plain(value)


_PLAIN = frozenset({str, int, float, bool, type(None)})
_PERSONAL_KEYS = {column: kind for columns in SEALED_COLUMNS.values() for column, kind in columns.items()}
_PERSONAL_MARKS = tuple(f'"{key}"' for key in _PERSONAL_KEYS)  # how a personal key appears in stored JSON


def shown_details(details: str) -> str:
    """An entry's details as the audit screen and its export show them: the personal numbers an
    older zkdesk wrote plain (before entries were masked as written) masked like a new entry's.
    The stored text stays as it is: it is what the chain hashes."""
    if not details or not any(mark in details for mark in _PERSONAL_MARKS):
        return details
    try:
        data = json.loads(details)
    except ValueError:
        return details
    return _json(_masked(data)) if _carries_plain(data) else details


def entries_with_plain_personal_data(session: Session) -> int:
    """How many entries hold an ID or phone number unmasked in their details (written by a
    zkdesk from before personal data was sealed); `zkdesk verify` reports it. They are never
    rewritten (that would break the chain); they are masked when shown (`shown_details`)."""
    from sqlalchemy import or_

    maybe = select(AuditEntry.details).where(or_(*(AuditEntry.details.contains(m) for m in _PERSONAL_MARKS)))
    count = 0
    for details in session.scalars(maybe):
        try:
            count += _carries_plain(json.loads(details))
        except ValueError:
            continue
    return count


def record(
    session: Session,
    username: str,
    action: str,
    entity: str = "",
    entity_id: str = "",
    details: dict | None = None,
) -> AuditEntry:
    """Append one entry in the caller's transaction, which holds the chain's tail until it ends
    (so two writers never both extend the same last entry), and move the chain's head with it.

    The head moves only from where it stands: when the last entry is not the one the head names
    (entries cut off or rewritten behind the program's back), it stays, and `verify_chain` keeps
    reporting the damage instead of the next entry hiding it."""
    serialize(session, "audit_log")
    last = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).first()
    prev_hash = last.hash if last else ""
    head = read_head(session)
    at = utcnow()
    body = _json(details)
    if any(mark in body for mark in _PERSONAL_MARKS):  # else nothing to mask (an import lists thousands of rows)
        body = _json(_masked(details))
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
    moved = None
    if head is None and last is None:
        moved = ChainHead(1, entry.hash)  # the first entry of a new office
    elif head is not None and head.hash == prev_hash and head.count > 0:
        moved = ChainHead(head.count + 1, entry.hash)
    if moved is not None:
        write_head(session, moved)
        from zkdesk.services import key_slots  # (services.key_slots imports settings, which audit)

        key_slots.vouch_for_head(session, moved.count, moved.hash)
    session.flush()
    return entry


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    broken_id: int | None = None
    message: str = ""
    anchored: bool = False  # the chain reached its head (and every backup's head found)


def verify_chain(session: Session, backups_dir=None) -> ChainReport:
    """Check every link, then that the chain ends where its head says (nothing cut off, nothing
    rewritten and recomputed), and that it passes through the head of every backup in
    `backups_dir` made since the last restore. The first problem found is reported."""
    prev_hash, checked = "", 0
    hashes: list[tuple[int, str]] = []  # (id, hash) by position
    for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.id)):
        expected = _digest(prev_hash, entry.at, entry.username, entry.action, entry.entity, entry.entity_id, entry.details)
        if entry.prev_hash != prev_hash:
            return ChainReport(False, checked, entry.id, f"操作日志第{entry.id}条之前的记录被删除或改动")
        if entry.hash != expected:
            return ChainReport(False, checked, entry.id, f"操作日志第{entry.id}条被改动（{entry.username} {entry.action}）")
        prev_hash = entry.hash
        hashes.append((entry.id, entry.hash))
        checked += 1
    head = read_head(session)
    if head is None:
        if checked:
            return ChainReport(False, checked, None, "操作日志的链条终点记录缺失，无法确认末尾的记录是否被删除")
        return ChainReport(True, 0, anchored=True)
    problem = _against_head(hashes, head, "链条终点")
    if problem:
        return ChainReport(False, checked, problem[0], problem[1])
    from zkdesk.services import key_slots

    vouched = key_slots.vouched_head(session)  # the last head a writer holding the data key vouched for
    if vouched is not None:
        count, head_hash, genuine = vouched
        if genuine is False:
            return ChainReport(False, checked, None, "操作日志的密钥校验点被改动：链条终点或其校验值不是本单位密钥算出的")
        problem = _against_head(hashes, ChainHead(count, head_hash), "密钥校验点")
        if problem:
            return ChainReport(False, checked, problem[0], problem[1])
    elif key_slots.has_data_key(session) and checked:
        return ChainReport(False, checked, None, "操作日志的密钥校验点缺失，无法确认链条未被整体重算")
    if checked > head.count:
        first_extra = hashes[head.count][0]
        return ChainReport(False, checked, first_extra,
                           f"操作日志第{first_extra}条起的{checked - head.count}条记录不在链条终点之内，是程序之外添加的")
    for sidecar, data in backup_heads(backups_dir):
        if data.get("superseded"):
            continue  # a backup made before a restore to an older state
        problem = _against_head(hashes, ChainHead(int(data["count"]), str(data["hash"])), f"备份 {data.get('backup') or sidecar.name}")
        if problem:
            return ChainReport(False, checked, problem[0], problem[1])
    return ChainReport(True, checked, anchored=True)


def _against_head(hashes: list[tuple[int, str]], head: ChainHead, where: str) -> tuple[int | None, str] | None:
    """(broken id, message) when the chain does not reach `head` or does not pass through it."""
    if head.count <= 0:
        return None
    if not hashes:
        return None, f"操作日志的全部记录已被删除（{where}记载应有{head.count}条）"
    if len(hashes) < head.count:
        missing = head.count - len(hashes)
        return hashes[-1][0], f"操作日志末尾缺少{missing}条记录（{where}记载应有{head.count}条，现有{len(hashes)}条）"
    entry_id, entry_hash = hashes[head.count - 1]
    if entry_hash != head.hash:
        return entry_id, f"操作日志第{entry_id}条与{where}记载不符：此前的记录被改写后重新计算了校验值"
    return None


def chain_passes(session: Session, head: ChainHead) -> bool:
    """Whether this database's chain passes through `head` (a backup's, after a restore)."""
    hashes = [(e.id, e.hash) for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id).limit(head.count))]
    return _against_head(hashes, head, "") is None


def personal_data_disclosed(session: Session, actor, what: str, count: int, entity_id: str = "", **more) -> AuditEntry:
    """Log an export or print that shows unmasked personal data (ID or phone numbers).

    Call it from every export and print, in the same session, whenever `privacy.sees_personal
    (actor)` let the output carry unmasked numbers: `what` says what left the program (e.g.
    "劳模推荐名单导出（Excel）"), `count` how many people's data it carried; `more` adds details
    (the file name, the form); `entity_id` names the form or register. One entry per output:
    who (the actor), what and how many.
    """
    return record(session, actor.username, "disclose_personal", "personal_data", entity_id,
                  {**more, "what": what, "count": int(count)})
