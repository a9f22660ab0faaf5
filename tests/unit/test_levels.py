"""Levels honoured everywhere: a county task (county_only, e.g. 05.2 县级职工职业技能竞赛) is entered by
县本级 alone — not in a township's grid, refused on a township's save, Excel row and package — and
the county's figure is the 县本级 entry, never a sum; values townships hold anyway (older
databases, the demo) are named, not counted, not deleted."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.conftest import COUNTY, NANSAN
from tests.unit.exchange_world import make_office_at
from zkdesk.services.indicator_values import ValueEntry, ValuesRejected, entry_sheet, save_values
from zkdesk.services.progress import plan_by_code, progress_for
from zkdesk.store.models import Indicator, IndicatorValue

FENGWEI = "530924101"


@pytest.fixture
def county(county_plan):
    return county_plan


def _row(rows, code):
    return next(r for r in rows if r.code == code)


def _stray(db, ids, org, year, value, code="05.2"):
    """A township's value of a county task, as the demo and older versions stored them."""
    with db.session() as s:
        s.add(IndicatorValue(origin=org, indicator_id=ids[code], org_code=org, year=year, value=value))


def test_a_township_grid_has_no_county_task_and_the_county_grid_has_it(county):
    db, admin, plan_id, ids = county
    with db.read_session() as s:
        township = {r.code for r in entry_sheet(s, admin, plan_id, NANSAN, 2023).rows}
        own = {r.code for r in entry_sheet(s, admin, plan_id, COUNTY, 2023).rows}
        rollup = {r.code for r in entry_sheet(s, admin, plan_id, COUNTY, 2023, rollup=True).rows}
    county_tasks = {"05.2", "08.1", "08.2", "09.1", "09.2", "09.3", "18.1", "12.3"}
    assert not county_tasks & township and {"05.1", "12.1", "14.1"} <= township
    assert county_tasks <= own and county_tasks <= rollup and township <= own
    with db.read_session() as s:  # a county task's target is 县本级's own; a shared count's is not
        rows = {r.code: r for r in entry_sheet(s, admin, plan_id, COUNTY, 2023).rows}
    assert (rows["05.2"].target, rows["05.1"].target) == (1.0, None)


def test_a_township_save_of_a_county_task_is_refused_naming_it(county):
    db, admin, plan_id, ids = county
    with db.session() as s, pytest.raises(ValuesRejected) as caught:
        save_values(s, admin, plan_id, NANSAN, 2023,
                    [ValueEntry(ids["05.1"], value="10"), ValueEntry(ids["05.2"], value="3")])
    assert "05.2 县级职工职业技能竞赛举办职业（工种）数：该指标是县总工会本级的任务，由县本级填报，乡镇不填报" in str(caught.value)
    with db.read_session() as s:
        assert s.scalars(select(IndicatorValue)).first() is None  # the batch is refused whole
    with db.session() as s:  # an empty cell of it asks for nothing and does not stop the batch
        save_values(s, admin, plan_id, NANSAN, 2023, [ValueEntry(ids["05.1"], value="10"), ValueEntry(ids["05.2"])])
    with db.session() as s:  # 县本级 enters it
        save_values(s, admin, plan_id, COUNTY, 2023, [ValueEntry(ids["05.2"], value="4")])


def test_the_county_figure_of_a_county_task_is_its_own_entry_and_strays_are_named(county):
    db, admin, plan_id, ids = county
    with db.session() as s:
        save_values(s, admin, plan_id, COUNTY, 2023, [ValueEntry(ids["05.2"], value="4")])
    _stray(db, ids, NANSAN, 2023, 7)
    _stray(db, ids, FENGWEI, 2022, 2)
    with db.read_session() as s:
        row = _row(progress_for(s, plan_id, COUNTY, 2023), "05.2")
        town = _row(progress_for(s, plan_id, NANSAN, 2023), "05.2")
        rollup = _row(entry_sheet(s, admin, plan_id, COUNTY, 2023, rollup=True).rows, "05.2")
    assert row.actual == 4.0  # not 4 + 7
    assert row.stray == "该指标由县本级填报，凤尾镇（2022年）、南伞镇（2023年）录入的数值未计入"
    assert row.stray in row.status_reason
    assert rollup.value == 4.0 and rollup.note == row.stray
    assert (town.status, town.actual, town.target) == ("不考核", None, None)
    assert "南伞镇（2023年）录入的数值未计入" in town.status_reason
    with db.read_session() as s:  # nothing deleted
        assert len(s.scalars(select(IndicatorValue).where(IndicatorValue.org_code != COUNTY)).all()) == 2


def test_a_both_level_indicator_still_sums_county_and_townships(county):
    db, admin, plan_id, ids = county
    for org, value in ((COUNTY, "1"), (NANSAN, "2"), (FENGWEI, "3")):
        with db.session() as s:
            save_values(s, admin, plan_id, org, 2023, [ValueEntry(ids["05.1"], value=value)])
    with db.read_session() as s:
        row = _row(progress_for(s, plan_id, COUNTY, 2023), "05.1")
    assert row.actual == 6.0 and row.stray == ""


def test_an_excel_row_of_a_county_task_for_a_township_is_refused(county, tmp_path):
    from tests.importing import dry_run as run, rejected
    from tests.xlsxfiles import write_xlsx

    db, admin, plan_id, ids = county
    path = write_xlsx(tmp_path / "指标.xlsx", [
        ["指标编号", "单位", "年度", "完成值"],
        ["05.2", "南伞镇", 2023, 3],
        ["05.2", "镇康县", 2023, 4],
    ])
    plan = run(db, admin, "indicator-values", path)
    assert rejected(plan) == [(2, "单位", "指标05.2：该指标是县总工会本级的任务，由县本级填报，乡镇不填报")]


def test_a_township_package_with_a_county_task_value_is_applied_without_it(tmp_path):
    county, town = make_office_at(tmp_path, COUNTY), make_office_at(tmp_path, NANSAN)
    county.export(tmp_path / "setup", NANSAN)
    town.applied(tmp_path / "setup", trust=[county.fingerprint])
    with town.db.session() as s:
        plan = plan_by_code(s, "zk-2021-2025")
        ids = {i.code: i.id for i in s.scalars(select(Indicator).where(Indicator.plan_id == plan.id))}
        s.add(IndicatorValue(id="v-own", origin=NANSAN, indicator_id=ids["05.1"], org_code=NANSAN, year=2023, value=9))
        s.add(IndicatorValue(id="v-stray", origin=NANSAN, indicator_id=ids["05.2"], org_code=NANSAN, year=2023, value=5))
    (report,) = town.export(tmp_path / "report")
    (res,) = county.import_(report.path, trust=[town.fingerprint])
    assert res.error is None and res.applied
    reasons = {r["id"]: r["reason"] for r in res.rejected}
    assert reasons == {"v-stray": "05.2 县级职工职业技能竞赛举办职业（工种）数：该指标是县总工会本级的任务，"
                                  "由县本级填报，乡镇不填报，未接收"}
    with county.db.read_session() as s:
        assert s.get(IndicatorValue, "v-own").value == 9 and s.get(IndicatorValue, "v-stray") is None
    county.db.dispose()
    town.db.dispose()
