from datetime import date

import pytest

from zkdesk.domain.contract_rules import (
    RuleError,
    Scores,
    add_months,
    check_scores,
    check_survey,
    effective_date,
    expiry_date,
    filing_deadline,
    filing_overdue,
    in_force_during,
    in_renewal_window,
    survey_rate,
)
from zkdesk.domain.uscc import check_uscc, uscc_check_char


# ---- USCC (GB 32100) ----------------------------------------------------------------------

def test_uscc_whose_check_value_is_31_is_written_0():
    code = "91530924MA6K0004X0"  # weighted sum 2511 = 81·31: check value 31, written '0'
    assert uscc_check_char(code[:17]) == "0"
    assert check_uscc(code).ok
    assert not check_uscc(code[:17] + "Y").ok  # 'Y' would be value 30


def test_real_looking_uscc_that_fails_the_check_warns_with_the_expected_character():
    good = "91530924MA6KXQ7T2Q"
    assert check_uscc(good).ok
    bad = "91530924MA6KXQ7T2R"  # one wrong last character, looks like any licence code
    result = check_uscc(bad)
    assert not result.ok
    assert "校验位不符" in result.message and "应为Q" in result.message


def test_uscc_is_normalised_before_the_check():
    assert check_uscc(" 91530924ma6kxq7t2q ").ok


# ---- dates ------------------------------------------------------------------------------

@pytest.mark.parametrize("signed, term, expires", [
    (date(2024, 3, 15), 3, date(2027, 3, 14)),
    (date(2024, 1, 1), 1, date(2024, 12, 31)),
    (date(2023, 3, 1), 2, date(2025, 2, 28)),
    (date(2024, 2, 29), 1, date(2025, 2, 28)),  # no 29 Feb in 2025: the anniversary is 1 March
    (date(2024, 2, 29), 3, date(2027, 2, 28)),
])
def test_expiry_is_the_day_before_the_anniversary(signed, term, expires):
    assert expiry_date(signed, term) == expires


@pytest.mark.parametrize("term", [0, 4, -1])
def test_term_must_be_one_to_three_years(term):
    with pytest.raises(RuleError, match="1至3年"):
        expiry_date(date(2024, 1, 1), term)


def test_filing_is_overdue_after_ten_days():
    signed = date(2025, 6, 1)
    assert filing_deadline(signed) == date(2025, 6, 11)
    assert not filing_overdue(signed, None, date(2025, 6, 11))
    assert filing_overdue(signed, None, date(2025, 6, 12))
    assert not filing_overdue(signed, date(2025, 6, 20), date(2025, 7, 1))  # filed late, but filed
    assert not filing_overdue(None, None, date(2025, 7, 1))


def test_effective_fifteen_days_after_filing_unless_the_review_objects():
    assert effective_date(date(2025, 6, 5), objection=False) == date(2025, 6, 20)
    assert effective_date(date(2025, 12, 20), objection=False) == date(2026, 1, 4)
    assert effective_date(date(2025, 6, 5), objection=True) is None
    assert effective_date(None, objection=False) is None


def test_renewal_window_is_the_next_three_months():
    today = date(2025, 11, 30)
    assert add_months(today, 3) == date(2026, 2, 28)
    assert in_renewal_window(date(2025, 11, 30), today)
    assert in_renewal_window(date(2026, 2, 28), today)
    assert not in_renewal_window(date(2026, 3, 1), today)
    assert not in_renewal_window(date(2025, 11, 29), today)  # already expired
    assert not in_renewal_window(None, today)


def test_in_force_during_a_year_means_the_term_overlaps_it():
    assert in_force_during(date(2022, 7, 1), date(2025, 6, 30), False, 2025)
    assert in_force_during(date(2022, 7, 1), date(2025, 6, 30), False, 2022)
    assert not in_force_during(date(2022, 7, 1), date(2025, 6, 30), False, 2026)
    assert not in_force_during(date(2022, 7, 1), date(2025, 6, 30), False, 2021)
    assert not in_force_during(date(2022, 7, 1), date(2025, 6, 30), True, 2023)  # the review objected


# ---- evaluation ---------------------------------------------------------------------------

def test_total_is_the_sum_of_five_areas_and_at_most_100():
    assert check_scores(Scores(18, 17.5, 16, 19, 15)) == 85.5
    with pytest.raises(RuleError, match="超过100分"):
        check_scores(Scores(25, 25, 25, 25, 1))
    with pytest.raises(RuleError, match="协商程序.*负数"):
        check_scores(Scores(10, -1, 10, 10, 10))


def test_survey_rates_are_computed_from_counts():
    assert survey_rate(45, 50) == 90.0
    assert survey_rate(2, 3) == 66.67
    assert survey_rate(0, 0) is None
    check_survey(50, 45, 40)
    with pytest.raises(RuleError, match="知晓人数"):
        check_survey(50, 51, 40)
    with pytest.raises(RuleError, match="满意人数"):
        check_survey(50, 40, 60)
