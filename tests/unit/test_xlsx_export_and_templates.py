"""Export of any list (masked personal data, dates as dates, frozen header) and the templates."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import openpyxl
import pytest

from zkdesk.domain.roles import Role
from zkdesk.imports.kinds import get_kind, kind_names
from zkdesk.imports.pipeline import check_file
from zkdesk.imports.registers import export_register
from zkdesk.imports.templates import template_columns, township_choices, write_template
from zkdesk.output.xlsx_export import ExportColumn, write_xlsx
from zkdesk.services.errors import PermissionDenied
from zkdesk.store.models import AwardSession, Nomination

COLUMNS = [
    ExportColumn("姓名", "name"),
    ExportColumn("身份证号码", "id_number", personal="id_number"),
    ExportColumn("联系电话", "phone", personal="phone"),
    ExportColumn("出生日期", "birth", fmt="date"),
    ExportColumn("产业工人", "worker", fmt="bool"),
    ExportColumn("人数", lambda row: row["n"] * 2, fmt="int", width=9),
]
ROWS = [{"name": "李四", "id_number": "530924198503122115", "phone": "13900001234", "birth": date(1985, 3, 12), "worker": True, "n": 3}]


def test_export_formats_and_masks_for_a_viewer(county_db, tmp_path):
    _db, admin = county_db
    viewer = replace(admin, role=Role.VIEWER)
    out = write_xlsx(tmp_path / "名单.xlsx", COLUMNS, ROWS, viewer, title="劳模推荐人选", subtitle="南伞镇 第四届")
    ws = openpyxl.load_workbook(out).active
    assert ws["A1"].value == "劳模推荐人选" and ws["A2"].value == "南伞镇 第四届"
    assert [c.value for c in ws[3]] == ["姓名", "身份证号码", "联系电话", "出生日期", "产业工人", "人数"]
    assert ws["A3"].font.b and ws.freeze_panes == "A4"
    assert [c.value for c in ws[4]][:3] == ["李四", "530924********2115", "139****1234"]
    assert ws["D4"].value.date() == date(1985, 3, 12) and ws["D4"].number_format == "yyyy-mm-dd"
    assert ws["E4"].value == "是" and ws["F4"].value == 6
    assert ws.column_dimensions["F"].width == 9 and ws.column_dimensions["B"].width >= 18


def test_export_shows_personal_data_to_those_allowed(county_db, tmp_path):
    _db, admin = county_db
    ws = openpyxl.load_workbook(write_xlsx(tmp_path / "x.xlsx", COLUMNS, ROWS, admin)).active
    assert ws.freeze_panes == "A2" and ws["B2"].value == "530924198503122115" and ws["C2"].value == "13900001234"


def test_register_export_masks_and_reimports_unchanged(county_db, tmp_path):
    db, admin = county_db
    with db.session() as s:
        award = AwardSession(origin="530924", name="第四届镇康县劳动模范", number=4, year=2025)
        s.add(award)
        s.flush()
        s.add(Nomination(origin="530924103", session_id=award.id, township_code="530924103", name="李四",
                         gender="男", birth_date=date(1985, 3, 12), id_number="530924198503122115", phone="13900001234",
                         category="企业一线工人和专业技术人员"))  # as the form requires
    with db.session() as s:
        assert export_register(s, admin, "nominations", tmp_path / "全.xlsx") == 1
        export_register(s, replace(admin, role=Role.VIEWER), "nominations", tmp_path / "掩.xlsx")
    full = openpyxl.load_workbook(tmp_path / "全.xlsx").active
    masked = openpyxl.load_workbook(tmp_path / "掩.xlsx").active
    id_col = [c.value for c in full[1]].index("身份证号码")
    assert full[2][id_col].value == "530924198503122115" and masked[2][id_col].value == "530924********2115"
    assert full[2][[c.value for c in full[1]].index("所属乡镇")].value == "南伞镇"
    with db.session() as s:
        summary = check_file(s, admin, "nominations", tmp_path / "全.xlsx").summary
    assert (summary.new, summary.updated, summary.unchanged, summary.rejected) == (0, 0, 1, [])


def test_export_needs_view_permission(county_db, tmp_path):
    _db, admin = county_db

    class Nobody:
        display_name, role = "x", Role.VIEWER

        def require(self, _p):
            raise PermissionDenied("没有权限")

    with pytest.raises(PermissionDenied):
        write_xlsx(tmp_path / "x.xlsx", COLUMNS, ROWS, Nobody())


@pytest.mark.parametrize("kind_name", kind_names())
def test_templates_have_header_example_lists_and_notes(county_db, tmp_path, kind_name):
    db, admin = county_db
    with db.session() as s:
        townships, county = township_choices(s)
    assert townships[:3] == ["凤尾镇", "勐捧镇", "南伞镇"] and county == "镇康县"
    kind = get_kind(kind_name)
    path = write_template(kind_name, tmp_path / f"{kind_name}.xlsx", townships, county)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [kind.label, "代码表", "填表说明"] and wb["代码表"].sheet_state == "hidden"
    ws = wb[kind.label]
    columns = template_columns(kind)  # an enterprise roster's parts too
    assert [c.value for c in ws[1]] == [c.header for c in columns]
    assert ws.freeze_panes == "A2" and ws["A2"].value not in (None, "")
    coded = [c for c in columns if c.options or getattr(c.parse, "org_levels", None)]
    assert coded and len(ws.data_validations.dataValidation) == len(coded)
    lists = {str(v.sqref).split(":")[0][:-1]: v.formula1 for v in ws.data_validations.dataValidation}
    assert all(f.startswith("'代码表'!") for f in lists.values())
    notes = wb["填表说明"]
    listed = [notes.cell(row=r, column=1).value for r in range(1, notes.max_row + 1)]
    assert all(c.header in listed for c in columns)
    for col in columns:  # codes keep every digit: their columns are text
        if col.personal == "id_number" or col.parse.__name__ == "uscc":
            letter = openpyxl.utils.get_column_letter([c.key for c in columns].index(col.key) + 1)
            assert ws.column_dimensions[letter].number_format == "@"
    # a template with only its example row imports nothing and says why
    with db.session() as s:
        summary = check_file(s, admin, kind_name, path).summary
    assert (summary.new, summary.rejected, [w.message for w in summary.warnings]) == (0, [], ["这一行是模板中的示例，已跳过"])


def test_long_text_wraps_inside_its_column(county_db, tmp_path):
    _db, admin = county_db
    columns = [ExportColumn("姓名", "name"), ExportColumn("主要事迹", "deeds", width=30)]
    rows = [{"name": "李四", "deeds": "扎根一线二十年，" * 20}, {"name": "王五", "deeds": "短"}]
    ws = openpyxl.load_workbook(write_xlsx(tmp_path / "x.xlsx", columns, rows, admin)).active
    assert ws["B2"].alignment.wrap_text and ws.row_dimensions[2].height >= 15 * 5
    assert ws["A2"].alignment.vertical == "top"
    assert not ws["B3"].alignment.wrap_text and ws.row_dimensions[3].height is None
