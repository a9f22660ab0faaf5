"""三室一站: studios, matched on studio name + host enterprise (or host name when unregistered).

Rows meet the register's rules as the form applies them (services/studios.studio_problems
over domain/studio_rules.py): status and dates in order, the lead's ID number and phone,
the host in the studio's township, at least three members for a new studio, one studio of
a name per township.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import fields
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from zkdesk.domain import choices
from zkdesk.domain import studio_rules as rules
from zkdesk.imports import cells
from zkdesk.imports.kinds._shared import load_enterprises, name_key, township_names
from zkdesk.imports.kinds.enterprises import INDUSTRY_ALIASES
from zkdesk.imports.spec import Column, KindSpec, Lookups, RowError, Warnings
from zkdesk.services.scope import org_filter
from zkdesk.services.studios import (
    MemberInput,
    StudioInput,
    duplicate_name_problem,
    live_members,
    replace_members,
    studio_problems,
)
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
    Column("reviewed_on", "复核日期", cells.parse_date, fmt="date", blank=None, width=12,
           synonyms=("年度复核日期", "复核时间"), note="状态为“年度复核”时必填"),
    Column("revoked_on", "撤销日期", cells.parse_date, fmt="date", blank=None, width=12,
           synonyms=("撤销时间",), note="状态为“撤销”时必填"),
    Column("naming_doc_no", "命名文号", cells.text, width=18, synonyms=("命名文件", "文号", "命名文件文号"),
           example="镇工发〔2023〕12号"),
    Column("members", "成员", cells.long_text, stored=False, width=36,
           synonyms=("工作室成员", "成员名单", "团队成员"),
           note=f"新工作室至少{rules.MIN_MEMBERS}人：姓名，或 姓名（岗位，技能等级），用顿号或换行分隔；"
                "填写时以此名单为准，空白则不改动已有工作室的成员",
           example="李四（制茶师，高级技师）、王五（制茶工，高级工）、赵六"),
)
# the register's field names where the file's columns are named otherwise
FIELD_COLUMNS = {"enterprise_id": "host_uscc"}
_STUDIO_FIELDS = tuple(f.name for f in fields(StudioInput))
_MEMBER = re.compile(r"^(.*?)[（(](.*)[)）]$")


def studio_key(values: Mapping) -> tuple:
    host = values.get("enterprise_id") or "@" + name_key(values.get("host_name") or "")
    return (values.get("name"), host)


def parse_members(text: str) -> list[list[str]]:
    """张三（车间主任，高级工）、李四 → [["张三", "车间主任", "高级工"], ["李四", "", ""]]:
    separators inside brackets belong to the member."""
    members, part, depth = [], "", 0
    for char in text + "、":
        if char in "（(":
            depth += 1
        elif char in ")）":
            depth = max(0, depth - 1)
        if depth == 0 and char in "、,，;；\n":
            if part.strip():
                members.append(part.strip())
            part = ""
        else:
            part += char
    found = []
    for entry in members:
        m = _MEMBER.match(entry)
        name, inside = (m[1], m[2]) if m else (entry, "")
        details = [d.strip() for d in re.split(r"[，,/、;；]", inside) if d.strip()]
        skill = details.pop() if details and details[-1] in rules.SKILL_LEVELS else ""
        found.append([cells.person_name(name), "，".join(details), skill])
    return found


def _host(values: dict, lookups: Lookups) -> tuple[str, str, str] | None:
    if values.get("host_uscc"):
        enterprise = lookups.extra["enterprise_by_uscc"].get(name_key(values["host_uscc"]))
        if enterprise is None:
            raise RowError("host_uscc", "企业名册中没有该统一社会信用代码：请先导入该企业，或留空只填依托单位名称")
        return enterprise
    if values.get("host_name"):  # linked by name only to the one enterprise of that name in the township
        found = [e for e in lookups.extra["enterprises_by_name"].get(name_key(values["host_name"]), [])
                 if e[1] == values["township_code"]]
        return found[0] if len(found) == 1 else None
    return None


def resolve(values: dict, lookups: Lookups, _warned: Warnings) -> dict:
    host = _host(values, lookups)
    given = {k: v for k, v in values.items() if k in _STUDIO_FIELDS} | {"enterprise_id": host[0] if host else None}
    stored = lookups.stored_record(given) or {}  # a column the file lacks keeps the stored value
    data = StudioInput(**{"applied_on": None, **{k: stored[k] for k in _STUDIO_FIELDS if k in stored}, **given})
    clean, problems = studio_problems(lookups.session, lookups.actor, data)
    members = parse_members(values["members"]) if values.get("members") else None
    if members is not None and (problem := rules.member_count_problem(len(members))):
        problems.append(("members", problem))
    if problems:
        raise RowError.of([(FIELD_COLUMNS.get(field, field), message) for field, message in problems])
    attrs = {name: getattr(clean, name) for name in _STUDIO_FIELDS if name in values or name in ("enterprise_id", "host_name")}
    if members is not None:
        attrs["members"] = sorted(members)
    return attrs


def refuse(session: Session, current: Mapping | None, attrs: dict, _changes: dict, accepted: list[dict]) -> RowError | None:
    """As the form: a new studio has its members, and a township names one studio once."""
    if current is None and "members" not in attrs:
        return RowError("members", rules.member_count_problem(0))
    place = (attrs["township_code"], attrs["name"])
    same_file = any((other["township_code"], other["name"]) == place for other in accepted)
    problem = (f"本乡镇已登记名为“{attrs['name']}”的工作室" if same_file
               else duplicate_name_problem(session, *place, except_id=current["id"] if current else None))
    return RowError("name", problem) if problem else None


def load_members(session: Session, studio_ids: list[str]) -> dict[str, dict]:
    return {sid: {"members": sorted([m.name, m.job, m.skill_level] for m in found)}
            for sid, found in live_members(session, studio_ids).items()}


def write_members(session: Session, studio_id: str, origin: str, extra: dict) -> None:
    replace_members(session, studio_id, origin, [MemberInput(*m) for m in extra["members"]])


def export_rows(session: Session, office_code: str) -> list[dict]:
    names = township_names(session)
    query = (
        select(Studio, Enterprise.uscc)
        .outerjoin(Enterprise, Enterprise.id == Studio.enterprise_id)
        .where(Studio.deleted.is_(False), org_filter(Studio.township_code, office_code))
        .order_by(Studio.township_code, Studio.name, Studio.host_name, Studio.id)
    )
    found = list(session.execute(query))
    members = live_members(session, [studio.id for studio, _ in found])
    rows = []
    for studio, uscc in found:
        row = {col.key: getattr(studio, col.key) for col in COLUMNS if col.stored}
        row.update(host_uscc=uscc or "", township_code=names.get(studio.township_code, studio.township_code),
                   members="、".join(_member_text(m) for m in sorted(members.get(studio.id, []), key=lambda m: m.name)))
        rows.append(row)
    return rows


def _member_text(m: MemberInput) -> str:
    details = "，".join(d for d in (m.job, m.skill_level) if d)
    return f"{m.name}（{details}）" if details else m.name


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
    refuse=refuse,
    extras=("members",),
    load_extras=load_members,
    write_extras=write_members,
    export_rows=export_rows,
    sort_note="按工作室名称和依托单位对应已有工作室",
)
