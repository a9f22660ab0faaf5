"""One record by id, as every service fetches it: records are never deleted, only tombstoned
(`deleted = True`), so a tombstoned record is as missing as one that never existed.

And the check every save of a form makes before writing (check_revision): the record must
still be at the revision the form was loaded with, or RecordChanged says who changed what."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from zkdesk.services.errors import NotFound, UserError
from zkdesk.services.audit_log import TABLE_ALIASES
from zkdesk.services.record_labels import field_label
from zkdesk.store.models import AuditEntry, User

T = TypeVar("T")


def live_record(session: Session, model: type[T], record_id: str | None, missing: str) -> T:
    """The record, or NotFound(missing) (a Chinese message) when there is none or it is tombstoned."""
    record = session.get(model, record_id) if record_id else None
    if record is None or record.deleted:
        raise NotFound(missing)
    return record


# ---- optimistic concurrency: several clerks on one server database ------------------------------


@dataclass(frozen=True)
class ChangeBy:
    """One change someone else saved: who, when (UTC), which fields."""

    username: str
    at: datetime | None
    fields: tuple[str, ...]
    display_name: str = ""

    @property
    def who(self) -> str:
        return f"{self.display_name}（{self.username}）" if self.display_name and self.display_name != self.username else self.username


class RecordChanged(UserError):
    """A save over a newer version of the record than the one the user edited: someone else
    changed it in the meantime. Carries who changed what, so the window can offer 重新载入
    (load theirs) or 仍然覆盖 (save again with `current_revision` as the seen revision)."""

    def __init__(self, entity: str, record_id: str, label: str, seen_revision: int, current_revision: int,
                 changes: tuple[ChangeBy, ...]):
        self.entity, self.record_id, self.label = entity, record_id, label
        self.seen_revision, self.current_revision = seen_revision, current_revision
        self.changes = changes
        super().__init__(self._message())

    @property
    def changed_by(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c.username for c in self.changes))

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(f for c in self.changes for f in c.fields))

    def _message(self) -> str:
        if self.changes:
            last = self.changes[0]
            when = last.at.astimezone().strftime("%m月%d日 %H:%M") if last.at else ""
            who = "、".join(dict.fromkeys(c.who for c in self.changes))
            what = f"（改动了：{'、'.join(self.fields)}）" if self.fields else ""
            head = f"{who} 在 {when} 修改了{self.label}{what}"
        else:
            head = f"{self.label}已被其他用户或数据交换修改"
        return (f"{head}，您看到的不是最新内容，未保存。"
                "请选择“重新载入”查看最新内容后再改，或“仍然覆盖”用您的内容替换。")

    def as_dict(self) -> dict:
        return {
            "entity": self.entity, "record_id": self.record_id, "seen_revision": self.seen_revision,
            "current_revision": self.current_revision, "changed_by": list(self.changed_by), "fields": list(self.fields),
            "message": str(self),
        }


def _changes_since(session: Session, entity: str, record_id: str, count: int, labels: dict[str, str]) -> tuple[ChangeBy, ...]:
    """The newest `count` audit entries about the record (each saved change is one), newest first."""
    entries = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.entity == entity, AuditEntry.entity_id == str(record_id))
        .order_by(AuditEntry.id.desc())
        .limit(max(1, min(count, 10)))
    ).all()
    people = dict(session.execute(select(User.username, User.display_name)).all())
    table = TABLE_ALIASES.get(entity, entity)  # the form's labels for fields the caller did not name
    changes = []
    for entry in entries:
        try:
            details = json.loads(entry.details or "{}")
        except ValueError:
            details = {}
        new, old = details.get("new") or {}, details.get("old") or {}
        fields = [k for k in {**old, **new} if old.get(k) != new.get(k)] if isinstance(new, dict) and isinstance(old, dict) else []
        changes.append(ChangeBy(entry.username, entry.at, tuple(labels.get(n) or field_label(table, n) for n in fields),
                                people.get(entry.username, "")))
    return tuple(changes)


def revision_of(session: Session, model, record_id: str) -> int:
    """The revision a form should hand back when it saves (0 for a record that is not there)."""
    record = session.get(model, record_id) if record_id else None
    return record.revision if record is not None else 0


# session.info key: {(entity, record id): revision} the user chose to overwrite (仍然覆盖)
OVERWRITE = "overwrite_revisions"


def check_revision(session: Session, record, seen_revision: int | None, entity: str, label: str,
                   labels: dict[str, str] | None = None) -> None:
    """Refuse to save over a version of `record` newer than `seen_revision` (the revision the
    user's form was loaded with); None means the caller does not check (imports, exchange).
    A revision the user has seen in a RecordChanged and chose to overwrite is let through
    (session.info[OVERWRITE], set by the window's operation on 仍然覆盖).

    `entity` is the record's name in the audit trail, `label` how the user calls it ("企业
    “XX公司”"), `labels` the Chinese names of its fields."""
    if seen_revision is None or record.revision == seen_revision:
        return
    if session.info.get(OVERWRITE, {}).get((entity, str(record.id))) == record.revision:
        return
    changes = _changes_since(session, entity, record.id, record.revision - seen_revision, labels or {})
    raise RecordChanged(entity, record.id, label, seen_revision, record.revision, changes)
