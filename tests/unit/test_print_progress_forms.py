"""主要指标完成情况表 and 年度目标任务分解表 rendered from the demo county, checked inside the PDF
(and the spreadsheet) against the progress service's rows and the targets allocated here."""

from __future__ import annotations

import io
from collections import Counter

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tests.output_helpers import A4_LANDSCAPE, A4_PORTRAIT, ADMIN, COUNTY, NANSAN, NANSAN_CLERK
from tests.output_helpers import assert_fonts_embedded, compact, demo_database, page_sizes, pdf_lines, pdf_pages, render
from zkdesk.output.catalog import load_catalog
from zkdesk.output.formatting import format_value
from zkdesk.output.printing import PrintRequest, prepare, render_xlsx
from zkdesk.services.catalog import current_plan
from zkdesk.services.progress import progress_for, township_breakdown
from zkdesk.services.targets import set_allocations
from zkdesk.store.models import Indicator, OrgUnit

YEAR = 2025
TOWNSHIP_HEADERS = ("凤尾镇", "勐捧镇", "南伞镇", "忙丙乡", "勐堆乡", "木场乡", "军赛乡")
SIGNS = {"ge": "≥", "eq": "≈", "le": "≤"}
KINDS = {"milestone": "完成事项", "rate": "比率", "cumulative": "累计", "stock": "存量", "yearly": "每年", "threshold_every_year": "每年保持",
         "growth_over_baseline": "比基期增加", "per_term": "不低于上一届"}
# 镇工表5's 考核方式, as the plan says each kind
RULES = {"milestone": "2025年前完成", "rate": "到2025年达到", "cumulative": "到2025年累计", "stock": "到2025年年末", "yearly": "每年达到",
         "threshold_every_year": "每年均达到（动态保持）", "growth_over_baseline": "到2025年比2020年增加",
         "per_term": "不低于上一届的比例人数"}

# What this module allocates (through the targets service): code -> township code -> target.
PLAN_PERIOD = {
    "05.1": {"530924101": 700, "530924102": 700, NANSAN: 800, "530924201": 700, "530924202": 700,
             "530924204": 700, "530924205": 700},
    "01.2": {"530924101": 4, "530924102": 3, NANSAN: 5},
    "14.1": {NANSAN: 85},
}
YEAR_2025 = {"05.1": {NANSAN: 900}}  # a year's allocation wins over the plan period's


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    database = demo_database(tmp_path_factory.mktemp("demo-progress-forms"))
    with database.session() as s:
        plan = current_plan(s, YEAR)
        ids = {i.code: i.id for i in s.scalars(select(Indicator).where(Indicator.plan_id == plan.id))}
        for code, values in PLAN_PERIOD.items():
            set_allocations(s, ADMIN, ids[code], values)
        for code, values in YEAR_2025.items():
            set_allocations(s, ADMIN, ids[code], values, year=YEAR)
        set_allocations(s, ADMIN, ids["05.1"], {NANSAN: 1}, year=2024)  # another year's: not this form's
    yield database
    database.dispose()


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


def num(value) -> str:
    """A figure as the forms print it: 12, 85.7, 64.34."""
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}".rstrip("0").rstrip(".")


def target_cell(comparator, target) -> str:
    if comparator == "not_below_last":
        return "不低于上届" if target is None else f"不低于上届（{num(target)}）"
    return "无目标" if target is None else SIGNS[comparator] + num(target)


def row_starts(lines: list[str], code: str, cells: list[str]) -> None:
    """The printed row of indicator `code` reads `cells` (empty cells print nothing; a long name
    wraps onto two lines, so the row is compared without line breaks)."""
    i = lines.index(code)
    printed = "".join(lines[i + 1:i + 1 + 3 * len(cells)])
    expected = "".join(cells)
    assert printed.startswith(expected), (code, printed[:len(expected) + 20], expected)


