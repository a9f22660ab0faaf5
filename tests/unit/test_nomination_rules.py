from datetime import date

import pytest

from zkdesk.domain import nomination_rules as rules
from zkdesk.domain.idcard import mask_id_number

# Real-form numbers: 11010519491231002X is the example of GB 11643 itself (check digit X);
# the 530924 ones are built with the same rule for people of 镇康县.
X_CHECK = "53092419860419103X"  # born 1986-04-19, male (17th digit 3), check digit X
GOOD = "530924199007041329"  # born 1990-07-04, female (17th digit 2)
WRONG_CHECK = "530924199007041328"  # GOOD with the last digit mistyped


def person(**kw):
    base = dict(
        session_year=2025, name="李芳", id_number=GOOD, ethnicity="佤族", political_status="中共党员",
        education="大学专科", phone="13988776655", category="企业一线工人和专业技术人员", employer="镇康县南伞制糖有限公司",
        deeds_short="事" * 500, deeds_full="迹" * 2000,
    )
    return rules.check_person(**(base | kw))


def messages(findings, level=None):
    return [f.message for f in findings if level is None or f.level == level]


def test_a_complete_nomination_has_no_findings():
    assert person() == []


def test_x_check_digit_accepted_in_either_case():
    for raw in (X_CHECK, X_CHECK.lower(), f" {X_CHECK[:-1]}ｘ "):
        info, problem = rules.check_id(raw)
        assert problem is None, raw
        assert info.number == X_CHECK and info.birth_date == date(1986, 4, 19) and info.gender == "男"
    assert rules.check_id("11010519491231002X")[0].gender == "女"


def test_wrong_check_digit_is_an_error_naming_the_right_one():
    info, problem = rules.check_id(WRONG_CHECK)
    assert info is None and problem.is_error and problem.field == "id_number"
    assert "校验位错误" in problem.message and "应为9" in problem.message
    assert "校验位错误" in messages(person(id_number=WRONG_CHECK), rules.ERROR)[0]


def test_short_or_impossible_id_numbers():
    assert "应为18位，现为17位" in rules.check_id(GOOD[:17])[1].message
    assert "出生日期19900231不存在" in rules.check_id("530924199002311329")[1].message
    assert "身份证号码为空" in messages(person(id_number=""))


def test_gender_and_birth_date_must_match_the_id():
    found = person(gender="男", birth_date=date(1990, 7, 5))
    assert "性别“男”与身份证号码不符（按身份证号码应为女）" in messages(found, rules.ERROR)
    assert "出生日期1990-07-05与身份证号码不符（应为1990-07-04）" in messages(found, rules.ERROR)
    assert person(gender="女", birth_date=date(1990, 7, 4)) == []


def test_age_must_be_plausible_in_the_session_year():
    old = person(id_number="11010519491231002X")  # 76 in 2025
    assert any("年龄为76岁" in m for m in messages(old, rules.ERROR))
    assert person(id_number="11010519491231002X", session_year=2015) == []  # 66 in 2015
    young = person(session_year=2007)  # 17
    assert any("年龄为17岁" in m for m in messages(young, rules.ERROR))
    assert person(session_year=2008) == []  # 18


def test_choices_come_from_the_official_lists():
    found = person(ethnicity="火星族", political_status="", category="个体户")
    errors = messages(found, rules.ERROR)
    assert "民族“火星族”不在规定的选项中" in errors
    assert "请选择政治面貌" in errors
    assert "人员类别“个体户”不在规定的选项中" in errors


def test_deeds_bounds_short_version():
    assert person(deeds_short="事" * 300) == []
    warn = person(deeds_short="事" * 299)
    assert [f.level for f in warn] == [rules.WARNING] and "仅299字" in warn[0].message
    refuse = person(deeds_short="事" * 601)
    assert refuse[0].is_error and "超过600字" in refuse[0].message
    assert person(deeds_short="事" * 600) == []
    # spaces and line breaks are not counted
    assert person(deeds_short=("事" * 100 + "\n  ") * 6) == []


def test_deeds_bounds_full_version_and_empty_deeds_only_warn():
    assert "超过2500字" in person(deeds_full="迹" * 2501)[0].message
    assert "少于1500字" in person(deeds_full="迹" * 1499)[0].message
    empty = person(deeds_short="", deeds_full="")
    assert [f.level for f in empty] == [rules.WARNING, rules.WARNING]
    assert rules.submission_problems(id_number=GOOD, employer="某厂", deeds_short="", deeds_full="x") == ["未填写简要事迹"]


def test_live_count_text():
    text, level = rules.deeds_count_text("事" * 120, rules.DEEDS_SHORT)
    assert text.startswith("120字") and level == rules.WARNING
    assert rules.deeds_count_text("事" * 500, rules.DEEDS_SHORT)[1] == ""
    assert rules.deeds_count_text("事" * 700, rules.DEEDS_SHORT)[1] == rules.ERROR


def test_phone_warning_and_masking():
    assert person(phone="0883-6221234") == []
    assert "不像手机号" in person(phone="12345")[0].message
    assert mask_id_number(X_CHECK) == "530924********103X"


def test_shares():
    assert rules.share(1, 8) == 12.5
    assert rules.share(0, 0) is None


@pytest.mark.parametrize("category, tick, counts, by_category", [
    ("企业一线工人和专业技术人员", False, True, True),
    ("企业一线工人和专业技术人员", True, True, True),
    ("企业负责人", True, False, True),
    ("公务员", True, False, True),
    ("事业单位人员", True, False, True),
    ("普通农业劳动者", True, False, True),
    ("农民工", True, True, False),
    ("农民工", False, False, False),
    ("企业管理人员", True, True, False),
    ("", True, True, False),
    ("", False, False, False),
])
def test_industrial_worker_is_the_category_where_it_decides_else_the_tick(category, tick, counts, by_category):
    judged = rules.industrial_worker(category, tick)
    assert (judged.counts, judged.by_category) == (counts, by_category)
    assert judged.reason.endswith("计为产业工人")
    assert ("不计" in judged.reason) == (not counts)
    if category:
        assert f"“{category}”" in judged.reason
    if not by_category:
        assert "勾选" in judged.reason


def test_every_person_category_is_placed_by_the_industrial_rule():
    from zkdesk.domain import choices

    placed = set(rules.INDUSTRIAL_CATEGORIES) | set(rules.NOT_INDUSTRIAL_CATEGORIES)
    assert placed <= set(choices.PERSON_CATEGORIES)
    assert set(choices.PERSON_CATEGORIES) - placed == {"农民工", "企业管理人员"}  # left to the tick, explained
