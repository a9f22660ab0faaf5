from datetime import date

import pytest

from zkdesk.domain import nomination_workflow as wf
from zkdesk.domain.roles import Role
from zkdesk.domain.workdays import add_working_days

A = wf.Action
MONDAY = date(2025, 6, 2)


def refused(status, action, role=Role.REVIEWER, at_county=True, **kw):
    return wf.refusal(status, action, role=role, at_county=at_county, **kw)


def test_the_happy_path_is_allowed_for_the_right_roles():
    assert refused(wf.DRAFT, A.RECOMMEND, role=Role.CLERK, at_county=False) == ""
    assert refused(wf.UNIT_RECOMMENDED, A.TOWNSHIP_REVIEW, at_county=False) == ""
    assert refused(wf.TOWNSHIP_REVIEWED, A.COUNTY_REVIEW) == ""
    assert refused(wf.COUNTY_REVIEWED, A.PUBLICIZE, publicity_start=MONDAY) == ""
    assert refused(wf.PUBLICIZED, A.HONOUR, publicity_start=MONDAY, on=date(2025, 6, 9)) == ""
    assert wf.TRANSITIONS[A.HONOUR].target == wf.HONOURED


def test_the_admin_may_do_everything_and_the_viewer_nothing():
    assert refused(wf.DRAFT, A.RECOMMEND, role=Role.ADMIN) == ""
    assert refused(wf.UNIT_RECOMMENDED, A.TOWNSHIP_REVIEW, role=Role.ADMIN) == ""
    assert "录入和修改数据" in refused(wf.DRAFT, A.RECOMMEND, role=Role.VIEWER)
    assert "审核" in refused(wf.UNIT_RECOMMENDED, A.TOWNSHIP_REVIEW, role=Role.VIEWER)


@pytest.mark.parametrize("status, action", [
    (wf.UNIT_RECOMMENDED, A.TOWNSHIP_REVIEW),
    (wf.TOWNSHIP_REVIEWED, A.COUNTY_REVIEW),
    (wf.COUNTY_REVIEWED, A.PUBLICIZE),
    (wf.UNIT_RECOMMENDED, A.REJECT),
    (wf.UNIT_RECOMMENDED, A.RETURN),
])
def test_a_clerk_may_not_take_review_steps(status, action):
    reason = refused(status, action, role=Role.CLERK, opinion="x", publicity_start=MONDAY)
    assert "需要“审核”权限" in reason and "录入员" in reason


def test_a_reviewer_may_not_submit_a_draft():
    assert "需要“录入和修改数据”权限" in refused(wf.DRAFT, A.RECOMMEND, role=Role.REVIEWER)


@pytest.mark.parametrize("status, action", [
    (wf.DRAFT, A.TOWNSHIP_REVIEW),  # skipping 单位推荐
    (wf.UNIT_RECOMMENDED, A.COUNTY_REVIEW),  # skipping 乡镇审核
    (wf.TOWNSHIP_REVIEWED, A.HONOUR),  # skipping 公示
    (wf.HONOURED, A.RETURN),  # final
    (wf.REJECTED, A.RECOMMEND),  # final
    (wf.DRAFT, A.RETURN),  # nothing to return
])
def test_steps_out_of_order_are_refused(status, action):
    reason = refused(status, action, role=Role.ADMIN, opinion="x", publicity_start=MONDAY, on=date(2026, 1, 1))
    assert reason.startswith(f"当前状态为“{wf.status_label(status)}”")


def test_county_decisions_are_not_for_a_township():
    assert "乡镇不能进行“评审”" in refused(wf.TOWNSHIP_REVIEWED, A.COUNTY_REVIEW, at_county=False)
    assert "乡镇不能进行“退回修改”" in refused(wf.COUNTY_REVIEWED, A.RETURN, at_county=False, opinion="材料不全")
    # the township's own stage: its reviewer may return or reject
    assert refused(wf.UNIT_RECOMMENDED, A.RETURN, at_county=False, opinion="材料不全") == ""


def test_reject_and_return_need_a_reason():
    assert refused(wf.COUNTY_REVIEWED, A.REJECT) == "“未通过”须填写意见（原因）"
    assert refused(wf.PUBLICIZED, A.RETURN, opinion="  ") == "“退回修改”须填写意见（原因）"
    assert refused(wf.PUBLICIZED, A.RETURN, opinion="事迹需补充") == ""
    assert wf.TRANSITIONS[A.RETURN].target == wf.DRAFT


def test_publicity_needs_a_start_date():
    assert refused(wf.COUNTY_REVIEWED, A.PUBLICIZE) == "请填写公示开始日期"


def test_publicity_lasts_five_working_days():
    # Monday 2 June 2025: the 5th working day is Friday 6 June; it may close from Saturday on.
    assert wf.publicity_end(MONDAY) == date(2025, 6, 6)
    for day in (MONDAY, date(2025, 6, 5), date(2025, 6, 6)):
        reason = refused(wf.PUBLICIZED, A.HONOUR, publicity_start=MONDAY, on=day)
        assert "须满5个工作日" in reason and "2025年06月06日之后" in reason
    assert refused(wf.PUBLICIZED, A.HONOUR, publicity_start=MONDAY, on=date(2025, 6, 7)) == ""
    # Started on a Thursday: the weekend does not count.
    assert wf.publicity_end(date(2025, 6, 5)) == date(2025, 6, 11)


def test_publicity_skips_the_office_holidays():
    # 端午节 2025: Monday 2 June off → the 5 working days run to Monday 9 June.
    holidays = {date(2025, 6, 2)}
    assert wf.publicity_end(MONDAY, holidays) == date(2025, 6, 9) == add_working_days(MONDAY, 5, holidays)
    assert refused(wf.PUBLICIZED, A.HONOUR, publicity_start=MONDAY, on=date(2025, 6, 9), holidays=holidays)
    assert refused(wf.PUBLICIZED, A.HONOUR, publicity_start=MONDAY, on=date(2025, 6, 10), holidays=holidays) == ""


def test_objections_need_a_finding_before_honouring():
    later = date(2025, 6, 20)
    assert "核查结论" in refused(wf.PUBLICIZED, A.HONOUR, publicity_start=MONDAY, on=later, has_objections=True)
    assert refused(wf.PUBLICIZED, A.HONOUR, publicity_start=MONDAY, on=later, has_objections=True, opinion="经核查，反映问题不属实") == ""


def test_rejecting_during_publicity_needs_no_waiting():
    assert refused(wf.PUBLICIZED, A.REJECT, publicity_start=MONDAY, on=MONDAY, opinion="经核查反映属实") == ""


def test_actions_from_each_status():
    assert wf.actions_from(wf.DRAFT) == [A.RECOMMEND]
    assert wf.actions_from(wf.PUBLICIZED) == [A.HONOUR, A.REJECT, A.RETURN]
    assert wf.actions_from(wf.HONOURED) == [] and wf.actions_from(wf.REJECTED) == []
    assert "未知的审核步骤" in refused(wf.DRAFT, "jump")
