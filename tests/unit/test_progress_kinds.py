"""Status per target kind, with its reason and the path value of the year: worked examples
from the plan (issue 15)."""

from zkdesk.domain.progress import (
    BEHIND,
    CUMULATIVE,
    DONE,
    GROWTH,
    MILESTONE,
    NO_DATA,
    NO_TARGET,
    NOT_MET,
    ON_TRACK,
    PER_TERM,
    RATE,
    STOCK,
    THRESHOLD,
    YEARLY,
    Amount,
    expected_path,
    judge,
    judge_per_term,
    path_start,
    projection,
    rate_amount,
    step_projection,
)


def test_14_1_below_80_percent_in_any_year_is_not_met_that_year():
    """集体协商建制率动态保持在80%以上: 0% in 2021 is not "on track" to 2025, it is a miss now."""
    for year in range(2021, 2026):
        j = judge(THRESHOLD, "ge", 0.0, 80, year, 2025, None, unit="%")
        assert j.status == NOT_MET and "未达到动态保持≥80%" in j.reason and j.expected == 80
    assert judge(THRESHOLD, "ge", 79.99, 80, 2023, 2025, None, unit="%").status == NOT_MET
    met = judge(THRESHOLD, "ge", 82.5, 80, 2021, 2025, None, unit="%")
    assert met.status == DONE and "82.5%" in met.reason
    # a later fall is a miss again: every year stands on its own
    assert judge(THRESHOLD, "ge", 78, 80, 2024, 2025, None, unit="%").status == NOT_MET
    assert expected_path(THRESHOLD, 80, None, 2021, 2025) == {y: 80 for y in range(2021, 2026)}


def test_04_1_dynamic_full_coverage_is_judged_every_year():
    assert judge(THRESHOLD, "ge", 100, 100, 2022, 2025, None, unit="%").status == DONE
    assert judge(THRESHOLD, "ge", 96.3, 100, 2022, 2025, None, unit="%").status == NOT_MET


def test_07_1_growth_over_the_2020_enrolment_allows_a_fall():
    """职业技术在校学生人数增加1000人以上: the figure is a headcount, the target its growth."""
    baseline = 3200
    headcounts = {2021: 3500, 2022: 3100}  # enrolment fell in 2022
    start = path_start(GROWTH, 2021, {}, baseline)
    assert start == (2020, 0.0)
    j2021 = judge(GROWTH, "ge", headcounts[2021] - baseline, 1000, 2021, 2025, start, unit="人", baseline=baseline)
    assert j2021.status == ON_TRACK and j2021.expected == 200 and "比2020年增加300人" in j2021.reason
    j2022 = judge(GROWTH, "ge", headcounts[2022] - baseline, 1000, 2022, 2025, start, unit="人", baseline=baseline)
    assert j2022.status == BEHIND and "比2020年增加-100人" in j2022.reason and j2022.expected == 400
    assert judge(GROWTH, "ge", 4300 - baseline, 1000, 2024, 2025, start, baseline=baseline).status == DONE
    no_base = judge(GROWTH, "ge", 3500, 1000, 2021, 2025, None)
    assert no_base.status == NO_DATA and "基数" in no_base.reason


def test_12_x_share_and_number_against_the_previous_term():
    """人选不低于上一届的比例人数: both the share and the number."""
    previous = rate_amount(18, 150)  # 12%, 18 people
    assert judge_per_term(rate_amount(20, 150), previous).status == DONE
    fewer = judge_per_term(rate_amount(17, 120), previous)  # 14.17% but 17 people
    assert fewer.status == NOT_MET and "人数低于" in fewer.reason
    smaller = judge_per_term(rate_amount(19, 180), previous)  # 19 people but 10.56%
    assert smaller.status == NOT_MET and "比例低于" in smaller.reason
    both = judge_per_term(rate_amount(10, 150), previous)
    assert both.status == NOT_MET and "比例和人数低于" in both.reason
    assert judge_per_term(rate_amount(20, 150), None).status == NO_TARGET
    assert judge_per_term(None, previous).status == NO_DATA


def test_rates_and_stocks_start_at_the_2020_baseline_not_at_the_first_year():
    """Year 1 is no longer always 进度正常: with a 2020 baseline the first year has a path value."""
    start = path_start(RATE, 2021, {2021: 52.0}, baseline=50.0)
    assert start == (2020, 50.0)
    j = judge(RATE, "ge", 52.0, 70, 2021, 2025, start, unit="%")
    assert j.status == BEHIND and j.expected == 54.0 and "应达到的54%" in j.reason
    assert judge(RATE, "ge", 55.0, 70, 2021, 2025, start, unit="%").status == ON_TRACK
    # without a baseline the first reported year is the start, and the reason says so
    first = judge(STOCK, "ge", 3, 10, 2021, 2025, path_start(STOCK, 2021, {2021: 3}), unit="人")
    assert first.status == ON_TRACK and "没有2020年基数" in first.reason
    assert projection(RATE, {2021: 52.0}, 2021, 2021, 2025, baseline=50.0) == 60.0  # +2 a year


def test_cumulative_path_and_yearly_and_milestone():
    start = path_start(CUMULATIVE, 2021, {})
    assert judge(CUMULATIVE, "ge", 8, 20, 2022, 2025, start).status == ON_TRACK  # path 8
    assert judge(CUMULATIVE, "ge", 7, 20, 2022, 2025, start).expected == 8
    assert judge(CUMULATIVE, "ge", 19, 20, 2025, 2025, start).status == BEHIND
    assert judge(YEARLY, "ge", 0, 1, 2022, 2025, None).status == NOT_MET
    assert judge(MILESTONE, "ge", 0, 1, 2023, 2025, None).status == ON_TRACK
    assert judge(MILESTONE, "ge", 0, 1, 2025, 2025, None).status == BEHIND
    assert judge(MILESTONE, "ge", 1, 1, 2022, 2025, None).status == DONE
    assert judge(CUMULATIVE, "ge", 3, None, 2022, 2025, start).status == NO_TARGET
    assert expected_path(CUMULATIVE, 20, start, 2021, 2025) == {2020: 0, 2021: 4, 2022: 8, 2023: 12, 2024: 16, 2025: 20}
    assert expected_path(PER_TERM, 12, None, 2021, 2025) == {}


def test_award_sessions_project_as_steps_not_a_line():
    """03.1: 8 model workers awarded at one session in 2022; a line would say 20 by 2025."""
    assert projection(CUMULATIVE, {2022: 8}, 2022, 2021, 2025) == 20
    assert step_projection(8, [2022], 2022, 2025) == 8  # no session ahead: it stays
    assert step_projection(8, [2022, 2025], 2023, 2025) == 16  # one more session, as many again
    assert step_projection(None, [2022], 2022, 2025) is None
    assert Amount(1.0).value == 1.0
