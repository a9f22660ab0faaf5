"""The evaluation report's model on the demo county: every indicator, each year's figure equal
to the progress service's (what `zkdesk progress --json` prints), the status counts, the ranges."""

from __future__ import annotations

import pytest

from tests.output_helpers import ADMIN, COUNTY, NANSAN, NANSAN_CLERK, demo_database
from zkdesk.services import evaluation_status as ev
from zkdesk.services.catalog import plan_indicators
from zkdesk.services.errors import PermissionDenied, UserError
from zkdesk.services.evaluation_report import ANNUAL, FINAL, MIDTERM, build_report, overall_status
from zkdesk.services.progress import plan_by_code, progress_for

PLAN = "zk-2021-2025"


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    database = demo_database(tmp_path_factory.mktemp("demo-evaluation"))
    yield database
    database.dispose()


def test_final_report_has_every_indicator_and_the_progress_figures(db):
    with db.read_session() as s:
        report = build_report(s, ADMIN, PLAN, COUNTY)
        plan = plan_by_code(s, PLAN)
        codes = [i.code for i in plan_indicators(s, plan.id)]
        progress = {y: {r.code: r for r in progress_for(s, plan.id, COUNTY, y)} for y in range(2021, 2026)}
    assert report.kind == FINAL and (report.year_from, report.year_to) == (2021, 2025)
    assert [i.code for i in report.indicators] == codes
    assert [item.number for item in report.items] == list(range(1, 19))
    for line in report.indicators:
        for year in range(2021, 2026):
            assert line.values[year] == progress[year][line.code].actual, (line.code, year)
        assert line.midterm == progress[2023][line.code].actual
        assert line.final == progress[2025][line.code].actual
        assert line.target == progress[2025][line.code].target
        assert line.completion == progress[2025][line.code].completion
        assert line.status in ev.STATUSES and line.reason
        assert line.responsible  # every indicator names its 责任单位
    # the status of each line is the adapter's judgement of the progress row
    expected = {s: 0 for s in ev.STATUSES}
    for code, row in progress[2025].items():
        expected[ev.judge(row, 2025, 2025).status] += 1
    assert report.counts == expected
    assert sum(report.counts.values()) == len(codes)
    assert sum(sum(item.counts.values()) for item in report.items) == len(codes)
    assert report.counts[ev.DONE] > 0 and report.counts[ev.NOT_DONE] + report.counts[ev.BASIC] > 0
    # the county's report has a row per township, each over every indicator
    assert len(report.townships) == 7
    assert all(sum(t.counts.values()) == len(codes) for t in report.townships)
    assert all(set(t.item_status) == set(range(1, 19)) for t in report.townships)
    assert report.items[0].responsible[:2] == ("县委组织部", "县工业和科技信息化局")


def test_midterm_annual_and_township_reports(db):
    with db.read_session() as s:
        mid = build_report(s, ADMIN, PLAN, COUNTY, 2021, 2023)
        annual = build_report(s, ADMIN, PLAN, NANSAN, 2024, 2024)
        own = build_report(s, NANSAN_CLERK, PLAN)
        plan = plan_by_code(s, PLAN)
        p2023 = {r.code: r for r in progress_for(s, plan.id, COUNTY, 2023)}
        nansan = {r.code: r for r in progress_for(s, plan.id, NANSAN, 2024)}
    assert mid.kind == MIDTERM and mid.years == (2021, 2022, 2023) and "中期评估" in mid.title
    assert all(line.final == p2023[line.code].actual == line.midterm for line in mid.indicators)
    assert annual.kind == ANNUAL and annual.years == (2024,) and "2024年度工作总结" in annual.title
    assert all(line.final == nansan[line.code].actual for line in annual.indicators)
    assert annual.townships == [] and annual.org_name == "南伞镇"
    assert own.org_code == NANSAN  # a township's own office by default


def test_bad_ranges_and_scope_are_refused_in_chinese(db):
    with db.read_session() as s:
        with pytest.raises(UserError, match="不在十四五规划期"):
            build_report(s, ADMIN, PLAN, COUNTY, 2020, 2023)
        with pytest.raises(UserError, match="晚于"):
            build_report(s, ADMIN, PLAN, COUNTY, 2024, 2022)
        with pytest.raises(PermissionDenied):
            build_report(s, NANSAN_CLERK, PLAN, "530924101")
        with pytest.raises(UserError, match="找不到规划"):
            build_report(s, ADMIN, "no-such-plan")


def test_judgement_of_rows():
    from zkdesk.services.progress import ProgressRow

    def row(actual, target, completion, status, comparator="ge", unit="%"):
        return ProgressRow("i", "01.1", 1, "x", unit, "rate", comparator, target, actual, completion, status, None,
                           False, ())
    assert ev.judge(row(None, 70, None, "无数据"), 2025, 2025).status == ev.NO_DATA
    assert ev.judge(row(50, None, None, "无数据"), 2025, 2025).status == ev.NO_DATA
    assert ev.judge(row(72, 70, 102.9, "已完成"), 2025, 2025) == ev.Judgement(
        ev.DONE, "2025年实际72%，目标≥70%，完成率102.9%，已达到目标")
    assert ev.judge(row(65, 70, 92.9, "滞后"), 2025, 2025).status == ev.BASIC
    assert ev.judge(row(50, 70, 71.4, "滞后"), 2025, 2025).status == ev.NOT_DONE
    assert ev.judge(row(50, 70, 71.4, "进度正常"), 2023, 2025).status == ev.BASIC
    assert overall_status([ev.NO_DATA, ev.DONE]) == ev.DONE
    assert overall_status([ev.BASIC, ev.DONE]) == ev.BASIC
    assert overall_status([ev.BASIC, ev.NOT_DONE]) == ev.NOT_DONE
    assert overall_status([ev.NO_DATA]) == ev.NO_DATA


def test_duties_lead_and_co_per_responsible_unit(db):
    """The first unit named in a 责任单位 list leads (牵头), the others support (配合): every
    indicator has exactly one lead, whose status counts add up to the report's."""
    with db.read_session() as s:
        report = build_report(s, ADMIN, PLAN, COUNTY)
    duties = {d.name: d for d in report.duties}
    assert list(duties)[:3] == ["县委组织部", "县工业和科技信息化局", "县国资委"]  # as the plan first names them
    assert duties["县委组织部"].lead_items[:3] == (1, 2, 3) and 4 in duties["县总工会"].lead_items
    assert duties["各乡（镇）"].lead_items == () and len(duties["各乡（镇）"].co_items) == 18
    assert sum(len(d.lead_indicators) for d in duties.values()) == len(report.indicators)
    for status in ev.STATUSES:
        assert sum(d.lead_counts[status] for d in duties.values()) == report.counts[status]
    for line in report.indicators:
        lead = duties[line.responsible[0]]
        assert line.code in lead.lead_indicators
        assert all(line.code in duties[name].co_indicators for name in line.responsible[1:])
