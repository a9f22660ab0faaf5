"""Enterprises, their unions and democratic management, collective contracts, evaluations."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, Float, ForeignKey, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from zkdesk.store.base import Base, Travelling
from zkdesk.store.sealed import Sealed


class Enterprise(Travelling, Base):
    __tablename__ = "enterprise"

    name: Mapped[str] = mapped_column(String(200), index=True)
    uscc: Mapped[str] = mapped_column(String(18), default="", index=True)  # 统一社会信用代码
    township_code: Mapped[str] = mapped_column(ForeignKey("org_unit.code"), index=True)
    ownership: Mapped[str] = mapped_column(String(16), default="非公")
    industry: Mapped[str] = mapped_column(String(50), default="")
    is_company: Mapped[bool] = mapped_column(Boolean, default=True)  # 公司制: 职工董事/监事 apply
    address: Mapped[str] = mapped_column(String(200), default="")
    contact_person: Mapped[str] = mapped_column(String(50), default="")
    contact_phone: Mapped[str] = mapped_column(Sealed("phone"), default="")  # sealed (store/sealed.py)
    note: Mapped[str] = mapped_column(Text, default="")

    years: Mapped[list[EnterpriseYear]] = relationship(back_populates="enterprise", order_by="EnterpriseYear.year")
    union: Mapped[EnterpriseUnion | None] = relationship(back_populates="enterprise", uselist=False)


class EnterpriseYear(Travelling, Base):
    """Employee count and operating status per year: the rates are per year."""

    __tablename__ = "enterprise_year"
    __table_args__ = (UniqueConstraint("enterprise_id", "year"),)

    enterprise_id: Mapped[str] = mapped_column(ForeignKey("enterprise.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    employees: Mapped[int] = mapped_column(Integer, default=0)
    operating_status: Mapped[str] = mapped_column(String(16), default="正常经营")
    status_date: Mapped[date | None] = mapped_column(Date, nullable=True)

    enterprise: Mapped[Enterprise] = relationship(back_populates="years")


class EnterpriseUnion(Travelling, Base):
    """The enterprise's union and its democratic management (one row per enterprise)."""

    __tablename__ = "enterprise_union"

    enterprise_id: Mapped[str] = mapped_column(ForeignKey("enterprise.id"), unique=True)
    established_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    members: Mapped[int] = mapped_column(Integer, default=0)
    chair: Mapped[str] = mapped_column(String(50), default="")
    congress: Mapped[bool] = mapped_column(Boolean, default=False)  # 职代会
    congress_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    openness: Mapped[bool] = mapped_column(Boolean, default=False)  # 厂务公开
    openness_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    worker_director: Mapped[bool] = mapped_column(Boolean, default=False)  # 职工董事
    worker_supervisor: Mapped[bool] = mapped_column(Boolean, default=False)  # 职工监事

    enterprise: Mapped[Enterprise] = relationship(back_populates="union")


class CollectiveContract(Travelling, Base):
    __tablename__ = "collective_contract"

    enterprise_id: Mapped[str | None] = mapped_column(ForeignKey("enterprise.id"), nullable=True, index=True)
    township_code: Mapped[str] = mapped_column(ForeignKey("org_unit.code"))
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(200), default="")
    signed_alone: Mapped[bool] = mapped_column(Boolean, default=True)  # 单独签订
    negotiation_established: Mapped[bool] = mapped_column(Boolean, default=True)  # 集体协商建制
    signed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    term_years: Mapped[int] = mapped_column(Integer, default=3)
    expires_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    filed_on: Mapped[date | None] = mapped_column(Date, nullable=True)  # 报送人社部门
    review_opinion: Mapped[str] = mapped_column(Text, default="")  # 审查意见 (text as received)
    # Whether the bureau's review objected: then the contract never takes effect.
    review_objection: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    effective_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    wage_increase_pct: Mapped[float | None] = mapped_column(Float, nullable=True)
    employees_covered: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str] = mapped_column(Text, default="")


class ContractCoverage(Travelling, Base):
    """An enterprise covered by a regional or sector (区域性/行业性) contract."""

    __tablename__ = "contract_coverage"
    __table_args__ = (UniqueConstraint("contract_id", "enterprise_id"),)

    contract_id: Mapped[str] = mapped_column(ForeignKey("collective_contract.id"), index=True)
    enterprise_id: Mapped[str] = mapped_column(ForeignKey("enterprise.id"), index=True)


class QualityEvaluation(Travelling, Base):
    """质效评估 per enterprise and year; awareness and satisfaction rates are computed."""

    __tablename__ = "quality_evaluation"
    __table_args__ = (UniqueConstraint("enterprise_id", "year"),)

    enterprise_id: Mapped[str] = mapped_column(ForeignKey("enterprise.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    score_parties: Mapped[float] = mapped_column(Float, default=0)  # 协商主体
    score_procedure: Mapped[float] = mapped_column(Float, default=0)  # 协商程序
    score_content: Mapped[float] = mapped_column(Float, default=0)  # 协商内容
    score_performance: Mapped[float] = mapped_column(Float, default=0)  # 合同履行及效果
    score_overall: Mapped[float] = mapped_column(Float, default=0)  # 综合评价
    score_total: Mapped[float] = mapped_column(Float, default=0)
    respondents: Mapped[int] = mapped_column(Integer, default=0)
    aware: Mapped[int] = mapped_column(Integer, default=0)
    satisfied: Mapped[int] = mapped_column(Integer, default=0)
