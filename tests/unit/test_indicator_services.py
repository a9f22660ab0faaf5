"""Indicator values entry, locks, targets, plan copies and progress, through the services."""

import json

import pytest
from sqlalchemy import select

from tests.conftest import COUNTY, NANSAN, plan_and_indicator_ids
from zkdesk.domain.roles import Role
from zkdesk.services import derived
from zkdesk.services.actor import Actor
from zkdesk.services.baselines import BaselineEntry, save_baselines
from zkdesk.services.derived import Derived
from zkdesk.services.errors import PermissionDenied, UserError
from zkdesk.services.indicator_values import ValueEntry, ValuesRejected, entry_sheet, save_values
from zkdesk.services.plans import add_indicator, copy_plan, remove_indicator, update_indicator
from zkdesk.services.progress import (
    derived_records,
    indicator_path,
    progress_for,
    township_breakdown,
)
from zkdesk.services.record_labels import describe_records
from zkdesk.services.targets import allocations, set_allocations
from zkdesk.services.year_locks import YearLocked, lock_year, unlock_year
from zkdesk.store.models import AuditEntry, IndicatorValue, Plan

FENGWEI = "530924101"
MENGPENG = "530924102"


def _row(rows, code):
    return next(r for r in rows if r.code == code)


def _save(db, actor, org, year, *entries):
    plan_id, _ = plan_and_indicator_ids(db)
    with db.session() as s:
        return save_values(s, actor, plan_id, org, year, list(entries))


@pytest.fixture
def county(county_plan):
    return county_plan


def test_county_rolls_up_townships_and_its_own_values(county):
    db, admin, plan_id, ids = county
    # rate 14.1 is derived; use 01.1 (typed rate), 01.2 (cumulative), 04.2 (stock), 02.3 (yearly)
    _save(db, admin, FENGWEI, 2022, ValueEntry(ids["01.1"], numerator="1", denominator="1"),
          ValueEntry(ids["01.2"], value="2"), ValueEntry(ids["04.2"], value="3"), ValueEntry(ids["02.3"], value="1"))
    _save(db, admin, FENGWEI, 2023, ValueEntry(ids["01.2"], value="4"))
    _save(db, admin, MENGPENG, 2023, ValueEntry(ids["01.1"], numerator="10", denominator="100"),
          ValueEntry(ids["01.2"], value="5"), ValueEntry(ids["04.2"], value="2"), ValueEntry(ids["02.3"], value="2"))
    _save(db, admin, COUNTY, 2023, ValueEntry(ids["01.2"], value="1"))  # 县本级
    with db.session() as s:
        county_rows = progress_for(s, plan_id, COUNTY, 2023)
        feng = progress_for(s, plan_id, FENGWEI, 2023)
    rate = _row(county_rows, "01.1")
    # 2023: only 勐捧 reported the rate → 10/100; never averaged with 凤尾's 2022 100 %
    assert (rate.numerator, rate.denominator, rate.actual) == (10, 100, 10.0)
    assert _row(county_rows, "01.2").actual == 2 + 4 + 5 + 1  # plan years added, 县本级 included
    assert _row(county_rows, "04.2").actual == 3 + 2  # 凤尾's latest (2022) stock and 勐捧's 2023
    assert _row(county_rows, "02.3").actual == 2  # yearly: 2023 only
    assert _row(feng, "01.2").actual == 6 and _row(feng, "01.2").target is None  # no allocation
    assert _row(feng, "01.2").status == "无目标"
    assert _row(feng, "01.1").actual is None and _row(feng, "01.1").status == "无数据"
    assert _row(county_rows, "01.2").target == 20 and _row(county_rows, "01.2").completion == 60.0
    # 12 of 20 after 3 of 5 years is exactly on the path
    assert _row(county_rows, "01.2").status == "进度正常"
    assert _row(county_rows, "01.2").projection == 20


