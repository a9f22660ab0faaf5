"""Baselines (基期数, 2020): entered per org unit, used by progress, checked like values (issue 15)."""

import json

import pytest
from sqlalchemy import select

from tests.conftest import COUNTY, NANSAN
from zkdesk.domain.roles import Role
from zkdesk.services.actor import Actor
from zkdesk.services.baselines import BaselineEntry, baseline_sheet, has_baseline, save_baselines
from zkdesk.services.errors import UserError
from zkdesk.services.evaluation_status import Figures
from zkdesk.services.indicator_values import ValueEntry, save_values
from zkdesk.services.progress import get_plan, plan_by_code, progress_for
from zkdesk.services.records import RecordChanged
from zkdesk.store.models import AuditEntry, Indicator, IndicatorBaseline, Plan

FENGWEI = "530924101"
MENGPENG = "530924102"


@pytest.fixture
def county(county_plan):
    return county_plan


def _row(rows, code):
    return next(r for r in rows if r.code == code)


def test_the_sheet_lists_the_rates_and_stocks_an_org_unit_reports(county):
    db, admin, plan_id, ids = county
    with db.read_session() as s:
        town = baseline_sheet(s, admin, plan_id, FENGWEI)
        own = baseline_sheet(s, admin, plan_id, COUNTY)
    assert town.year == 2020 and town.editable
    codes = [r.code for r in town.rows]
    assert "01.1" in codes and "04.2" in codes and "14.1" in codes  # rate, stock, 动态保持 rate
    assert "01.2" not in codes and "02.3" not in codes  # cumulative and yearly counts have none
    # a per-term share: its baseline is the previous 届, elected before the plan
    assert next(r for r in town.rows if r.code == "12.1").label == "上一届（2016年）"
    assert next(r for r in town.rows if r.code == "04.2").label == "2020年"
    assert "08.1" not in codes  # a county-only task: 县本级 enters it
    assert "08.1" in [r.code for r in own.rows]


def test_saved_baselines_start_the_path_of_a_rate_and_a_stock(county):
    db, admin, plan_id, ids = county
    with db.session() as s:
        changed = save_baselines(s, admin, plan_id, FENGWEI, [
            BaselineEntry(ids["01.1"], numerator="5", denominator="10"),
            BaselineEntry(ids["04.2"], value="2", note="2020年底名册"),
        ])
        save_values(s, admin, plan_id, FENGWEI, 2021, [ValueEntry(ids["01.1"], numerator="52", denominator="100"),
                                                       ValueEntry(ids["04.2"], value="2")])
    assert changed == 2
    with db.read_session() as s:
        rows = progress_for(s, plan_id, FENGWEI, 2021)
        sheet = baseline_sheet(s, admin, plan_id, FENGWEI)
        audit = list(s.scalars(select(AuditEntry).where(AuditEntry.entity == "indicator_baseline")))
    rate = _row(rows, "01.1")
    # 50 % in 2020 to 70 % in 2025: 54 % expected in 2021; 52 % is behind (no longer "first year: on track")
    assert rate.baseline == 50.0 and rate.expected == 54.0 and rate.status == "滞后"
    assert "自2020年的50%起" in rate.status_reason
    assert rate.projection == 60.0
    # 04.2 has no township target: its baseline is shown all the same
    assert _row(rows, "04.2").baseline == 2.0
    assert _row(sheet.rows, "04.2").note == "2020年底名册" and _row(sheet.rows, "04.2").revision >= 1
    assert len(audit) == 2


