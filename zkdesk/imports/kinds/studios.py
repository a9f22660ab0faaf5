"""三室一站: studios, matched on studio name + host enterprise (or host name when unregistered)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from zkdesk.domain import choices
from zkdesk.imports import cells
from zkdesk.imports.kinds._shared import load_enterprises, name_key, township_names
from zkdesk.imports.kinds.enterprises import INDUSTRY_ALIASES
from zkdesk.imports.spec import Column, KindSpec, Lookups, RowError
from zkdesk.services.scope import org_filter
from zkdesk.store.models import Enterprise, Studio

TYPE_ALIASES = {
    "劳模": "劳模创新工作室", "劳模工作室": "劳模创新工作室", "工匠": "工匠创新工作室", "工匠工作室": "工匠创新工作室",
    "职工创新": "职工创新工作室", "职工工作室": "职工创新工作室", "技师工作站": "职工技师工作站", "技师站": "职工技师工作站",
}
LEVEL_ALIASES = {"县": "县级", "市": "市级", "省": "省级", "国家级": "全国", "全国级": "全国"}

COLUMNS = (
    Column("name", "工作室名称", cells.text, required=True, width=30,
           synonyms=("名称", "工作室（站）名称", "创新工作室名称", "工作室名称（站）"),
           note="与依托单位一起对应已有工作室", example="李四劳模创新工作室"),
    Column("kind", "类型", cells.choice(choices.STUDIO_TYPES, TYPE_ALIASES), required=True, width=16,
           synonyms=("工作室类型", "类别"), example="劳模创新工作室"),
    Column("host_uscc", "依托单位统一社会信用代码", cells.uscc, stored=False, width=22,
           synonyms=("统一社会信用代码", "信用代码", "依托单位信用代码"),
           note="依托企业须已在企业名册中；不在名册中的单位可空，只填依托单位名称", example="91530924MA6K8T2C1N"),
    Column("host_name", "依托单位", cells.text, width=30, synonyms=("依托单位名称", "所在单位", "依托企业"),
           example="镇康县南伞示例茶业有限公司"),
    Column("township_code", "所属乡镇", cells.township, required=True, width=12, synonyms=("乡镇", "乡（镇）", "所在乡镇"),
           example="南伞镇"),
    Column("industry", "产业", cells.choice(choices.INDUSTRIES, INDUSTRY_ALIASES), blank="其他", width=8,
           synonyms=("所属产业", "行业"), note="糖、茶、果、烟、畜或其他", example="茶"),
    Column("lead_name", "领办人", cells.person_name, required=True, width=10, synonyms=("领衔人", "负责人", "领办人姓名"),
           example="李四"),
    Column("lead_honours", "领办人荣誉", cells.long_text, width=24, synonyms=("领办人所获荣誉", "领衔人荣誉"),
           example="县级劳动模范"),
    Column("lead_phone", "领办人电话", cells.phone, personal="phone", width=15, synonyms=("联系电话", "电话"),
           example="13900000000"),
    Column("lead_id_number", "领办人身份证号码", cells.id_number, personal="id_number", width=22,
           synonyms=("领办人身份证号", "身份证号码", "身份证号"), note="请把此列设为“文本”格式",
           example="530924198503122115"),
    Column("level", "级别", cells.choice(choices.STUDIO_LEVELS, LEVEL_ALIASES), blank="县级", width=8,
           synonyms=("命名级别",), example="县级"),
    Column("status", "状态", cells.choice(choices.STUDIO_STATUSES), blank="申报", width=8, example="命名"),
    Column("applied_on", "申报日期", cells.parse_date, fmt="date", blank=None, width=12,
           synonyms=("申报时间",), example=date(2023, 4, 10)),
    Column("named_on", "命名日期", cells.parse_date, fmt="date", blank=None, width=12,
           synonyms=("命名时间",), example=date(2023, 9, 1)),
    Column("naming_doc_no", "命名文号", cells.text, width=18, synonyms=("命名文件", "文号", "命名文件文号"),
           example="镇工发〔2023〕12号"),
)


def studio_key(values: Mapping) -> tuple:
    host = values.get("enterprise_id") or "@" + name_key(values.get("host_name") or "")
    return (values.get("name"), host)


def resolve(values: dict, lookups: Lookups, _warned: list) -> dict:
    attrs = {k: v for k, v in values.items() if k != "host_uscc"}
    enterprise = None
    if values.get("host_uscc"):
        enterprise = lookups.extra["enterprise_by_uscc"].get(name_key(values["host_uscc"]))
        if enterprise is None:
            raise RowError("host_uscc", "企业名册中没有该统一社会信用代码：请先导入该企业，或留空只填依托单位名称")
    elif values.get("host_name"):
        found = lookups.extra["enterprises_by_name"].get(name_key(values["host_name"]), [])
        enterprise = found[0] if len(found) == 1 else None
    attrs["enterprise_id"] = enterprise[0] if enterprise else None
    if enterprise and not attrs.get("host_name"):
        attrs["host_name"] = enterprise[2]
    if attrs.get("named_on") and attrs.get("applied_on") and attrs["named_on"] < attrs["applied_on"]:
        raise RowError("named_on", "命名日期早于申报日期")
    return attrs


def export_rows(session: Session, office_code: str) -> list[dict]:
    names = township_names(session)
    query = (
        select(Studio, Enterprise.uscc)
        .outerjoin(Enterprise, Enterprise.id == Studio.enterprise_id)
        .where(Studio.deleted.is_(False), org_filter(Studio.township_code, office_code))
        .order_by(Studio.township_code, Studio.name)
    )
    rows = []
    for studio, uscc in session.execute(query):
        row = {col.key: getattr(studio, col.key) for col in COLUMNS if col.stored}
        row.update(host_uscc=uscc or "", township_code=names.get(studio.township_code, studio.township_code))
        rows.append(row)
    return rows


KIND = KindSpec(
    name="studios",
    label="三室一站",
    entity="studio",
    model=Studio,
    columns=COLUMNS,
    match=("name", "enterprise_id", "host_name"),
    key=studio_key,
    scope="township_code",
    key_column="name",
    resolve=resolve,
    prepare=load_enterprises,
    export_rows=export_rows,
    sort_note="按工作室名称和依托单位对应已有工作室",
)
