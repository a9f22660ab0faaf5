from datetime import date

from zkdesk.domain import studio_rules as rules
from zkdesk.domain.studio_rules import StatusDates, counts_as_named


def test_a_studio_cannot_be_named_before_it_was_applied_for():
    problems = rules.status_problems(StatusDates("命名", applied_on=date(2023, 5, 1), named_on=date(2023, 4, 30)))
    assert problems == ["命名日期2023-04-30早于申报日期2023-05-01：未申报不能命名"]
    assert rules.status_problems(StatusDates("命名", applied_on=date(2023, 5, 1), named_on=date(2023, 5, 1))) == []


def test_each_status_needs_its_dates():
    assert rules.status_problems(StatusDates("申报", applied_on=date(2023, 1, 1))) == []
    assert "请填写申报日期" in rules.status_problems(StatusDates("申报"))
    assert "状态为“命名”时须填写命名日期" in rules.status_problems(StatusDates("命名", applied_on=date(2023, 1, 1)))
    reviewed = StatusDates("年度复核", date(2022, 1, 1), date(2022, 6, 1), reviewed_on=date(2022, 5, 1))
    assert rules.status_problems(reviewed) == ["复核日期2022-05-01早于命名日期2022-06-01"]
    assert "状态为“撤销”时须填写撤销日期" in rules.status_problems(StatusDates("撤销", date(2022, 1, 1), date(2022, 6, 1)))
    revoked_early = StatusDates("撤销", date(2022, 1, 1), date(2022, 6, 1), revoked_on=date(2022, 3, 1))
    assert rules.status_problems(revoked_early) == ["撤销日期2022-03-01早于命名日期2022-06-01"]
    # a date that belongs to a later status is refused while the status lags behind
    assert rules.status_problems(StatusDates("申报", date(2022, 1, 1), named_on=date(2022, 6, 1)))
    assert rules.status_problems(StatusDates("命名", date(2022, 1, 1), date(2022, 6, 1), revoked_on=date(2023, 1, 1)))
    assert rules.status_problems(StatusDates("关闭", date(2022, 1, 1))) == ["状态“关闭”无效，应为：申报、命名、年度复核、撤销"]


def test_a_revoked_studio_stops_counting_from_its_revocation_date():
    studio = StatusDates("撤销", date(2021, 3, 1), date(2021, 9, 1), date(2022, 9, 1), revoked_on=date(2024, 4, 15))
    assert not counts_as_named(studio, date(2021, 8, 31))  # not named yet
    assert counts_as_named(studio, date(2021, 9, 1))
    assert counts_as_named(studio, date(2024, 4, 14))
    assert not counts_as_named(studio, date(2024, 4, 15))  # the revocation date itself
    assert not counts_as_named(studio, date(2025, 12, 31))


def test_only_named_statuses_count():
    assert not counts_as_named(StatusDates("申报", date(2021, 3, 1)), date(2025, 1, 1))
    assert counts_as_named(StatusDates("命名", date(2021, 3, 1), date(2021, 5, 1)), date(2025, 1, 1))
    assert counts_as_named(StatusDates("年度复核", date(2021, 3, 1), date(2021, 5, 1), date(2022, 5, 1)), date(2025, 1, 1))
    # an application withdrawn before naming never counted
    assert not counts_as_named(StatusDates("撤销", date(2021, 3, 1), revoked_on=date(2021, 6, 1)), date(2021, 5, 1))


def test_transitions_follow_the_order():
    assert rules.transition_problem("申报", "命名") == ""
    assert rules.transition_problem("命名", "年度复核") == ""
    assert rules.transition_problem("年度复核", "年度复核") == ""
    assert rules.transition_problem("年度复核", "撤销") == ""
    assert rules.transition_problem("申报", "年度复核") == "工作室当前状态为“申报”，不能变更为“年度复核”（可变更为：命名、撤销）"
    assert "不能变更" in rules.transition_problem("撤销", "命名")
    after = rules.apply_transition(StatusDates("申报", date(2022, 2, 1)), "命名", date(2022, 1, 1))
    assert after == StatusDates("命名", date(2022, 2, 1), date(2022, 1, 1))
    assert rules.status_problems(after)  # named before applied: refused by the date rule


def test_member_minimum_is_three():
    assert rules.member_count_problem(3) == ""
    assert rules.member_count_problem(2) == "工作室成员至少3人，现有2人"
    assert rules.member_count_problem(0) != ""


def test_suggested_names_follow_the_type():
    assert rules.suggest_name("劳模创新工作室", " 李明 ") == "李明劳模创新工作室"
    assert rules.suggest_name("工匠创新工作室", "王芳", "南伞制糖有限公司") == "王芳工匠创新工作室"
    assert rules.suggest_name("职工技师工作站", "赵刚") == "赵刚职工技师工作站"
    assert rules.suggest_name("职工创新工作室", "赵刚", "南伞制糖有限公司") == "南伞制糖有限公司职工创新工作室"
    assert rules.suggest_name("职工创新工作室", "赵刚") == "赵刚职工创新工作室"
    assert rules.suggest_name("劳模创新工作室", "") == ""


def test_result_sanity():
    assert rules.result_problems(2023, {"proposals": 5, "proposals_adopted": 5}) == []
    assert rules.result_problems(2023, {"proposals": 3, "proposals_adopted": 4}) == ["2023年合理化建议采纳4件，多于提出的3件"]
    assert rules.result_problems(2023, {"patents": -1}) == ["2023年“专利”不能为负数（现为-1）"]
    assert rules.result_problems(1899, {}) == ["年度1899不合理"]
    assert rules.patent_details_problems(2023, 1, "ZL202310000001.1 实用新型\nZL2023 外观") == ["2023年专利明细有2行，多于专利数1件"]
    assert rules.patent_details_problems(2023, 2, "ZL202310000001.1 实用新型\n\n") == []


def test_phone_check():
    assert rules.phone_problem("") == ""
    assert rules.phone_problem("0883-6661234") == ""
    assert rules.phone_problem("13812345678") == ""
    assert "格式不对" in rules.phone_problem("138abc")
