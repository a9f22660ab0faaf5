"""劳模推荐人选: matched on ID number + award session (届次). New rows start as drafts.

Rows meet the form's checks (services/nominations.check_input over domain/nomination_rules.py):
errors reject the row, warnings (short deeds, an odd phone number...) are reported beside it;
gender and birth date come from the ID number. As in the form, the same person cannot be
nominated twice in a session, and only drafts change.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from zkdesk.domain import choices
from zkdesk.domain import nomination_rules as rules
from zkdesk.domain.dates import YearMonth
from zkdesk.imports import cells
from zkdesk.imports.kinds._shared import name_key, township_names
from zkdesk.imports.spec import Column, KindSpec, Lookups, RowError, Warnings
from zkdesk.services.award_sessions import get_session
from zkdesk.services.nominations import (
    DuplicateHit,
    NominationInput,
    check_input,
    duplicate_message,
    not_draft_message,
)
from zkdesk.services.scope import org_filter
from zkdesk.store.models import AwardSession, Nomination

POLITICAL_ALIASES = {"党员": "中共党员", "共产党员": "中共党员", "预备党员": "中共预备党员", "团员": "共青团员", "民主党派成员": "民主党派"}
EDUCATION_ALIASES = {
    "本科": "大学本科", "大本": "大学本科", "大专": "大学专科", "专科": "大学专科", "硕士": "研究生", "博士": "研究生",
    "硕士研究生": "研究生", "中专": "中专/中技", "中技": "中专/中技", "技校": "中专/中技", "中专中技": "中专/中技",
    "小学": "小学及以下", "文盲": "小学及以下",
}
CATEGORY_ALIASES = {
    "一线工人": "企业一线工人和专业技术人员", "专业技术人员": "企业一线工人和专业技术人员",
    "企业一线职工": "企业一线工人和专业技术人员", "农业劳动者": "普通农业劳动者", "农民": "普通农业劳动者",
}
_CHINESE_NUMERALS = {c: i for i, c in enumerate("零一二三四五六七八九十", start=0)}

COLUMNS = (
    Column("session", "届次", cells.text, required=True, stored=False, width=24,
           synonyms=("评选届次", "推荐届次", "表彰届次", "评选项目"),
           note="已在“劳模推荐”中建立的届次：全称（如 第四届镇康县劳动模范）、“第四届”或届数 4",
           example="第四届镇康县劳动模范"),
    Column("township_code", "所属乡镇", cells.township, required=True, width=12,
           synonyms=("乡镇", "乡（镇）", "推荐单位", "所在乡镇"), example="南伞镇"),
    Column("name", "姓名", cells.person_name, required=True, width=10, synonyms=("推荐人选", "人选姓名"), example="李四"),
    Column("id_number", "身份证号码", cells.id_number, required=True, personal="id_number", width=22,
           synonyms=("身份证号", "公民身份号码", "身份证", "身份证件号码", "证件号码", "公民身份证号码"),
           note="18位；请把此列设为“文本”格式，否则Excel会把后几位变成0。与届次一起对应已有人选；"
                "性别和出生日期按号码核对", example="530924198503122115"),
    Column("gender", "性别", cells.choice(choices.GENDERS, {"男性": "男", "女性": "女"}), width=6,
           note="可空：按身份证号码确定", example="男"),
    Column("ethnicity", "民族", cells.choice(choices.ETHNICITIES, suffix="族"), blank="汉族", width=8,
           note="如 汉族、佤族；空白按汉族", example="汉族"),
    Column("birth_date", "出生日期", cells.birth_date, fmt="date", blank=None, width=12,
           synonyms=("出生年月日", "出生年月"),
           note="可空：按身份证号码确定；可只写年月（如 1985.03、1985年3月），须与身份证号码一致",
           example=date(1985, 3, 12)),
    Column("political_status", "政治面貌", cells.choice(choices.POLITICAL_STATUSES, POLITICAL_ALIASES), blank="群众",
           width=10, example="中共党员"),
    Column("education", "文化程度", cells.choice(choices.EDUCATION_LEVELS, EDUCATION_ALIASES), width=10,
           synonyms=("学历", "最高学历"), example="大学专科"),
    Column("employer", "工作单位", cells.text, width=30, synonyms=("单位", "所在单位", "工作单位名称"),
           example="镇康县南伞示例茶业有限公司"),
    Column("job_title", "职务/职称", cells.text, width=14, synonyms=("职务", "职称", "职务职称", "岗位"), example="制茶车间主任"),
    Column("phone", "联系电话", cells.phone, personal="phone", width=15, synonyms=("电话", "手机", "手机号码", "联系方式"),
           example="13900000000"),
    Column("category", "人员类别", cells.choice(choices.PERSON_CATEGORIES, CATEGORY_ALIASES), width=26,
           synonyms=("类别", "推荐类别", "人选类别"), example="企业一线工人和专业技术人员"),
    Column("industrial_worker", "产业工人", cells.yes_no, fmt="bool", blank=False, width=8,
           synonyms=("是否产业工人",), note="空白视为“否”", example="是"),
    Column("earlier_honours", "曾获荣誉", cells.long_text, width=24,
           synonyms=("曾获何种荣誉", "获奖情况", "主要荣誉", "曾获表彰"), example="2022年临沧市五一劳动奖章"),
    Column("deeds_short", "主要事迹", cells.long_text, width=40,
           synonyms=("简要事迹", "事迹简介", "主要事迹简介"), note=f"约{rules.DEEDS_SHORT.target}字", example="扎根一线二十年……"),
    Column("deeds_full", "详细事迹", cells.long_text, width=40,
           synonyms=("事迹全文", "详细事迹材料", "主要事迹全文"), note=f"约{rules.DEEDS_FULL.target}字"),
)


def _session_number(text: str) -> int | None:
    m = re.fullmatch(r"第?([0-9]+|[一二三四五六七八九十]+)届?", text)
    if not m:
        return None
    token = m[1]
    if token.isdigit():
        return int(token)
    if token == "十":
        return 10
    if token.startswith("十"):
        return 10 + _CHINESE_NUMERALS[token[1]]
    if len(token) == 2 and token.endswith("十"):
        return _CHINESE_NUMERALS[token[0]] * 10
    return _CHINESE_NUMERALS.get(token) if len(token) == 1 else None


def prepare(session: Session, lookups: Lookups) -> None:
    by_name, by_number, years = {}, {}, {}
    for award in session.scalars(select(AwardSession).where(AwardSession.deleted.is_(False))):
        by_name[name_key(award.name)] = award.id
        by_number.setdefault(award.number, []).append(award.id)
        years[award.id] = award.year
    lookups.extra.update(session_by_name=by_name, sessions_by_number=by_number, session_years=years)


def _session_id(text: str, lookups: Lookups) -> str:
    session_id = lookups.extra["session_by_name"].get(name_key(text))
    if session_id is None:
        number = _session_number(cells.nfkc(text).replace(" ", ""))
        found = lookups.extra["sessions_by_number"].get(number, []) if number else []
        if len(found) > 1:
            raise RowError("session", f"第{number}届有{len(found)}个评选项目，请写届次全称")
        if not found:
            raise RowError("session", f"届次“{text}”不存在，请先在“劳模推荐”中建立该届次")
        session_id = found[0]
    return session_id


_INPUT_FIELDS = frozenset(NominationInput.__dataclass_fields__)
_KEPT = _INPUT_FIELDS - {"gender", "birth_date"}  # the ID number gives these two


def _birth_to_the_day(born: date | YearMonth | None, id_number: str) -> date | None:
    """出生年月 (a month, or Excel's first of the month for a typed 1985-3) is checked
    against the ID number here; the day then comes from the number, as the form takes it."""
    if born is None or born == "":
        return None
    if isinstance(born, YearMonth) or born.day == 1:
        info, _ = rules.check_id(id_number)
        if info is not None and YearMonth(born.year, born.month).holds(info.birth_date):
            return info.birth_date
        if isinstance(born, YearMonth):
            expected = f"{info.birth_date.year}年{info.birth_date.month}月" if info else ""
            raise RowError("birth_date", f"出生年月{born}与身份证号码不符" + (f"（应为{expected}）" if expected else ""))
    return born


def resolve(values: dict, lookups: Lookups, warned: Warnings) -> dict:
    attrs = {k: v for k, v in values.items() if k != "session"}
    if "birth_date" in attrs:
        attrs["birth_date"] = _birth_to_the_day(attrs["birth_date"], values["id_number"])
    attrs["session_id"] = _session_id(values["session"], lookups)
    stored = lookups.stored_record(attrs) or {}  # a column the file lacks keeps the stored value
    data = NominationInput(**{k: stored[k] for k in _KEPT if k in stored and k not in attrs},
                           **{k: v for k, v in attrs.items() if k in _INPUT_FIELDS})
    errors, warnings = [], []
    for finding in check_input(lookups.extra["session_years"][attrs["session_id"]], data):
        column = finding.field
        if column in ("gender", "birth_date") and not values.get(column):
            column = "id_number"  # the ID number gave it
        (errors if finding.is_error else warnings).append((column, finding.message))
    if errors:
        raise RowError.of(errors)
    warned.extend(warnings)
    info, _ = rules.check_id(data.id_number)
    attrs["gender"], attrs["birth_date"] = info.gender, info.birth_date
    return attrs


def refuse(session: Session, current: Mapping | None, attrs: dict, changes: dict, _accepted: list) -> RowError | None:
    """As the form: one nomination per person and session, and only drafts change."""
    if current is None or current["deleted"]:
        return None
    if current["township_code"] != attrs["township_code"]:
        names = township_names(session)
        hit = DuplicateHit(current["id"], current["name"], current["township_code"],
                           names.get(current["township_code"], current["township_code"]), current["status"])
        award = get_session(session, current["session_id"])
        return RowError("id_number", duplicate_message(award.name, attrs["id_number"], [hit]))
    message = not_draft_message(current["name"], current["status"], "修改") if changes else ""
    return RowError("name", message) if message else None


def export_rows(session: Session, office_code: str) -> list[dict]:
    names = township_names(session)
    query = (
        select(Nomination, AwardSession.name)
        .join(AwardSession, AwardSession.id == Nomination.session_id)
        .where(Nomination.deleted.is_(False), org_filter(Nomination.township_code, office_code))
        .order_by(AwardSession.year, Nomination.township_code, Nomination.name, Nomination.id)  # a sealed number sorts nothing
    )
    rows = []
    for nomination, session_name in session.execute(query):
        row = {col.key: getattr(nomination, col.key) for col in COLUMNS if col.stored}
        row.update(session=session_name, township_code=names.get(nomination.township_code, nomination.township_code))
        rows.append(row)
    return rows


KIND = KindSpec(
    name="nominations",
    label="劳模推荐人选",
    entity="nomination",
    model=Nomination,
    columns=COLUMNS,
    match=("id_number", "session_id"),
    scope="township_code",
    key_column="id_number",
    resolve=resolve,
    prepare=prepare,
    refuse=refuse,
    export_rows=export_rows,
    sort_note="按身份证号码和届次对应已有推荐人选；新导入的人选为草稿；已进入审核的人选只有草稿才能修改",
)