def plan_rows(db, org_code):
    with db.session() as s:
        plan = current_plan(s, YEAR)
        return progress_for(s, plan.id, org_code, YEAR), township_breakdown(s, plan.id, YEAR)


# --- 主要指标完成情况表 ---------------------------------------------------------------------

def progress_cells(r, township: bool = False) -> list[str]:
    basis = f"{num(r.numerator)}/{num(r.denominator)}" if r.denominator is not None else ""
    if r.source == "derived+entered":  # the studios' register and the other part typed (06.1–06.5)
        basis = "" if r.actual is None else f"登记{num(r.derived_part or 0)}＋其他{num(r.entered_part or 0)}"
    completion = "" if r.completion is None else f"{r.completion:.1f}"
    name = r.name + ("＊" if r.derived else "")
    # a township's print judges only what it has a target for
    status = "不考核" if township and r.target is None else r.status
    return [name, r.unit, KINDS[r.target_kind], target_cell(r.comparator, r.target), num(r.actual), basis, completion,
            status]


def test_county_progress_has_every_indicator_and_each_townships_figure(db, catalog):
    prepared, pdf = render(db, catalog, "indicator-progress", year=YEAR)
    pages = pdf_pages(pdf.data)
    assert len(pages) >= 3 and page_sizes(pdf.data) == {A4_LANDSCAPE}
    assert_fonts_embedded(pdf.data)
    lines = pdf_lines("\n".join(pages))
    assert "镇康县产业工人队伍建设改革主要指标完成情况表" in lines
    assert "（十四五规划截至2025年）" in compact(pages[0]) and "镇工表1" in lines
    for number, page in enumerate(pages, 1):  # the header, township columns included, on every page
        for header in ("编号", "指标", "单位", "目标值", "完成值", "分子／分母", "完成率（%）", "状态", "各乡镇完成值",
                       *TOWNSHIP_HEADERS):
            assert header in compact(page), (number, header)
        assert f"— {number} —" in page
    county, by_township = plan_rows(db, COUNTY)
    assert len(county) == 66 == len(prepared.rows)
    behind_marks = 0
    for i, r in enumerate(county):
        figures = []
        for code, rows in by_township.items():
            t = rows[i]
            marked = t.status in ("滞后", "未达标（本年）")
            figures.append("" if t.actual is None else num(t.actual) + ("▲" if marked else ""))
            behind_marks += t.actual is not None and marked
        row_starts(lines, r.code, progress_cells(r) + figures)
    assert behind_marks > 10 and "▲" in "\n".join(pages)  # the demo has townships behind
    # the plan items group the rows
    assert "4.深化新时代工会改革创新" in lines and "14.健全完善产业工人经济权益保障制度" in lines
    statuses = Counter(r.status for r in county)
    summary = (f"完成情况：共66项指标，已完成{statuses['已完成']}项，进度正常{statuses['进度正常']}项，"
               f"滞后{statuses['滞后']}项，未达标（本年）{statuses['未达标（本年）']}项，无目标{statuses['无目标']}项，"
               f"无数据{statuses['无数据']}项，不考核{statuses['不考核']}项。")
    assert summary in compact("\n".join(pages))
    assert "单位负责人：" in lines and "填表人：" in lines


