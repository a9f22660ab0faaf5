"""Whole registers from one roster: enterprises with their year row, union and collective
contract, from the county's 集体合同企业名册 sheet or from separate sheets of one workbook.
Each column is checked by the form's rules with the form's messages; a row refused by any
register is written by none; a dry run writes nothing."""

from __future__ import annotations

from datetime import date

import openpyxl
import pytest
from sqlalchemy import func, select

from tests import importing
from zkdesk.domain.uscc import uscc_check_char
from zkdesk.imports.annotate import REJECTED_FILL, write_annotated_copy
from zkdesk.imports.pipeline import apply_plan
from zkdesk.imports.templates import write_template
from zkdesk.store.models import AuditEntry, CollectiveContract, Enterprise, EnterpriseUnion, EnterpriseYear

YEAR = date.today().year


def dry_run(db, actor, path):
    return importing.dry_run(db, actor, "enterprises", path)


def uscc(body: str) -> str:
    return body + uscc_check_char(body)


U1, U2, U3, U4, U5 = (uscc(f"91530924MA6K8T3C{i}") for i in range(1, 6))
ROSTER_HEADER = ["序号", "企业名称", "统一社会信用代码", "所属乡镇", "公司制", "职工人数", "是否建会", "建会时间", "工会主席",
                 "职代会", "厂务公开", "是否建立集体协商制度", "集体合同签订日期", "合同期限"]


def write_book(path, sheets: dict[str, list[list]]):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def roster_rows():
    return [
        ["镇康县集体合同企业名册"],
        ROSTER_HEADER,
        [1, "镇康县甲茶业有限公司", U1, "南伞镇", "是", 120, "是", date(2019, 6, 1), "赵六", "是", "是", "是", date(2024, 3, 1), 3],
        [2, "镇康县乙糖业有限公司", U2, "凤尾镇", "否", 45, "否", None, None, None, None, None, None, None],
        [3, "镇康县丙果业有限公司", U3, "木场乡", "是", -5, "是", date(2020, 1, 1), "钱七", "否", "否", "是", date(2023, 5, 1), 2],
        [4, "镇康县丁矿业有限公司", U4, "勐堆乡", "是", 30, "是", date(YEAR + 1, 1, 1), "孙八", "是", "否", None, None, None],
        [5, "镇康县戊公司", U5, "勐堆乡", "是", 10, None, None, None, None, None, None, date(2024, 1, 1), 5],
    ]


def counts(session):
    live = tuple(session.scalar(select(func.count(m.id)).where(m.deleted.is_(False)))
                 for m in (Enterprise, EnterpriseYear, EnterpriseUnion, CollectiveContract))
    return (*live, session.scalar(select(func.count(AuditEntry.id))))


@pytest.fixture
def roster(tmp_path):
    return write_book(tmp_path / "集体合同企业名册.xlsx", {"名册": roster_rows()})


def test_one_roster_sheet_dry_run_reports_each_register_and_writes_nothing(county_db, roster):
    db, actor = county_db
    with db.session() as s:
        before = counts(s)
    plan = dry_run(db, actor, roster)
    summary = plan.summary
    assert [(r.row, r.column, r.message) for r in summary.rejected] == [
        (5, "职工人数", f"{YEAR}年职工人数不能为负数"),
        (6, "建会时间", f"工会成立日期{YEAR + 1}-01-01晚于今天"),
        (7, "合同期限", "集体合同期限应为1至3年，现为5年"),
    ]
    assert summary.ignored_columns == ["序号"]
    assert summary.rejected_rows == 3
    assert (summary.new, summary.updated, summary.unchanged) == (2, 0, 0)  # rows 3 and 4 only
    parts = {part.kind: (part.sheet, part.header_row, part.new, part.updated, part.unchanged) for part in summary.parts}
    # row 4 says 是否建会 否: no union to write
    assert parts == {"enterprise-years": ("名册", 2, 2, 0, 0), "unions": ("名册", 2, 1, 0, 1),
                     "contracts": ("名册", 2, 1, 0, 0)}
    assert summary.to_json()["parts"][0] == {"kind": "enterprise-years", "sheet": "名册", "header_row": 2,
                                             "new": 2, "updated": 0, "unchanged": 0}
    assert summary.headline() == ("企业名册：新增 2 条，更新 0 条，无变化 0 条；企业年度情况：新增 2 条，更新 0 条，无变化 0 条；"
                                  "企业工会：新增 1 条，更新 0 条，无变化 1 条；集体合同：新增 1 条，更新 0 条，无变化 0 条；拒绝 3 行")
    with db.session() as s:
        assert counts(s) == before


