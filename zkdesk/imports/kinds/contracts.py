"""集体合同: matched on enterprise (or township, for regional/sector contracts) + type + signing date.

Rows meet the register's rules (domain/contract_rules.py, as services/contracts.py applies
them): term 1–3 years, expiry from the signing date and term, effective 15 days after
filing unless the review objected, and a regional or sector contract names the enterprises
it covers. Dates the file leaves blank are computed; dates it gives must agree.
"""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zkdesk.domain import choices
from zkdesk.domain.contract_rules import (
    MULTI_ENTERPRISE_KINDS,
    REVIEW_DAYS,
    contract_problems,
    effective_date,
    expiry_date,
    outside_township,
    parties_problems,
)
from zkdesk.domain.orgcodes import COUNTY_CODE
from zkdesk.imports import cells
from zkdesk.imports.kinds._shared import enterprise_of, load_enterprises, name_key, township_names
from zkdesk.imports.spec import EXAMPLE_NOTE, Column, KindSpec, Lookups, RowError, Warnings
from zkdesk.services.contracts import coverage_lists, set_coverage
from zkdesk.services.scope import org_filter
from zkdesk.store.models import CollectiveContract, ContractCoverage, Enterprise

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
    Column("township_code", "所属乡镇", cells.township_or_county, width=12, synonyms=("乡镇", "乡（镇）", "所在乡镇"),
           note="可空：企业的合同取企业所属乡镇；区域性、行业性合同空白时为本单位的合同", example="南伞镇"),
    Column("kind", "合同类型", cells.choice(choices.CONTRACT_TYPES, TYPE_ALIASES), required=True, width=24,
           synonyms=("类型", "合同种类", "集体合同类型", "合同类别"), example="综合集体合同"),
    Column("title", "合同名称", cells.text, width=30, synonyms=("名称", "合同标题"), example="2024年集体合同"),
    Column("signed_alone", "单独签订", cells.yes_no, fmt="bool", blank=True, width=9,
           synonyms=("是否单独签订",), note="空白视为“是”", example="是"),
    Column("negotiation_established", "建立集体协商制度", cells.yes_no, fmt="bool", blank=True, width=10,
           synonyms=("集体协商建制", "协商建制", "是否建立集体协商制度"), note="空白视为“是”", example="是"),
    Column("signed_on", "签订日期", cells.parse_date, required=True, fmt="date", width=12,
           synonyms=("签订时间", "签约日期", "签订日", "集体合同签订日期", "合同签订日期", "集体合同签订时间"), note="如 2024-03-01 或 2024年3月1日", example=date(2024, 3, 1)),
    Column("term_years", "期限（年）", cells.count, fmt="int", blank=None, width=8,
           synonyms=("合同期限", "期限", "有效期"), note="1至3年；空白按到期日期推算，没有到期日期按3年", example=3),
    Column("expires_on", "到期日期", cells.parse_date, fmt="date", blank=None, width=12,
           synonyms=("到期时间", "终止日期", "有效期至"), note="可空：按签订日期加期限计算；填写时须与之相符",
           example=date(2027, 2, 28)),
    Column("filed_on", "报送日期", cells.parse_date, fmt="date", blank=None, width=12,
           synonyms=("报送人社部门日期", "备案日期", "报送时间", "审查报送日期", "备案时间", "报送备案日期"), example=date(2024, 3, 8)),
    Column("review_opinion", "审查意见", cells.long_text, width=20, synonyms=("人社部门审查意见",)),
    Column("review_objection", "审查有异议", cells.yes_no, fmt="bool", blank=False, width=9,
           synonyms=("审查是否有异议", "有异议"), note="空白视为“否”；有异议的合同不生效", example="否"),
    Column("effective_on", "生效日期", cells.parse_date, fmt="date", blank=None, width=12,
           synonyms=("生效时间",), note=f"可空：报送后{REVIEW_DAYS}日生效（审查有异议的不生效）；填写时须与之相符",
           example=date(2024, 3, 23)),
    Column("wage_increase_pct", "工资增幅（%）", cells.number, fmt="number", blank=None, width=10,
           synonyms=("工资增长幅度", "工资增长率", "工资增幅"), example=5),
    Column("employees_covered", "覆盖职工人数", cells.count, fmt="int", blank=0, width=10,
           synonyms=("覆盖职工数", "职工人数", "涉及职工人数", "覆盖人数"), example=120),
    Column("covered", "覆盖企业", cells.long_text, stored=False, width=30,
           synonyms=("所覆盖企业", "覆盖企业名单", "涵盖企业"),
           note="区域性、行业性合同必填：所覆盖企业的统一社会信用代码或名称（须已在企业名册中），用顿号或换行分隔"),
    Column("note", "备注", cells.long_text, width=24, synonyms=("说明",), example=EXAMPLE_NOTE),
)
# the register's field names where the file's columns are named otherwise
FIELD_COLUMNS = {"enterprise_id": "enterprise_uscc", "covered_enterprise_ids": "covered"}
_SEPARATORS = re.compile(r"[、,，;；\n]+")


