"""Model-worker nominations per award session, with their recorded review steps."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, event, inspect
from sqlalchemy.orm import Mapped, mapped_column, relationship

from zkdesk.store.base import Base, Travelling, UTCDateTime
from zkdesk.store.sealed import Sealed, hash_for, hmac_default


class AwardSession(Travelling, Base):
    """届次, e.g. 第四届镇康县劳动模范 (2025). Owned by the county."""

    __tablename__ = "award_session"

    name: Mapped[str] = mapped_column(String(100))
    number: Mapped[int] = mapped_column(Integer, default=0)  # 第几届
    year: Mapped[int] = mapped_column(Integer)
    honour_type: Mapped[str] = mapped_column(String(30), default="劳动模范")
    level: Mapped[str] = mapped_column(String(10), default="县级")
    quota: Mapped[int | None] = mapped_column(Integer, nullable=True)


class Nomination(Travelling, Base):
    __tablename__ = "nomination"

    session_id: Mapped[str] = mapped_column(ForeignKey("award_session.id"), index=True)
    township_code: Mapped[str] = mapped_column(ForeignKey("org_unit.code"), index=True)
    name: Mapped[str] = mapped_column(String(50))
    gender: Mapped[str] = mapped_column(String(2), default="")
    ethnicity: Mapped[str] = mapped_column(String(20), default="汉族")
    birth_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    id_number: Mapped[str] = mapped_column(Sealed("id"), default="")  # sealed with the data key (store/sealed.py)
    # keyed hash of id_number (local only, never travels): duplicate checks and the natural key
    id_number_hmac: Mapped[str] = mapped_column(String(64), default=hmac_default("id_number"), server_default="", index=True)
    political_status: Mapped[str] = mapped_column(String(20), default="群众")
    education: Mapped[str] = mapped_column(String(20), default="")
    employer: Mapped[str] = mapped_column(String(200), default="")
    enterprise_id: Mapped[str | None] = mapped_column(ForeignKey("enterprise.id"), nullable=True)
    job_title: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(Sealed("phone"), default="")
    category: Mapped[str] = mapped_column(String(30), default="")
    industrial_worker: Mapped[bool] = mapped_column(Boolean, default=False)  # 产业工人
    earlier_honours: Mapped[str] = mapped_column(Text, default="")
    deeds_short: Mapped[str] = mapped_column(Text, default="")  # ≈500 characters
    deeds_full: Mapped[str] = mapped_column(Text, default="")  # ≈2000 characters
    photo: Mapped[bytes | None] = mapped_column(nullable=True)
    # Workflow state; review steps past 乡镇审核 are owned by the county.
    status: Mapped[str] = mapped_column(String(32), default="draft")
    publicity_start: Mapped[date | None] = mapped_column(Date, nullable=True)
    publicity_end: Mapped[date | None] = mapped_column(Date, nullable=True)
    objections: Mapped[str] = mapped_column(Text, default="")

    steps: Mapped[list[NominationStep]] = relationship(order_by="NominationStep.at")


@event.listens_for(Nomination, "before_update")
def _rehash_id_number(_mapper, connection, target: Nomination) -> None:
    if inspect(target).attrs.id_number.history.has_changes():
        target.id_number_hmac = hash_for(connection, target.id_number)


class NominationStep(Travelling, Base):
    """One recorded step of the review workflow: who, when, from/to, opinion."""

    __tablename__ = "nomination_step"

    nomination_id: Mapped[str] = mapped_column(ForeignKey("nomination.id"), index=True)
    from_status: Mapped[str] = mapped_column(String(32))
    to_status: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(50))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    opinion: Mapped[str] = mapped_column(Text, default="")
