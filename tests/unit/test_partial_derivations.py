"""Figures a register covers only in part (06.1–06.5): the plan counts 合理化建议, 专利, … for all
workers, the 三室一站 register holds the studios' part, the clerk enters the rest (其他)."""

from datetime import date

import pytest
from sqlalchemy import select

from tests.conftest import COUNTY, NANSAN
from tests.output_helpers import compact, pdf_pages, render
from zkdesk.domain.roles import Role
from tests.importing import counts, dry_run, rejected
from tests.xlsxfiles import write_xlsx
from zkdesk.imports.pipeline import apply_plan
from zkdesk.output.catalog import load_catalog
from zkdesk.services.actor import Actor
from zkdesk.services.derived import STUDIO_PART, partial_of
from zkdesk.services.errors import UserError
from zkdesk.services.indicator_values import ValueEntry, entry_sheet, save_values
from zkdesk.services.progress import plan_by_code, progress_for
from zkdesk.services.studio_progress import item6_summary
from zkdesk.services.studio_results import ResultInput, save_result
from zkdesk.services.studios import MemberInput, StudioInput, register_studio
from zkdesk.store.models import Indicator

FENGWEI = "530924101"
YEAR = 2022


def _ids(s) -> tuple[str, dict[str, str]]:
    plan = plan_by_code(s, "zk-2021-2025")
    return plan.id, {i.code: i.id for i in s.scalars(select(Indicator).where(Indicator.plan_id == plan.id))}


@pytest.fixture
def three_results(county_db):
    """南伞: three studios, each with one 合理化建议 in 2022 (the register's part: 3)."""
    db, admin = county_db
    with db.session() as s:
        for name in ("甲", "乙", "丙"):
            studio = register_studio(s, admin, StudioInput(name=f"{name}工作室", kind="劳模创新工作室", township_code=NANSAN,
                                                          lead_name=name, applied_on=date(2021, 3, 1), level="县级"),
                                     [MemberInput("张三"), MemberInput("李四"), MemberInput("王五")])
            save_result(s, admin, studio, YEAR, ResultInput(proposals=1))
    return db, admin


def _enter(db, admin, org, year, **values):
    with db.session() as s:
        plan_id, ids = _ids(s)
        return save_values(s, admin, plan_id, org, year,
                           [ValueEntry(ids[code.replace("_", ".")], **v) for code, v in values.items()])


def _rows(db, org, year=YEAR):
    with db.session() as s:
        plan_id, _ = _ids(s)
        return {r.code: r for r in progress_for(s, plan_id, org, year)}


def test_partial_is_declared_by_the_derivation_itself():
    for key in ("studios.proposals", "studios.innovations", "studios.patents", "studios.methods", "studios.achievements"):
        assert partial_of(key) is STUDIO_PART
    assert partial_of("studios.county_named") is None  # the register holds every 县级 studio
    assert partial_of("nominations.county_model_workers") is None
    assert partial_of("") is None and partial_of("no.such.key") is None


def test_register_part_plus_other_part_is_the_figure(three_results):
    db, admin = three_results
    assert _rows(db, NANSAN)["06.1"].actual == 3.0  # the register alone until 其他 is entered
    _enter(db, admin, NANSAN, YEAR, **{"06_1": dict(value="5")})
    row = _rows(db, NANSAN)["06.1"]
    assert (row.actual, row.derived_part, row.entered_part, row.source) == (8.0, 3.0, 5.0, "derived+entered")
    # the county: every township's register part and every org unit's 其他, 县本级 included
    _enter(db, admin, COUNTY, YEAR, **{"06_1": dict(value="2")})
    _enter(db, admin, FENGWEI, 2021, **{"06_1": dict(value="4")})
    county = _rows(db, COUNTY)["06.1"]
    assert (county.actual, county.derived_part, county.entered_part) == (14.0, 3.0, 11.0)
    assert _rows(db, COUNTY, 2021)["06.1"].actual == 4.0  # cumulative: the 2022 parts are not yet in
    # figures wholly from a register keep their source and no parts
    named = _rows(db, NANSAN)["06.6"]
    assert named.source == "derived" and named.derived_part is None and named.entered_part is None
    typed = _rows(db, NANSAN)["01.2"]
    assert typed.source == "entered" and typed.entered_part is None


