"""Cell parsing as people fill spreadsheets in: dates, yes/no, numbers, codes, headers."""

from datetime import date, datetime

import pytest

from zkdesk.imports import cells
from zkdesk.imports.cells import CellError, Warned
from zkdesk.imports.headers import find_header, header_key


@pytest.mark.parametrize("raw", [
    date(2023, 5, 1), datetime(2023, 5, 1, 9, 30), 45047, 45047.0, "45047", 20230501, "20230501",
    "2023.5.1", "2023-05-01", "2023/5/1", "2023年5月1日", "2023 年 5 月 1 日", "２０２３年５月１日", " 2023-05-01\n",
    "2023-05-01 00:00:00",
])
def test_dates_in_every_form(raw):
    assert cells.parse_date(raw) == date(2023, 5, 1)


@pytest.mark.parametrize("raw, reason", [
    ("2023年5月", "缺少日"), ("2023-02-30", "不存在"), ("去年五月", "无法识别"), (True, "应为日期"), (-3, "不合理"),
])
def test_bad_dates_say_why(raw, reason):
    with pytest.raises(CellError, match=reason):
        cells.parse_date(raw)


@pytest.mark.parametrize("raw, expected", [
    ("是", True), ("否", False), ("√", True), ("×", False), ("Y", True), ("n", False), ("有", True), ("无", False),
    (True, True), (0.0, False), ("Ｙ", True), (" 是\n", True),
])
def test_yes_no(raw, expected):
    assert cells.yes_no(raw) is expected


def test_yes_no_refuses_anything_else():
    with pytest.raises(CellError, match="请填“是”或“否”"):
        cells.yes_no("可能")


@pytest.mark.parametrize("raw, expected", [
    ("1,234", 1234), ("１２３４", 1234), ("1，234", 1234), ("12 345", 12345), (" 56\n", 56), ("120人", 120), (7.0, 7),
])
def test_counts(raw, expected):
    assert cells.count(raw) == expected


def test_numbers_refuse_ambiguity():
    assert cells.number("5.5%") == 5.5
    for raw, reason in (("1,23", "不是数字"), ("十二", "不是数字"), ("2.5", "应为整数"), ("-1", "不能为负数")):
        with pytest.raises(CellError, match=reason):
            cells.count(raw)


def test_id_number_stored_as_number_is_rejected_never_guessed():
    for raw, shown in ((5.30924198503122e17, "5.30924E+17"), (530924198503122115, "5.30924E+17"), ("5.30924E+17", "5.30924E+17")):
        with pytest.raises(CellError) as err:
            cells.id_number(raw)
        assert shown in str(err.value) and "文本" in str(err.value) and "丢失" in str(err.value)


def test_id_number_text_is_checked_and_normalised():
    assert cells.id_number(" 53092419790815042x ".replace("x", "7")) == "530924197908150427"
    assert cells.id_number("５３０９２４１９８５０３１２２１１５") == "530924198503122115"
    with pytest.raises(CellError, match="校验位错误"):
        cells.id_number("530924198503122116")


def test_uscc_wrong_check_char_warns_wrong_shape_rejects():
    assert cells.uscc("91530924ma6k8t2c1n") == "91530924MA6K8T2C1N"
    warned = cells.uscc("91530924MA6K8T2C1A")
    assert isinstance(warned, Warned) and warned.value == "91530924MA6K8T2C1A" and "校验位" in warned.message
    with pytest.raises(CellError, match="应为18位"):
        cells.uscc("91530924MA6K8T2C1")
    with pytest.raises(CellError, match="丢失"):
        cells.uscc(9.15309241234567e17)


def test_text_trims_spaces_and_line_breaks():
    assert cells.text("  镇康县\n茶厂 \u3000") == "镇康县 茶厂"
    assert cells.person_name("张\u3000 三\n") == "张三"
    assert cells.long_text("  第一行 \r\n 第二行\n\n") == "第一行\n第二行"
    assert cells.phone(13800000000.0) == "13800000000"


def test_choice_with_aliases_and_suffix():
    ethnicity = cells.choice(("汉族", "佤族", "德昂族"), suffix="族")
    assert ethnicity("佤") == "佤族" and ethnicity(" 德昂族 ") == "德昂族"
    with pytest.raises(CellError, match="不是可选值"):
        ethnicity("火星族")


def test_header_names_match_tolerantly():
    same = ["身份证号码", " 身份证 号码 ", "*身份证号码", "身份证号码（18位）", "身份证\n号码", "身份证号码："]
    assert len({header_key(h) for h in same}) == 1
    assert header_key("工资增幅（%）") == header_key("工资增幅(%)") == header_key("工资增幅")


def test_header_row_found_below_titles():
    rows = [["2024年名册", "", ""], ["", "", ""], ["序号", "姓名", "身份证号"], ["1", "张三", "x"]]
    match = find_header(rows, {"name": ("姓名",), "id": ("身份证号码", "身份证号")})
    assert match.row == 2 and match.columns == {"name": 1, "id": 2} and match.ignored == ["序号"]
