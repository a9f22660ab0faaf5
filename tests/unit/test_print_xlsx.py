"""The same form definitions exported as spreadsheets."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from tests.output_helpers import ADMIN, VIEWER, demo_database
from zkdesk.output.catalog import load_catalog
from zkdesk.output.printing import PrintRequest, prepare, render_xlsx

YEAR = 2025


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    database = demo_database(tmp_path_factory.mktemp("demo-xlsx"))
    yield database
    database.dispose()


def export(db, key, actor=ADMIN, **kw):
    with db.session() as s:
        prepared = prepare(s, actor, load_catalog().get(key), PrintRequest(key, year=YEAR, **kw))
    return prepared, load_workbook(io.BytesIO(render_xlsx(prepared)))


def find(ws, text):
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == text:
                return cell
    raise AssertionError(f"{text} not in sheet")


def merged_width(ws, cell) -> tuple[int, int]:
    for rng in ws.merged_cells.ranges:
        if cell.coordinate in rng:
            return rng.max_col - rng.min_col + 1, rng.max_row - rng.min_row + 1
    return 1, 1


def test_negotiation_xlsx_has_merged_headers_and_print_setup(db):
    prepared, wb = export(db, "negotiation-summary")
    ws = wb.active
    title = find(ws, "镇康县集体协商建制情况汇总表")
    assert merged_width(ws, title)[0] == 17
    assert merged_width(ws, find(ws, "集体协商建制率")) == (3, 1)
    assert merged_width(ws, find(ws, "正常经营的百人以上建会企业")) == (5, 1)
    township = find(ws, "乡镇")
    assert merged_width(ws, township) == (1, 2)  # a leaf spans down both header rows
    header_top = township.row
    assert ws.print_title_rows == f"${header_top}:${header_top + 1}"
    assert ws.freeze_panes == f"A{header_top + 2}"
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    total = find(ws, "合计")
    values = [ws.cell(row=total.row, column=c).value for c in range(2, 5)]
    unionised = sum(r["unionised"] for r in prepared.rows)
    established = sum(r["established"] for r in prepared.rows)
    assert values == [unionised, established, round(100 * established / unionised, 2)]
    assert ws.cell(row=total.row, column=4).number_format == "0.00"


def test_contract_list_xlsx_groups_rows_and_masks_for_a_viewer(db):
    prepared, wb = export(db, "contract-list", actor=VIEWER)
    ws = wb.active
    assert merged_width(ws, find(ws, "集体合同")) == (5, 1)
    group = find(ws, "凤尾镇")
    assert merged_width(ws, group)[0] == 17
    names = {ws.cell(row=r, column=2).value for r in range(1, ws.max_row + 1)}
    assert {r["name"] for r in prepared.rows} <= names
    phones = [ws.cell(row=r, column=17).value for r in range(group.row + 1, ws.max_row + 1)]
    assert any(p and "****" in p for p in phones)
    assert not any(p and p.isdigit() and len(p) == 11 for p in phones)


def test_approval_xlsx_has_one_sheet_per_person(db):
    prepared, wb = export(db, "nomination-approval", org_code="530924103")
    assert len(wb.worksheets) == len(prepared.rows) > 1
    ws = wb.worksheets[0]
    assert find(ws, prepared.rows[0]["id_number"])  # the official record: in full
    assert merged_width(ws, find(ws, "主要事迹"))[1] == 1
    assert find(ws, "县总工会\n意见")