def test_a_township_prints_its_own_progress_without_township_columns(db, catalog):
    prepared, pdf = render(db, catalog, "indicator-progress", actor=NANSAN_CLERK, year=YEAR)
    pages = pdf_pages(pdf.data)
    assert page_sizes(pdf.data) == {A4_PORTRAIT} and len(pages) >= 2
    lines = pdf_lines("\n".join(pages))
    assert "南伞镇产业工人队伍建设改革主要指标完成情况表" in lines
    assert "填报单位（盖章）：南伞镇总工会" in compact(pages[0])
    for page in pages:
        assert "完成率（%）" in compact(page) and "各乡镇完成值" not in compact(page) and "凤尾镇" not in page
    assert not any(c.field.startswith("t5309") for c in prepared.form.table.columns)
    own, _ = plan_rows(db, NANSAN)
    for r in own:
        row_starts(lines, r.code, progress_cells(r, township=True))
    by_code = {r.code: r for r in own}
    assert by_code["05.1"].target == 900 and by_code["14.1"].target == 85  # the allocations apply
    assert "≥900" in lines and "≥85" in lines
    assert by_code["02.4"].target is None and "无目标" in lines  # a count the county did not allocate
    row_starts(lines, "02.4", ["法律服务活动惠及农民工人次", "人次", "每年", "无目标"])
    assert by_code["05.2"].status == "不考核"  # the 县总工会's own competition


def test_progress_xlsx_merges_the_township_columns_for_the_county_only(db, catalog):
    def sheet(actor):
        with db.session() as s:
            prepared = prepare(s, actor, catalog.get("indicator-progress"), PrintRequest("indicator-progress", year=YEAR))
        return load_workbook(io.BytesIO(render_xlsx(prepared))).active

    def find(ws, text):
        return next((c for row in ws.iter_rows() for c in row if c.value == text), None)

    county = sheet(ADMIN)
    group = find(county, "各乡镇完成值")
    merged = next(r for r in county.merged_cells.ranges if group.coordinate in r)
    assert (merged.max_col - merged.min_col + 1) == 7 and county.page_setup.orientation == "landscape"
    actual = find(county, "完成值")
    first_row = find(county, "01.1").row
    assert isinstance(county.cell(row=first_row, column=actual.column).value, float)  # figures stay numbers
    township = sheet(NANSAN_CLERK)
    assert find(township, "各乡镇完成值") is None and find(township, "凤尾镇") is None
    assert township.page_setup.orientation == "portrait"


# --- 年度目标任务分解表 ---------------------------------------------------------------------

def test_target_breakdown_prints_the_allocations_and_their_total(db, catalog):
    prepared, pdf = render(db, catalog, "target-breakdown", year=YEAR)
    pages = pdf_pages(pdf.data)
    assert page_sizes(pdf.data) == {A4_LANDSCAPE} and len(pages) >= 2
    assert_fonts_embedded(pdf.data)
    lines = pdf_lines("\n".join(pages))
    assert "镇康县产业工人队伍建设改革年度目标任务分解表" in lines and "镇工表5" in lines
    for number, page in enumerate(pages, 1):
        for header in ("编号", "指标", "全县目标", "分解到各乡镇的目标", *TOWNSHIP_HEADERS, "合计", "备注"):
            assert header in compact(page), (number, header)
        assert f"— {number} —" in page
    # the allocations made above, written out by hand
    for header in ("考核方式", "全县本年度应达到", "责任单位"):
        assert header in compact(pages[0])
    row_starts(lines, "05.1", ["参加大竞赛大练兵的职工人次", "人次", "到2025年累计", "≥5000", "5000", "700", "700", "900",
                               *["700"] * 4, "5100", "县发展改革局、县人力资源社会保障局、县总工会、各乡（镇）"])
    row_starts(lines, "01.2", ["产业工人党员新增数量", "名", "到2025年累计", "≥20", "20", "4", "3", "5", "12"])
    # 动态保持: every year the threshold itself, not a line to 2025
    row_starts(lines, "14.1", ["集体协商建制率＊", "%", "每年均达到（动态保持）", "≥80", "≥80", "80", "80", "85", "80", "80",
                               "80", "80"])
    row_starts(lines, "04.1", ["百人以上企业工会组织覆盖率＊", "%", "每年均达到（动态保持）", "≥100", "≥100", *["100"] * 7])
    row_starts(lines, "02.4", ["法律服务活动惠及农民工人次", "人次", "每年达到", "≥100", "≥100"])
    row_starts(lines, "05.2", ["县级职工职业技能竞赛举办职业（工种）数", "个", "每年达到", "≥1", "≥1"])
    assert "县总工会本级任务，乡镇不考核" in compact("\n".join(pages))
    row_starts(lines, "12.1", ["党的代表大会代表和委员会委员中产业工人的比例", "%", "不低于上一届的比例人数"])
    assert "以本单位上届（上一年度）的完成值为目标" not in compact("\n".join(pages))
    assert "不是上一年度" in compact("\n".join(pages))
    # every row against the progress service's targets
    county, by_township = plan_rows(db, COUNTY)
    for i, r in enumerate(county):
        targets = [rows[i].target for rows in by_township.values()]
        total = "" if r.kind == "rate" or all(t is None for t in targets) else num(sum(t for t in targets if t is not None))
        name = r.name + ("＊" if r.derived else "")
        targets = [None if rows[i].status == "不考核" else t for rows, t in zip(by_township.values(), targets)]
        row_starts(lines, r.code, [name, r.unit, RULES[r.target_kind], target_cell(r.comparator, r.target),
                                   year_target(r), *map(num, targets), total])


