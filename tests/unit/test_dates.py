from datetime import date

import pytest

from zkdesk.domain.dates import DateTextError, format_date, parse_date_text


@pytest.mark.parametrize("text", ["2022-03-01", "2022/3/1", "2022.3.1", "20220301", "2022年3月1日", " 2022-3-1 "])
def test_the_ways_clerks_type_a_date(text):
    assert parse_date_text(text) == date(2022, 3, 1)


def test_empty_is_none_and_bad_text_names_the_field():
    assert parse_date_text("  ") is None
    with pytest.raises(DateTextError, match="命名日期“2022-02-30”不是有效的日期"):
        parse_date_text("2022-02-30", "命名日期")
    with pytest.raises(DateTextError, match="申报日期“三月一日”格式不对"):
        parse_date_text("三月一日", "申报日期")
    assert format_date(date(2022, 3, 1)) == "2022-03-01" and format_date(None) == ""
