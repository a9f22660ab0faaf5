"""Roll-up rules, completion, status thresholds and projection (domain/progress.py)."""

import pytest

from zkdesk.domain.progress import (
    BEHIND,
    CUMULATIVE,
    DONE,
    NO_DATA,
    NO_TARGET,
    NOT_MET,
    ON_TRACK,
    RATE,
    STOCK,
    YEARLY,
    Amount,
    combine_orgs,
    completion,
    expected_at,
    meets,
    over_years,
    path_start,
    projection,
    rate_amount,
    rate_of,
    status,
)


def test_rates_roll_up_as_sum_of_numerators_over_sum_of_denominators():
    # 1/1 = 100 % and 10/100 = 10 %: the average of percentages would say 55 %
    total = combine_orgs(RATE, [rate_amount(1, 1), rate_amount(10, 100), None])
    assert (total.numerator, total.denominator) == (11.0, 101.0)
    assert total.value == pytest.approx(10.89, abs=0.01)
    assert total.value != pytest.approx((100 + 10) / 2)


def test_rate_with_zero_denominator_has_no_value():
    assert rate_of(0, 0) is None and rate_of(3, None) is None
    assert combine_orgs(RATE, [rate_amount(0, 0)]).value is None
    assert combine_orgs(RATE, [None, None]) is None


def test_counts_roll_up_as_sums_and_missing_orgs_are_left_out():
    assert combine_orgs(CUMULATIVE, [Amount(3), Amount(None), None, Amount(4.5)]).value == 7.5
    assert combine_orgs(STOCK, [None, Amount(None)]) is None


def test_cumulative_adds_up_the_plan_years_up_to_the_year():
    by_year = {2020: Amount(100), 2021: Amount(2), 2022: Amount(3), 2023: Amount(5), 2024: Amount(7)}
    assert over_years(CUMULATIVE, by_year, 2023, start_year=2021).value == 10  # 2020 is before the plan
    assert over_years(CUMULATIVE, by_year, 2021, start_year=2021).value == 2
    assert over_years(CUMULATIVE, {}, 2023, 2021) is None


def test_stock_takes_the_latest_year_and_yearly_that_year():
    by_year = {2021: Amount(10), 2022: Amount(12), 2024: Amount(None)}
    assert over_years(STOCK, by_year, 2023, 2021).value == 12  # latest reported year up to 2023
    assert over_years(STOCK, by_year, 2022, 2021).value == 12
    assert over_years(YEARLY, by_year, 2022, 2021).value == 12
    assert over_years(YEARLY, by_year, 2023, 2021) is None


def test_rate_over_years_is_that_years_ratio_not_a_sum():
    by_year = {2021: rate_amount(5, 10), 2022: rate_amount(6, 10)}
    assert over_years(RATE, by_year, 2022, 2021).value == 60.0


def test_county_cumulative_equals_townships_summed_either_way():
    towns = [{2021: Amount(1), 2022: Amount(2)}, {2021: Amount(10), 2022: Amount(20)}]
    per_town_then_sum = combine_orgs(CUMULATIVE, [over_years(CUMULATIVE, t, 2022, 2021) for t in towns])
    assert per_town_then_sum.value == 33


def test_completion_by_comparator():
    assert completion("ge", 35, 70) == 50.0
    assert completion("ge", 140, 70) == 200.0
    assert completion("le", 20, 10) == 50.0
    assert completion("ge", None, 70) is None and completion("ge", 3, None) is None
    assert completion("ge", 0, 0) == 100.0


def test_meets_by_comparator():
    assert meets("ge", 70, 70) and not meets("ge", 69.9, 70)
    assert meets("le", 5, 5) and not meets("le", 6, 5)
    assert meets("eq", 10.9, 10) and meets("eq", 9.1, 10) and not meets("eq", 12, 10)
    assert meets("not_below_last", 30, 30) and not meets("not_below_last", 29, 30)


def test_straight_line_path():
    # cumulative 20 by 2025 from nothing before 2021: 4 a year
    assert expected_at(2023, 2020, 0, 2025, 20) == pytest.approx(12)
    assert expected_at(2027, 2020, 0, 2025, 20) == 20