def test_the_county_baseline_is_its_parts_rolled_up(county):
    db, admin, plan_id, ids = county
    with db.session() as s:
        save_baselines(s, admin, plan_id, FENGWEI, [BaselineEntry(ids["01.1"], numerator="1", denominator="10"),
                                                     BaselineEntry(ids["04.2"], value="3")])
        save_baselines(s, admin, plan_id, MENGPENG, [BaselineEntry(ids["01.1"], numerator="9", denominator="10")])
        save_baselines(s, admin, plan_id, COUNTY, [BaselineEntry(ids["04.2"], value="1"),
                                                    BaselineEntry(ids["08.1"], value="0")])
    with db.read_session() as s:
        rows = progress_for(s, plan_id, COUNTY, 2022)
        figures = Figures(s, get_plan(s, plan_id))
        by_code = {i.code: i for i in figures.indicators}
        assert figures.baseline(by_code["01.1"], COUNTY) == 50.0
        assert figures.baseline(by_code["01.1"], FENGWEI) == 10.0
    assert _row(rows, "01.1").baseline == 50.0  # 10 of 20, never the mean of two rates
    assert _row(rows, "04.2").baseline == 4.0  # 县本级 1 + 凤尾 3
    assert _row(rows, "08.1").baseline == 0.0  # a county-only task: the 县本级 entry
    assert _row(rows, "01.2").baseline is None  # a cumulative count has none


def test_bad_baselines_refuse_the_batch_and_blank_removes_one(county):
    db, admin, plan_id, ids = county
    with db.session() as s, pytest.raises(UserError) as caught:
        save_baselines(s, admin, plan_id, FENGWEI, [BaselineEntry(ids["04.2"], value="3"),
                                                     BaselineEntry(ids["01.1"], numerator="12", denominator="10")])
    assert "01.1" in str(caught.value) and "不能大于分母" in str(caught.value)
    with db.session() as s, pytest.raises(UserError) as caught:
        save_baselines(s, admin, plan_id, FENGWEI, [BaselineEntry(ids["01.2"], value="3")])
    assert "没有基期数" in str(caught.value)
    with db.session() as s, pytest.raises(UserError) as caught:
        save_baselines(s, admin, plan_id, FENGWEI, [BaselineEntry(ids["08.1"], value="1")])
    assert "县本级" in str(caught.value)
    with db.read_session() as s:
        assert s.scalars(select(IndicatorBaseline)).first() is None  # nothing of the first batch
    with db.session() as s:
        save_baselines(s, admin, plan_id, FENGWEI, [BaselineEntry(ids["04.2"], value="3")])
    with db.session() as s:
        assert save_baselines(s, admin, plan_id, FENGWEI, [BaselineEntry(ids["04.2"], value="")]) == 1
    with db.read_session() as s:
        assert _row(baseline_sheet(s, admin, plan_id, FENGWEI).rows, "04.2").value is None
        assert _row(progress_for(s, plan_id, FENGWEI, 2022), "04.2").baseline is None


def test_a_baseline_changed_by_someone_else_is_not_overwritten(county):
    db, admin, plan_id, ids = county
    with db.session() as s:
        save_baselines(s, admin, plan_id, FENGWEI, [BaselineEntry(ids["04.2"], value="3", seen_revision=0)])
    with db.session() as s, pytest.raises(RecordChanged):
        save_baselines(s, admin, plan_id, FENGWEI, [BaselineEntry(ids["04.2"], value="4", seen_revision=0)])


def test_a_township_enters_only_its_own_baselines(county):
    db, admin, plan_id, ids = county
    clerk = Actor("c", "录入员", Role.CLERK, NANSAN)
    with db.session() as s:
        save_baselines(s, clerk, plan_id, NANSAN, [BaselineEntry(ids["04.2"], value="2")])
    with db.session() as s, pytest.raises(UserError):
        save_baselines(s, clerk, plan_id, FENGWEI, [BaselineEntry(ids["04.2"], value="2")])