def test_rate_roll_up_of_two_townships_in_one_year(county):
    db, admin, plan_id, ids = county
    _save(db, admin, FENGWEI, 2024, ValueEntry(ids["02.1"], numerator="1", denominator="1"))
    _save(db, admin, MENGPENG, 2024, ValueEntry(ids["02.1"], numerator="10", denominator="100"))
    with db.session() as s:
        row = _row(progress_for(s, plan_id, COUNTY, 2024), "02.1")
    assert row.actual == pytest.approx(10.89, abs=0.01)  # 11/101, not (100 + 10) / 2
    assert row.status == "进度正常"  # the first reported year is its own baseline


def test_a_hard_error_refuses_the_whole_batch_naming_the_indicator(county):
    db, admin, plan_id, ids = county
    with pytest.raises(ValuesRejected) as caught:
        _save(db, admin, NANSAN, 2023, ValueEntry(ids["01.2"], value="3"),
              ValueEntry(ids["01.1"], numerator="12", denominator="10"), ValueEntry(ids["04.2"], value="-1"))
    message = str(caught.value)
    assert "01.1 有3名以上党员的非公有制企业党组织覆盖率：分子（12）不能大于分母（10）" in message
    assert "04.2 工会社会工作专业人才队伍人数：数值不能为负数" in message
    with db.session() as s:
        assert s.scalars(select(IndicatorValue)).all() == []  # not even the good 01.2


def test_warning_without_note_saves_incomplete_and_a_note_completes_it(county):
    db, admin, plan_id, ids = county
    _save(db, admin, NANSAN, 2021, ValueEntry(ids["01.1"], numerator="8", denominator="10"))
    summary = _save(db, admin, NANSAN, 2022, ValueEntry(ids["01.1"], numerator="5", denominator="10"))
    assert summary.incomplete == ["01.1"]
    with db.session() as s:
        row = s.scalars(select(IndicatorValue).where(IndicatorValue.year == 2022)).one()
        assert (row.value, row.complete, row.changed_by) == (50.0, False, "admin")
        first_update = row.updated_at
    summary = _save(db, admin, NANSAN, 2022,
                    ValueEntry(ids["01.1"], numerator="5", denominator="10", note="两家企业党组织撤并"))
    assert summary.updated == 1 and summary.incomplete == []
    with db.session() as s:
        row = s.scalars(select(IndicatorValue).where(IndicatorValue.year == 2022)).one()
        assert row.complete and row.note == "两家企业党组织撤并" and row.revision == 2
        assert row.updated_at >= first_update
        audit = s.scalars(select(AuditEntry).where(AuditEntry.entity == "indicator_value").order_by(AuditEntry.id)).all()
    assert [a.action for a in audit] == ["create", "create", "update"]
    assert json.loads(audit[-1].details)["new"]["note"] == "两家企业党组织撤并"


def test_saving_the_same_values_changes_nothing_and_blank_clears(county):
    db, admin, plan_id, ids = county
    _save(db, admin, NANSAN, 2023, ValueEntry(ids["04.2"], value="3"))
    assert _save(db, admin, NANSAN, 2023, ValueEntry(ids["04.2"], value="3.0")).unchanged == 1
    assert _save(db, admin, NANSAN, 2023, ValueEntry(ids["04.2"], value="")).cleared == 1
    with db.session() as s:
        row = s.scalars(select(IndicatorValue)).one()
        assert row.deleted and row.value is None  # a tombstone, never a hard delete
    assert _save(db, admin, NANSAN, 2023, ValueEntry(ids["04.2"], value="4")).created == 1
    with db.session() as s:
        assert _row(progress_for(s, plan_id, NANSAN, 2023), "04.2").actual == 4


def test_running_total_typed_for_a_cumulative_indicator(county):
    db, admin, plan_id, ids = county
    _save(db, admin, NANSAN, 2021, ValueEntry(ids["05.1"], value="100"))
    with pytest.raises(ValuesRejected, match="不能小于截至上年的累计数（100）"):
        _save(db, admin, NANSAN, 2022, ValueEntry(ids["05.1"], total="90"))
    _save(db, admin, NANSAN, 2022, ValueEntry(ids["05.1"], total="180"))
    with db.session() as s:
        stored = s.scalars(select(IndicatorValue.value).where(IndicatorValue.year == 2022)).one()
    assert stored == 80  # the year's own count


