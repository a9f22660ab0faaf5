"""One record by id, as every service fetches it: records are never deleted, only tombstoned
(`deleted = True`), so a tombstoned record is as missing as one that never existed."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy.orm import Session

from zkdesk.services.errors import NotFound

T = TypeVar("T")


def live_record(session: Session, model: type[T], record_id: str | None, missing: str) -> T:
    """The record, or NotFound(missing) (a Chinese message) when there is none or it is tombstoned."""
    record = session.get(model, record_id) if record_id else None
    if record is None or record.deleted:
        raise NotFound(missing)
    return record
