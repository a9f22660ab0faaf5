"""Strict input: identifiers are ASCII after folding full-width forms, credit-code positions
follow GB 32100, 出生年月 may be a year and month (checked against the ID number), formulas
saved without a result and numbers too large say so; a refused row leaves the database as it was."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from tests.importing import counts, rejected
from tests.importing import dry_run as run
from tests.xlsxfiles import write_xlsx
from zkdesk.domain.dates import YearMonth, parse_year_month
from zkdesk.domain.idcard import IdNumberError, parse_id_number
from zkdesk.domain.uscc import check_uscc, uscc_check_char
from zkdesk.imports import cells
from zkdesk.imports.pipeline import apply_plan
from zkdesk.services.enterprises import EnterpriseInput, create_enterprise
from zkdesk.services.errors import UserError
from zkdesk.store.models import AwardSession, CollectiveContract, Enterprise, Nomination

ID = "530924198503122115"
ARABIC_INDIC = ID.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
DEVANAGARI = ID.translate(str.maketrans("0123456789", "०१२३४५६७८९"))
FULLWIDTH = ID.translate(str.maketrans("0123456789", "０１２３４５６７８９"))


def uscc(body: str) -> str:
    return body + uscc_check_char(body)


GOOD = uscc("91530924MA6K8T2C1")


def count_rows(db, model) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(model))


# ---- identifiers ------------------------------------------------------------------------

@pytest.mark.parametrize("raw", [ARABIC_INDIC, DEVANAGARI, ID[:5] + "٣" + ID[6:]])
def test_id_numbers_of_other_scripts_are_refused(raw):
    with pytest.raises(IdNumberError, match="身份证号码含有非标准数字.*请用0—9录入"):
        parse_id_number(raw)
    with pytest.raises(cells.CellError, match="非标准数字"):
        cells.id_number(raw)


def test_full_width_id_numbers_are_folded():
    assert parse_id_number(FULLWIDTH).number == ID == cells.id_number(f" {FULLWIDTH}\u3000")
    assert parse_id_number("11010519491231002ｘ").number == "11010519491231002X"


def test_uscc_full_width_lower_case_is_folded_before_upper_casing():
    folded = GOOD.translate(str.maketrans({c: chr(ord(c.lower()) - 0x61 + 0xFF41) if c.isalpha() else chr(ord(c) - 0x30 + 0xFF10) for c in GOOD}))
    assert folded != GOOD and check_uscc(folded).code == GOOD and check_uscc(folded).ok
    assert cells.uscc(folded) == GOOD


@pytest.mark.parametrize("code, message", [
    ("9A530924MA6K8T2C1", "统一社会信用代码第2位（机构类别代码）应为数字，现为“A”"),
    ("915309A4MA6K8T2C1", "统一社会信用代码第3—8位（登记管理机关行政区划码）应为数字，现为“5309A4”"),
    ("B1530924MA6K8T2C1", "统一社会信用代码第1位（登记管理部门代码）应为1—9、A、N、Y之一，现为“B”"),
    ("9153092٤MA6K8T2C1", "统一社会信用代码含有不允许的字符：٤（只能是数字和除I、O、Z、S、V以外的大写字母）"),
])
def test_uscc_positions_and_alphabet_are_refused(code, message):
    code = code + "0"
    result = check_uscc(code)
    assert (result.ok, result.well_formed, result.message) == (False, False, message)
    with pytest.raises(cells.CellError, match=message.replace("（", r"\（").replace("）", r"\）")):
        cells.uscc(code)


@pytest.mark.parametrize("body", ["9A530924MA6K8T2C1", "9153A924MA6K8T2C1", "B153092400000000M"])
def test_uscc_cell_with_a_right_check_character_still_meets_the_positions(body):
    with pytest.raises(cells.CellError, match="统一社会信用代码第"):
        cells.uscc(uscc(body))


def test_uscc_with_a_wrong_check_character_still_only_warns():
    wrong = GOOD[:-1] + ("0" if GOOD[-1] != "0" else "1")
    assert isinstance(cells.uscc(wrong), cells.Warned)


def test_form_refuses_a_code_that_is_no_code(county_db):
    db, admin = county_db
    with db.session() as s, pytest.raises(UserError, match="第3—8位"):
        create_enterprise(s, admin, EnterpriseInput(name="镇康县甲公司", township_code="530924103", uscc="915309A4MA6K8T2C10"))
    assert count_rows(db, Enterprise) == 0


def test_import_refuses_foreign_digits_and_bad_positions_database_unchanged(county_db, tmp_path):
    db, admin = county_db
    path = write_xlsx(tmp_path / "企业.xlsx", [
        ["企业名称", "统一社会信用代码", "所属乡镇"],
        ["镇康县甲公司", uscc("9A530924MA6K8T2C1"), "南伞镇"],
        ["镇康县乙公司", GOOD.replace("5", "٥", 1), "南伞镇"],
    ], text_columns=(2,))
    plan = run(db, admin, "enterprises", path)
    assert counts(plan.summary) == (0, 0, 0)
    assert [r[:2] for r in rejected(plan)] == [(2, "统一社会信用代码"), (3, "统一社会信用代码")]
    assert "第2位" in rejected(plan)[0][2] and "٥" in rejected(plan)[1][2]
    apply_plan(db, admin, plan)
    assert count_rows(db, Enterprise) == 0


# ---- 出生年月 ------------------------------------------------------------------------------

@pytest.mark.parametrize("raw", ["1985.03", "1985.3", "1985年3月", "1985-3", "1985/03", "198503", "１９８５年３月"])
def test_year_month_text(raw):
    assert parse_year_month(raw) == YearMonth(1985, 3)
    assert cells.birth_date(raw) == YearMonth(1985, 3)


def test_year_month_numbers_and_full_dates():
    assert cells.birth_date(198503) == YearMonth(1985, 3)
    assert cells.birth_date(1985.03) == YearMonth(1985, 3)
    assert cells.birth_date(1985.12) == YearMonth(1985, 12)
    assert cells.birth_date("1985-03-12") == date(1985, 3, 12)
    with pytest.raises(cells.CellError, match="出生年月“1985年13月”不存在"):
        cells.birth_date("1985年13月")


def test_nominations_take_year_and_month_checked_against_the_id_number(county_db, tmp_path):
    db, admin = county_db
    with db.session() as s:
        s.add(AwardSession(origin="530924", name="第四届镇康县劳动模范", number=4, year=2025))
    ids = ["530924198503122115", "530924197908150427"]
    path = write_xlsx(tmp_path / "推荐.xlsx", [
        ["推荐届次", "乡镇", "姓名", "身份证号码", "出生年月", "人员类别"],
        ["第四届", "南伞镇", "李四", ids[0], "1985.03", "一线工人"],
        ["第四届", "南伞镇", "王芳", ids[1], 1979.08, "一线工人"],
        ["第四届", "南伞镇", "赵六", "530924198001011239", "1980年2月", "一线工人"],
    ], text_columns=(4,))
    plan = run(db, admin, "nominations", path)
    assert counts(plan.summary) == (2, 0, 0)
    assert rejected(plan) == [(4, "出生年月", "出生年月1980年2月与身份证号码不符（应为1980年1月）")]
    apply_plan(db, admin, plan)
    with db.session() as s:
        born = dict(s.execute(select(Nomination.name, Nomination.birth_date)).all())
    assert born == {"李四": date(1985, 3, 12), "王芳": date(1979, 8, 15)}


def test_a_refused_month_leaves_the_database_unchanged(county_db, tmp_path):
    db, admin = county_db
    with db.session() as s:
        s.add(AwardSession(origin="530924", name="第四届镇康县劳动模范", number=4, year=2025))
    path = write_xlsx(tmp_path / "推荐.xlsx", [
        ["推荐届次", "乡镇", "姓名", "身份证号码", "出生年月", "人员类别"],
        ["第四届", "南伞镇", "李四", ID, "1985.04", "一线工人"],
    ], text_columns=(4,))
    plan = run(db, admin, "nominations", path)
    assert rejected(plan) == [(2, "出生年月", "出生年月1985年4月与身份证号码不符（应为1985年3月）")]
    apply_plan(db, admin, plan)
    assert count_rows(db, Nomination) == 0


# ---- formulas without results, huge numbers ---------------------------------------------

def test_formula_without_a_saved_result_says_so(county_db, tmp_path):
    db, admin = county_db
    path = write_xlsx(tmp_path / "企业.xlsx", [
        ["企业名称", "统一社会信用代码", "所属乡镇", "备注"],
        ['="镇康县"&"甲公司"', GOOD, "南伞镇", "=1+1"],
    ], text_columns=(2,), formulas=True)
    plan = run(db, admin, "enterprises", path)
    assert rejected(plan) == [
        (2, "企业名称", "第2行A列是公式，但文件里没有保存计算结果，请在Excel中打开并保存后再导入"),
        (2, "备注", "第2行D列是公式，但文件里没有保存计算结果，请在Excel中打开并保存后再导入"),
    ]
    apply_plan(db, admin, plan)
    assert count_rows(db, Enterprise) == 0


def test_huge_numbers_say_they_are_too_large(county_db, tmp_path):
    db, admin = county_db
    with db.session() as s:
        s.add(Enterprise(origin="530924103", name="镇康县甲公司", uscc=GOOD, township_code="530924103"))
    path = write_xlsx(tmp_path / "合同.xlsx", [
        ["统一社会信用代码", "合同类型", "签订时间", "期限", "覆盖职工数"],
        [GOOD, "综合", "2024-03-01", 3, "9" * 400],
        [GOOD, "工资专项", "2024-03-01", 3, 1e300],
    ], text_columns=(1, 5))
    plan = run(db, admin, "contracts", path)
    assert rejected(plan) == [
        (2, "覆盖职工数", "数字“99999999999999999999…”太大（超过15位），超出了可以处理的范围，请核对"),
        (3, "覆盖职工数", "数字“10000000000000000525…”太大（超过15位），超出了可以处理的范围，请核对"),
    ]
    apply_plan(db, admin, plan)
    assert count_rows(db, CollectiveContract) == 0
    with pytest.raises(cells.CellError, match="这个数字太大"):
        cells.number(float("inf"))
