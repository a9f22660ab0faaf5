"""Every validation rule of a typed indicator value (domain/indicator_checks.py)."""

import pytest

from zkdesk.domain.indicator_checks import (
    ERROR,
    WARNING,
    History,
    NotANumber,
    check_entry,
    parse_number,
)


def _messages(checked, level):
    return [i.message for i in checked.issues if i.level == level]


def test_parse_number_accepts_what_clerks_type():
    assert parse_number("") is None and parse_number("  ") is None and parse_number(None) is None
    assert parse_number("1,234") == 1234
    assert parse_number("１２") == 12  # full-width digits from a Chinese IME
    assert parse_number(" 7.5 ") == 7.5
    for bad in ("abc", "1..2", "nan", "inf", "十二"):
        with pytest.raises(NotANumber):
            parse_number(bad)


def test_not_a_number_is_a_hard_error():
    checked = check_entry("stock", "人", value_text="十二")
    assert _messages(checked, ERROR) == ["数值“十二”不是数字"]
    assert checked.value is None


def test_negative_count_is_a_hard_error():
    checked = check_entry("yearly", "场次", value_text="-1")
    assert _messages(checked, ERROR) == ["数值不能为负数"]


def test_negative_numerator_or_denominator_is_a_hard_error():
    checked = check_entry("rate", "%", numerator_text="-1", denominator_text="5")
    assert "分子不能为负数" in _messages(checked, ERROR)


def test_fraction_of_whole_units_is_a_hard_error_but_money_may_have_decimals():
    assert _messages(check_entry("stock", "人", value_text="2.5"), ERROR) == ["数值应为整数（单位：人）"]
    assert check_entry("cumulative", "万元", value_text="2.5").issues == ()


def test_numerator_above_denominator_is_a_hard_error():
    checked = check_entry("rate", "%", numerator_text="12", denominator_text="10")
    assert _messages(checked, ERROR) == ["分子（12）不能大于分母（10）"]
    assert checked.value is None


def test_rate_needs_both_parts():
    checked = check_entry("rate", "%", numerator_text="3", denominator_text="")
    assert _messages(checked, ERROR) == ["分子和分母须同时填写"]
    assert checked.issues[0].field == "denominator"


def test_rate_value_is_computed():
    checked = check_entry("rate", "%", numerator_text="7", denominator_text="8")
    assert checked.value == 87.5 and checked.issues == () and checked.complete


def test_cumulative_negative_year_count_would_make_the_total_go_down():
    checked = check_entry("cumulative", "人", value_text="-3", history=History(total_before=10))
    assert _messages(checked, ERROR) == ["累计数不能减少：本年新增不能为负数"]


def test_running_total_below_last_years_total_is_refused_though_fine_on_its_own():
    # 8 is a perfectly good number on its own; the township had 10 up to last year.
    alone = check_entry("cumulative", "人", total_text="8")
    assert alone.issues == () and alone.value == 8
    checked = check_entry("cumulative", "人", total_text="8", history=History(total_before=10))
    assert _messages(checked, ERROR) == ["累计数（8）不能小于截至上年的累计数（10）"]
    ok = check_entry("cumulative", "人", total_text="15", history=History(total_before=10))
    assert ok.issues == () and ok.value == 5  # the year's own count


def test_value_far_outside_earlier_years_is_a_warning_needing_a_note():
    history = History(values=(20, 25, 22))
    checked = check_entry("yearly", "人次", value_text="400", history=history)
    assert checked.errors == () and len(checked.warnings) == 1
    assert "相差很大" in checked.warnings[0].message and "20—25" in checked.warnings[0].message
    assert not checked.complete
    explained = check_entry("yearly", "人次", value_text="400", note="今年举办全县大型活动", history=history)
    assert explained.warnings and explained.complete
    # the same 400 without earlier years raises nothing
    assert check_entry("yearly", "人次", value_text="400").issues == ()


def test_far_outside_downwards_and_small_numbers_not_flagged():
    assert check_entry("stock", "人", value_text="10", history=History(values=(100, 120))).warnings
    assert not check_entry("stock", "人", value_text="4", history=History(values=(1, 1))).warnings


def test_rate_drop_against_the_previous_year_is_a_warning():
    # 60 % is fine on its own, but last year was 80 %
    alone = check_entry("rate", "%", numerator_text="6", denominator_text="10")
    assert alone.issues == ()
    history = History(values=(80.0,), denominators=(10,), previous_rate=80.0)
    checked = check_entry("rate", "%", numerator_text="6", denominator_text="10", history=history)
    assert checked.errors == ()
    assert _messages(checked, WARNING) == ["比率 60% 比上年（80%）下降超过10个百分点，请填写说明"]
    assert not checked.complete
    small_drop = check_entry("rate", "%", numerator_text="7", denominator_text="10", history=history)
    assert small_drop.warnings == ()


def test_rate_denominator_far_outside_is_a_warning():
    history = History(values=(50.0,), denominators=(10, 12), previous_rate=50.0)
    checked = check_entry("rate", "%", numerator_text="60", denominator_text="100", history=history)
    assert [i.field for i in checked.warnings] == ["denominator"]


def test_blank_entry_is_blank_and_complete():
    checked = check_entry("rate", "%", numerator_text="", denominator_text="")
    assert checked.blank and checked.issues == () and checked.complete
