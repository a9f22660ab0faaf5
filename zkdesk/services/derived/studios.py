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
  技术革新 + 研发项目 (the plan's "技术革新及研究与试验发展项目"). The plan counts these for all
  workers and the register holds only the studios': each is declared partial (STUDIO_PART), so
  the clerk enters the rest (其他) and the indicator's figure is both parts.

The county-level studios and the results are each read once per request (services.derived.Registers).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from zkdesk.domain.studio_rules import StatusDates, counts_as_named
from zkdesk.services.derived import STUDIO_PART, Derived, Registers, derivation, of_org
from zkdesk.store.models import Studio, StudioResult

COUNTY_LEVEL = "县级"


RESULT_COLUMNS = ("proposals", "tech_innovations", "rd_projects", "patents", "methods", "achievements_awarded")


def _county_level_studios(session: Session) -> list[Row]:
    return list(session.execute(
        select(Studio.id, Studio.township_code, Studio.status, Studio.applied_on, Studio.named_on, Studio.reviewed_on,
               Studio.revoked_on)
        .where(Studio.deleted.is_(False), Studio.level == COUNTY_LEVEL, Studio.named_on.is_not(None))
    ).all())


@derivation("studios.county_named")
def county_named(reg: Registers, org_code: str, year: int) -> Derived:
    end = date(year, 12, 31)
    keep = of_org(org_code)
    counted = [
        s.id for s in reg.once("studios.county_level", _county_level_studios)
        if s.named_on.year == year and keep(s.township_code)
        and counts_as_named(StatusDates(s.status, s.applied_on, s.named_on, s.reviewed_on, s.revoked_on), end)
    ]
    return Derived(
        value=float(len(counted)), record_kind="studio", record_ids=tuple(counted),
        explanation=f"{year}年命名、到年底未撤销的县级“三室一站”数",
    )


def _result_rows(session: Session) -> list[Row]:
    """Every live year result of a live studio, with the studio's township."""
    return list(session.execute(
        select(StudioResult.id, StudioResult.year, Studio.township_code,
               *(getattr(StudioResult, c) for c in RESULT_COLUMNS))
        .join(Studio, Studio.id == StudioResult.studio_id)
        .where(StudioResult.deleted.is_(False), Studio.deleted.is_(False))
    ).all())


def _result_sum(reg: Registers, org_code: str, year: int, columns: tuple[str, ...], what: str) -> Derived:
    keep = of_org(org_code)
    total, ids = 0, []
    for row in reg.once("studios.results", _result_rows):
        if row.year != year or not keep(row.township_code):
            continue
        amount = sum(getattr(row, c) or 0 for c in columns)
        if amount:
            total += amount
            ids.append(row.id)
    return Derived(value=float(total), record_kind="studio_result", record_ids=tuple(ids),
                   explanation=f"各“三室一站”登记的{year}年{what}之和")


@derivation("studios.proposals", partial=STUDIO_PART)
def proposals(reg: Registers, org_code: str, year: int) -> Derived:
    return _result_sum(reg, org_code, year, ("proposals",), "合理化建议（提出）")


@derivation("studios.innovations", partial=STUDIO_PART)
def innovations(reg: Registers, org_code: str, year: int) -> Derived:
    return _result_sum(reg, org_code, year, ("tech_innovations", "rd_projects"), "技术革新及研发项目")


@derivation("studios.patents", partial=STUDIO_PART)
def patents(reg: Registers, org_code: str, year: int) -> Derived:
    return _result_sum(reg, org_code, year, ("patents",), "专利")


@derivation("studios.methods", partial=STUDIO_PART)
def methods(reg: Registers, org_code: str, year: int) -> Derived:
    return _result_sum(reg, org_code, year, ("methods",), "先进操作法")


@derivation("studios.achievements", partial=STUDIO_PART)
def achievements(reg: Registers, org_code: str, year: int) -> Derived:
    return _result_sum(reg, org_code, year, ("achievements_awarded",), "获奖职工创新成果")
