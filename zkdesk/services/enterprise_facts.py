"""What the register says about each enterprise in a given year: the shared reading behind
the enterprise list, the reminders and the derived indicators of items 4, 13 and 14.

Year rules, in one place:
  - Employee count and operating status are those of the year's EnterpriseYear row, or of the
    latest earlier row when the year has none yet (a clerk updates a row when something changes).
    An enterprise with no row up to the year was not on the register that year.
  - A union counts from its established date; one without a date counts as established.
  - A contract counts in a year when its term overlaps the year and the review did not object;
    a regional or sector contract counts for every enterprise it covers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Row, func, select
from sqlalchemy.orm import Session

from zkdesk.domain.contract_rules import LARGE_ENTERPRISE, MULTI_ENTERPRISE_KINDS, in_force_during
from zkdesk.services.errors import UserError
from zkdesk.services.scope import org_filter
from zkdesk.store.id_lists import id_parts
from zkdesk.store.models import CollectiveContract, ContractCoverage, Enterprise, EnterpriseUnion, EnterpriseYear, OrgUnit

CLOSED = "注销"
OPERATING = "正常经营"


def _by_year_end(day: date | None, year: int) -> bool:
    return day is None or day <= date(year, 12, 31)


@dataclass(frozen=True)
class YearFacts:
    """One enterprise as it stood in one year."""

    enterprise_id: str
    name: str
    uscc: str
    township_code: str
    ownership: str
    industry: str
    is_company: bool
    employees: int | None  # None: not on the register that year
    status: str | None
    has_union: bool  # union established by the year end
    congress: bool  # 职代会 established by the year end (needs a union)
    openness: bool  # 厂务公开 established by the year end (needs a union)

    @property
    def on_register(self) -> bool:
        """Recorded for the year (or earlier) and not deregistered."""
        return self.status is not None and self.status != CLOSED

    @property
    def large(self) -> bool:
        return self.on_register and (self.employees or 0) >= LARGE_ENTERPRISE

    @property
    def operating(self) -> bool:
        return self.status == OPERATING


def enterprise_year_facts(session: Session, org_code: str, year: int) -> list[YearFacts]:
    """Every enterprise of `org_code` (the county: all) that is not deleted, as of `year`."""
    return build_year_facts(enterprise_rows(session, org_code), latest_year_rows(session, year),
                            union_rows(session), year)


# The three readings enterprise_year_facts is made of, for a caller that reads them once for
# many years and org units (services.derived.Registers). Plain column rows, not ORM objects.

def enterprise_rows(session: Session, org_code: str) -> list[Row]:
    """The live enterprises of `org_code` (the county: all), in the lists' order."""
    return list(session.execute(
        select(Enterprise.id, Enterprise.name, Enterprise.uscc, Enterprise.township_code, Enterprise.ownership,
               Enterprise.industry, Enterprise.is_company)
        .where(Enterprise.deleted.is_(False), org_filter(Enterprise.township_code, org_code))
        .order_by(Enterprise.township_code, Enterprise.name, Enterprise.id)
    ).all())


def latest_year_rows(session: Session, year: int) -> dict[str, Row]:
    """Enterprise id → its latest live year row up to `year` (employees, operating status)."""
    latest_year = (
        select(EnterpriseYear.enterprise_id, func.max(EnterpriseYear.year).label("year"))
        .where(EnterpriseYear.deleted.is_(False), EnterpriseYear.year <= year)
        .group_by(EnterpriseYear.enterprise_id)
        .subquery()
    )
    return {
        row.enterprise_id: row
        for row in session.execute(
            select(EnterpriseYear.enterprise_id, EnterpriseYear.employees, EnterpriseYear.operating_status).join(
                latest_year,
                (EnterpriseYear.enterprise_id == latest_year.c.enterprise_id) & (EnterpriseYear.year == latest_year.c.year),
            ).where(EnterpriseYear.deleted.is_(False))
        )
    }


def union_rows(session: Session) -> dict[str, Row]:
    """Enterprise id → its live union row (established, 职代会 and 厂务公开 with their dates)."""
    return {
        u.enterprise_id: u
        for u in session.execute(
            select(EnterpriseUnion.enterprise_id, EnterpriseUnion.established_on, EnterpriseUnion.congress,
                   EnterpriseUnion.congress_on, EnterpriseUnion.openness, EnterpriseUnion.openness_on)
            .where(EnterpriseUnion.deleted.is_(False))
        )
    }


def build_year_facts(enterprises: list[Row], latest: dict[str, Row], unions: dict[str, Row], year: int) -> list[YearFacts]:
    facts = []
    for e in enterprises:
        row, union = latest.get(e.id), unions.get(e.id)
        has_union = union is not None and _by_year_end(union.established_on, year)
        facts.append(
            YearFacts(
                enterprise_id=e.id, name=e.name, uscc=e.uscc, township_code=e.township_code, ownership=e.ownership,
                industry=e.industry, is_company=e.is_company,
                employees=row.employees if row else None, status=row.operating_status if row else None,
                has_union=has_union,
                congress=has_union and union.congress and _by_year_end(union.congress_on, year),
                openness=has_union and union.openness and _by_year_end(union.openness_on, year),
            )
        )
    return facts


