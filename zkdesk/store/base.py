"""Declarative base with a naming convention, and the columns every travelling record has."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, MetaData, String, TypeDecorator
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_uuid() -> str:
    return str(uuid.uuid4())


class UTCDateTime(TypeDecorator):
    """Stores naive UTC in SQLite and always hands back an aware UTC datetime."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Travelling:
    """Columns of a record that can move between offices on a USB stick (docs/architecture.md).

    `id` is a UUID so that a record keeps its identity in every office's database.
    `origin` is the org unit that owns the record; `revision` counts its changes;
    `deleted` is a tombstone: travelling records are never hard-deleted.
    """

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    revision: Mapped[int] = mapped_column(Integer, default=1, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)

    @declared_attr
    def origin(cls) -> Mapped[str]:
        return mapped_column(String(12), ForeignKey("org_unit.code"), nullable=False, index=True)

    def touch(self) -> None:
        """Call on every local change: bumps the revision the exchange compares."""
        self.revision = (self.revision or 0) + 1
        self.updated_at = utcnow()