@pytest.mark.parametrize(
    "actual, year, expected",
    [
        (20, 2023, DONE),  # target reached early
        (12, 2023, ON_TRACK),  # exactly on the path (3 of 5 years → 12 of 20)
        (11, 2023, BEHIND),  # just below the path
        (4, 2021, ON_TRACK),
        (3, 2021, BEHIND),
        (19, 2025, BEHIND),  # target year reached, target not
        (None, 2023, NO_DATA),
    ],
)
def test_cumulative_status_against_the_path(actual, year, expected):
    assert status(CUMULATIVE, "ge", actual, 20, year, 2025, path_start(CUMULATIVE, 2021, {})) == expected


def test_rate_status_uses_the_first_reported_year_as_baseline():
    actuals = {2021: 50.0, 2022: 55.0, 2023: 58.0}
    start = path_start(RATE, 2021, actuals)
    assert start == (2021, 50.0)
    # path 50 (2021) → 70 (2025): 60 expected in 2023
    assert status(RATE, "ge", 58.0, 70, 2023, 2025, start) == BEHIND
    assert status(RATE, "ge", 61.0, 70, 2023, 2025, start) == ON_TRACK
    # only one year reported: on its own path until the target year
    assert status(RATE, "ge", 40.0, 70, 2022, 2025, (2022, 40.0)) == ON_TRACK


def test_status_without_a_target_says_so():
    assert status(STOCK, "ge", 12, None, 2023, 2025, (2021, 3)) == NO_TARGET
    assert status(STOCK, "ge", None, 20, 2023, 2025, (2021, 3)) == NO_DATA


def test_yearly_and_not_below_last_are_met_or_not_each_year():
    assert status(YEARLY, "ge", 1, 1, 2022, 2025, None) == DONE
    assert status(YEARLY, "ge", 0, 1, 2022, 2025, None) == NOT_MET
    assert status(RATE, "not_below_last", 30, 32, 2023, 2025, (2021, 32)) == NOT_MET
    assert status(RATE, "not_below_last", 33, 32, 2023, 2025, (2021, 32)) == DONE


def test_le_and_eq_paths():
    # le: 20 → 10 by 2025 from 2021: 15 expected in 2023
    assert status(STOCK, "le", 14, 10, 2023, 2025, (2021, 20)) == ON_TRACK
    assert status(STOCK, "le", 16, 10, 2023, 2025, (2021, 20)) == BEHIND
    # eq 10 "左右": 2 → 10, 6 expected in 2023; distance 4 allowed (+1 tolerance)
    assert status(RATE, "eq", 5.5, 10, 2023, 2025, (2021, 2)) == ON_TRACK
    assert status(RATE, "eq", 4.0, 10, 2023, 2025, (2021, 2)) == BEHIND
    assert status(RATE, "eq", 10.5, 10, 2023, 2025, (2021, 2)) == DONE


def test_projection_at_the_current_pace():
    # cumulative: 12 after 3 of 5 years → 20
    assert projection(CUMULATIVE, {2023: 12}, 2023, 2021, 2025) == 20
    # stock: 10 (2021) → 16 (2023): +3 a year → 22 in 2025
    assert projection(STOCK, {2021: 10, 2022: 11, 2023: 16}, 2023, 2021, 2025) == 22
    # rate: capped at 100 %
    assert projection(RATE, {2021: 60, 2023: 90}, 2023, 2021, 2025) == 100
    # one point, or the target year itself: the actual
    assert projection(STOCK, {2023: 7}, 2023, 2021, 2025) == 7
    assert projection(CUMULATIVE, {2025: 18}, 2025, 2021, 2025) == 18
    assert projection(YEARLY, {2022: 3}, 2022, 2021, 2025) == 3
    assert projection(STOCK, {2022: 3}, 2023, 2021, 2025) is None
    # a falling stock does not project below zero
    assert projection(STOCK, {2021: 10, 2023: 2}, 2023, 2021, 2025) == 0
