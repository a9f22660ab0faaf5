"""Item 6 of the plan from the 三室一站 register.

All six are "cumulative" indicators: each derivation gives the year's own count and progress
adds the plan years up. For a township only its own studios count; for the county all.

studios.county_named — reading of "创建县级三室一站 N 家, named and not revoked":
  the year's count is the county-level (县级) studios whose naming date falls in that year and
  that are still named and not revoked on 31 December of that year (counts_as_named: a studio
  stops counting from its revocation date, so one named and revoked in the same year never
  counts). A studio revoked in a later year stays in the year it was created: the yearly value
  a clerk reported then does not change afterwards. The page shows the current stock (named and
  not revoked today) beside it, so a later revocation is still visible.

studios.proposals / innovations / patents / methods / achievements — sums of the year's
  results (StudioResult of that year) of every live studio, whatever its level or status: the
  results were produced whether or not the studio has been named yet. innovations is
  技术革新 + 研发项目 (the plan's "技术革新及研究与试验发展项目").
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import extract, select
from sqlalchemy.orm import Session

from zkdesk.domain.studio_rules import StatusDates, counts_as_named
from zkdesk.services.derived import Derived, derivation
from zkdesk.services.scope import org_filter
from zkdesk.store.models import Studio, StudioResult

COUNTY_LEVEL = "县级"


@derivation("studios.county_named")
def county_named(session: Session, org_code: str, year: int) -> Derived:
    query = select(Studio).where(
        Studio.deleted.is_(False),
        Studio.level == COUNTY_LEVEL,
        extract("year", Studio.named_on) == year,
        org_filter(Studio.township_code, org_code),
    )
    end = date(year, 12, 31)
    counted = [
        s.id for s in session.scalars(query)
        if counts_as_named(StatusDates(s.status, s.applied_on, s.named_on, s.reviewed_on, s.revoked_on), end)
    ]
    return Derived(
        value=float(len(counted)), record_kind="studio", record_ids=tuple(counted),
        explanation=f"{year}年命名、到年底未撤销的县级“三室一站”数",
    )


def _result_sum(session: Session, org_code: str, year: int, columns: tuple[str, ...], what: str) -> Derived:
    query = (
        select(StudioResult)
        .join(Studio, Studio.id == StudioResult.studio_id)
        .where(
            StudioResult.deleted.is_(False),
            Studio.deleted.is_(False),
            StudioResult.year == year,
            org_filter(Studio.township_code, org_code),
        )
    )
    total, ids = 0, []
    for row in session.scalars(query):
        amount = sum(getattr(row, c) or 0 for c in columns)
        if amount:
            total += amount
            ids.append(row.id)
    return Derived(value=float(total), record_kind="studio_result", record_ids=tuple(ids),
                   explanation=f"各“三室一站”登记的{year}年{what}之和")


@derivation("studios.proposals")
def proposals(session: Session, org_code: str, year: int) -> Derived:
    return _result_sum(session, org_code, year, ("proposals",), "合理化建议（提出）")


@derivation("studios.innovations")
def innovations(session: Session, org_code: str, year: int) -> Derived:
    return _result_sum(session, org_code, year, ("tech_innovations", "rd_projects"), "技术革新及研发项目")


@derivation("studios.patents")
def patents(session: Session, org_code: str, year: int) -> Derived:
    return _result_sum(session, org_code, year, ("patents",), "专利")


@derivation("studios.methods")
def methods(session: Session, org_code: str, year: int) -> Derived:
    return _result_sum(session, org_code, year, ("methods",), "先进操作法")


@derivation("studios.achievements")
def achievements(session: Session, org_code: str, year: int) -> Derived:
    return _result_sum(session, org_code, year, ("achievements_awarded",), "获奖职工创新成果")
