"""A messy enterprise roster: header below titles, odd header names, every kind of bad cell.
The exact summary, the annotated copy, one transaction, re-import idempotence, .xls/.ods."""

from __future__ import annotations

import json

import openpyxl
import pytest
from sqlalchemy import func, select

from tests.xlsxfiles import write_ods, write_xls, write_xlsx
from zkdesk.domain.uscc import uscc_check_char
from zkdesk.imports import writing
from zkdesk.imports.annotate import REJECTED_FILL, WARNING_FILL, write_annotated_copy
from zkdesk.imports.pipeline import ImportCancelled, apply_plan, check_file
from zkdesk.imports.workbook import UnreadableFile
from zkdesk.services.errors import PermissionDenied
from zkdesk.store.models import AuditEntry, Enterprise


def uscc(body: str) -> str:
    return body + uscc_check_char(body)


U1, U2, U3, U4, U5 = (uscc(f"91530924MA6K8T2C{i}") for i in range(1, 6))
BAD_CHECK = U3[:-1] + ("A" if U3[-1] != "A" else "B")
HEADER = ["序号", "企业（单位）名称", "信用代码", "所属乡（镇）", "所有制性质", "公司制\n企业", "联系电话（手机）", "法人代表"]


def messy_rows() -> list[list]:
    return [
        ["镇康县2024年企业名册"],
        ["填报单位：县总工会　　填报日期：2024年5月"],
        [],
        HEADER,
        [1, "镇康县甲茶业有限公司 ", U1, "南伞镇", "民营", "√", 13800000001, "王五"],
        [2, "镇康县乙糖业有限公司", U2.lower(), "530924101", "国企", "N", "0883-1234567", None],
        [3, "镇康县丙果业有限公司\n", BAD_CHECK, "木场", "非公", "有", None, None],
        [4, "镇康县丁矿业有限公司", U4, " 勐堆乡 ", "国有", "否", "13900000004", None],
        [],
        [5, "镇康县戊公司", 9.15309241234567e17, "勐堆乡", "国有", "否", None, None],
        [6, "镇康县甲茶业有限公司", U1, "南伞镇", "非公", "是", None, None],
        [7, None, U5, "南伞镇", "非公", "是", None, None],
        [8, "镇康县己公司", uscc("91530924MA6K8T2D1"), "火星乡", "外星", "也许", None, None],
        ["合计：8家"],
    ]


@pytest.fixture
def roster(tmp_path):
    return write_xlsx(tmp_path / "企业名册.xlsx", messy_rows(), merges=("A1:H1", "A2:H2"))


@pytest.fixture
def db_with_two(county_db):
    """U2 exists with an older phone (-> updated); U4 exists exactly as in the file (-> unchanged)."""
    db, actor = county_db
    with db.session() as s:
        s.add(Enterprise(origin="530924101", name="镇康县乙糖业有限公司", uscc=U2, township_code="530924101",
                         ownership="国有", is_company=False, contact_phone="0883-0000000"))
        s.add(Enterprise(origin="530924202", name="镇康县丁矿业有限公司", uscc=U4, township_code="530924202",
                         ownership="国有", is_company=False, contact_phone="13900000004"))
    return db, actor


def dry_run(db, actor, path, kind="enterprises"):
    with db.session() as s:
        return check_file(s, actor, kind, path)


def test_messy_roster_exact_summary(db_with_two, roster):
    db, actor = db_with_two
    summary = dry_run(db, actor, roster).summary
    assert (summary.new, summary.updated, summary.unchanged) == (2, 1, 1)
    assert summary.header_row == 4 and summary.ignored_columns == ["序号", "法人代表"]
    assert [(r.row, r.column, r.message) for r in summary.rejected] == [
        (10, "信用代码", "统一社会信用代码被存成了数字（显示为9.15309E+17），Excel只保留15位有效数字，后几位已经丢失，无法还原。"
                     "请把该列的单元格格式设为“文本”，再重新录入完整的18位号码"),
        (11, "信用代码", "与第5行重复（同一条记录出现两次）"),
        (12, "企业（单位）名称", "“企业（单位）名称”必须填写"),
        (13, "所属乡（镇）", "乡镇“火星乡”不在本县乡镇名单中（可填名称或统计用区划代码，如 南伞镇 或 530924103）"),
        (13, "所有制性质", "“外星”不是可选值（可选：国有、集体、非公、外资、港澳台、其他）"),
        (13, "公司制 企业", "“也许”不是是/否，请填“是”或“否”（也可用√/×、Y/N、有/无）"),
    ]
    assert summary.rejected_rows == 4
    assert [(w.row, w.column) for w in summary.warnings] == [(7, "信用代码")]
    assert "校验位不符" in summary.warnings[0].message
    with db.session() as s:  # a dry run writes nothing
        assert s.scalar(select(func.count(Enterprise.id))) == 2


