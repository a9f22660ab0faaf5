"""企业名册: enterprises, matched on 统一社会信用代码.

Rows meet the register's rules (domain/enterprise_rules.py) and get the form's warnings:
a failed check character (cells.uscc, by domain/uscc.py) and a code other enterprises of
the county hold too (services/enterprises.py).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from zkdesk.domain import choices
from zkdesk.domain.enterprise_rules import field_problems
from zkdesk.imports import cells
from zkdesk.imports.kinds._shared import township_names
from zkdesk.imports.spec import EXAMPLE_NOTE, Column, KindSpec, Lookups, RowError, Warnings
from zkdesk.services.enterprises import clear_company_only_roles, duplicate_usccs, uscc_duplicate_warnings
from zkdesk.services.scope import org_filter
from zkdesk.store.models import Enterprise

OWNERSHIP_ALIASES = {
    "民营": "非公", "私营": "非公", "非公有制": "非公", "个体": "非公", "国企": "国有", "国有企业": "国有",
    "国有控股": "国有", "集体企业": "集体", "外商投资": "外资", "港澳台资": "港澳台",
}
INDUSTRY_ALIASES = {
    "制糖": "糖", "蔗糖": "糖", "甘蔗": "糖", "茶叶": "茶", "水果": "果", "烟草": "烟", "烤烟": "烟",
    "畜牧": "畜", "养殖": "畜", "畜牧业": "畜", "水果坚果": "果", "坚果": "果", "果业": "果",
}

COLUMNS = (
    Column("name", "企业名称", cells.text, required=True, width=36,
           synonyms=("单位名称", "企业（单位）名称", "企业全称", "名称", "企业名"),
           note="营业执照上的企业全称", example="镇康县南伞示例茶业有限公司"),
    Column("uscc", "统一社会信用代码", cells.uscc, required=True, width=22,
           synonyms=("信用代码", "社会信用代码", "统一代码", "统一社会信用代码证"),
           note="18位，营业执照上的代码。用它对应已有企业：再次导入同一代码只会更新该企业。"
                "请把此列设为“文本”格式；校验位不符只提示，不拒绝",
           example="91530924MA6K8T2C1N"),
    Column("township_code", "所属乡镇", cells.township, required=True, width=12,
           synonyms=("乡镇", "乡（镇）", "所在乡镇", "乡镇名称", "所属乡（镇）"),
           note="乡镇名称（如 南伞镇）或统计用区划代码（如 530924103）", example="南伞镇"),
    Column("ownership", "所有制", cells.choice(choices.OWNERSHIP_TYPES, OWNERSHIP_ALIASES), width=10,
           synonyms=("所有制性质", "经济类型", "企业性质", "所有制类型"), blank="非公",
           note="空白按“非公”", example="非公"),
    Column("industry", "行业", cells.choice(choices.INDUSTRIES, INDUSTRY_ALIASES, open_ended=True), width=8,
           synonyms=("所属行业", "产业", "所属产业"), note="糖、茶、果、烟、畜、其他，或填写具体行业（50字以内）",
           example="茶"),
    Column("is_company", "公司制", cells.yes_no, fmt="bool", width=8, blank=True,
           synonyms=("是否公司制", "公司制企业", "是否公司制企业"),
           note="公司制企业才涉及职工董事、职工监事；空白视为“是”", example="是"),
    Column("address", "地址", cells.text, width=30, synonyms=("企业地址", "住所", "注册地址", "单位地址", "详细地址"),
           example="南伞镇示例路1号"),
    Column("contact_person", "联系人", cells.person_name, width=10, synonyms=("联系人姓名",), example="张三"),
    Column("contact_phone", "联系电话", cells.phone, personal="phone", width=15,
           synonyms=("电话", "联系方式", "手机", "手机号码", "联系电话（手机）"), example="13800000000"),
    Column("note", "备注", cells.long_text, width=24, synonyms=("说明",), example=EXAMPLE_NOTE),
)


def prepare(session: Session, lookups: Lookups) -> None:
    lookups.extra["duplicate_usccs"] = duplicate_usccs(session)


def resolve(values: dict, lookups: Lookups, warned: Warnings) -> dict:
    problems = field_problems(
        values["name"], values.get("ownership", "非公"), values["uscc"], values.get("industry", ""),
        values.get("address", ""), values.get("contact_person", ""), values.get("contact_phone", ""),
    )
    if problems:
        raise RowError.of(problems)
    if values["uscc"] in lookups.extra["duplicate_usccs"]:  # rare: one query for such a row only
        warned.extend(("uscc", w) for w in uscc_duplicate_warnings(lookups.session, values["uscc"], exclude_name=values["name"]))
    return values


def after_update(_session: Session, record: Enterprise, changes: dict) -> None:
    if "is_company" in changes:
        clear_company_only_roles(record)


def export_rows(session: Session, office_code: str) -> list[dict]:
    names = township_names(session)
    rows = session.scalars(
        select(Enterprise)
        .where(Enterprise.deleted.is_(False), org_filter(Enterprise.township_code, office_code))
        .order_by(Enterprise.township_code, Enterprise.name, Enterprise.uscc, Enterprise.id)
    )
    return [
        {col.key: getattr(e, col.key) for col in COLUMNS} | {"township_code": names.get(e.township_code, e.township_code)}
        for e in rows
    ]


KIND = KindSpec(
    name="enterprises",
    label="企业名册",
    entity="enterprise",
    model=Enterprise,
    columns=COLUMNS,
    match=("uscc",),
    scope="township_code",
    key_column="uscc",
    resolve=resolve,
    prepare=prepare,
    after_update=after_update,
    export_rows=export_rows,
    sort_note="按统一社会信用代码对应已有企业",
    # the county's 集体合同企业名册 carries these on the enterprise's row (or on sheets of their own)
    parts=("enterprise-years", "unions", "contracts"),
)
