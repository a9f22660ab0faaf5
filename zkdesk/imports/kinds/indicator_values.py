"""指标数值: reported values, matched on indicator + org unit + year.

Each value is checked as the entry grid checks it (services/indicator_values.check_value
over domain/indicator_checks.py): hard errors reject the row, a warning (a value far from
the org unit's earlier years, a rate falling sharply) without a 说明 is reported and the
value saved as not complete. Rates take numerator and denominator and compute the value
(never typed); derived indicators and years a reviewer has locked are refused, but for an
indicator whose register covers only part of it (06.1–06.5, services.derived.partial_of): its
数值 (and 累计数) are the other part (其他) the register does not hold, added to the register's
part as the entry grid does. Earlier years are the ones stored in the database.
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from types import SimpleNamespace

from zkdesk.domain.progress import CUMULATIVE, RATE
from zkdesk.imports import cells
from zkdesk.imports.kinds._shared import name_key, township_names
from zkdesk.imports.spec import EXAMPLE_NOTE, Column, KindSpec, Lookups, RowError, Warnings
from zkdesk.services.derived import partial_of
from zkdesk.services.indicator_series import live_values
from zkdesk.services.indicator_values import ValueEntry, check_value, level_problem, value_history
from zkdesk.services.scope import org_filter
from zkdesk.services.year_locks import locked_message
from zkdesk.store.models import Indicator, IndicatorValue, Plan, YearLock

COLUMNS = (
    Column("indicator_code", "指标编号", cells.text, stored=False, width=10,
           synonyms=("指标代码", "编号", "指标序号"),
           note="规划目录中的编号，如 14.2（第14项第2个目标）；可空，只填指标名称", example="09.1"),
    Column("indicator_name", "指标名称", cells.text, stored=False, width=40, synonyms=("指标", "指标内容"),
           note="与编号都填时须一致"),
    Column("org_code", "单位", cells.township_or_county, required=True, width=12,
           synonyms=("乡镇", "所属乡镇", "单位名称", "填报单位", "乡（镇）"),
           note="乡镇名称或统计用区划代码；县总工会填 镇康县 或 530924", example="南伞镇"),
    Column("year", "年度", cells.year, required=True, fmt="int", width=8, synonyms=("年份", "统计年度"), example=2024),
    Column("value", "数值", cells.number, fmt="number", blank=None, width=10,
           synonyms=("完成值", "实际值", "本年数值", "完成数", "数量"), note="比率类指标不填，按分子、分母计算；第6项由“三室一站”登记计算的成果（合理化建议、专利等）"
                "只填登记以外的其他部分，系统与登记数相加", example=3),
    Column("total", "累计数", cells.number, fmt="number", blank=None, stored=False, width=10,
           synonyms=("累计", "累计完成", "累计完成数", "截至本年累计", "累计数值"),
           note="仅累计类指标：可填从规划第一年起截至本年的累计数，代替本年新增的数值（两者都填时须相符）；"
                "同一指标、同一单位的各年度请按从早到晚排列"),
    Column("numerator", "分子", cells.number, fmt="number", blank=None, width=10, note="仅比率类指标填写"),
    Column("denominator", "分母", cells.number, fmt="number", blank=None, width=10, note="仅比率类指标填写"),
    Column("note", "说明", cells.long_text, width=30, synonyms=("备注",), example=EXAMPLE_NOTE),
)

_CODE = re.compile(r"^(\d{1,2})[.．](\d{1,2})$")


def normalise_code(text: str) -> str:
    """1.1, 01.1 and a number cell 1.1 all name indicator 01.1."""
    m = _CODE.match(cells.nfkc(text).strip())
    return f"{int(m[1]):02d}.{int(m[2])}" if m else text.strip()


def prepare(session: Session, lookups: Lookups) -> None:
    plans = list(session.execute(select(Plan.id, Plan.start_year, Plan.end_year).where(Plan.deleted.is_(False))))
    indicators: dict[str, dict[str, Indicator]] = {}
    by_name: dict[str, dict[str, Indicator]] = {}
    typed: list[str] = []
    for ind in session.scalars(select(Indicator).where(Indicator.deleted.is_(False))):
        indicators.setdefault(ind.plan_id, {})[ind.code] = ind
        by_name.setdefault(ind.plan_id, {})[name_key(ind.name)] = ind
        if _typed(ind):
            typed.append(ind.id)
    locks = session.execute(select(YearLock.org_code, YearLock.year, YearLock.locked_by)
                            .where(YearLock.locked.is_(True), YearLock.deleted.is_(False)))
    stored: dict[tuple[str, str], dict[int, IndicatorValue]] = {}
    for row in live_values(session, typed):
        stored.setdefault((row.indicator_id, row.org_code), {})[row.year] = row
    lookups.extra.update(plans=plans, indicators=indicators, indicators_by_name=by_name, stored=stored,
                         locked={(org, year): by for org, year, by in locks}, totals_read={})


def _indicator(values: dict, lookups: Lookups) -> tuple[Indicator, int]:
    """The indicator the row names, and the first year of its plan."""
    year = values["year"]
    plan_id, start = next(((pid, start) for pid, start, end in lookups.extra["plans"] if start <= year <= end), (None, 0))
    if plan_id is None:
        raise RowError("year", f"{year}年不在任何规划期内")
    code, name = values.get("indicator_code"), values.get("indicator_name")
    by_name = lookups.extra["indicators_by_name"].get(plan_id, {}).get(name_key(name)) if name else None
    if code:
        found = lookups.extra["indicators"].get(plan_id, {}).get(normalise_code(code))
        if found is None:
            raise RowError("indicator_code", f"规划目录中没有编号为“{code}”的指标")
        if name and by_name is not found:
            raise RowError("indicator_name", f"指标名称与编号{found.code}（{found.name}）不一致")
        return found, start
    if by_name is None:
        raise RowError("indicator_name" if name else "indicator_code", "请填写指标编号或与规划目录一致的指标名称")
    return by_name, start


def resolve(values: dict, lookups: Lookups, warned: Warnings) -> dict:
    ind, start_year = _indicator(values, lookups)
    org, year = values["org_code"], values["year"]
    refusal = "" if ind.source else level_problem(ind, org)
    if refusal:
        raise RowError("org_code", f"指标{ind.code}：{refusal}")
    if (org, year) in lookups.extra["locked"]:
        raise RowError("year", locked_message(lookups.org_names.get(org, org), year, lookups.extra["locked"][(org, year)]))
    num, den, value = values.get("numerator"), values.get("denominator"), values.get("value")
    total = values.get("total")
    if _typed(ind):  # what to fill differs by kind: the file's columns hold every kind
        if total is not None and ind.kind != CUMULATIVE:
            raise RowError("total", f"指标{ind.code}不是累计类指标，不填累计数")
        if ind.kind == RATE and num is None and den is None:
            raise RowError("numerator", f"比率指标{ind.code}请填写分子（{ind.numerator_label}）和分母（{ind.denominator_label}）")
        if ind.kind != RATE and value is None and total is None:
            raise RowError("value", f"指标{ind.code}请填写数值（{ind.unit}）")
        if ind.kind != RATE and (num is not None or den is not None):
            raise RowError("numerator", f"指标{ind.code}不是比率，不填分子分母")
    if "note" in values:
        note = values["note"]
    else:  # no 说明 column: the stored note still explains the value
        note = (lookups.stored_record({"indicator_id": ind.id, "org_code": org, "year": year}) or {}).get("note") or ""
    years = lookups.extra["stored"].setdefault((ind.id, org), {})
    later = [y for y in lookups.extra["totals_read"].get((ind.id, org), ()) if y > year]
    if later and ind.kind == CUMULATIVE:  # a later year's total was worked out without this year
        raise RowError("year", f"指标{ind.code}的{later[0]}年累计数已按此前各年计算：同一指标、同一单位的各年度请按从早到晚排列")
    history = value_history(ind.kind, years, year, start_year)
    checked = check_value(ind, ValueEntry(ind.id, value, num, den, note, total), history)
    column = _column if _typed(ind) else (lambda _field: "indicator_code")
    if checked.errors:
        raise RowError.of([(column(issue.field), issue.message) for issue in checked.errors])
    if total is not None and value is not None and checked.value is not None and abs(checked.value - value) > 1e-9:
        raise RowError("total", f"数值{_fmt(value)}与累计数{_fmt(total)}不符：截至上年累计{_fmt(history.total_before)}，"
                                f"本年新增应为{_fmt(checked.value)}（两者填一个即可）")
    if ind.kind == CUMULATIVE and _typed(ind):  # a later total of the file counts this year as the database will
        years[year] = SimpleNamespace(value=checked.value, numerator=None, denominator=None)
        if total is not None:
            lookups.extra["totals_read"].setdefault((ind.id, org), set()).add(year)
    if not checked.complete:
        warned.extend((column(issue.field), issue.message) for issue in checked.warnings)
    attrs = {"indicator_id": ind.id, "org_code": org, "year": year, "value": checked.value,
             "numerator": checked.numerator, "denominator": checked.denominator, "complete": checked.complete}
    if "note" in values:
        attrs["note"] = checked.note
    return attrs


def _typed(ind: Indicator) -> bool:
    """Whether the file may carry the indicator's value: typed ones, and the other part (其他) of
    one whose register covers only part of it."""
    return not ind.source or partial_of(ind.source) is not None


def _column(field: str) -> str:
    return field


def _fmt(number: float) -> str:
    return f"{number:g}"


def export_rows(session: Session, office_code: str) -> list[dict]:
    names = township_names(session)
    query = (
        select(IndicatorValue, Indicator.code, Indicator.name, Indicator.kind, Plan.start_year)
        .join(Indicator, Indicator.id == IndicatorValue.indicator_id)
        .join(Plan, Plan.id == Indicator.plan_id)
        .where(IndicatorValue.deleted.is_(False), org_filter(IndicatorValue.org_code, office_code))
        .order_by(IndicatorValue.year, IndicatorValue.org_code, Indicator.sort_key, IndicatorValue.id)
    )
    running: dict[tuple[str, str], float] = {}  # cumulative indicators: the total from the plan's first year
    rows = []
    for v, code, name, kind, start_year in session.execute(query):
        total = None
        if kind == CUMULATIVE and v.value is not None and v.year >= start_year:
            total = running[(v.indicator_id, v.org_code)] = running.get((v.indicator_id, v.org_code), 0.0) + v.value
        rows.append({
            "indicator_code": code, "indicator_name": name, "org_code": names.get(v.org_code, v.org_code), "year": v.year,
            "value": v.value, "total": total, "numerator": v.numerator, "denominator": v.denominator, "note": v.note,
        })
    return rows


KIND = KindSpec(
    name="indicator-values",
    label="指标数值",
    entity="indicator_value",
    model=IndicatorValue,
    columns=COLUMNS,
    match=("indicator_id", "org_code", "year"),
    scope="org_code",
    key_column="indicator_code",
    resolve=resolve,
    prepare=prepare,
    export_rows=export_rows,
    written_by="changed_by",
    sort_note="按指标、单位和年度对应已有数值",
)
