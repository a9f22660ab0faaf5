"""Building enterprise-register records through the services, for tests."""

from __future__ import annotations

from datetime import date

from zkdesk.services.contracts import ContractInput, create_contract
from zkdesk.services.enterprises import EnterpriseInput, UnionInput, YearInput, create_enterprise, save_union, set_enterprise_year
from zkdesk.services.evaluations import EvaluationInput, save_evaluation

NANSAN = "530924103"
MENGPENG = "530924102"


def add_enterprise(s, actor, name, *, township=NANSAN, ownership="非公", employees=120, status="正常经营",
                   year=2025, union: UnionInput | bool | None = True, is_company=True, uscc="") -> str:
    saved = create_enterprise(s, actor, EnterpriseInput(name=name, township_code=township, ownership=ownership,
                                                        is_company=is_company, uscc=uscc))
    if year is not None:
        set_enterprise_year(s, actor, saved.id, YearInput(year, employees, status))
    if union is True:
        union = UnionInput(established_on=date(2020, 5, 1), members=max(1, employees // 2), chair="王芳")
    if union:
        save_union(s, actor, saved.id, union)
    return saved.id


def add_contract(s, actor, enterprise_id=None, *, kind="综合集体合同", signed=date(2024, 3, 1), term=3, alone=True,
                 negotiation=True, filed=None, objection=False, covered=(), township="") -> str:
    return create_contract(s, actor, ContractInput(
        kind=kind, signed_on=signed, term_years=term, enterprise_id=enterprise_id, signed_alone=alone,
        negotiation_established=negotiation, filed_on=filed, review_objection=objection,
        covered_enterprise_ids=tuple(covered), township_code=township,
    ))


def add_evaluation(s, actor, enterprise_id, year=2025, *, scores=(18, 18, 16, 16, 16), respondents=50, aware=45,
                   satisfied=40) -> str:
    return save_evaluation(s, actor, EvaluationInput(enterprise_id, year, *scores, respondents=respondents, aware=aware,
                                                     satisfied=satisfied))
