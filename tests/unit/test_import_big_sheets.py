"""Big sheets: a sheet over the row limit (setting import_row_limit) is refused before its
cells are turned into Python objects, with a Chinese message and nothing written; thousands
of ignored columns are counted, not listed."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.importing import dry_run
from zkdesk.domain.uscc import uscc_check_char
from zkdesk.imports.pipeline import apply_plan
from zkdesk.imports.workbook import TooManyRows
from zkdesk.services import settings
from zkdesk.store.models import Enterprise


def uscc(i: int) -> str:
    body = f"91530924MA{i:07d}"
    return body + uscc_check_char(body)


def roster(path, rows: int, extra_columns: int = 0, titles: int = 0):
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("名册")
    for t in range(titles):
        ws.append([f"标题{t}"])
    ws.append(["企业名称", "统一社会信用代码", "所属乡镇", *(f"多余列{i}" for i in range(extra_columns))])
    for i in range(rows):
        ws.append([f"镇康县{i}公司", uscc(i), "南伞镇"])
    wb.save(path)
    return path


def set_limit(db, admin, limit: int) -> None:
    with db.session() as s:
        settings.change(s, admin, "import_row_limit", limit)


def test_rows_over_the_limit_are_refused_up_front(county_db, tmp_path):
    db, admin = county_db
    set_limit(db, admin, 100)
    path = roster(tmp_path / "大.xlsx", 150)
    with pytest.raises(TooManyRows) as refused:
        dry_run(db, admin, "enterprises", path)
    assert str(refused.value).startswith("工作表“名册”有151行，超过了导入行数上限100行：请把表格拆分成几个文件分别导入")
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Enterprise)) == 0


def test_rows_just_over_the_limit_under_title_rows_are_counted_exactly(county_db, tmp_path):
    db, admin = county_db
    set_limit(db, admin, 100)
    with pytest.raises(TooManyRows, match="有101行数据，超过了导入行数上限100行"):
        dry_run(db, admin, "enterprises", roster(tmp_path / "a.xlsx", 101, titles=3))
    plan = dry_run(db, admin, "enterprises", roster(tmp_path / "b.xlsx", 100, titles=3))
    assert plan.summary.new == 100 and plan.summary.rejected == []


def test_thousands_of_ignored_columns_are_counted(county_db, tmp_path):
    db, admin = county_db
    plan = dry_run(db, admin, "enterprises", roster(tmp_path / "宽.xlsx", 3, extra_columns=5000))
    summary = plan.summary
    assert summary.ignored_columns == [f"多余列{i}" for i in range(10)]
    assert summary.to_json()["ignored_column_count"] == 5000
    assert summary.ignored_text() == "忽略了5000列：" + "、".join(f"多余列{i}" for i in range(10)) + "等"
    apply_plan(db, admin, plan)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Enterprise)) == 3


def test_a_sheet_reaching_the_last_excel_row_is_refused_from_its_xml(county_db, tmp_path):
    """One cell in row 1,048,576 makes calamine build a million-row grid: the sheet's XML says
    how far its rows reach, and the import refuses it before calamine reads it."""
    from openpyxl import Workbook

    db, admin = county_db
    wb = Workbook()
    ws = wb.active
    ws.title = "名册"
    ws.append(["企业名称", "统一社会信用代码", "所属乡镇"])
    ws.append(["镇康县1公司", uscc(1), "南伞镇"])
    ws.cell(row=1_048_576, column=1, value="合计")
    wb.save(tmp_path / "远.xlsx")
    with pytest.raises(TooManyRows) as refused:
        dry_run(db, admin, "enterprises", tmp_path / "远.xlsx")
    assert str(refused.value).startswith("工作表“名册”有1048576行，超过了导入行数上限100000行：请把表格拆分成几个文件分别导入")
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Enterprise)) == 0


def test_the_sheet_scan_finds_the_last_row_and_formulas():
    import io

    from zkdesk.imports.workbook import _scan

    numbered = _scan(io.BytesIO(b'<sheetData><row r="1" spans="1:2"><c r="A1"><f>1+1</f></c></row>'
                                b'<row r="70000"><c r="A70000"/></row></sheetData><rowBreaks count="1"><brk id="3"/></rowBreaks>'))
    assert (numbered.formula, numbered.last_row) == (True, 70000)
    unnumbered = _scan(io.BytesIO(b"<sheetData>" + b"<row><c><v>1</v></c></row>" * 300 + b"</sheetData>"))
    assert (unnumbered.formula, unnumbered.last_row) == (False, 300)
    prefixed = _scan(io.BytesIO(b'<x:sheetData><x:row r="5"><x:c r="A5"><x:f>A1</x:f></x:c></x:row></x:sheetData>'))
    assert (prefixed.formula, prefixed.last_row) == (True, 5)