def test_derived_indicators_are_never_typed(county):
    db, admin, plan_id, ids = county
    with pytest.raises(ValuesRejected, match="由登记数据自动计算，不能手工录入"):
        _save(db, admin, NANSAN, 2023, ValueEntry(ids["03.1"], value="3"))
    with db.session() as s:
        row = _row(progress_for(s, plan_id, COUNTY, 2023), "03.1")
        sheet = entry_sheet(s, admin, plan_id, COUNTY, 2023)  # a county task: in 县本级's grid
    assert row.derived and row.actual == 0.0  # counted from the empty nomination register
    assert _row(sheet.rows, "03.1").note.startswith("由登记数据自动计算")


def test_a_registered_derivation_feeds_progress_and_drill_down(county, monkeypatch):
    db, admin, plan_id, ids = county

    def _fake(session, org_code, year):
        per_year = {2021: ("a", "b"), 2023: ("c",)}.get(year, ())
        return Derived(value=float(len(per_year)), record_kind="nomination", record_ids=per_year)

    derived.known_sources()  # load the real registers, then stand in for one of them
    monkeypatch.setitem(derived._REGISTRY, "nominations.county_model_workers", _fake)
    with db.session() as s:
        row = _row(progress_for(s, plan_id, COUNTY, 2023), "03.1")
        found = derived_records(s, plan_id, ids["03.1"], COUNTY, 2023)
        labels = describe_records(s, admin, found.record_kind, found.record_ids)
    assert row.actual == 3 and row.derived  # cumulative: 2 + 0 + 1
    assert found.record_ids == ("a", "b", "c") and found.value == 3
    assert [label.title for label in labels] == ["（本机数据库中没有该记录）"] * 3


def test_lock_refuses_changes_until_the_reviewer_unlocks(county):
    db, admin, plan_id, ids = county
    reviewer = Actor("shen", "审核员", Role.REVIEWER, COUNTY)
    clerk = Actor("lu", "录入员", Role.CLERK, COUNTY)
    _save(db, admin, NANSAN, 2023, ValueEntry(ids["04.2"], value="3"))
    with db.session() as s, pytest.raises(PermissionDenied):
        lock_year(s, clerk, NANSAN, 2023)
    with db.session() as s:
        lock_year(s, reviewer, NANSAN, 2023)
    with pytest.raises(YearLocked, match="南伞镇2023年的数值已审核锁定"):
        _save(db, admin, NANSAN, 2023, ValueEntry(ids["04.2"], value="5"))
    with db.session() as s:
        assert s.scalars(select(IndicatorValue.value)).one() == 3
        assert not entry_sheet(s, admin, plan_id, NANSAN, 2023).editable
    _save(db, admin, NANSAN, 2024, ValueEntry(ids["04.2"], value="5"))  # other years stay open
    with db.session() as s:
        unlock_year(s, reviewer, NANSAN, 2023, "更正数据")
    _save(db, admin, NANSAN, 2023, ValueEntry(ids["04.2"], value="4"))
    with db.session() as s:
        actions = [(a.action, json.loads(a.details).get("year")) for a in
                   s.scalars(select(AuditEntry).where(AuditEntry.entity == "year_lock"))]
    assert actions == [("lock", 2023), ("unlock", 2023)]


def test_a_township_reviewer_cannot_lock(township_db):
    db, _ = township_db
    with db.session() as s, pytest.raises(PermissionDenied, match="县总工会"):
        lock_year(s, Actor("r", "审核员", Role.REVIEWER, NANSAN), NANSAN, 2023)


def test_a_township_enters_only_its_own_values(township_db):
    db, admin = township_db
    plan_id, ids = plan_and_indicator_ids(db)
    with pytest.raises(PermissionDenied):
        _save(db, admin, FENGWEI, 2023, ValueEntry(ids["04.2"], value="3"))
    with db.session() as s, pytest.raises(UserError):
        entry_sheet(s, admin, plan_id, FENGWEI, 2023)
    _save(db, admin, NANSAN, 2023, ValueEntry(ids["04.2"], value="3"))
    with db.session() as s:
        row = s.scalars(select(IndicatorValue)).one()
    assert row.origin == NANSAN and row.org_code == NANSAN