def test_one_roster_sheet_applied_then_imported_again_changes_nothing(county_db, roster, home):
    db, actor = county_db
    summary = apply_plan(db, actor, dry_run(db, actor, roster), home.backups_dir)
    assert (summary.new, summary.dry_run) == (2, False) and summary.backup
    with db.session() as s:
        ents = {e.uscc: e for e in s.scalars(select(Enterprise))}
        assert set(ents) == {U1, U2}  # a row refused by any register writes nothing at all
        years = {(y.enterprise_id, y.year): (y.employees, y.operating_status, y.origin) for y in s.scalars(select(EnterpriseYear))}
        assert years == {(ents[U1].id, YEAR): (120, "正常经营", "530924103"), (ents[U2].id, YEAR): (45, "正常经营", "530924101")}
        union = s.scalars(select(EnterpriseUnion)).one()
        assert (union.enterprise_id, union.established_on, union.chair, union.congress, union.openness, union.origin) == (
            ents[U1].id, date(2019, 6, 1), "赵六", True, True, "530924103")
        contract = s.scalars(select(CollectiveContract)).one()
        assert (contract.enterprise_id, contract.kind, contract.signed_on, contract.term_years, contract.expires_on,
                contract.negotiation_established, contract.township_code, contract.employees_covered) == (
            ents[U1].id, "综合集体合同", date(2024, 3, 1), 3, date(2027, 2, 28), True, "530924103", 0)
        imports = s.scalars(select(AuditEntry.entity).where(AuditEntry.action == "import")).all()
        assert sorted(imports) == ["collective_contract", "enterprise", "enterprise_union", "enterprise_year"]
        before = counts(s)
    again = dry_run(db, actor, roster).summary
    assert (again.new, again.updated, again.unchanged) == (0, 0, 2)
    assert [(p.new, p.updated) for p in again.parts] == [(0, 0)] * 3
    assert apply_plan(db, actor, dry_run(db, actor, roster), home.backups_dir).backup == ""
    with db.session() as s:
        assert counts(s) == before


def test_union_no_removes_a_stored_union_and_non_company_refuses_worker_director(county_db, tmp_path):
    db, actor = county_db
    first = write_book(tmp_path / "a.xlsx", {"工会": [
        ["企业名称", "统一社会信用代码", "所属乡镇", "公司制", "是否建会", "工会主席", "职工董事"],
        ["镇康县甲茶业有限公司", U1, "南伞镇", "是", "是", "赵六", "是"],
        ["镇康县乙糖业有限公司", U2, "南伞镇", "否", "是", "钱七", "是"],
    ]})
    plan = dry_run(db, actor, first)
    assert [(r.row, r.column, r.message) for r in plan.summary.rejected] == [
        (3, "职工董事", "职工董事、职工监事只适用于公司制企业：请先在企业信息中勾选“公司制企业”")]
    apply_plan(db, actor, plan)
    second = write_book(tmp_path / "b.xlsx", {"工会": [
        ["企业名称", "统一社会信用代码", "所属乡镇", "是否建会", "工会主席"],
        ["镇康县甲茶业有限公司", U1, "南伞镇", "否", "赵六"],
    ]})
    assert [(r.row, r.column, r.message) for r in dry_run(db, actor, second).summary.rejected] == [
        (2, "工会主席", "“是否建会”填了“否”，这一项应空白（没有工会就没有工会的各项情况）")]
    third = write_book(tmp_path / "c.xlsx", {"工会": [
        ["企业名称", "统一社会信用代码", "所属乡镇", "是否建会"],
        ["镇康县甲茶业有限公司", U1, "南伞镇", "否"],
    ]})
    plan = dry_run(db, actor, third)
    assert [(p.kind, p.updated) for p in plan.summary.parts] == [("unions", 1)]
    apply_plan(db, actor, plan)
    with db.session() as s:
        assert s.scalars(select(EnterpriseUnion)).one().deleted


