from datetime import date

import pytest

from zkdesk.domain.idcard import IdNumberError, mask_id_number, mask_phone, parse_id_number
from zkdesk.domain.uscc import check_uscc, uscc_check_char


def test_valid_id_number_gives_birth_and_gender():
    info = parse_id_number("11010519491231002X")  # the GB 11643 sample number, 'X' check digit
    assert info.birth_date == date(1949, 12, 31)
    assert info.gender == "女"
    assert info.number.endswith("X")


def test_lower_case_x_is_accepted():
    assert parse_id_number("11010519491231002x").number == "11010519491231002X"


def test_wrong_check_digit_is_refused_with_the_right_digit():
    with pytest.raises(IdNumberError, match="校验位错误.*应为X"):
        parse_id_number("110105194912310021")


@pytest.mark.parametrize("raw, fragment", [("1234", "18位"), ("11010519491331002X", "出生日期"), ("1101051949123100AX", "前17位")])
def test_malformed_id_numbers(raw, fragment):
    with pytest.raises(IdNumberError, match=fragment):
        parse_id_number(raw)


def test_masking():
    assert mask_id_number("530924199001011234") == "530924********1234"
    assert mask_phone("13812345678") == "138****5678"
    # short numbers never come out whole: a 7-digit landline keeps its last 2, a stub ID nothing
    assert mask_phone("8812345") == "*****45" and mask_id_number("5309241") == "*******"
    assert mask_id_number(None) == "" and mask_phone("") == ""


def test_uscc_valid_and_invalid():
    good = "91350100M000100Y43"  # a published example code
    assert check_uscc(good).ok
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    result = check_uscc(bad)
    assert not result.ok and "校验位" in result.message


def test_uscc_check_value_31_is_written_0():
    # find a body whose weighted sum is a multiple of 31: the check value is then 31 → '0'
    from itertools import product

    for tail in product("0123456789", repeat=3):
        body = "91530924MA0000" + "".join(tail)
        if uscc_check_char(body) == "0":
            assert check_uscc(body + "0").ok
            break
    else:
        pytest.fail("no body with check value 31 found")


def test_uscc_forbidden_letters_warn():
    result = check_uscc("91530924MA0000I00O")
    assert not result.ok and "不允许的字符" in result.message