def test_viewer_cannot_save(county):
    db, _, plan_id, ids = county
    with pytest.raises(PermissionDenied):
        _save(db, Actor("v", "查看", Role.VIEWER, COUNTY), NANSAN, 2023, ValueEntry(ids["04.2"], value="3"))


def test_year_outside_the_plan_is_refused(county):
    db, admin, plan_id, ids = county
    with pytest.raises(UserError, match="2026年不在十四五规划期"):
        _save(db, admin, NANSAN, 2026, ValueEntry(ids["04.2"], value="3"))


def test_township_targets_allocations_and_rates(county):
    db, admin, plan_id, ids = county
    with db.session() as s:
        assert set_allocations(s, admin, ids["01.2"], {NANSAN: 5, FENGWEI: 3}) == 2
        with pytest.raises(UserError, match="不能为负数"):
            set_allocations(s, admin, ids["01.2"], {NANSAN: -1})
    _save(db, admin, NANSAN, 2021, ValueEntry(ids["01.2"], value="5"), ValueEntry(ids["01.1"], numerator="3", denominator="4"))
    with db.session() as s:
        rows = township_breakdown(s, plan_id, 2021)
        table = allocations(s, ids["01.2"])
    assert list(rows) == ["530924101", "530924102", "530924103", "530924201", "530924202", "530924204", "530924205"]
    nansan = rows[NANSAN]
    assert _row(nansan, "01.2").target == 5 and _row(nansan, "01.2").status == "已完成"
    assert _row(nansan, "01.1").target == 70  # a rate's target applies to each township as is
    assert _row(rows[FENGWEI], "01.2").target == 3 and _row(rows[FENGWEI], "01.2").status == "无数据"
    assert _row(rows[MENGPENG], "01.2").target is None
    assert {a.org_code: a.value for a in table}[NANSAN] == 5
    with db.session() as s:
        set_allocations(s, admin, ids["01.2"], {NANSAN: None})
        assert _row(progress_for(s, plan_id, NANSAN, 2021), "01.2").target is None


def test_not_below_last_compares_with_the_previous_term_not_the_previous_year(county):
    """12.x: the 2021 term against the 2016 one (its baseline), never 2022 against 2021."""
    db, admin, plan_id, ids = county
    _save(db, admin, COUNTY, 2021, ValueEntry(ids["12.1"], numerator="30", denominator="100"))
    _save(db, admin, COUNTY, 2022, ValueEntry(ids["12.1"], numerator="28", denominator="100"))  # a correction
    with db.session() as s:
        row = _row(progress_for(s, plan_id, COUNTY, 2022), "12.1")
    assert (row.target, row.actual, row.status) == (None, 28.0, "无目标")
    assert "上一届（2016年）" in row.status_reason
    with db.session() as s:
        save_baselines(s, admin, plan_id, COUNTY, [BaselineEntry(ids["12.1"], numerator="25", denominator="100")])
        row = _row(progress_for(s, plan_id, COUNTY, 2022), "12.1")
    assert (row.target, row.actual, row.status) == (25.0, 28.0, "已完成")


def test_indicator_path_for_the_chart(county):
    db, admin, plan_id, ids = county
    _save(db, admin, NANSAN, 2021, ValueEntry(ids["01.2"], value="4"))
    _save(db, admin, NANSAN, 2022, ValueEntry(ids["01.2"], value="2"))
    with db.session() as s:
        path = indicator_path(s, plan_id, ids["01.2"], COUNTY)
    assert path.actuals == {2021: 4, 2022: 6, 2023: None, 2024: None, 2025: None}
    assert path.expected[2020] == 0 and path.expected[2025] == 20
    assert path.target == 20


