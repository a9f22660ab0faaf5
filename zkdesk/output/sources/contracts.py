"""集体合同签订情况: one row per enterprise on the register in the year, with the contract it is
counted under. Which enterprises and contracts count is the enterprise register's reading
(services/enterprise_facts.py), the same the item-4/13/14 indicators use."""

from __future__ import annotations

from sqlalchemy import select

from zkdesk.domain.contract_rules import MULTI_ENTERPRISE_KINDS
from zkdesk.domain.choices import industry_label
from zkdesk.output.sources import SourceQuery, SourceResult, source
from zkdesk.output.sources.common import enterprise_years, township_names
from zkdesk.services.enterprise_facts import contract_facts, counted_contracts, enterprise_year_facts
from zkdesk.store.id_lists import id_parts
from zkdesk.store.models import Enterprise, EnterpriseUnion

FIELDS = {
    "township": "所在乡镇",
    "name": "企业名称",
    "uscc": "统一社会信用代码",
    "ownership": "经济类型",
    "industry": "行业",
    "employees": "职工人数",
    "operating_status": "经营状态",
    "unionised": "是否建会",
    "union_members": "工会会员数",
    "has_contract": "是否签订集体合同（本企业或区域性、行业性）",
    "contract_kind": "合同类型",
    "sign_mode": "签订方式",
    "signed_on": "签订日期",
    "term_years": "合同期限（年）",
    "expires_on": "到期日期",
    "filed_on": "报送人社部门日期",
    "review": "审查意见",
    "employees_covered": "覆盖职工人数",
    "wage_increase_pct": "工资增幅（%）",
    "established": "是否集体协商建制",
    "enterprise_count": "企业数（每行为1）",
    "contact_person": "联系人",
    "contact_phone": "联系电话",
}


def _sign_mode(contract, own: bool) -> str:
    if own:
        return "单独签订" if contract.signed_alone else "联合签订"
    return "区域性" if "区域" in contract.kind else "行业性"


@source("contracts.enterprises", label="集体合同企业", fields=FIELDS, personal={"contact_phone": "phone"}, years=enterprise_years)
def contract_list(q: SourceQuery) -> SourceResult:
    names = township_names(q.session)
    facts = [f for f in enterprise_year_facts(q.session, q.org_code, q.year) if f.on_register]
    facts.sort(key=lambda f: (names.get(f.township_code, (999,))[0], f.name, f.enterprise_id))
    ids = [f.enterprise_id for f in facts]
    contracts = counted_contracts(q.session, q.year)
    negotiated = contract_facts(q.session, q.year).negotiated
    wanted = set(ids)
    members: dict = {}
    contacts: dict = {}
    for part in id_parts(wanted):  # the county's register passes the engines' limit on IN (…)
        unions = select(EnterpriseUnion.enterprise_id, EnterpriseUnion.members).where(EnterpriseUnion.deleted.is_(False))
        people = select(Enterprise.id, Enterprise.contact_person, Enterprise.contact_phone)
        if part is not None:
            unions = unions.where(EnterpriseUnion.enterprise_id.in_(part))
            people = people.where(Enterprise.id.in_(part))
        members.update((eid, n) for eid, n in q.session.execute(unions) if eid in wanted)
        contacts.update((row.id, row) for row in q.session.execute(people) if row.id in wanted)
    rows = []
    for f in facts:
        contract = contracts.get(f.enterprise_id)
        own = contract is not None and contract.kind not in MULTI_ENTERPRISE_KINDS
        review = ""
        if contract is not None and contract.filed_on:
            review = contract.review_opinion.strip() or "无异议"
        rows.append({
            "township": names.get(f.township_code, (0, f.township_code))[1],
            "name": f.name,
            "uscc": f.uscc,
            "ownership": f.ownership,
            "industry": industry_label(f.industry),
            "employees": f.employees,
            "operating_status": f.status,
            "unionised": f.has_union,
            "union_members": members.get(f.enterprise_id) if f.has_union else None,
            "has_contract": contract is not None,
            "contract_kind": contract.kind if contract else "",
            "sign_mode": _sign_mode(contract, own) if contract else "",
            "signed_on": contract.signed_on if contract else None,
            "term_years": contract.term_years if contract else None,
            "expires_on": contract.expires_on if contract else None,
            "filed_on": contract.filed_on if contract else None,
            "review": review,
            "employees_covered": contract.employees_covered if own else None,
            "wage_increase_pct": contract.wage_increase_pct if own else None,
            "established": f.has_union and f.enterprise_id in negotiated,
            "enterprise_count": 1,
            "contact_person": contacts[f.enterprise_id].contact_person,
            "contact_phone": contacts[f.enterprise_id].contact_phone,
        })
    return SourceResult(rows)
