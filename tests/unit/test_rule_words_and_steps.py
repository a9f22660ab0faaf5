"""The words a target's rule is printed and shown with come from one function
(domain.progress.rule_words); 03.1 (县级劳动模范, awarded in sessions) steps at the session years."""

from __future__ import annotations


import pytest

from tests.conftest import COUNTY
from zkdesk.domain import progress as rules
from zkdesk.services.award_sessions import SessionInput, create_session
from zkdesk.services.progress import indicator_path, progress_for


def test_rule_words_per_kind():
    assert rules.rule_words(rules.PER_TERM, 2025, 2020) == "不低于上一届的比例人数"  # 第12条 as written
    assert rules.rule_words(rules.THRESHOLD, 2025, 2020) == "每年均达到（动态保持）"
    assert rules.rule_words(rules.GROWTH, 2025, 2020) == "到2025年比2020年增加"
    assert rules.rule_words(rules.CUMULATIVE, 2030, 2025) == "到2030年累计"
    assert all(rules.rule_words(k, 2025, 2020) and "以本单位上届" not in rules.rule_words(k, 2025, 2020)
               for k in rules.TARGET_KINDS)


def test_step_path_is_the_cumulative_target_of_the_sessions_held():
    assert rules.step_path(20, [2021, 2024], 2021, 2025) == {2020: 0, 2021: 10, 2022: 10, 2023: 10, 2024: 20, 2025: 20}
    assert rules.step_path(20, [2019, 2026], 2021, 2025) == {}  # no session in the plan: no step
    assert rules.step_path(None, [2022], 2021, 2025) == {}
    judged = rules.judge(rules.CUMULATIVE, rules.GE, 9, 20, 2022, 2025, (2020, 0.0), path={2021: 10.0, 2022: 10.0})
    assert judged.status == rules.BEHIND and judged.expected == 10.0  # a line would ask 8 by 2022
    assert rules.judge(rules.CUMULATIVE, rules.GE, 9, 20, 2022, 2025, (2020, 0.0)).status == rules.ON_TRACK


@pytest.fixture
def county(county_plan):
    return county_plan


def test_03_1_steps_at_the_session_years(county):
    db, admin, plan_id, ids = county
    with db.session() as s:
        create_session(s, admin, SessionInput(name="第四届镇康县劳动模范", year=2021, number=4))
        create_session(s, admin, SessionInput(name="第五届镇康县劳动模范", year=2024, number=5))
    with db.read_session() as s:
        path = indicator_path(s, plan_id, ids["03.1"], COUNTY)
        rows = {y: next(r for r in progress_for(s, plan_id, COUNTY, y) if r.code == "03.1") for y in (2022, 2024)}
        line = indicator_path(s, plan_id, ids["05.1"], COUNTY)  # a straight line still
    assert path.expected == {2020: 0, 2021: 10, 2022: 10, 2023: 10, 2024: 20, 2025: 20}
    assert (rows[2022].expected, rows[2024].expected) == (10, 20)
    assert rows[2022].status == rules.BEHIND and "按届次评选" in rows[2022].status_reason  # none honoured yet
    assert len(set(line.expected.values())) > 3 or not line.expected


def test_progress_rows_carry_rule_words(county):
    db, admin, plan_id, ids = county
    with db.read_session() as s:
        rows = {r.code: r for r in progress_for(s, plan_id, COUNTY, 2023)}
    assert rows["12.1"].rule_words == "不低于上一届的比例人数"
    assert rows["14.1"].rule_words == "每年均达到（动态保持）"
    assert rows["07.1"].rule_words == "到2025年比2020年增加"
