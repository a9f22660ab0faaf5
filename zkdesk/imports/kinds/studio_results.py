"""工作室成果: a studio's results of one year, matched on studio (name + township) + year.

Rows meet the form's rules (services/studio_results.result_problems over
domain/studio_rules.py): whole non-negative counts, adopted ≤ proposed proposals, patent
details no longer than the patent count, no year after the studio was revoked.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from zkdesk.domain import studio_rules as rules
from zkdesk.imports import cells
from zkdesk.imports.kinds._shared import name_key, township_names
from zkdesk.imports.spec import EXAMPLE_NOTE, Column, KindSpec, Lookups, RowError, Warnings
from zkdesk.services.scope import org_filter
from zkdesk.services.studio_results import COUNT_FIELDS, result_problems
from zkdesk.store.models import Studio, StudioResult

# (header, synonyms): the rules' labels differ only inside brackets (合理化建议（提出）/（采纳）),
# which header matching leaves out, so the headers spell the difference outside them
_HEADERS = {
    "proposals": ("合理化建议提出（件）", ("合理化建议", "提出合理化建议", "合理化建议提出数")),
    "proposals_adopted": ("合理化建议采纳（件）", ("采纳合理化建议", "合理化建议采纳数", "采纳建议")),
    "tech_innovations": ("技术革新（项）", ("技术革新项目",)),
    "rd_projects": ("研发项目（项）", ("研发项目数",)),
    "patents": ("专利（件）", ("专利数", "获得专利")),
    "methods": ("先进操作法（项）", ("操作法",)),
    "achievements_awarded": ("获奖创新成果（项）", ("创新成果", "获奖成果", "创新成果获奖")),
    "training_sessions": ("培训期数", ("开展培训期数", "培训次数")),
    "people_trained": ("培训人次", ("培训人数",)),
    "people_promoted": ("技能等级晋升人数", ("技能等级晋升", "技能晋升人数", "晋升人数")),
}

COLUMNS = (
    Column("studio_name", "工作室名称", cells.text, required=True, stored=False, width=30,
           synonyms=("名称", "工作室（站）名称", "创新工作室名称", "工作室"),
           note="与所属乡镇一起对应已登记的工作室", example="李四劳模创新工作室"),
    Column("township_code", "所属乡镇", cells.township, required=True, stored=False, width=12,
           synonyms=("乡镇", "乡（镇）", "所在乡镇"), example="南伞镇"),
    Column("year", "年度", cells.year, required=True, fmt="int", width=8, synonyms=("年份", "统计年度"), example=2024),
    *(Column(key, _HEADERS[key][0], cells.integer, fmt="int", blank=0, width=10, synonyms=_HEADERS[key][1],
             note=f"{label}；空白按0", example=1) for key, label in rules.RESULT_FIELDS.items()),
    Column("patent_details", "专利明细", cells.long_text, width=30, synonyms=("专利情况", "专利号及类型"),
           note="每行一项：专利号和类型；行数不多于专利数"),
    Column("description", "成果说明", cells.long_text, width=30, synonyms=("成果简介", "说明", "备注"),
           example=EXAMPLE_NOTE),
)


def prepare(session: Session, lookups: Lookups) -> None:
    found: dict[tuple[str, str], list[tuple]] = {}
    query = select(Studio.id, Studio.name, Studio.township_code, Studio.revoked_on).where(Studio.deleted.is_(False))
    for studio_id, name, township, revoked_on in session.execute(query):
        found.setdefault((name_key(name), township), []).append((studio_id, revoked_on))
    lookups.extra["studios"] = found


def resolve(values: dict, lookups: Lookups, _warned: Warnings) -> dict:
    township, name = values["township_code"], values["studio_name"]
    found = lookups.extra["studios"].get((name_key(name), township), [])
    where = lookups.org_names.get(township, township)
    if not found:
        raise RowError("studio_name", f"{where}没有登记名为“{name}”的工作室，请先在三室一站中登记或导入该工作室")
    if len(found) > 1:
        raise RowError("studio_name", f"{where}有{len(found)}个名为“{name}”的工作室，请先在三室一站中改正重名")
    studio_id, revoked_on = found[0]
    stored = lookups.stored_record({"studio_id": studio_id, "year": values["year"]}) or {}
    if stored.get("deleted"):
        stored = {}
    given = {key: value for key, value in values.items() if key not in ("studio_name", "township_code")}
    merged = {key: stored[key] for key in (*COUNT_FIELDS, "patent_details") if key in stored} | given
    problems = result_problems(revoked_on, values["year"], merged)
    if problems:
        raise RowError.of(problems)
    return {"studio_id": studio_id, "origin": township, **given}


def export_rows(session: Session, office_code: str) -> list[dict]:
    names = township_names(session)
    query = (
        select(StudioResult, Studio.name, Studio.township_code)
        .join(Studio, Studio.id == StudioResult.studio_id)
        .where(StudioResult.deleted.is_(False), Studio.deleted.is_(False), org_filter(Studio.township_code, office_code))
        .order_by(Studio.township_code, Studio.name, Studio.id, StudioResult.year)
    )
    return [
        {"studio_name": name, "township_code": names.get(township, township)}
        | {col.key: getattr(result, col.key) for col in COLUMNS if col.stored}
        for result, name, township in session.execute(query)
    ]


KIND = KindSpec(
    name="studio-results",
    label="工作室成果",
    entity="studio_result",
    model=StudioResult,
    columns=COLUMNS,
    match=("studio_id", "year"),
    scope="origin",
    key_column="year",
    resolve=resolve,
    prepare=prepare,
    export_rows=export_rows,
    sort_note="按工作室（名称和所属乡镇）和年度对应已有成果",
)