def test_the_other_part_is_typed_but_a_whole_register_figure_still_is_not(three_results):
    db, admin = three_results
    summary = _enter(db, admin, NANSAN, YEAR, **{"06_3": dict(value="2", note="企业自主申报的专利")})
    assert summary.created == 1
    with pytest.raises(UserError, match="由登记数据自动计算，不能手工录入"):
        _enter(db, admin, NANSAN, YEAR, **{"06_6": dict(value="1")})
    with pytest.raises(UserError, match="不能为负数|负"):
        _enter(db, admin, NANSAN, YEAR, **{"06_1": dict(value="-1")})  # 其他 is checked as any count


def test_the_sheet_shows_the_register_part_beside_the_typed_other_part(three_results):
    db, admin = three_results
    _enter(db, admin, NANSAN, YEAR, **{"06_1": dict(value="5")})
    with db.session() as s:
        plan_id, _ = _ids(s)
        rows = {r.code: r for r in entry_sheet(s, admin, plan_id, NANSAN, YEAR).rows}
        county = {r.code: r for r in entry_sheet(s, admin, plan_id, COUNTY, YEAR, rollup=True).rows}
    proposals = rows["06.1"]
    assert proposals.partial and not proposals.derived
    assert (proposals.register_part, proposals.value, proposals.total) == (3.0, 5.0, 8.0)
    assert proposals.register_label == "三室一站登记" and "合理化建议" in proposals.register_note
    assert not rows["06.6"].partial and rows["06.6"].derived
    assert (county["06.1"].register_part, county["06.1"].value) == (3.0, 5.0)


def _county_own_studio(db, proposals_by_year: dict[int, int]) -> None:
    """A studio attached to 县本级 itself (the register form takes township studios; one can
    still arrive attached to the county, e.g. typed in there before the form checked it)."""
    from zkdesk.store.models import Studio, StudioResult

    with db.session() as s:
        studio = Studio(origin=COUNTY, name="县总工会职工创新工作室", kind="劳模创新工作室", township_code=COUNTY,
                        lead_name="赵六", level="县级", status="申报", applied_on=date(2021, 2, 1))
        s.add(studio)
        s.flush()
        for year, count in proposals_by_year.items():
            s.add(StudioResult(origin=COUNTY, studio_id=studio.id, year=year, proposals=count))


def test_the_county_sheet_shows_its_own_register_part_and_the_roll_up_the_county(three_results):
    """县本级's 登记部分 is the records attached to 县本级, beside the 其他 it enters; the roll-up's
    is every township's too, and its 累计 the whole county's."""
    db, admin = three_results
    _county_own_studio(db, {2021: 4, YEAR: 2})
    _enter(db, admin, COUNTY, YEAR, **{"06_1": dict(value="7")})
    _enter(db, admin, NANSAN, YEAR, **{"06_1": dict(value="5")})
    with db.session() as s:
        plan_id, _ = _ids(s)
        own = {r.code: r for r in entry_sheet(s, admin, plan_id, COUNTY, YEAR).rows}
        rollup = {r.code: r for r in entry_sheet(s, admin, plan_id, COUNTY, YEAR, rollup=True).rows}
        nansan = {r.code: r for r in entry_sheet(s, admin, plan_id, NANSAN, YEAR).rows}
    # 县本级: its studio's 2 of 2022 (not 南伞's 3), its 7 typed; to date 4 + 2 + 7
    assert (own["06.1"].register_part, own["06.1"].value, own["06.1"].total) == (2.0, 7.0, 13.0)
    # the county: 3 + 2 registered, 7 + 5 typed in 2022; to date 4 more from 2021
    assert (rollup["06.1"].register_part, rollup["06.1"].value, rollup["06.1"].total) == (5.0, 12.0, 21.0)
    assert (nansan["06.1"].register_part, nansan["06.1"].value, nansan["06.1"].total) == (3.0, 5.0, 8.0)
    # a part no org unit has: 县本级's register part is 0 where only the townships have studios
    assert own["06.3"].register_part == 0.0
    county = _rows(db, COUNTY)["06.1"]
    assert (county.derived_part, county.entered_part, county.actual) == (9.0, 12.0, 21.0)


