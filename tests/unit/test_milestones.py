"""完成事项: the plan's qualitative tasks done or not, with the date and the evidence (issue 15)."""

from datetime import date

import pytest
from sqlalchemy import select

from tests.conftest import COUNTY, NANSAN
from zkdesk.services.errors import UserError
from zkdesk.services.indicator_values import ValueEntry, entry_sheet, save_values
from zkdesk.services.milestones import MilestoneEntry, milestone_sheet, save_milestones
from zkdesk.services.progress import progress_for
from zkdesk.services.records import RecordChanged
from zkdesk.store.models import AuditEntry


@pytest.fixture
def county(county_plan):
    return county_plan


def _row(db, plan_id, org, year, code):
    with db.read_session() as s:
        return next(r for r in progress_for(s, plan_id, org, year) if r.code == code)


def test_a_task_done_on_a_date_with_its_evidence(county):
    db, admin, plan_id, ids = county
    with db.read_session() as s:
        sheet = milestone_sheet(s, admin, plan_id, COUNTY)
    assert [r.code for r in sheet.rows] == ["03.2", "06.8", "11.1", "15.5", "17.1", "17.2"] and sheet.editable
    assert _row(db, plan_id, COUNTY, 2022, "03.2").status == "进度正常"  # not yet, due by 2025
    assert _row(db, plan_id, COUNTY, 2025, "03.2").status == "滞后"
    with db.session() as s:
        save_milestones(s, admin, plan_id, COUNTY, [MilestoneEntry(ids["03.2"], date(2023, 5, 10),
                                                                   "镇工发〔2023〕12号")], today=date(2024, 1, 1))
    before = _row(db, plan_id, COUNTY, 2022, "03.2")
    done = _row(db, plan_id, COUNTY, 2023, "03.2")
    assert before.status == "进度正常" and before.actual == 0  # done in 2023, not before
    assert (done.status, done.actual, done.target) == ("已完成", 1.0, 1.0)
    assert done.status_reason == "已于2023年05月10日完成：镇工发〔2023〕12号"
    with db.read_session() as s:
        row = next(r for r in milestone_sheet(s, admin, plan_id, COUNTY).rows if r.code == "03.2")
        assert (row.done_on, row.evidence, row.revision) == (date(2023, 5, 10), "镇工发〔2023〕12号", 1)
        assert s.scalars(select(AuditEntry).where(AuditEntry.entity == "milestone")).first() is not None


def test_a_date_needs_evidence_and_cannot_be_in_the_future(county):
    db, admin, plan_id, ids = county
    with db.session() as s, pytest.raises(UserError) as caught:
        save_milestones(s, admin, plan_id, COUNTY, [MilestoneEntry(ids["06.8"], date(2023, 1, 1), " "),
                                                    MilestoneEntry(ids["17.1"], date(2030, 1, 1), "通知")],
                        today=date(2024, 1, 1))
    assert "06.8" in str(caught.value) and "完成依据" in str(caught.value) and "晚于今天" in str(caught.value)
    with db.session() as s:
        save_milestones(s, admin, plan_id, COUNTY, [MilestoneEntry(ids["06.8"], date(2023, 1, 1), "办法", 0)])
    with db.session() as s, pytest.raises(RecordChanged):
        save_milestones(s, admin, plan_id, COUNTY, [MilestoneEntry(ids["06.8"], date(2023, 2, 1), "办法", 0)])
    with db.session() as s:  # cleared: not done again
        assert save_milestones(s, admin, plan_id, COUNTY, [MilestoneEntry(ids["06.8"], None, "")]) == 1
    assert _row(db, plan_id, COUNTY, 2024, "06.8").actual == 0


def test_tasks_are_not_typed_in_the_value_grid_and_a_township_is_not_judged_on_them(county):
    db, admin, plan_id, ids = county
    with db.read_session() as s:
        codes = [r.code for r in entry_sheet(s, admin, plan_id, COUNTY, 2023).rows]
        assert "17.1" not in codes and "01.1" in codes
        assert milestone_sheet(s, admin, plan_id, NANSAN).rows == []  # the 县总工会's own tasks
    with db.session() as s, pytest.raises(UserError, match="完成事项"):
        save_values(s, admin, plan_id, COUNTY, 2023, [ValueEntry(ids["17.1"], value="1")])
    assert _row(db, plan_id, NANSAN, 2023, "17.1").status == "不考核"
