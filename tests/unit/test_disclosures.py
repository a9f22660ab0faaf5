"""Every output carrying ID or phone numbers unmasked leaves one disclosure entry in the audit
trail naming who, what and how many: register exports, prints, annotated import copies and the
audit export. Masked outputs leave none."""

from __future__ import annotations

import json
import re
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from tests.output_helpers import ADMIN, VIEWER, demo_database
from zkdesk.imports.annotate import personal_rows, save_annotated_copy
from zkdesk.imports.pipeline import check_file
from zkdesk.imports.registers import export_register
from zkdesk.output.audit_xlsx import export_audit_xlsx
from zkdesk.output.catalog import load_catalog
from zkdesk.output.printing import PrintRequest, prepare, write_output
from zkdesk.services.audit_log import AuditFilter
from zkdesk.store.models import AuditEntry, Nomination

ID_18 = r"\d{17}[\dX]"


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    database = demo_database(tmp_path_factory.mktemp("disclosures"))
    yield database
    database.dispose()


def disclosures(db) -> list[dict]:
    with db.read_session() as s:
        return [dict(json.loads(e.details), by=e.username, entity_id=e.entity_id) for e in s.scalars(
            select(AuditEntry).where(AuditEntry.action == "disclose_personal").order_by(AuditEntry.id))]


def new_disclosures(db, work) -> list[dict]:
    before = len(disclosures(db))
    with db.session() as s:
        work(s)
    return disclosures(db)[before:]


def test_exporting_nominations_unmasked_names_who_what_and_how_many(db, tmp_path):
    with db.read_session() as s:
        people = s.scalar(select(func.count()).select_from(Nomination).where(Nomination.deleted.is_(False)))
    assert people > 10  # the demo has a register worth protecting
    out = tmp_path / "推荐名单.xlsx"
    (entry,) = new_disclosures(db, lambda s: export_register(s, ADMIN, "nominations", out))
    assert entry["by"] == "demo" and entry["entity_id"] == "nominations"
    assert entry["what"] == "劳模推荐人选导出（Excel）"
    assert entry["count"] == people and entry["file"] == out.name
    ws = openpyxl.load_workbook(out).active
    column = [c.value for c in ws[1]].index("身份证号码")
    ids = [row[column] for row in ws.iter_rows(min_row=2, values_only=True)]
    assert len(ids) == people and all(re.fullmatch(ID_18, v) for v in ids)  # what the entry discloses


def test_a_masked_export_leaves_no_entry(db, tmp_path):
    assert new_disclosures(db, lambda s: export_register(s, VIEWER, "nominations", tmp_path / "掩.xlsx")) == []


def test_a_register_without_numbers_leaves_no_entry(db, tmp_path):
    assert new_disclosures(db, lambda s: export_register(s, ADMIN, "indicator-values", tmp_path / "指标.xlsx")) == []


def test_printing_the_summary_unmasked_is_one_entry(db, tmp_path):
    form = load_catalog().get("nomination-summary")

    def work(s):
        prepared = prepare(s, ADMIN, form, PrintRequest(form.key))
        write_output(s, ADMIN, prepared, tmp_path / "summary.pdf")
        return prepared

    (entry,) = new_disclosures(db, work)
    assert entry["entity_id"] == "nomination-summary" and entry["count"] > 0
    assert entry["what"].endswith("（PDF）") and entry["target"] == "pdf:summary.pdf"


def test_the_annotated_copy_of_an_import_is_a_disclosure(db, tmp_path):
    exported = tmp_path / "名单.xlsx"
    with db.session() as s:
        export_register(s, ADMIN, "nominations", exported)
    wb = openpyxl.load_workbook(exported)
    ws = wb.active
    header = [c.value for c in ws[1]]
    ws.cell(row=2, column=header.index("身份证号码") + 1, value="123")  # one row the import rejects
    wb.save(exported)
    with db.session() as s:
        plan = check_file(s, ADMIN, "nominations", exported)
    assert plan.summary.rejected and personal_rows(plan) == ws.max_row - 1
    out = tmp_path / "名单-批注.xlsx"
    (entry,) = new_disclosures(db, lambda s: save_annotated_copy(s, ADMIN, plan, out))
    assert entry["count"] == ws.max_row - 1 and entry["file"] == out.name and entry["source"] == exported.name
    assert "批注副本" in entry["what"] and out.exists()


def test_the_audit_export_by_an_administrator_is_a_disclosure(db, tmp_path):
    (entry,) = new_disclosures(db, lambda s: export_audit_xlsx(s, ADMIN, AuditFilter(), Path(tmp_path / "日志.xlsx")))
    assert "操作日志导出" in entry["what"] and entry["count"] > 0