def test_the_county_sheet_without_county_records_shows_none_of_the_townships(three_results):
    db, admin = three_results
    with db.session() as s:
        plan_id, _ = _ids(s)
        own = {r.code: r for r in entry_sheet(s, admin, plan_id, COUNTY, YEAR).rows}
        rollup = {r.code: r for r in entry_sheet(s, admin, plan_id, COUNTY, YEAR, rollup=True).rows}
    assert (own["06.1"].register_part, own["06.1"].total) == (0.0, 0.0)
    assert (rollup["06.1"].register_part, rollup["06.1"].total) == (3.0, 3.0)


def test_item6_summary_adds_the_other_part(three_results):
    db, admin = three_results
    _enter(db, admin, NANSAN, YEAR, **{"06_1": dict(value="5")})
    nansan = Actor("clerk", "南伞录入员", Role.CLERK, NANSAN)
    with db.session() as s:
        county = {r.code: r for r in item6_summary(s, admin).rows}
        own = {r.code: r for r in item6_summary(s, nansan).rows}
    for rows in (county, own):
        assert rows["06.1"].by_year[YEAR] == 8.0 and rows["06.1"].total == 8.0
        assert rows["06.1"].other_by_year[YEAR] == 5.0 and rows["06.1"].other_total == 5.0
        assert rows["06.6"].other_by_year is None and rows["06.6"].other_total is None
    assert county["06.1"].percent == 8.0  # of the county's 100


def test_the_progress_form_prints_both_parts(three_results):
    db, admin = three_results
    _enter(db, admin, NANSAN, YEAR, **{"06_1": dict(value="5")})
    nansan = Actor("clerk", "南伞录入员", Role.CLERK, NANSAN)
    _, pdf = render(db, load_catalog(), "indicator-progress", actor=nansan, year=YEAR, org_code=NANSAN)
    text = compact("\n".join(pdf_pages(pdf.data)))
    assert "职工提出合理化建议数＊件累计无目标8登记3＋其他5" in text
    assert "“三室一站”登记数加填报的其他部分" in text


def test_excel_import_takes_the_other_part(three_results, tmp_path):
    db, admin = three_results
    path = write_xlsx(tmp_path / "指标.xlsx", [
        ["指标编号", "单位", "年度", "数值", "累计数", "说明"],
        ["06.1", "南伞镇", 2021, 2, None, "未建工作室企业的职工提出"],
        ["06.1", "南伞镇", YEAR, None, 7, None],  # a running total of 其他: 5 this year
        ["06.6", "南伞镇", YEAR, 1, None, None],
    ])
    plan = dry_run(db, admin, "indicator-values", path)
    assert counts(plan.summary) == (2, 0, 0)
    assert rejected(plan) == [(4, "指标编号", "由登记数据自动计算，不能手工录入")]
    apply_plan(db, admin, plan)
    row = _rows(db, NANSAN)["06.1"]
    assert (row.actual, row.derived_part, row.entered_part) == (10.0, 3.0, 7.0)


def test_the_evaluation_report_says_which_figures_have_two_parts(three_results):
    from zkdesk.output.evaluation.content import indicator_notes
    from zkdesk.services.evaluation_report import build_report

    db, admin = three_results
    _enter(db, admin, NANSAN, YEAR, **{"06_1": dict(value="5")})
    with db.session() as s:
        report = build_report(s, admin, "zk-2021-2025", NANSAN, 2021, YEAR)
    item6 = next(i for i in report.items if i.number == 6)
    notes = dict(indicator_notes(item6))
    line = next(line for line in item6.indicators if line.code == "06.1")
    assert line.final == 8.0 and line.register_part == "三室一站登记"
    assert "数据为三室一站登记数加填报的其他部分" in notes["06.1"]
    assert "数据由登记数据自动计算" in notes["06.6"] and "其他部分" not in notes["06.6"]