def test_separate_sheets_of_one_workbook(county_db, tmp_path):
    db, actor = county_db
    book = write_book(tmp_path / "名册.xlsx", {
        "企业": [["企业名称", "统一社会信用代码", "所属乡镇", "所有制"],
                 ["镇康县甲茶业有限公司", U1, "南伞镇", "非公"],
                 ["镇康县乙糖业有限公司", U2, "凤尾镇", "国有"]],
        "年度": [["统一社会信用代码", "年度", "职工人数", "经营状态"],
                 [U1, 2023, 100, "正常"], [U1, 2024, 110, "正常经营"], [U2, 2024, 40, "停业"], [U3, 2024, 9, "正常经营"]],
        "工会": [["企业名称", "建会时间", "会员人数", "工会主席"],
                 ["镇康县乙糖业有限公司", date(2018, 3, 1), -1, "周九"], ["镇康县甲茶业有限公司", date(2018, 3, 1), 90, "吴十"]],
        "集体合同": [["统一社会信用代码", "合同类型", "签订日期", "期限（年）", "备案日期"],
                     [U1, "工资专项", date(2024, 2, 1), 1, date(2024, 2, 10)]],
    })
    plan = dry_run(db, actor, book)
    assert [(r.sheet, r.row, r.column, r.message) for r in plan.summary.rejected] == [
        ("工会", 2, "会员人数", "工会会员人数不能为负数"),
        ("年度", 5, "统一社会信用代码", f"企业名册中没有统一社会信用代码为{U3}的企业，请先导入该企业"),
    ]
    assert plan.summary.to_json()["rejected"][0]["sheet"] == "工会"
    copy = openpyxl.load_workbook(write_annotated_copy(plan, tmp_path / "批注.xlsx"))
    assert copy.sheetnames == ["企业", "年度", "工会", "集体合同"]
    assert copy["工会"]["C2"].fill == REJECTED_FILL and "不能为负数" in copy["工会"]["C2"].comment.text
    assert copy["年度"]["A5"].fill == REJECTED_FILL and copy["企业"]["A2"].comment is None
    assert [(p.kind, p.sheet, p.new) for p in plan.summary.parts] == [
        ("enterprise-years", "年度", 3), ("unions", "工会", 1), ("contracts", "集体合同", 1)]
    apply_plan(db, actor, plan)
    with db.session() as s:
        statuses = sorted((y.year, y.employees, y.operating_status) for y in s.scalars(select(EnterpriseYear)))
        assert statuses == [(2023, 100, "正常经营"), (2024, 40, "停产"), (2024, 110, "正常经营")]
        contract = s.scalars(select(CollectiveContract)).one()
        assert (contract.kind, contract.filed_on, contract.effective_on) == ("工资专项集体合同", date(2024, 2, 10), date(2024, 2, 25))


def test_year_rows_alone_and_template_has_every_register_column(county_db, tmp_path):
    db, actor = county_db
    path = write_template("enterprises", tmp_path / "t.xlsx", ["南伞镇"])
    headers = [c.value for c in openpyxl.load_workbook(path).active[1]]
    for name in ("企业名称", "统一社会信用代码", "年度", "职工人数", "经营状态", "是否建会", "建会时间", "工会主席", "职代会",
                 "厂务公开", "签订日期", "期限（年）", "合同类型", "报送日期"):
        assert name in headers
    assert len(headers) == len(set(headers))
    summary = dry_run(db, actor, path).summary  # the example row only: skipped
    assert (summary.new, summary.rejected, [p.new for p in summary.parts]) == (0, [], [0, 0, 0])


def test_a_bad_code_on_a_roster_row_is_reported_once(county_db, tmp_path):
    db, actor = county_db
    book = write_book(tmp_path / "a.xlsx", {"名册": [ROSTER_HEADER, [1, "镇康县己茶厂", U1[:-1], "南伞镇", "是", 15, "是",
                                                                      date(2021, 5, 1), None, "√", "×", None, date(2022, 3, 1), 3]]})
    summary = dry_run(db, actor, book).summary
    assert [(r.row, r.column, r.message) for r in summary.rejected] == [
        (2, "统一社会信用代码", "统一社会信用代码应为18位，现为17位")]
    assert (summary.new, [p.new for p in summary.parts]) == (0, [0, 0, 0])


def test_a_township_office_reads_its_own_rows_and_says_why_once(township_db, roster):
    db, actor = township_db  # 南伞镇: rows of other townships are not its to import
    summary = dry_run(db, actor, roster).summary
    assert [(r.row, r.column, r.message) for r in summary.rejected] == [
        (row, "所属乡镇", "本单位（南伞镇）只能导入本乡镇的数据") for row in (4, 5, 6, 7)]
    assert (summary.new, [p.new for p in summary.parts]) == (1, [1, 1, 1])