def contracts_in_force(session: Session, year: int) -> list[CollectiveContract]:
    """Contracts whose term overlaps `year` and that the review did not object to."""
    candidates = session.scalars(
        select(CollectiveContract).where(
            CollectiveContract.deleted.is_(False), CollectiveContract.signed_on <= date(year, 12, 31)
        )
    )
    return [c for c in candidates if in_force_during(c.signed_on, c.expires_on, c.review_objection, year)]


def covered_enterprise_ids(session: Session, contracts: list[CollectiveContract]) -> dict[str, set[str]]:
    """Contract id → the enterprises it covers (its own party and its coverage list)."""
    covered: dict[str, set[str]] = {c.id: ({c.enterprise_id} if c.enterprise_id else set()) for c in contracts}
    if contracts:
        # a county's contracts in force pass the engines' limit on IN (…): beyond a few hundred,
        # every live coverage row is read in one statement and the wanted ones kept here
        for ids in id_parts(covered):
            query = select(ContractCoverage.contract_id, ContractCoverage.enterprise_id).where(
                ContractCoverage.deleted.is_(False))
            for contract_id, enterprise_id in session.execute(
                    query if ids is None else query.where(ContractCoverage.contract_id.in_(ids))):
                if contract_id in covered:
                    covered[contract_id].add(enterprise_id)
    return covered


def counted_contracts(session: Session, year: int) -> dict[str, CollectiveContract]:
    """Enterprise id → the one contract a list shows for it in `year`: its own contract in force
    (the latest signed), else the latest regional or sector contract in force covering it."""
    contracts = contracts_in_force(session, year)
    coverage = covered_enterprise_ids(session, contracts)
    chosen: dict[str, CollectiveContract] = {}
    for c in sorted(contracts, key=lambda c: (c.kind in MULTI_ENTERPRISE_KINDS, -c.signed_on.toordinal())):
        for enterprise_id in coverage[c.id]:
            chosen.setdefault(enterprise_id, c)
    return chosen


@dataclass(frozen=True)
class ContractFacts:
    negotiated: frozenset[str]  # enterprises covered by a negotiation-established contract in force
    signed_alone: frozenset[str]  # enterprises with their own contract signed alone, in force
    covered: frozenset[str]  # enterprises covered by any contract in force


def contract_facts(session: Session, year: int) -> ContractFacts:
    contracts = contracts_in_force(session, year)
    return contract_facts_of(contracts, covered_enterprise_ids(session, contracts), year)


def contract_rows(session: Session) -> list[Row]:
    """Every live contract as a row of what contract_facts_of reads (for many years at once)."""
    return list(session.execute(
        select(CollectiveContract.id, CollectiveContract.enterprise_id, CollectiveContract.kind,
               CollectiveContract.signed_on, CollectiveContract.expires_on, CollectiveContract.review_objection,
               CollectiveContract.negotiation_established, CollectiveContract.signed_alone)
        .where(CollectiveContract.deleted.is_(False))
    ).all())


def coverage_rows(session: Session, contracts: list[Row]) -> dict[str, set[str]]:
    """covered_enterprise_ids for every live contract, read in one statement (no list of ids)."""
    covered: dict[str, set[str]] = {c.id: ({c.enterprise_id} if c.enterprise_id else set()) for c in contracts}
    for contract_id, enterprise_id in session.execute(
        select(ContractCoverage.contract_id, ContractCoverage.enterprise_id).where(ContractCoverage.deleted.is_(False))
    ):
        if contract_id in covered:
            covered[contract_id].add(enterprise_id)
    return covered


def contract_facts_of(contracts, coverage: dict[str, set[str]], year: int) -> ContractFacts:
    """The year's ContractFacts from contracts (ORM objects or contract_rows) and their coverage;
    contracts not in force that year are left out here."""
    negotiated, alone, covered = set(), set(), set()
    for c in contracts:
        if not in_force_during(c.signed_on, c.expires_on, c.review_objection, year):
            continue
        covered |= coverage[c.id]
        if c.negotiation_established:
            negotiated |= coverage[c.id]
        if c.signed_alone and c.enterprise_id and c.kind not in MULTI_ENTERPRISE_KINDS:
            alone.add(c.enterprise_id)
    return ContractFacts(frozenset(negotiated), frozenset(alone), frozenset(covered))


def require_in_scope(session: Session, actor, township_code: str, allow_county: bool = False) -> OrgUnit:
    """The township exists, and the actor's office may keep records of it."""
    if not township_code:
        raise UserError("请选择所属乡镇")
    unit = session.get(OrgUnit, township_code or "")
    allowed_levels = ("township", "county") if allow_county else ("township",)
    if unit is None or unit.level not in allowed_levels:
        raise UserError(f"所属乡镇“{township_code}”不是镇康县所属乡镇的统计用区划代码")
    actor.require_scope(township_code, unit.name)
    return unit
