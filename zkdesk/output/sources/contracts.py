"""集体合同签订情况: one row per enterprise counted in the year (see negotiation.standings)."""

from __future__ import annotations

from zkdesk.output.sources import SourceQuery, SourceResult, source
from zkdesk.output.sources.common import township_names
from zkdesk.output.sources.negotiation import contract_end, enterprise_years, standings

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


@source("contracts.enterprises", label="集体合同企业", fields=FIELDS, personal={"contact_phone": "phone"}, years=enterprise_years)
def contract_list(q: SourceQuery) -> SourceResult:
    names = township_names(q.session)
    rows = []
    for s in standings(q.session, q.org_code, q.year):
        e = s.enterprise
        contract = s.contract or s.covering
        if s.contract is not None:
            mode = "单独签订" if s.contract.signed_alone else "联合签订"
        elif s.covering is not None:
            mode = "区域性" if "区域" in s.covering.kind else "行业性"
        else:
            mode = ""
        review = ""
        if contract is not None and contract.filed_on:
            review = contract.review_opinion.strip() or "无异议"
        rows.append({
            "township": names.get(e.township_code, (0, e.township_code))[1],
            "name": e.name,
            "uscc": e.uscc,
            "ownership": e.ownership,
            "industry": e.industry,
            "employees": s.employees,
            "operating_status": s.operating_status,
            "unionised": s.unionised,
            "union_members": s.union.members if s.union else None,
            "has_contract": contract is not None,
            "contract_kind": contract.kind if contract else "",
            "sign_mode": mode,
            "signed_on": contract.signed_on if contract else None,
            "term_years": contract.term_years if contract else None,
            "expires_on": contract_end(contract) if contract else None,
            "filed_on": contract.filed_on if contract else None,
            "review": review,
            "employees_covered": contract.employees_covered if s.contract is not None else None,
            "wage_increase_pct": contract.wage_increase_pct if s.contract is not None else None,
            "established": s.established,
            "enterprise_count": 1,
            "contact_person": e.contact_person,
            "contact_phone": e.contact_phone,
        })
    return SourceResult(rows)
