"""Items 4, 13 and 14 from the enterprise register (enterprises, unions, contracts, evaluations).

The year rules (per-year figures carried forward, union counted from its established date,
contracts counted when their term overlaps the year, a regional or sector contract counting for
every enterprise it covers) are in services/enterprise_facts.py. Each derivation below says
which enterprises make its denominator.

Every derivation reads through the request's `Registers`: the enterprises and unions once, the
year rows once per year, the contracts with their coverage once, the evaluations once; each org
unit takes its part in memory.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from zkdesk.domain.contract_rules import PRIVATE_OWNERSHIPS, QUALITY_PASS_SCORE, STATE_OWNERSHIP
from zkdesk.domain.orgcodes import COUNTY_CODE
from zkdesk.services.derived import Derived, Registers, derivation, of_org, rate
from zkdesk.services.enterprise_facts import (
    ContractFacts, YearFacts, build_year_facts, contract_facts_of, contract_rows, coverage_rows, enterprise_rows,
    latest_year_rows, union_rows,
)
from zkdesk.store.models import Enterprise, QualityEvaluation


def year_facts(reg: Registers, org_code: str, year: int) -> list[YearFacts]:
    """enterprise_year_facts(session, org_code, year), read once per year for the whole county."""
    county = reg.once(("enterprises.year_facts", year), lambda s: build_year_facts(
        reg.once("enterprises.rows", lambda s: enterprise_rows(s, COUNTY_CODE)),
        latest_year_rows(s, year),
        reg.once("enterprises.unions", union_rows),
        year,
    ))
    keep = of_org(org_code)
    return [f for f in county if keep(f.township_code)]


def contract_facts(reg: Registers, year: int) -> ContractFacts:
    """enterprise_facts.contract_facts(reg, year), the contracts read once for every year."""
    def load(s: Session) -> ContractFacts:
        contracts = reg.once("contracts.rows", contract_rows)
        return contract_facts_of(contracts, reg.once("contracts.coverage", lambda s: coverage_rows(s, contracts)), year)

    return reg.once(("contracts.facts", year), load)


def _enterprise_rate(
    reg: Registers,
    org_code: str,
    year: int,
    in_base: Callable[[YearFacts], bool],
    counted: Callable[[YearFacts], bool],
    explanation: str,
) -> Derived:
    base = [f for f in year_facts(reg, org_code, year) if in_base(f)]
    hits = [f for f in base if counted(f)]
    return rate(len(hits), len(base), record_kind="enterprise", record_ids=tuple(f.enterprise_id for f in base),
                explanation=explanation.format(num=len(hits), den=len(base)))


# ---- item 4 ---------------------------------------------------------------------------

@derivation("enterprises.union_coverage_100plus")
def union_coverage_100plus(reg: Registers, org_code: str, year: int) -> Derived:
    """Denominator: enterprises on the register that year (not 注销) with 100+ employees.
    Numerator: those whose union was established by the end of the year."""
    return _enterprise_rate(reg, org_code, year, lambda f: f.large, lambda f: f.has_union,
                            "百人以上企业（不含注销）{den}家，其中年底前已建工会{num}家")


# ---- item 13 --------------------------------------------------------------------------

def _soe_with_union(f: YearFacts) -> bool:
    """Denominator of 13.1/13.2: 国有 enterprises on the register with a union by the year end."""
    return f.on_register and f.has_union and f.ownership == STATE_OWNERSHIP


def _private_with_union(f: YearFacts) -> bool:
    """Denominator of 13.3/13.4: 非公有制 (非公, 外资, 港澳台) enterprises on the register with a union."""
    return f.on_register and f.has_union and f.ownership in PRIVATE_OWNERSHIPS


@derivation("enterprises.soe_congress_rate")
def soe_congress_rate(reg: Registers, org_code: str, year: int) -> Derived:
    return _enterprise_rate(reg, org_code, year, _soe_with_union, lambda f: f.congress,
                            "已建工会国有企业{den}家，其中建立职代会制度{num}家")


@derivation("enterprises.soe_openness_rate")
def soe_openness_rate(reg: Registers, org_code: str, year: int) -> Derived:
    return _enterprise_rate(reg, org_code, year, _soe_with_union, lambda f: f.openness,
                            "已建工会国有企业{den}家，其中建立厂务公开制度{num}家")


@derivation("enterprises.private_congress_rate")
def private_congress_rate(reg: Registers, org_code: str, year: int) -> Derived:
    return _enterprise_rate(reg, org_code, year, _private_with_union, lambda f: f.congress,
                            "已建工会非公有制企业{den}家，其中建立职代会制度{num}家")


@derivation("enterprises.private_openness_rate")
def private_openness_rate(reg: Registers, org_code: str, year: int) -> Derived:
    return _enterprise_rate(reg, org_code, year, _private_with_union, lambda f: f.openness,
                            "已建工会非公有制企业{den}家，其中建立厂务公开制度{num}家")


# ---- item 14: negotiation and contracts ----------------------------------------------

def _with_union(f: YearFacts) -> bool:
    """Denominator of 14.1: every enterprise on the register (not 注销) with a union by the year end."""
    return f.on_register and f.has_union


def _operating_large_with_union(f: YearFacts) -> bool:
    """Denominator of 14.2/14.3: 正常经营 that year, 100+ employees, union by the year end
    (停产 and 注销 enterprises are left out)."""
    return f.operating and f.large and f.has_union


@derivation("contracts.negotiation_rate")
def negotiation_rate(reg: Registers, org_code: str, year: int) -> Derived:
    negotiated = contract_facts(reg, year).negotiated
    return _enterprise_rate(reg, org_code, year, _with_union, lambda f: f.enterprise_id in negotiated,
                            "建会企业{den}家，其中由本年有效的集体协商建制合同覆盖{num}家（区域性、行业性合同按覆盖企业计）")


@derivation("contracts.negotiation_rate_100plus")
def negotiation_rate_100plus(reg: Registers, org_code: str, year: int) -> Derived:
    negotiated = contract_facts(reg, year).negotiated
    return _enterprise_rate(reg, org_code, year, _operating_large_with_union, lambda f: f.enterprise_id in negotiated,
                            "正常经营的百人以上建会企业{den}家，其中建立集体协商制度{num}家")


@derivation("contracts.signed_alone_rate")
def signed_alone_rate(reg: Registers, org_code: str, year: int) -> Derived:
    alone = contract_facts(reg, year).signed_alone
    return _enterprise_rate(reg, org_code, year, _operating_large_with_union, lambda f: f.enterprise_id in alone,
                            "正常经营的百人以上建会企业{den}家，其中本年有单独签订的有效集体合同{num}家")


def _evaluation_rows(session: Session) -> list[Row]:
    """Every live evaluation of a live enterprise, with the enterprise's township."""
    return list(session.execute(
        select(QualityEvaluation.id, QualityEvaluation.enterprise_id, QualityEvaluation.year, QualityEvaluation.aware,
               QualityEvaluation.satisfied, QualityEvaluation.respondents, QualityEvaluation.score_total,
               Enterprise.township_code)
        .join(Enterprise, Enterprise.id == QualityEvaluation.enterprise_id)
        .where(QualityEvaluation.deleted.is_(False), Enterprise.deleted.is_(False))
    ).all())