def test_apply_writes_accepted_rows_then_reimport_changes_nothing(db_with_two, roster, home):
    db, actor = db_with_two
    plan = dry_run(db, actor, roster)
    summary = apply_plan(db, actor, plan, home.backups_dir)
    assert (summary.new, summary.updated, summary.unchanged, summary.dry_run) == (2, 1, 1, False)
    assert summary.backup.endswith("-import.dump" if db.is_server else "-import.sqlite3")
    with db.session() as s:
        rows = {e.uscc: e for e in s.scalars(select(Enterprise))}
        assert set(rows) == {U1, U2, BAD_CHECK, U4}
        first = rows[U1]
        assert (first.name, first.township_code, first.ownership, first.is_company, first.contact_phone) == (
            "镇康县甲茶业有限公司", "530924103", "非公", True, "13800000001")
        assert first.origin == "530924103" and first.revision == 1
        assert rows[BAD_CHECK].township_code == "530924204" and rows[BAD_CHECK].name == "镇康县丙果业有限公司"
        assert rows[U2].contact_phone == "0883-1234567" and rows[U2].revision == 2
        assert rows[U4].revision == 1
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "import")).one()
        details = json.loads(entry.details)
        assert len(details["created"]) == 2
        assert details["updated"][0]["old"] == {"contact_phone": "088*****0000"}  # numbers enter the audit trail masked
        assert details["updated"][0]["new"] == {"contact_phone": "088*****4567"}

    again = dry_run(db, actor, roster).summary
    assert (again.new, again.updated, again.unchanged) == (0, 0, 4)
    applied = apply_plan(db, actor, dry_run(db, actor, roster), home.backups_dir)
    assert (applied.new, applied.updated, applied.unchanged, applied.backup) == (0, 0, 4, "")
    with db.session() as s:
        assert s.scalar(select(func.count(Enterprise.id))) == 4
        assert s.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "import")) == 1
        assert max(e.revision for e in s.scalars(select(Enterprise))) == 2


def test_failure_half_way_leaves_the_database_unchanged(db_with_two, roster, monkeypatch):
    db, actor = db_with_two
    plan = dry_run(db, actor, roster)
    monkeypatch.setattr(writing, "WRITE_CHUNK", 1)
    real_insert = writing.insert_chunk
    calls = []

    def failing_insert(session, kind, values):
        calls.append(values)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        real_insert(session, kind, values)

    monkeypatch.setattr(writing, "insert_chunk", failing_insert)
    with pytest.raises(RuntimeError):
        apply_plan(db, actor, plan)
    assert len(calls) == 2  # the first row was written inside the transaction before the failure
    with db.session() as s:
        assert s.scalar(select(func.count(Enterprise.id))) == 2
        assert s.scalar(select(Enterprise.contact_phone).where(Enterprise.uscc == U2)) == "0883-0000000"
        assert s.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "import")) == 0


def test_cancel_during_apply_rolls_back(db_with_two, roster, monkeypatch):
    db, actor = db_with_two
    plan = dry_run(db, actor, roster)
    monkeypatch.setattr(writing, "WRITE_CHUNK", 1)
    seen = []

    def progress(done, total, message):
        seen.append((done, total, message))

    with pytest.raises(ImportCancelled, match="已取消导入"):
        apply_plan(db, actor, plan, progress=progress, cancel=lambda: len(seen) >= 2)
    assert (1, 3, "正在写入") in seen
    with db.session() as s:
        assert s.scalar(select(func.count(Enterprise.id))) == 2


def test_cancel_during_check(db_with_two, roster):
    db, actor = db_with_two
    with pytest.raises(ImportCancelled):
        with db.session() as s:
            check_file(s, actor, "enterprises", roster, cancel=lambda: True)


