"""Local logs: the hash-chained audit trail and the USB exchange log. They never travel."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from zkdesk.store.base import Base, UTCDateTime, utcnow


class AuditEntry(Base):
    __tablename__ = "audit_log"
    # The audit screen filters by time, user, action and record (services/audit_log.py); a record's
    # last change is looked up by entity and id (services/records.py).
    __table_args__ = (Index("ix_audit_log_entity_entity_id", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    username: Mapped[str] = mapped_column(String(50), index=True)
    action: Mapped[str] = mapped_column(String(30), index=True)  # create | update | delete | login | ...
    entity: Mapped[str] = mapped_column(String(40), default="")
    entity_id: Mapped[str] = mapped_column(String(100), default="")  # "id/year" of a per-year row: longer than a UUID
    details: Mapped[str] = mapped_column(Text, default="{}")  # JSON: old and new values
    prev_hash: Mapped[str] = mapped_column(String(64), default="")
    hash: Mapped[str] = mapped_column(String(64), default="")


class ExchangeLogEntry(Base):
    __tablename__ = "exchange_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    direction: Mapped[str] = mapped_column(String(8))  # out | in
    peer_code: Mapped[str] = mapped_column(String(12))
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    file_name: Mapped[str] = mapped_column(String(255), default="")
    status: Mapped[str] = mapped_column(String(16), default="")
    summary: Mapped[str] = mapped_column(Text, default="{}")  # JSON
    username: Mapped[str] = mapped_column(String(50), default="")