def test_07_1_a_fall_in_enrolment_is_entered_and_judged_against_the_2020_headcount(county):
    """职业技术在校学生人数增加1000人以上: headcounts are typed (a fall too), the growth over the
    2020 headcount is what is judged; the county's growth is the sum of the townships'."""
    db, admin, plan_id, ids = county
    with db.session() as s:
        save_baselines(s, admin, plan_id, NANSAN, [BaselineEntry(ids["07.1"], value="3200")])
        save_baselines(s, admin, plan_id, FENGWEI, [BaselineEntry(ids["07.1"], value="500")])
        save_values(s, admin, plan_id, NANSAN, 2021, [ValueEntry(ids["07.1"], value="3500")])
        save_values(s, admin, plan_id, NANSAN, 2022, [ValueEntry(ids["07.1"], value="3100")])  # enrolment fell
        save_values(s, admin, plan_id, FENGWEI, 2022, [ValueEntry(ids["07.1"], value="560")])
        save_values(s, admin, plan_id, MENGPENG, 2022, [ValueEntry(ids["07.1"], value="999")])  # no baseline
    with db.read_session() as s:
        y2021 = _row(progress_for(s, plan_id, COUNTY, 2021), "07.1")
        y2022 = _row(progress_for(s, plan_id, COUNTY, 2022), "07.1")
        nansan = _row(progress_for(s, plan_id, NANSAN, 2022), "07.1")
        mengpeng = _row(progress_for(s, plan_id, MENGPENG, 2022), "07.1")
    assert (y2021.actual, y2021.baseline, y2021.expected, y2021.status) == (300, 3700, 200, "进度正常")
    # 南伞 −100, 凤尾 +60; 勐捧 has no baseline, so no growth of its own
    assert (y2022.actual, y2022.expected, y2022.status) == (-40, 400, "滞后")
    assert "比2020年增加-40人" in y2022.status_reason
    assert nansan.actual == -100 and nansan.baseline == 3200
    assert mengpeng.actual is None and mengpeng.status == "无数据" and "基数" in mengpeng.status_reason
    with db.read_session() as s:  # the evaluation report's series are growths: the base year at 0
        figures = Figures(s, get_plan(s, plan_id))
        assert figures.baseline(next(i for i in figures.indicators if i.code == "07.1"), NANSAN) == 0.0


def test_the_next_plan_starts_from_the_previous_plans_final_figures(county):
    """十五五's baselines are the 十四五's 2025 figures, org unit by org unit, until one is entered."""
    from zkdesk.services.plans import copy_plan

    db, admin, plan_id, ids = county
    with db.session() as s:
        save_values(s, admin, plan_id, FENGWEI, 2025, [ValueEntry(ids["01.1"], numerator="6", denominator="10"),
                                                       ValueEntry(ids["04.2"], value="5")])
        save_values(s, admin, plan_id, MENGPENG, 2025, [ValueEntry(ids["01.1"], numerator="2", denominator="10")])
        save_values(s, admin, plan_id, FENGWEI, 2024, [ValueEntry(ids["04.2"], value="4")])
        new = copy_plan(s, admin, plan_id, "zk-2026-2030", "十五五规划", "十五五", 2026, 2030)
        new_ids = {i.code: i.id for i in new.indicators}
        new_id = new.id
    with db.read_session() as s:
        town = {r.code: r for r in progress_for(s, new_id, FENGWEI, 2026)}
        whole = {r.code: r for r in progress_for(s, new_id, COUNTY, 2026)}
    assert town["01.1"].baseline == 60.0 and town["04.2"].baseline == 5.0  # 2025, not 2024
    assert whole["01.1"].baseline == 40.0  # 8 of 20: the parts' 2025 figures rolled up
    assert town["01.2"].baseline is None  # a cumulative count starts from 0 in each plan
    with db.session() as s:  # an entered baseline wins over the carried one
        save_baselines(s, admin, new_id, FENGWEI, [BaselineEntry(new_ids["04.2"], value="7")])
    with db.read_session() as s:
        assert _row(progress_for(s, new_id, FENGWEI, 2026), "04.2").baseline == 7.0
        assert _row(progress_for(s, plan_id, FENGWEI, 2021), "04.2").baseline is None  # 十四五 has no plan before it