def year_target(r) -> str:
    """镇工表5's 本年度应达到: the path's value, the threshold itself for 每年 and 动态保持."""
    if r.target_kind == "per_term":
        return "不低于上一届"
    if r.expected is None or r.target is None or r.target_kind == "milestone":
        return "—"
    return (SIGNS[r.comparator] if r.target_kind in ("yearly", "threshold_every_year") else "") + num(round(r.expected, 2))


def test_a_township_gets_its_own_targets_only(db, catalog):
    prepared, pdf = render(db, catalog, "target-breakdown", actor=NANSAN_CLERK, year=YEAR)
    pages = pdf_pages(pdf.data)
    lines = pdf_lines("\n".join(pages))
    assert page_sizes(pdf.data) == {A4_LANDSCAPE}  # with its 责任单位 column
    for page in pages:
        assert "本乡镇目标" in compact(page) and "分解到各乡镇的目标" not in compact(page) and "凤尾镇" not in page
    row_starts(lines, "05.1", ["参加大竞赛大练兵的职工人次", "人次", "到2025年累计", "≥5000", "5000", "900", "900"])
    row_starts(lines, "14.1", ["集体协商建制率＊", "%", "每年均达到（动态保持）", "≥80", "≥80", "85", "≥85"])
    row_starts(lines, "01.2", ["产业工人党员新增数量", "名", "到2025年累计", "≥20", "20", "5", "5"])
    row_starts(lines, "02.4", ["法律服务活动惠及农民工人次", "人次", "每年达到", "≥100", "≥100", "—"])
    row_starts(lines, "05.2", ["县级职工职业技能竞赛举办职业（工种）数", "个", "每年达到", "≥1", "≥1", "不考核", "不考核"])
    # last year's print has the plan-period allocation, and that year's own one
    prepared_2024, _ = render(db, catalog, "target-breakdown", actor=NANSAN_CLERK, year=2024)
    by_code = {row["code"]: row for row in prepared_2024.rows}
    assert by_code["05.1"]["own_target"] == 1 and by_code["01.2"]["own_target"] == 5


def test_number_format_prints_figures_without_trailing_zeros():
    assert [format_value(v, "number") for v in (12.0, 85.70, 64.344, 0, None, "—")] == ["12", "85.7", "64.34", "0", "", "—"]


def test_townships_named_in_the_forms_are_the_shipped_ones(db, catalog):
    """The township columns are declared by name in the form files: they must match the codes."""
    with db.session() as s:
        names = {u.code: u.short_name for u in s.scalars(select(OrgUnit).where(OrgUnit.level == "township"))}
    for key in ("indicator-progress", "target-breakdown"):
        for col in catalog.get(key).table.columns:
            if col.field.startswith("t5309"):
                assert col.header[-1] == names[col.field[1:]], (key, col.field)