def _enterprise(values: dict, lookups: Lookups) -> tuple[str, str, str] | None:
    if not values.get("enterprise_uscc") and not values.get("enterprise_name"):
        return None  # the register's rules say whether the kind needs one
    return enterprise_of(values, lookups, optional=values.get("kind") in MULTI_ENTERPRISE_KINDS)


def _covered(text: str, lookups: Lookups) -> list[tuple[str, str, str]]:
    """The enterprises a cell lists by code or name, each once (id, township, name)."""
    found: dict[str, tuple[str, str, str]] = {}
    for item in filter(None, (part.strip() for part in _SEPARATORS.split(text))):
        key = name_key(item)
        entry = lookups.extra["enterprise_by_uscc"].get(key)
        if entry is None:
            named = lookups.extra["enterprises_by_name"].get(key, [])
            if len(named) > 1:
                raise RowError("covered", f"企业名册中有{len(named)}家“{item}”，请改填统一社会信用代码区分")
            if not named:
                raise RowError("covered", f"覆盖企业“{item}”不在企业名册中，请先导入该企业")
            entry = named[0]
        found[entry[0]] = entry
    return list(found.values())


def _stored_coverage(contract_id: str, lookups: Lookups) -> int:
    """How many enterprises the stored contract covers: every contract's count in one query,
    on first use (a query per row made re-importing a register slow)."""
    counts = lookups.extra.get("coverage_counts")
    if counts is None:
        query = (select(ContractCoverage.contract_id, func.count()).where(ContractCoverage.deleted.is_(False))
                 .group_by(ContractCoverage.contract_id))
        counts = lookups.extra["coverage_counts"] = dict(lookups.session.execute(query).all())
    return counts.get(contract_id, 0)


def _term(values: dict) -> int:
    """The term as given; else the one the given expiry date implies; else 3 years."""
    if values.get("term_years") is not None:
        return values["term_years"]
    typed = values.get("expires_on")
    for years in (1, 2, 3):
        if typed and expiry_date(values["signed_on"], years) == typed:
            return years
    return 3


def _typed_dates(values: dict, expires: date, effective: date | None, objection: bool) -> list[tuple[str, str]]:
    """Dates the file gives must be the ones the rules compute."""
    problems = []
    typed = values.get("expires_on")
    if typed and typed != expires:
        problems.append(("expires_on", f"到期日期{typed:%Y-%m-%d}与签订日期和期限不符：签订日期{values['signed_on']:%Y-%m-%d}、"
                                       f"期限{_term(values)}年，应为{expires:%Y-%m-%d}（可留空，自动计算）"))
    typed = values.get("effective_on")
    if typed and typed != effective:
        if effective is not None:
            why = f"无异议的合同报送后{REVIEW_DAYS}日生效，应为{effective:%Y-%m-%d}"
        else:
            why = "审查有异议的合同不生效" if objection else "尚未报送的合同还没有生效日期"
        problems.append(("effective_on", f"生效日期{typed:%Y-%m-%d}不符：{why}（可留空，自动计算）"))
    return problems


# Stored fields the rules read: a row updating a contract keeps them where the file has no column.
_CHECKED = ("term_years", "filed_on", "review_objection", "wage_increase_pct", "employees_covered", "signed_alone")


def _township(values: dict, lookups: Lookups, kind: str, enterprise) -> tuple[str, list[tuple[str, str]]]:
    """Whose contract it is, as the form decides: an enterprise's own contract is its
    enterprise's township's; a regional or sector one the file's township, or the office's own."""
    names, given = lookups.org_names, values.get("township_code")
    if kind in MULTI_ENTERPRISE_KINDS:
        return given or lookups.office_code or COUNTY_CODE, []
    township = enterprise[1] if enterprise else ""
    if enterprise and given and given != township:
        return township, [("township_code", f"企业“{enterprise[2]}”属于{names.get(township, township)}，"
                                            f"与所填所属乡镇“{names.get(given, given)}”不符")]
    return township, []