def _evaluations_of_negotiated(reg: Registers, org_code: str, year: int) -> list[Row]:
    """The year's evaluations of enterprises (of org_code) that had a negotiation-established
    contract in force that year: the base of 14.4, 14.5 and 14.6."""
    negotiated = contract_facts(reg, year).negotiated
    keep = of_org(org_code)
    return [ev for ev in reg.once("contracts.evaluations", _evaluation_rows)
            if ev.year == year and keep(ev.township_code) and ev.enterprise_id in negotiated]


@derivation("contracts.awareness_rate")
def awareness_rate(reg: Registers, org_code: str, year: int) -> Derived:
    """Σ aware / Σ respondents over the year's evaluations of negotiation-established enterprises."""
    evs = _evaluations_of_negotiated(reg, org_code, year)
    num, den = sum(e.aware for e in evs), sum(e.respondents for e in evs)
    return rate(num, den, record_kind="evaluation", record_ids=tuple(e.id for e in evs),
                explanation=f"{len(evs)}家集体协商建制企业受调查职工{den}人，其中知晓集体协商{num}人")


@derivation("contracts.satisfaction_rate")
def satisfaction_rate(reg: Registers, org_code: str, year: int) -> Derived:
    """Σ satisfied / Σ respondents over the same evaluations as the awareness rate."""
    evs = _evaluations_of_negotiated(reg, org_code, year)
    num, den = sum(e.satisfied for e in evs), sum(e.respondents for e in evs)
    return rate(num, den, record_kind="evaluation", record_ids=tuple(e.id for e in evs),
                explanation=f"{len(evs)}家集体协商建制企业受调查职工{den}人，其中对集体协商满意{num}人")


@derivation("contracts.quality_80_rate")
def quality_80_rate(reg: Registers, org_code: str, year: int) -> Derived:
    """Denominator: negotiation-established enterprises evaluated that year.
    Numerator: those whose total score is 80 or more."""
    evs = _evaluations_of_negotiated(reg, org_code, year)
    num = sum(e.score_total >= QUALITY_PASS_SCORE for e in evs)
    return rate(num, len(evs), record_kind="evaluation", record_ids=tuple(e.id for e in evs),
                explanation=f"参加质效评估的集体协商建制企业{len(evs)}家，其中得分80分以上{num}家")
