"""三室一站: studios, their members and their yearly innovation results."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from zkdesk.store.base import Base, Travelling
from zkdesk.store.sealed import Sealed


class Studio(Travelling, Base):
    __tablename__ = "studio"

    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))  # one of STUDIO_TYPES
    enterprise_id: Mapped[str | None] = mapped_column(ForeignKey("enterprise.id"), nullable=True)
    host_name: Mapped[str] = mapped_column(String(200), default="")  # when not in the register
    township_code: Mapped[str] = mapped_column(ForeignKey("org_unit.code"), index=True)
    industry: Mapped[str] = mapped_column(String(10), default="其他")
    lead_name: Mapped[str] = mapped_column(String(50))
    lead_honours: Mapped[str] = mapped_column(Text, default="")
    lead_phone: Mapped[str] = mapped_column(Sealed("phone"), default="")  # sealed (store/sealed.py)
    lead_id_number: Mapped[str] = mapped_column(Sealed("id"), default="")
    level: Mapped[str] = mapped_column(String(10), default="县级")
    status: Mapped[str] = mapped_column(String(10), default="申报")
    applied_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    named_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    reviewed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    revoked_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    naming_doc_no: Mapped[str] = mapped_column(String(100), default="")
    room_notes: Mapped[str] = mapped_column(Text, default="")
    equipment_notes: Mapped[str] = mapped_column(Text, default="")
    funding_notes: Mapped[str] = mapped_column(Text, default="")

    members: Mapped[list[StudioMember]] = relationship(back_populates="studio")
    results: Mapped[list[StudioResult]] = relationship(back_populates="studio", order_by="StudioResult.year")


class StudioMember(Travelling, Base):
    __tablename__ = "studio_member"

    studio_id: Mapped[str] = mapped_column(ForeignKey("studio.id"), index=True)
    name: Mapped[str] = mapped_column(String(50))
    job: Mapped[str] = mapped_column(String(100), default="")
    skill_level: Mapped[str] = mapped_column(String(30), default="")

    studio: Mapped[Studio] = relationship(back_populates="members")


class StudioResult(Travelling, Base):
    __tablename__ = "studio_result"
    __table_args__ = (UniqueConstraint("studio_id", "year"),)

    studio_id: Mapped[str] = mapped_column(ForeignKey("studio.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    proposals: Mapped[int] = mapped_column(Integer, default=0)  # 合理化建议 提出
    proposals_adopted: Mapped[int] = mapped_column(Integer, default=0)  # 采纳
    tech_innovations: Mapped[int] = mapped_column(Integer, default=0)  # 技术革新
    rd_projects: Mapped[int] = mapped_column(Integer, default=0)  # 研发项目
    patents: Mapped[int] = mapped_column(Integer, default=0)
    patent_details: Mapped[str] = mapped_column(Text, default="")  # number and type, one per line
    methods: Mapped[int] = mapped_column(Integer, default=0)  # 先进操作法
    achievements_awarded: Mapped[int] = mapped_column(Integer, default=0)  # 创新成果 (获奖)
    training_sessions: Mapped[int] = mapped_column(Integer, default=0)
    people_trained: Mapped[int] = mapped_column(Integer, default=0)
    people_promoted: Mapped[int] = mapped_column(Integer, default=0)
    description: Mapped[str] = mapped_column(Text, default="")

    studio: Mapped[Studio] = relationship(back_populates="results")
