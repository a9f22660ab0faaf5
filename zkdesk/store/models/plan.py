"""Plan catalogs (data, not code), targets per org unit, reported values, year locks."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from zkdesk.store.base import Base, Travelling, UTCDateTime


class Plan(Travelling, Base):
    """A plan period, e.g. 十四五 (2021–2025). Owned by the county."""

    __tablename__ = "plan"

    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str] = mapped_column(String(40))
    document: Mapped[str] = mapped_column(String(100), default="")
    start_year: Mapped[int] = mapped_column(Integer)
    end_year: Mapped[int] = mapped_column(Integer)
    catalog_version: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(16), default="active")  # draft | active | archived
    # 当前规划: the one plan the county marked current (设为当前规划); the dashboard and the reports
    # open on it. None marked: the plan of the working year (services.catalog.default_plan).
    current: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    items: Mapped[list[PlanItem]] = relationship(back_populates="plan", order_by="PlanItem.number")
    indicators: Mapped[list[Indicator]] = relationship(back_populates="plan", order_by="Indicator.sort_key")


class PlanItem(Travelling, Base):
    """One numbered item (1–18) of a plan with its heading and 责任单位."""

    __tablename__ = "plan_item"
    __table_args__ = (UniqueConstraint("plan_id", "number"),)

    plan_id: Mapped[str] = mapped_column(ForeignKey("plan.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    section: Mapped[str] = mapped_column(String(100), default="")
    title: Mapped[str] = mapped_column(String(200))
    responsible: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of unit names

    plan: Mapped[Plan] = relationship(back_populates="items")


class Indicator(Travelling, Base):
    """One quantitative target of a plan."""

    __tablename__ = "indicator"
    __table_args__ = (UniqueConstraint("plan_id", "code"),)

    plan_id: Mapped[str] = mapped_column(ForeignKey("plan.id"), index=True)
    code: Mapped[str] = mapped_column(String(20))  # "14.2": item 14, second target
    item: Mapped[int] = mapped_column(Integer)
    sort_key: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(16))  # how figures are measured: rate | cumulative | yearly | stock
    # how the target is judged (domain.progress.TARGET_KINDS; "" = as `kind`), who reports it
    # (LEVELS) and how the target year's figure is projected (PROJECTIONS)
    target_kind: Mapped[str] = mapped_column(String(24), default="", server_default="")
    level: Mapped[str] = mapped_column(String(16), default="both", server_default="both")
    projection_method: Mapped[str] = mapped_column(String(8), default="line", server_default="line")
    comparator: Mapped[str] = mapped_column(String(16))  # ge | eq | le | not_below_last
    target: Mapped[float | None] = mapped_column(Float, nullable=True)
    target_year: Mapped[int] = mapped_column(Integer)
    numerator_label: Mapped[str] = mapped_column(String(200), default="")
    denominator_label: Mapped[str] = mapped_column(String(200), default="")
    source: Mapped[str] = mapped_column(String(60), default="")  # derived-source key, "" = typed
    responsible: Mapped[str] = mapped_column(Text, default="[]")  # JSON list; falls back to the item's
    quote: Mapped[str] = mapped_column(Text, default="")
    # per-term targets: the terms (届) compared, oldest first, as a JSON list of {"label", "year"}
    # (the year the term was elected); a term before the plan is entered as the baseline
    terms: Mapped[str] = mapped_column(Text, default="[]", server_default="[]")

    plan: Mapped[Plan] = relationship(back_populates="indicators")


class IndicatorTarget(Travelling, Base):
    """A target allocated to an org unit (分解目标); year NULL means the plan's target year."""

    __tablename__ = "indicator_target"
    __table_args__ = (UniqueConstraint("indicator_id", "org_code", "year"),)

    indicator_id: Mapped[str] = mapped_column(ForeignKey("indicator.id"), index=True)
    org_code: Mapped[str] = mapped_column(ForeignKey("org_unit.code"))
    year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    value: Mapped[float] = mapped_column(Float)


