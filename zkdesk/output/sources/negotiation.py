"""集体协商建制: the one place computing plan item 14's rates for the printed forms.

Definitions (plan item 14, catalog indicators 14.1–14.6), all at the end of the year:
  - an enterprise counts in a year when it has that year's record and is not 注销;
  - 建会企业: its union exists (no founding date, or founded by the end of the year);
  - a contract is in force when signed by the end of the year and not yet expired
    (expires_on, else signed_on + term_years); an enterprise is 建制 when an own contract or a
    regional/sector contract covering it (contract_coverage) is in force and marked
    negotiation_established;
  - 14.1 建制率 = 建制的建会企业 / 建会企业;
  - 14.2 = the same among 正常经营 建会企业 with at least 100 employees that year;
  - 14.3 单独签订率 = those of 14.2's denominator with an own, separately signed contract in force;
  - 14.4 知晓率 / 14.5 满意度 = Σaware / Σrespondents and Σsatisfied / Σrespondents of the
    year's 质效评估 of 建制 enterprises;
  - 14.6 = 建制 enterprises evaluated that year with a total score ≥ 80 / those evaluated.
For the county every township is counted, so the county's rates are Σnumerator / Σdenominator.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from zkdesk.output.sources import SourceQuery, SourceResult, source
from zkdesk.output.sources.common import township_names, townships_in_scope
from zkdesk.services.scope import org_filter
from zkdesk.store.models import (
    CollectiveContract,
    ContractCoverage,
    Enterprise,
    EnterpriseUnion,
    EnterpriseYear,
    QualityEvaluation,
)

BIG_ENTERPRISE = 100  # 百人以上
GOOD_SCORE = 80.0


def contract_end(contract: CollectiveContract) -> date | None:
    if contract.expires_on:
        return contract.expires_on
    if contract.signed_on and contract.term_years:
        year = contract.signed_on.year + contract.term_years
        try:
            anniversary = contract.signed_on.replace(year=year)
        except ValueError:  # signed on 29 February
            anniversary = date(year, 3, 1)
        return anniversary - timedelta(days=1)
    return None


def in_force(contract: CollectiveContract, day: date) -> bool:
    if contract.deleted or contract.signed_on is None or contract.signed_on > day:
        return False
    end = contract_end(contract)
    return end is None or end >= day


@dataclass
class Standing:
    """One enterprise at the end of a year."""

    enterprise: Enterprise
    employees: int
    operating_status: str
    union: EnterpriseUnion | None
    contract: CollectiveContract | None  # its own contract in force
    covering: CollectiveContract | None  # a regional / sector contract in force covering it
    evaluation: QualityEvaluation | None

    @property
    def unionised(self) -> bool:
        return self.union is not None

    @property
    def established(self) -> bool:
        return self.unionised and any(c is not None and c.negotiation_established for c in (self.contract, self.covering))

    @property
    def big(self) -> bool:
        return self.unionised and self.operating_status == "正常经营" and self.employees >= BIG_ENTERPRISE

    @property
    def signed_alone(self) -> bool:
        return self.contract is not None and self.contract.signed_alone


def standings(session: Session, org_code: str, year: int) -> list[Standing]:
    """Every enterprise counted in `year` for `org_code`, with what item 14 needs."""
    end = date(year, 12, 31)
    pairs = session.execute(
        select(Enterprise, EnterpriseYear)
        .join(EnterpriseYear, EnterpriseYear.enterprise_id == Enterprise.id)
        .where(Enterprise.deleted.is_(False), EnterpriseYear.deleted.is_(False), EnterpriseYear.year == year,
               EnterpriseYear.operating_status != "注销", org_filter(Enterprise.township_code, org_code))
    ).all()
    ids = [e.id for e, _ in pairs]
    unions = {u.enterprise_id: u for u in session.scalars(
        select(EnterpriseUnion).where(EnterpriseUnion.enterprise_id.in_(ids), EnterpriseUnion.deleted.is_(False))
    ) if u.established_on is None or u.established_on <= end}
    own: dict[str, CollectiveContract] = {}
    for c in session.scalars(select(CollectiveContract).where(CollectiveContract.enterprise_id.in_(ids))):
        if in_force(c, end) and (c.enterprise_id not in own or c.signed_on > own[c.enterprise_id].signed_on):
            own[c.enterprise_id] = c
    covering: dict[str, CollectiveContract] = {}
    for cov, c in session.execute(
        select(ContractCoverage, CollectiveContract).join(CollectiveContract, CollectiveContract.id == ContractCoverage.contract_id)
        .where(ContractCoverage.enterprise_id.in_(ids), ContractCoverage.deleted.is_(False))
    ).all():
        if in_force(c, end):
            covering[cov.enterprise_id] = c
    evaluations = {e.enterprise_id: e for e in session.scalars(
        select(QualityEvaluation).where(QualityEvaluation.enterprise_id.in_(ids), QualityEvaluation.year == year,
                                        QualityEvaluation.deleted.is_(False))
    )}
    names = township_names(session)
    pairs.sort(key=lambda p: (names.get(p[0].township_code, (999,))[0], p[0].name, p[0].id))
    return [
        Standing(e, y.employees, y.operating_status, unions.get(e.id), own.get(e.id), covering.get(e.id), evaluations.get(e.id))
        for e, y in pairs
    ]


@dataclass
class NegotiationCounts:
    unionised: int = 0
    established: int = 0
    big: int = 0
    big_established: int = 0
    big_alone: int = 0
    respondents: int = 0
    aware: int = 0
    satisfied: int = 0
    evaluated: int = 0
    evaluated_good: int = 0

    def add(self, s: Standing) -> None:
        self.unionised += s.unionised
        self.established += s.established
        self.big += s.big
        self.big_established += s.big and s.established
        self.big_alone += s.big and s.signed_alone
        if s.established and s.evaluation is not None:
            self.respondents += s.evaluation.respondents
            self.aware += s.evaluation.aware
            self.satisfied += s.evaluation.satisfied
            self.evaluated += 1
            self.evaluated_good += s.evaluation.score_total >= GOOD_SCORE

    def as_row(self) -> dict[str, object]:
        row: dict[str, object] = {f.name: getattr(self, f.name) for f in fields(self)}
        row.update(
            established_rate=rate(self.established, self.unionised),
            big_rate=rate(self.big_established, self.big),
            alone_rate=rate(self.big_alone, self.big),
            awareness_rate=rate(self.aware, self.respondents),
            satisfaction_rate=rate(self.satisfied, self.respondents),
            good_rate=rate(self.evaluated_good, self.evaluated),
        )
        return row


def rate(numerator: float, denominator: float) -> float | None:
    return None if not denominator else round(100.0 * numerator / denominator, 2)


def negotiation_counts(session: Session, org_code: str, year: int) -> NegotiationCounts:
    counts = NegotiationCounts()
    for s in standings(session, org_code, year):
        counts.add(s)
    return counts


FIELDS = {
    "township": "乡镇",
    "unionised": "建会企业数",
    "established": "集体协商建制的建会企业数",
    "established_rate": "集体协商建制率（%）",
    "big": "正常经营的百人以上建会企业数",
    "big_established": "其中集体协商建制的",
    "big_rate": "百人以上建会企业建制率（%）",
    "big_alone": "其中单独签订集体合同的",
    "alone_rate": "单独签订集体合同率（%）",
    "respondents": "受调查职工数",
    "aware": "知晓集体协商的职工数",
    "awareness_rate": "知晓率（%）",
    "satisfied": "对集体协商满意的职工数",
    "satisfaction_rate": "满意度（%）",
    "evaluated": "参加质效评估的建制企业数",
    "evaluated_good": "质效评估80分以上的建制企业数",
    "good_rate": "80分以上比例（%）",
}


def enterprise_years(session: Session, org_code: str) -> list[int]:
    """Years with enterprise records in scope."""
    query = (select(EnterpriseYear.year).join(Enterprise, Enterprise.id == EnterpriseYear.enterprise_id)
             .where(Enterprise.deleted.is_(False), org_filter(Enterprise.township_code, org_code)).distinct())
    return sorted(session.scalars(query))


@source("contracts.negotiation", label="集体协商建制情况", fields=FIELDS, years=enterprise_years)
def negotiation_summary(q: SourceQuery) -> SourceResult:
    """One row per township in scope (all seven for the county), empty townships included."""
    per_township: dict[str, NegotiationCounts] = {}
    for s in standings(q.session, q.org_code, q.year):
        per_township.setdefault(s.enterprise.township_code, NegotiationCounts()).add(s)
    rows = []
    for unit in townships_in_scope(q.session, q.org_code):
        row = per_township.get(unit.code, NegotiationCounts()).as_row()
        row["township"] = unit.short_name
        rows.append(row)
    return SourceResult(rows)