def test_copy_the_plan_into_the_next_period_and_edit_it(county):
    db, admin, plan_id, ids = county
    with db.session() as s:
        new = copy_plan(s, admin, plan_id, "zk-2026-2030", "镇康县产业工人队伍建设改革“十五五”规划", "十五五", 2026, 2030)
        new_id = new.id
        with pytest.raises(UserError, match="已存在"):
            copy_plan(s, admin, plan_id, "zk-2026-2030", "x", "x", 2026, 2030)
    with db.session() as s:
        plan = s.get(Plan, new_id)
        inds = {i.code: i for i in plan.indicators}
        assert len(inds) == len(ids) and len(plan.items) == 18
        assert {i.target_year for i in inds.values()} == {2030}
        assert inds["03.1"].source == "nominations.county_model_workers"
        update_indicator(s, admin, inds["01.2"].id, name="产业工人党员新增数量（十五五）", target=30)
        with pytest.raises(UserError, match="目标年度须在规划期"):
            update_indicator(s, admin, inds["01.2"].id, target_year=2025)
        added = add_indicator(s, admin, new_id, "18.6", "新建职工书屋数", "个", "cumulative", "ge", 7)
        with pytest.raises(UserError, match="已存在"):
            add_indicator(s, admin, new_id, "18.6", "x", "个", "cumulative", "ge", 1)
        remove_indicator(s, admin, inds["18.5"].id)
    with db.session() as s:
        rows = progress_for(s, new_id, COUNTY, 2026)
        old_rows = progress_for(s, plan_id, COUNTY, 2025)
    assert _row(rows, "01.2").target == 30 and _row(rows, "01.2").name.endswith("（十五五）")
    assert _row(rows, "18.6").target == 7 and added.sort_key == "018.006"
    assert "18.5" not in {r.code for r in rows}
    assert _row(old_rows, "01.2").target == 20  # the old plan is untouched


def test_only_the_county_manages_plans(township_db):
    db, admin = township_db
    plan_id, ids = plan_and_indicator_ids(db)
    with db.session() as s, pytest.raises(PermissionDenied, match="县总工会"):
        update_indicator(s, admin, ids["01.2"], target=1)
    clerk = Actor("c", "录入员", Role.CLERK, COUNTY)
    with db.session() as s, pytest.raises(PermissionDenied):
        set_allocations(s, clerk, ids["01.2"], {NANSAN: 1})


def test_a_cumulative_with_nothing_entered_has_no_total_anywhere(county):
    """No year entered: 县本级's sheet and every township's give no 累计 (not 0), their history
    counts no earlier year, progress has no actual, and the printed 完成情况表 (xlsx) leaves the
    完成值 blank; after one year is entered, the next year's sheet carries that total."""
    import io

    from openpyxl import load_workbook

    from zkdesk.domain.progress import CUMULATIVE
    from zkdesk.output.catalog import load_catalog
    from zkdesk.output.printing import PrintRequest, prepare, render_xlsx
    from zkdesk.services.orgs import townships

    db, admin, plan_id, ids = county
    with db.session() as s:
        orgs = [COUNTY, *(t.code for t in townships(s))]
        typed = set()
        for org in orgs:
            sheet = entry_sheet(s, admin, plan_id, org, 2022)
            rows = [r for r in sheet.rows if r.kind == CUMULATIVE and not r.derived and not r.partial]
            assert rows, org
            for r in rows:
                assert (r.code, r.total, r.history.years_before) == (r.code, None, 0), org
                typed.add(r.indicator_id)
            actuals = {p.indicator_id: p.actual for p in progress_for(s, plan_id, org, 2022)}
            assert all(actuals[i] is None for i in {r.indicator_id for r in rows}), org
        assert ids["01.2"] in typed and ids["05.1"] in typed
        form = load_catalog().get("indicator-progress")
        ws = load_workbook(io.BytesIO(render_xlsx(prepare(s, admin, form, PrintRequest("indicator-progress", year=2022))))).active
    header = next(c for row in ws.iter_rows() for c in row if c.value == "完成值")
    code_of_row = {row[0].value: row for row in ws.iter_rows() if isinstance(row[0].value, str)}
    for code in ("01.2", "05.1"):
        assert code_of_row[code][header.column - 1].value in (None, "", "—"), code

    _save(db, admin, COUNTY, 2022, ValueEntry(ids["01.2"], value="0"))  # an entered 0 is a total of 0
    with db.session() as s:
        r = _row(entry_sheet(s, admin, plan_id, COUNTY, 2023).rows, "01.2")
        assert (r.total, r.history.total_before, r.history.years_before) == (0.0, 0.0, 1)