def test_the_county_marks_one_plan_current_and_pages_open_on_it(county):
    """设为当前规划: one plan at a time, audited; a township may not; without a mark the plan of the
    year is the default, with one the marked plan whatever the year."""
    from zkdesk.services.catalog import default_plan, marked_current_plan
    from zkdesk.services.errors import PermissionDenied
    from zkdesk.services.plans import copy_plan, set_current_plan

    db, admin, plan_id, _ = county
    with db.session() as s:
        new_id = copy_plan(s, admin, plan_id, "zk-2026-2030", "十五五规划", "十五五", 2026, 2030).id
    with db.read_session() as s:
        assert marked_current_plan(s) is None
        assert default_plan(s, 2023).id == plan_id and default_plan(s, 2027).id == new_id
    with db.session() as s:
        set_current_plan(s, admin, new_id)
        set_current_plan(s, admin, plan_id)  # back: the other is unmarked
    with db.read_session() as s:
        assert [p.code for p in s.scalars(select(Plan).where(Plan.current.is_(True)))] == ["zk-2021-2025"]
        assert default_plan(s, 2027).id == plan_id
        entries = s.scalars(select(AuditEntry).where(AuditEntry.action == "set_current").order_by(AuditEntry.id)).all()
        assert [json.loads(e.details)["old"] for e in entries] == [[], ["zk-2026-2030"]]
    town = Actor(username="t", display_name="t", role=Role.ADMIN, office_code=NANSAN, user_id=0)
    with db.session() as s, pytest.raises(PermissionDenied):
        set_current_plan(s, town, new_id)


@pytest.mark.slow
def test_every_baseline_of_the_next_plan_is_the_previous_plans_final_figure(tmp_path):
    """On the demo county, 十五五's baseline of every indicator that has one — entered, computed
    from the registers (derived) or per term (不低于上一届) — is the 十四五 2025 figure progress
    reports, for the county and every township; the 基期数 grid shows it, marked as carried."""
    from tests.output_helpers import ADMIN, demo_database
    from zkdesk.services.orgs import townships
    from zkdesk.services.plans import copy_plan

    db = demo_database(tmp_path)
    with db.session() as s:
        old = plan_by_code(s, "zk-2021-2025")
        old_id = old.id
        term = next(i for i in old.indicators if i.code == "12.1")  # the term elected 2021, entered twice
        save_values(s, ADMIN, old_id, NANSAN, 2021, [ValueEntry(term.id, numerator="30", denominator="100")])
        save_values(s, ADMIN, old_id, NANSAN, 2023, [ValueEntry(term.id, numerator="36", denominator="100")])
        new_id = copy_plan(s, ADMIN, old_id, "zk-2026-2030", "十五五规划", "十五五", 2026, 2030).id
        orgs = [COUNTY, *(t.code for t in townships(s))]
    kinds = set()
    with db.read_session() as s:
        for org in orgs:
            final = {r.code: r for r in progress_for(s, old_id, org, 2025)}
            for row in progress_for(s, new_id, org, 2026):
                if row.target_kind == "growth_over_baseline" or row.code not in final:
                    continue  # a growth's actual is the growth itself
                was = final[row.code]
                if was.actual is None:
                    continue
                indicator = s.get(Indicator, row.indicator_id)
                if not has_baseline(indicator):
                    continue
                assert row.baseline == pytest.approx(was.actual), (org, row.code)
                kinds.add("derived" if indicator.source else row.target_kind)
        sheet = baseline_sheet(s, ADMIN, new_id, NANSAN)
    assert {"derived", "per_term", "rate", "stock"} <= kinds, kinds
    carried = {r.code: r for r in sheet.rows if r.carried}
    assert carried and all(r.carried == "由十四五2025年终值带入" and r.value is not None for r in carried.values())
    assert (carried["12.1"].value, carried["12.1"].numerator) == (36.0, 36.0)  # the term's latest figure
    assert {"04.1", "12.5"} & set(carried)  # computed from the registers
    db.dispose()