class IndicatorValue(Travelling, Base):
    """A reported value of an indicator for one org unit and year.

    Rates keep numerator and denominator; `value` is computed from them, never typed.
    """

    __tablename__ = "indicator_value"
    __table_args__ = (UniqueConstraint("indicator_id", "org_code", "year"),)

    indicator_id: Mapped[str] = mapped_column(ForeignKey("indicator.id"), index=True)
    org_code: Mapped[str] = mapped_column(ForeignKey("org_unit.code"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    value: Mapped[float | None] = mapped_column(Float, nullable=True)
    numerator: Mapped[float | None] = mapped_column(Float, nullable=True)
    denominator: Mapped[float | None] = mapped_column(Float, nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    complete: Mapped[bool] = mapped_column(default=True)  # False while a warning lacks a 说明
    changed_by: Mapped[str] = mapped_column(String(50), default="")
    # County-owned review fields
    review_status: Mapped[str] = mapped_column(String(16), default="")  # "" | 通过 | 退回
    review_opinion: Mapped[str] = mapped_column(Text, default="")


class IndicatorBaseline(Travelling, Base):
    """An org unit's figure of an indicator in the year before the plan (基期, 2020 for 十四五):
    where a rate's or a stock's path starts, and what a growth target is measured against.

    Rates keep numerator and denominator (the county's baseline is Σnum/Σden); `value` is
    computed from them. Travels like IndicatorValue; its natural key is indicator + org unit.
    """

    __tablename__ = "indicator_baseline"
    __table_args__ = (UniqueConstraint("indicator_id", "org_code"),)

    indicator_id: Mapped[str] = mapped_column(ForeignKey("indicator.id"), index=True)
    org_code: Mapped[str] = mapped_column(ForeignKey("org_unit.code"), index=True)
    value: Mapped[float | None] = mapped_column(Float, nullable=True)
    numerator: Mapped[float | None] = mapped_column(Float, nullable=True)
    denominator: Mapped[float | None] = mapped_column(Float, nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    changed_by: Mapped[str] = mapped_column(String(50), default="")


class Milestone(Travelling, Base):
    """A qualitative task of a plan (target kind milestone) done by an org unit: when, and the
    evidence (a document's title and number, a link). Not done while `done_on` is empty.
    Travels like IndicatorValue; its natural key is indicator + org unit."""

    __tablename__ = "milestone"
    __table_args__ = (UniqueConstraint("indicator_id", "org_code"),)

    indicator_id: Mapped[str] = mapped_column(ForeignKey("indicator.id"), index=True)
    org_code: Mapped[str] = mapped_column(ForeignKey("org_unit.code"), index=True)
    done_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    evidence: Mapped[str] = mapped_column(Text, default="")
    changed_by: Mapped[str] = mapped_column(String(50), default="")


class YearLock(Travelling, Base):
    """A county reviewer's lock on an org unit's values for a year (审核通过)."""

    __tablename__ = "year_lock"
    __table_args__ = (UniqueConstraint("org_code", "year"),)

    org_code: Mapped[str] = mapped_column(ForeignKey("org_unit.code"))
    year: Mapped[int] = mapped_column(Integer)
    locked: Mapped[bool] = mapped_column(default=True)
    locked_by: Mapped[str] = mapped_column(String(50), default="")
    locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    reason: Mapped[str] = mapped_column(Text, default="")


class EvaluationNarrative(Travelling, Base):
    """The typed sections of one evaluation report (成效, 问题, 下一步) for a plan, an org unit
    and the report's year range (2021–2025 终期, 2021–2023 中期, one year 年度工作总结)."""

    __tablename__ = "evaluation_narrative"
    __table_args__ = (UniqueConstraint("plan_id", "org_code", "year_from", "year_to"),)

    plan_id: Mapped[str] = mapped_column(ForeignKey("plan.id"), index=True)
    org_code: Mapped[str] = mapped_column(ForeignKey("org_unit.code"))
    year_from: Mapped[int] = mapped_column(Integer)
    year_to: Mapped[int] = mapped_column(Integer)
    effects: Mapped[str] = mapped_column(Text, default="")  # 主要成效
    problems: Mapped[str] = mapped_column(Text, default="")  # 存在的问题
    next_steps: Mapped[str] = mapped_column(Text, default="")  # 下一步工作
    changed_by: Mapped[str] = mapped_column(String(50), default="")


class Department(Travelling, Base):
    """A county department a plan names as 责任单位 (县人力资源社会保障局, 县总工会, 各乡（镇）…):
    shipped in resources/departments.toml, then data the county may add to and rename. Owned by
    the county; travels to the townships with the catalog."""

    __tablename__ = "department"

    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(100))  # as the plan names it and as it prints
    full_name: Mapped[str] = mapped_column(String(200), default="")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class IndicatorDuty(Travelling, Base):
    """One department's part in one indicator: 牵头 (role lead) or 配合 (co). Made from the plan's
    责任单位 list when the catalog is loaded (the first named leads), then edited in the program."""

    __tablename__ = "indicator_duty"
    __table_args__ = (UniqueConstraint("indicator_id", "department_id"),)

    indicator_id: Mapped[str] = mapped_column(ForeignKey("indicator.id"), index=True)
    department_id: Mapped[str] = mapped_column(ForeignKey("department.id"), index=True)
    role: Mapped[str] = mapped_column(String(8))  # lead | co
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
