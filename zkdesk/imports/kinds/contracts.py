"""集体合同: matched on enterprise (or township, for regional/sector contracts) + type + signing date."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from zkdesk.domain import choices
from zkdesk.imports import cells
from zkdesk.imports.kinds._shared import load_enterprises, name_key, township_names
from zkdesk.imports.spec import EXAMPLE_NOTE, Column, KindSpec, Lookups, RowError
from zkdesk.services.scope import org_filter
from zkdesk.store.models import CollectiveContract, Enterprise

REGIONAL = ("区域性集体合同", "行业性集体合同")
TYPE_ALIASES = {
    "综合": "综合集体合同", "集体合同": "综合集体合同", "综合性集体合同": "综合集体合同",
    "工资专项": "工资专项集体合同", "工资专项集体协议": "工资专项集体合同", "工资集体协议": "工资专项集体合同",
    "女职工专项": "女职工权益保护专项集体合同", "女职工权益保护专项合同": "女职工权益保护专项集体合同",
    "女职工专项集体合同": "女职工权益保护专项集体合同",
    "区域性": "区域性集体合同", "区域性合同": "区域性集体合同", "行业性": "行业性集体合同", "行业性合同": "行业性集体合同",
}

COLUMNS = (
    Column("enterprise_uscc", "企业统一社会信用代码", cells.uscc, stored=False, width=22,
           synonyms=("统一社会信用代码", "信用代码", "社会信用代码"),
           note="签订合同的企业（须已在企业名册中）；区域性、行业性合同可空", example="91530924MA6K8T2C1N"),
    Column("enterprise_name", "企业名称", cells.text, stored=False, width=30, synonyms=("单位名称", "签订单位", "企业（单位）名称"),
           note="未填信用代码时，按名称在企业名册中查找（须唯一）", example="镇康县南伞示例茶业有限公司"),
    Column("township_code", "所属乡镇", cells.township, width=12, synonyms=("乡镇", "乡（镇）", "所在乡镇"),
           note="可空：默认取企业所属乡镇；区域性、行业性合同必填", example="南伞镇"),
    Column("kind", "合同类型", cells.choice(choices.CONTRACT_TYPES, TYPE_ALIASES), required=True, width=24,
           synonyms=("类型", "合同种类", "集体合同类型"), example="综合集体合同"),
    Column("title", "合同名称", cells.text, width=30, synonyms=("名称", "合同标题"), example="2024年集体合同"),
    Column("signed_alone", "单独签订", cells.yes_no, fmt="bool", blank=True, width=9,
           synonyms=("是否单独签订",), note="空白视为“是”", example="是"),
    Column("negotiation_established", "建立集体协商制度", cells.yes_no, fmt="bool", blank=True, width=10,
           synonyms=("集体协商建制", "协商建制", "是否建立集体协商制度"), note="空白视为“是”", example="是"),
    Column("signed_on", "签订日期", cells.parse_date, required=True, fmt="date", width=12,
           synonyms=("签订时间", "签约日期", "签订日"), note="如 2024-03-01 或 2024年3月1日", example=date(2024, 3, 1)),
    Column("term_years", "期限（年）", cells.count, fmt="int", blank=3, width=8,
           synonyms=("合同期限", "期限", "有效期"), note="空白按3年", example=3),
    Column("expires_on", "到期日期", cells.parse_date, fmt="date", blank=None, width=12,
           synonyms=("到期时间", "终止日期", "有效期至"), note="空白按签订日期加期限计算", example=date(2027, 2, 28)),
    Column("filed_on", "报送日期", cells.parse_date, fmt="date", blank=None, width=12,
           synonyms=("报送人社部门日期", "备案日期", "报送时间", "审查报送日期"), example=date(2024, 3, 8)),
    Column("effective_on", "生效日期", cells.parse_date, fmt="date", blank=None, width=12,
           synonyms=("生效时间",), example=date(2024, 3, 23)),
    Column("wage_increase_pct", "工资增幅（%）", cells.number, fmt="number", blank=None, width=10,
           synonyms=("工资增长幅度", "工资增长率", "工资增幅"), example=5),
    Column("employees_covered", "覆盖职工人数", cells.count, fmt="int", blank=0, width=10,
           synonyms=("覆盖职工数", "职工人数", "涉及职工人数", "覆盖人数"), example=120),
    Column("note", "备注", cells.long_text, width=24, synonyms=("说明",), example=EXAMPLE_NOTE),
)


def _enterprise(values: dict, lookups: Lookups) -> tuple[str, str, str] | None:
    code = values.get("enterprise_uscc")
    if code:
        found = lookups.extra["enterprise_by_uscc"].get(name_key(code))
        if found is None:
            raise RowError("enterprise_uscc", f"企业名册中没有统一社会信用代码为{code}的企业，请先导入该企业")
        return found
    name = values.get("enterprise_name")
    if name:
        found = lookups.extra["enterprises_by_name"].get(name_key(name), [])
        if len(found) == 1:
            return found[0]
        if found:
            raise RowError("enterprise_name", f"企业名册中有{len(found)}家“{name}”，请填写统一社会信用代码区分")
        if values.get("kind") not in REGIONAL:
            raise RowError("enterprise_name", f"企业名册中没有“{name}”，请先导入该企业或填写统一社会信用代码")
    return None


def resolve(values: dict, lookups: Lookups, _warned: list) -> dict:
    attrs = {k: v for k, v in values.items() if k not in ("enterprise_uscc", "enterprise_name")}
    enterprise = _enterprise(values, lookups)
    if enterprise is None and values["kind"] not in REGIONAL:
        raise RowError("enterprise_uscc", "单独签订的集体合同须填写企业统一社会信用代码或企业名称")
    attrs["enterprise_id"] = enterprise[0] if enterprise else None
    if enterprise and not attrs.get("township_code"):
        attrs["township_code"] = enterprise[1]
    if not attrs.get("township_code"):
        raise RowError("township_code", "区域性、行业性集体合同须填写所属乡镇")
    if not attrs.get("expires_on") and "signed_on" in attrs:
        term = attrs.get("term_years", 3) or 3
        signed = attrs["signed_on"]
        try:
            end = signed.replace(year=signed.year + term)
        except ValueError:  # signed on 29 February
            end = date(signed.year + term, 3, 1)
        attrs["expires_on"] = end - timedelta(days=1)
    if attrs.get("expires_on") and attrs["expires_on"] < attrs["signed_on"]:
        raise RowError("expires_on", "到期日期早于签订日期")
    return attrs


def export_rows(session: Session, office_code: str) -> list[dict]:
    names = township_names(session)
    query = (
        select(CollectiveContract, Enterprise.uscc, Enterprise.name)
        .outerjoin(Enterprise, Enterprise.id == CollectiveContract.enterprise_id)
        .where(CollectiveContract.deleted.is_(False), org_filter(CollectiveContract.township_code, office_code))
        .order_by(CollectiveContract.township_code, CollectiveContract.signed_on)
    )
    rows = []
    for contract, uscc, name in session.execute(query):
        row = {col.key: getattr(contract, col.key, None) for col in COLUMNS if col.stored}
        row.update(enterprise_uscc=uscc or "", enterprise_name=name or "",
                   township_code=names.get(contract.township_code, contract.township_code))
        rows.append(row)
    return rows


KIND = KindSpec(
    name="contracts",
    label="集体合同",
    entity="collective_contract",
    model=CollectiveContract,
    columns=COLUMNS,
    match=("enterprise_id", "township_code", "kind", "signed_on"),
    scope="township_code",
    key_column="signed_on",
    resolve=resolve,
    prepare=load_enterprises,
    export_rows=export_rows,
    sort_note="按企业（区域性、行业性合同按乡镇）、合同类型和签订日期对应已有合同",
)
