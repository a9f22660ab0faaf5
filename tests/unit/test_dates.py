from datetime import date

import pytest

from zkdesk.domain.dates import DateTextError, format_date, parse_date_text


@pytest.mark.parametrize("text", ["2022-03-01", "2022/3/1", "2022.3.1", "20220301", "2022年3月1日", " 2022-3-1 ",
                                  "２０２２年３月１日", "2022 年 3 月 1 日", "2022-03-01 00:00:00", "2022/3/1 9:30"])
def test_the_ways_clerks_type_a_date(text):
    assert parse_date_text(text) == date(2022, 3, 1)


def test_empty_is_none_and_bad_text_names_the_field():
    assert parse_date_text("  ") is None
    with pytest.raises(DateTextError, match="命名日期“2022-02-30”不存在"):
        parse_date_text("2022-02-30", "命名日期")
    with pytest.raises(DateTextError, match="无法识别的申报日期“三月一日”"):
        parse_date_text("三月一日", "申报日期")
    assert format_date(date(2022, 3, 1)) == "2022-03-01" and format_date(None) == ""


def test_half_dates_and_typos_in_the_year_say_what_is_wrong():
    with pytest.raises(DateTextError, match="出生日期“2022年3月”缺少日"):
        parse_date_text("2022年3月", "出生日期")
    with pytest.raises(DateTextError, match="签订日期“0222-03-01”不合理"):
        parse_date_text("0222-03-01", "签订日期")
    with pytest.raises(DateTextError, match="无法识别的日期“2022-03-01 下午”"):
        parse_date_text("2022-03-01 下午")


@pytest.mark.parametrize("text, shown", [("٢٠٢٢-٠٣-٠١", "٢٠٣"), ("२०२२-०३-०१", "२०३"), ("2022-03-0١", "١"),
                                         ("٢٠٢٢٠٣٠١", "٢٠٣"), ("2022年3月１१日", "१")])
def test_digits_of_other_scripts_are_not_read_as_a_date(text, shown):
    """The first three distinct ones are named. \\d took them and int() read them: another day than the clerk sees could be stored."""
    with pytest.raises(DateTextError, match=f"签订日期“{text}”含有非标准数字“{shown}”，请用0—9录入"):
        parse_date_text(text, "签订日期")


@pytest.mark.parametrize("text", ["inf", "-inf", "NaN", "Infinity", "ｉｎｆ"])
def test_the_words_of_a_failed_calculation_say_so(text):
    with pytest.raises(DateTextError, match=f"建会时间“{text}”不是日期，像是计算出错的结果"):
        parse_date_text(text, "建会时间")


def test_full_width_digits_are_read_as_the_digits_they_show():
    assert parse_date_text("２０２２－０３－０１") == date(2022, 3, 1)
    assert parse_date_text("２０２２０３０１") == date(2022, 3, 1)


def test_a_year_and_month_in_other_scripts_digits_is_refused_too():
    from zkdesk.domain.dates import parse_year_month

    with pytest.raises(DateTextError, match="出生年月“١٩٦٩.٠٢”含有非标准数字“١٩٦”"):
        parse_year_month("١٩٦٩.٠٢")
    assert parse_year_month("１９６９.０２").month == 2