def test_annotated_copy_marks_the_rejected_cells(db_with_two, roster, tmp_path):
    db, actor = db_with_two
    plan = dry_run(db, actor, roster)
    out = write_annotated_copy(plan, tmp_path / "企业名册-批注.xlsx")
    ws = openpyxl.load_workbook(out).active
    red = REJECTED_FILL.fgColor.rgb
    marked = sorted(c.coordinate for row in ws.iter_rows() for c in row if c.fill.fgColor.rgb == red)
    assert marked == ["B12", "C10", "C11", "D13", "E13", "F13"]
    assert "后几位已经丢失" in ws["C10"].comment.text and "第5行重复" in ws["C11"].comment.text
    assert ws["C7"].fill.fgColor.rgb == WARNING_FILL.fgColor.rgb and ws["C7"].comment.text.startswith("提示：")
    assert ws["B5"].comment is None and ws["B5"].fill.fgColor.rgb != red
    # values and layout kept: titles, merged cells, header row 4, data where it was
    assert ws["A1"].value == "镇康县2024年企业名册" and "A1:H1" in {str(r) for r in ws.merged_cells.ranges}
    assert [ws.cell(row=4, column=c).value for c in range(1, 9)] == HEADER
    assert ws["B5"].value == "镇康县甲茶业有限公司 " and ws["C6"].value == U2.lower()
    assert ws["I4"].value.startswith("导入问题") and "所有制性质" in ws["I13"].value
    # the annotated copy reads back with the same rejections
    again = dry_run(db, actor, out).summary
    assert [(r.row, r.column) for r in again.rejected] == [(r.row, r.column) for r in plan.summary.rejected]
    assert "导入问题" in again.ignored_columns[-1]


@pytest.mark.parametrize("writer, suffix", [(write_xls, ".xls"), (write_ods, ".ods")])
def test_xls_and_ods_files_give_the_same_summary(db_with_two, tmp_path, writer, suffix):
    db, actor = db_with_two
    rows = messy_rows()
    rows[9][2] = "5.30924E+17"  # old formats carry lost digits as text in scientific notation too
    path = writer(tmp_path / f"名册{suffix}", rows)
    summary = dry_run(db, actor, path).summary
    assert (summary.new, summary.updated, summary.unchanged) == (2, 1, 1)
    assert [(r.row, r.column) for r in summary.rejected] == [
        (10, "信用代码"), (11, "信用代码"), (12, "企业（单位）名称"), (13, "所属乡（镇）"), (13, "所有制性质"), (13, "公司制 企业"),
    ]
    assert "显示为5.30924E+17" in summary.rejected[0].message
    applied = apply_plan(db, actor, dry_run(db, actor, path))
    assert (applied.new, applied.updated) == (2, 1)


def test_unreadable_files_say_why_in_one_chinese_line(county_db, tmp_path):
    db, actor = county_db
    broken = tmp_path / "坏.xlsx"
    broken.write_bytes(b"not a zip at all")
    other = write_xlsx(tmp_path / "别的表.xlsx", [["甲", "乙"], [1, 2]])
    missing = write_xlsx(tmp_path / "缺列.xlsx", [["企业名称", "所属乡镇"], ["x", "南伞镇"]])
    for path, reason in (
        (tmp_path / "没有.xlsx", "找不到文件"), (broken, "已损坏或不是表格文件"), (tmp_path / "a.csv", "不支持的文件类型"),
        (other, "没有找到企业名册的表头"), (missing, "缺少必填列：“统一社会信用代码”"),
    ):
        if path.suffix == ".csv":
            path.write_text("a,b")
        with pytest.raises(UnreadableFile, match=reason) as err:
            dry_run(db, actor, path)
        assert "\n" not in str(err.value)


def test_township_office_imports_only_its_own_township(township_db, roster):
    db, actor = township_db  # 南伞镇
    summary = dry_run(db, actor, roster).summary
    assert summary.new == 1  # only 镇康县甲茶业有限公司 is in 南伞镇
    scope = [r for r in summary.rejected if "只能导入本乡镇" in r.message]
    assert [r.row for r in scope] == [6, 7, 8] and scope[0].message == "本单位（南伞镇）只能导入本乡镇的数据"


def test_viewer_may_not_import(county_db, roster):
    from dataclasses import replace

    from zkdesk.domain.roles import Role

    db, actor = county_db
    with pytest.raises(PermissionDenied):
        dry_run(db, replace(actor, role=Role.VIEWER), roster)


def test_new_ids_are_distinct_version_4_uuids():
    import uuid

    ids = writing.new_ids(500)
    assert len(set(ids)) == 500
    assert all(str(uuid.UUID(i)) == i and uuid.UUID(i).version == 4 and uuid.UUID(i).variant == uuid.RFC_4122 for i in ids)
