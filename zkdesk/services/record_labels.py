"""One readable line per register record, for drill-down from a derived number."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from zkdesk.domain.roles import Permission
from zkdesk.services.actor import Actor
from zkdesk.services.orgs import org_names
from zkdesk.store.id_lists import chunks
from zkdesk.store.models import (
    CollectiveContract,
    Enterprise,
    EnterpriseUnion,
    Indicator,
    Nomination,
    Studio,
    StudioResult,
)

KIND_LABELS = {
    "nomination": "劳模推荐",
    "studio": "三室一站",
    "studio_result": "三室一站年度成果",
    "enterprise": "企业",
    "enterprise_union": "企业工会",
    "contract": "集体合同",
}


@dataclass(frozen=True)
class RecordLabel:
    record_id: str
    title: str
    township: str
    detail: str


def _by_id(session: Session, model, ids: tuple[str, ...]):
    return {r.id: r for part in chunks(list(ids)) for r in session.scalars(select(model).where(model.id.in_(part)))}


def describe_records(session: Session, actor: Actor, kind: str, ids: tuple[str, ...]) -> list[RecordLabel]:
    """Label the records in the order given; an id the database lacks is listed as such."""
    actor.require(Permission.VIEW)
    towns = org_names(session)
    labels: dict[str, RecordLabel] = {}
    if kind == "nomination":
        for r in _by_id(session, Nomination, ids).values():
            labels[r.id] = RecordLabel(r.id, r.name, towns.get(r.township_code, ""), f"{r.employer} {r.job_title}".strip())
    elif kind == "studio":
        for r in _by_id(session, Studio, ids).values():
            labels[r.id] = RecordLabel(r.id, r.name, towns.get(r.township_code, ""), f"{r.kind}，{r.level}，{r.status}")
    elif kind == "studio_result":
        results = _by_id(session, StudioResult, ids)
        studios = _by_id(session, Studio, tuple({r.studio_id for r in results.values()}))
        for r in results.values():
            s = studios.get(r.studio_id)
            labels[r.id] = RecordLabel(r.id, f"{s.name if s else '?'} {r.year}年", towns.get(s.township_code, "") if s else "",
                                       f"合理化建议{r.proposals}件，技术革新{r.tech_innovations}项，专利{r.patents}件")
    elif kind in ("enterprise", "enterprise_union"):
        model = Enterprise if kind == "enterprise" else EnterpriseUnion
        rows = _by_id(session, model, ids)
        ent_ids = tuple(ids) if kind == "enterprise" else tuple(r.enterprise_id for r in rows.values())
        enterprises = _by_id(session, Enterprise, ent_ids)
        for rid, r in rows.items():
            e = r if kind == "enterprise" else enterprises.get(r.enterprise_id)
            if e is not None:
                labels[rid] = RecordLabel(rid, e.name, towns.get(e.township_code, ""), f"{e.ownership}，{e.industry}")
    elif kind == "contract":
        for r in _by_id(session, CollectiveContract, ids).values():
            signed = f"{r.signed_on:%Y-%m-%d}签订" if r.signed_on else "未填签订日期"
            labels[r.id] = RecordLabel(r.id, r.title or r.kind, towns.get(r.township_code, ""), f"{r.kind}，{signed}")
    return [labels.get(i) or RecordLabel(i, "（本机数据库中没有该记录）", "", "") for i in ids]


# -- travelling records: what a user reads in conflict lists, import previews and reasons ------

TABLE_LABELS = {
    "plan": "规划", "plan_item": "规划条目", "indicator": "指标", "indicator_target": "分解目标",
    "indicator_value": "指标数值", "indicator_baseline": "基期数", "milestone": "完成事项", "year_lock": "年度锁定", "award_session": "评选届次", "nomination": "劳模推荐",
    "nomination_step": "推荐审核记录", "enterprise": "企业", "enterprise_year": "企业年度情况",
    "enterprise_union": "企业工会", "collective_contract": "集体合同", "contract_coverage": "合同覆盖企业",
    "quality_evaluation": "质效评估", "studio": "三室一站", "studio_member": "工作室成员", "studio_result": "工作室成果",
    "evaluation_narrative": "评估报告文字", "department": "责任单位", "indicator_duty": "指标责任分工",
}

_COMMON_FIELDS = {"id": "记录编号", "origin": "来源单位", "revision": "版本号", "updated_at": "修改时间", "deleted": "已删除"}

FIELD_LABELS: dict[str, dict[str, str]] = {
    "award_session": {"name": "届次名称", "number": "第几届", "year": "年份", "honour_type": "荣誉类别", "level": "级别",
                      "quota": "名额"},
    "enterprise": {"name": "企业名称", "uscc": "统一社会信用代码", "township_code": "所在乡镇", "ownership": "所有制",
                   "industry": "行业", "is_company": "公司制", "address": "地址", "contact_person": "联系人",
                   "contact_phone": "联系电话", "note": "备注"},
    "plan": {"code": "规划代码", "name": "规划名称", "short_name": "简称", "document": "文号", "start_year": "起始年",
             "end_year": "终止年", "catalog_version": "目录版本", "status": "状态",
             "current": "当前规划"},
    "year_lock": {"org_code": "单位", "year": "年份", "locked": "已锁定", "locked_by": "锁定人", "locked_at": "锁定时间",
                  "reason": "原因"},
    "collective_contract": {"enterprise_id": "企业", "township_code": "所在乡镇", "kind": "合同类别", "title": "合同名称",
                            "signed_alone": "单独签订", "negotiation_established": "集体协商建制", "signed_on": "签订日期",
                            "term_years": "期限（年）", "expires_on": "到期日期", "filed_on": "报送人社部门日期",
                            "review_opinion": "审查意见", "review_objection": "审查有异议", "effective_on": "生效日期",
                            "wage_increase_pct": "工资增幅（%）", "employees_covered": "覆盖职工数", "note": "备注"},
    "enterprise_union": {"enterprise_id": "企业", "established_on": "建会日期", "members": "会员人数", "chair": "工会主席",
                         "congress": "建立职代会", "congress_on": "职代会日期", "openness": "厂务公开",
                         "openness_on": "厂务公开日期", "worker_director": "职工董事", "worker_supervisor": "职工监事"},
    "enterprise_year": {"enterprise_id": "企业", "year": "年份", "employees": "职工人数", "operating_status": "经营状态",
                        "status_date": "状态日期"},
    "indicator": {"plan_id": "规划", "code": "指标编号", "item": "条目", "sort_key": "排序", "name": "指标名称",
                  "unit": "计量单位", "kind": "类型", "comparator": "比较方式", "target": "目标值", "target_year": "目标年",
                  "numerator_label": "分子说明", "denominator_label": "分母说明", "source": "数据来源",
                  "responsible": "责任单位", "quote": "规划原文"},
    "nomination": {"session_id": "评选届次", "township_code": "所在乡镇", "name": "姓名", "gender": "性别",
                   "ethnicity": "民族", "birth_date": "出生日期", "id_number": "身份证号", "political_status": "政治面貌",
                   "education": "学历", "employer": "工作单位", "enterprise_id": "所在企业", "job_title": "职务",
                   "phone": "联系电话", "category": "推荐类别", "industrial_worker": "产业工人",
                   "earlier_honours": "曾获荣誉", "deeds_short": "简要事迹", "deeds_full": "详细事迹", "photo": "照片",
                   "status": "推荐状态", "publicity_start": "公示开始", "publicity_end": "公示结束", "objections": "公示异议"},
    "plan_item": {"plan_id": "规划", "number": "条目序号", "section": "章节", "title": "条目名称", "responsible": "责任单位"},
    "quality_evaluation": {"enterprise_id": "企业", "year": "年份", "score_parties": "协商主体得分",
                           "score_procedure": "协商程序得分", "score_content": "协商内容得分",
                           "score_performance": "合同履行及效果得分", "score_overall": "综合评价得分", "score_total": "总分",
                           "respondents": "调查人数", "aware": "知晓人数", "satisfied": "满意人数"},
    "studio": {"name": "名称", "kind": "类型", "enterprise_id": "依托企业", "host_name": "依托单位", "township_code": "所在乡镇",
               "industry": "行业", "lead_name": "领办人", "lead_honours": "领办人荣誉", "lead_phone": "领办人电话",
               "lead_id_number": "领办人身份证号", "level": "级别", "status": "状态", "applied_on": "申报日期",
               "named_on": "命名日期", "reviewed_on": "复核日期", "revoked_on": "撤销日期", "naming_doc_no": "命名文号",
               "room_notes": "场所情况", "equipment_notes": "设备情况", "funding_notes": "经费情况"},
    "contract_coverage": {"contract_id": "集体合同", "enterprise_id": "覆盖企业"},
    "evaluation_narrative": {"plan_id": "规划", "org_code": "单位", "year_from": "起始年度", "year_to": "截止年度",
                             "effects": "主要成效", "problems": "存在的问题", "next_steps": "下一步工作",
                             "changed_by": "填写人"},
    "indicator_target": {"indicator_id": "指标", "org_code": "单位", "year": "年份", "value": "目标值"},
    "department": {"code": "单位代码", "name": "单位名称", "full_name": "单位全称", "sort_order": "排序"},
    "indicator_duty": {"indicator_id": "指标", "department_id": "责任单位", "role": "牵头或配合", "sort_order": "排序"},
    "milestone": {"indicator_id": "事项", "org_code": "单位", "done_on": "完成日期", "evidence": "完成依据",
                  "changed_by": "填报人"},
    "indicator_baseline": {"indicator_id": "指标", "org_code": "单位", "value": "基期数", "numerator": "分子",
                           "denominator": "分母", "note": "说明", "changed_by": "填报人"},
    "indicator_value": {"indicator_id": "指标", "org_code": "单位", "year": "年份", "value": "数值", "numerator": "分子",
                        "denominator": "分母", "note": "说明", "complete": "已填写完整", "changed_by": "填报人",
                        "review_status": "审核结果", "review_opinion": "审核意见"},
    "nomination_step": {"nomination_id": "推荐", "from_status": "原状态", "to_status": "新状态", "actor": "操作人",
                        "at": "时间", "opinion": "意见"},
    "studio_member": {"studio_id": "工作室", "name": "姓名", "job": "岗位", "skill_level": "技能等级"},
    "studio_result": {"studio_id": "工作室", "year": "年份", "proposals": "合理化建议提出", "proposals_adopted": "合理化建议采纳",
                      "tech_innovations": "技术革新", "rd_projects": "研发项目", "patents": "专利", "patent_details": "专利明细",
                      "methods": "先进操作法", "achievements_awarded": "获奖创新成果", "training_sessions": "培训场次",
                      "people_trained": "培训人数", "people_promoted": "晋级人数", "description": "说明"},
}


def table_label(table: str) -> str:
    return TABLE_LABELS.get(table, "其他数据")


def field_label(table: str, column: str) -> str:
    """A column's Chinese name; never the column's own name."""
    return FIELD_LABELS.get(table, {}).get(column) or _COMMON_FIELDS.get(column) or "其他字段"


def _fmt(value) -> str:
    return "" if value is None else str(value)


def travelling_titles(session: Session, table: str, rows: list[dict]) -> list[str]:
    """A Chinese name for each travelling record given as a row (column -> value, as a package
    carries it): the enterprise's name, the person, the indicator's 编号 + name + unit + year, …
    References are looked up here; a reference this database lacks is left out."""
    towns = org_names(session)

    def lookup(model, ids) -> dict:
        return _by_id(session, model, tuple(sorted({i for i in ids if isinstance(i, str)})))

    col = lambda key: [r.get(key) for r in rows]  # noqa: E731
    ents = lookup(Enterprise, col("enterprise_id"))
    studios = lookup(Studio, col("studio_id"))
    inds = lookup(Indicator, col("indicator_id"))
    noms = lookup(Nomination, col("nomination_id"))
    contracts = lookup(CollectiveContract, col("contract_id"))
    ent_name = lambda r: ents[r["enterprise_id"]].name if r.get("enterprise_id") in ents else ""  # noqa: E731
    out = []
    for r in rows:
        town = towns.get(r.get("township_code") or r.get("org_code") or "", "")
        if table in ("enterprise", "award_session", "plan", "studio_member", "department"):
            title = _fmt(r.get("name"))
        elif table == "nomination":
            title = f"{_fmt(r.get('name'))}（{_fmt(r.get('employer'))}）" if r.get("employer") else _fmt(r.get("name"))
        elif table == "studio":
            title = _fmt(r.get("name"))
        elif table == "studio_result":
            s = studios.get(r.get("studio_id"))
            title = f"{s.name if s else '工作室'} {_fmt(r.get('year'))}年成果"
        elif table in ("indicator_value", "indicator_target", "indicator_baseline", "milestone", "indicator_duty"):
            ind = inds.get(r.get("indicator_id"))
            what = f"{ind.code} {ind.name}" if ind else "指标"
            year = f" {r['year']}年" if r.get("year") else (" 基期数" if table == "indicator_baseline" else "")
            title = (f"{what}的责任单位" if table == "indicator_duty"
                     else f"{what}（{town}{year}）")
        elif table in ("enterprise_year", "quality_evaluation"):
            title = f"{ent_name(r) or '企业'} {_fmt(r.get('year'))}年"
        elif table == "enterprise_union":
            title = f"{ent_name(r) or '企业'}工会"
        elif table == "collective_contract":
            title = _fmt(r.get("title")) or f"{ent_name(r)}{_fmt(r.get('kind'))}"
            if r.get("signed_on"):
                title += f"（{str(r['signed_on'])[:10]}签订）"
        elif table == "contract_coverage":
            c = contracts.get(r.get("contract_id"))
            title = f"{(c.title or c.kind) if c else '集体合同'}覆盖{ent_name(r) or '企业'}"
        elif table == "nomination_step":
            n = noms.get(r.get("nomination_id"))
            title = f"{n.name if n else '推荐'}的审核记录"
        elif table == "indicator":
            title = f"{_fmt(r.get('code'))} {_fmt(r.get('name'))}"
        elif table == "plan_item":
            title = f"第{_fmt(r.get('number'))}条 {_fmt(r.get('title'))}"
        elif table == "year_lock":
            title = f"{town} {_fmt(r.get('year'))}年锁定"
        elif table == "evaluation_narrative":
            years = _fmt(r.get("year_from")) + ("" if r.get("year_from") == r.get("year_to") else f"—{_fmt(r.get('year_to'))}")
            title = f"{town} {years}年评估报告文字"
        else:
            title = ""
        out.append(title.strip() or table_label(table))
    return out