def resolve(values: dict, lookups: Lookups, _warned: Warnings) -> dict:
    kind = values["kind"]
    multi = kind in MULTI_ENTERPRISE_KINDS
    enterprise = _enterprise(values, lookups)
    if values.get("covered") and not multi:
        raise RowError("covered", "只有区域性、行业性集体合同填写覆盖企业")
    township, problems = _township(values, lookups, kind, enterprise)
    enterprise_id = enterprise[0] if enterprise else None
    stored = lookups.stored_record({"enterprise_id": enterprise_id, "township_code": township, "kind": kind,
                                    "signed_on": values["signed_on"]}) or {}
    merged = ({k: stored[k] for k in _CHECKED if k in stored} | values) if stored else values  # (read only)
    if "covered" in values or not stored:
        covered = _covered(values.get("covered") or "", lookups) if multi else []
        covered_count = len(covered)
    else:  # no coverage column: the stored coverage stays (counted for a regional or sector contract)
        covered, covered_count = None, _stored_coverage(stored["id"], lookups) if multi else 0
    term, objection, filed = _term(merged), merged.get("review_objection", False), merged.get("filed_on")
    problems = contract_problems(
        kind=kind, signed_on=values["signed_on"], term_years=term, filed_on=filed, review_objection=objection,
        wage_increase_pct=merged.get("wage_increase_pct"), employees_covered=merged.get("employees_covered", 0),
        today=lookups.today,
    ) + parties_problems(kind, enterprise is not None, covered_count) + problems
    if multi and covered and township != COUNTY_CODE:  # a township's contract covers its own enterprises
        where = lookups.org_names.get(township, township)
        problems += [("covered", outside_township(kind, where, name)) for _id, town, name in covered if town != township]
    if not any(field in ("signed_on", "term_years") for field, _ in problems):
        expires, effective = expiry_date(values["signed_on"], term), effective_date(filed, objection)
        problems += _typed_dates(merged, expires, effective, objection)
    if problems:
        raise RowError.of([(FIELD_COLUMNS.get(field, field), message) for field, message in problems])
    attrs = {k: v for k, v in values.items() if k not in ("enterprise_uscc", "enterprise_name", "covered")}
    attrs.update(
        enterprise_id=enterprise_id, township_code=township, term_years=term, expires_on=expires,
        effective_on=effective, review_objection=objection, signed_alone=False if multi else merged.get("signed_alone", True),
    )
    if covered is not None and multi:
        attrs["covered_enterprise_ids"] = sorted(entry[0] for entry in covered)
    return attrs


def load_coverage(session: Session, contract_ids: list[str]) -> dict[str, dict]:
    return {cid: {"covered_enterprise_ids": ids} for cid, ids in coverage_lists(session, contract_ids).items()}


def write_coverage(session: Session, contract_id: str, origin: str, extra: dict) -> None:
    set_coverage(session, contract_id, origin, extra["covered_enterprise_ids"])


def export_rows(session: Session, office_code: str) -> list[dict]:
    names = township_names(session)
    query = (
        select(CollectiveContract, Enterprise.uscc, Enterprise.name)
        .outerjoin(Enterprise, Enterprise.id == CollectiveContract.enterprise_id)
        .where(CollectiveContract.deleted.is_(False), org_filter(CollectiveContract.township_code, office_code))
        .order_by(CollectiveContract.township_code, CollectiveContract.signed_on, CollectiveContract.kind, Enterprise.uscc,
                  Enterprise.name, CollectiveContract.id)
    )
    found = list(session.execute(query))
    coverage = coverage_lists(session, [contract.id for contract, _, _ in found])
    labels = {ent_id: uscc or name for ent_id, uscc, name in session.execute(select(Enterprise.id, Enterprise.uscc, Enterprise.name))}
    rows = []
    for contract, uscc, name in found:
        row = {col.key: getattr(contract, col.key, None) for col in COLUMNS if col.stored}
        row.update(enterprise_uscc=uscc or "", enterprise_name=name or "",
                   township_code=names.get(contract.township_code, contract.township_code),
                   covered="、".join(labels.get(i, "") for i in coverage.get(contract.id, [])))
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
    extras=("covered_enterprise_ids",),
    load_extras=load_coverage,
    write_extras=write_coverage,
    sort_note="按企业（区域性、行业性合同按乡镇）、合同类型和签订日期对应已有合同",
    link=("enterprise_uscc", "enterprise_name", "township_code"),
    part_defaults={"kind": "综合集体合同"},
)
