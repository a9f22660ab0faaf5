"""One working year across pages: 指标台账, 集体合同企业, 打印报表 open on it, and a year picked on one
page moves the others (当前工作年度, ui.work_year)."""

from datetime import date

import pytest

from PySide6.QtWidgets import QComboBox, QSpinBox
from sqlalchemy import select

from tests.conftest import NANSAN
from tests.ui.settle import settle
from zkdesk.services import settings
from zkdesk.services.catalog import current_plan
from zkdesk.services.progress import working_year
from zkdesk.store.models import Indicator, IndicatorValue


def _store_value(s, org: str, year: int) -> None:
    plan = current_plan(s, year)
    indicator = s.scalars(select(Indicator).where(Indicator.plan_id == plan.id, Indicator.source == "")
                          .order_by(Indicator.sort_key)).first()
    s.add(IndicatorValue(origin=org, indicator_id=indicator.id, org_code=org, year=year, value=3.0))


def test_the_working_year_is_the_setting_else_the_latest_year_with_data_else_this_year(county_db):
    db, admin = county_db
    this_year = date.today().year
    with db.session() as s:
        assert working_year(s, admin.office_code) == this_year
        _store_value(s, NANSAN, 2023)
    with db.session() as s:
        assert working_year(s, admin.office_code) == 2023  # the county: any unit's values
        assert working_year(s, "530924101") != 2023  # a township: its own values only
        settings.change(s, admin, "work_year", 2022)
    with db.read_session() as s:
        assert working_year(s, admin.office_code) == 2022


def test_pages_open_on_the_working_year_and_follow_a_change_made_on_any_of_them(main_window, qtbot):
    ctx = main_window.ctx
    with ctx.db.session() as s:
        _store_value(s, NANSAN, 2024)  # the latest year with data: where the next start opens
        assert working_year(s, ctx.actor.office_code) == 2024
    start = ctx.current_year.value
    indicators = main_window.show_page("indicators")
    settle(qtbot)
    plan_years = indicators.findChild(QComboBox, "yearCombo")
    assert plan_years.currentData() == (start if plan_years.findData(start) >= 0 else 2025)
    enterprises = main_window.show_page("enterprises")
    settle(qtbot)
    spin = enterprises.findChild(QSpinBox, "yearSpin")
    assert spin.value() == start

    other = 2023 if start != 2023 else 2022
    spin.setValue(other)  # changed on 集体合同企业 …
    settle(qtbot)
    assert ctx.current_year.value == other
    assert plan_years.currentData() == other  # … 指标台账 follows (its plan has that year)
    assert indicators.entry.year == other

    printing = main_window.show_page("print")
    settle(qtbot)
    print_years = printing.findChild(QComboBox, "yearCombo")
    offered = [print_years.itemData(i) for i in range(print_years.count())]
    assert other in offered, offered
    assert print_years.currentData() == other  # 打印报表 opens on it
    third = next(y for y in offered if y != other)
    print_years.setCurrentIndex(print_years.findData(third))  # changed on 打印报表 …
    settle(qtbot)
    assert spin.value() == third  # … 集体合同企业 follows
    main_window.show_page("indicators")
    settle(qtbot)
    plan_years.setCurrentIndex(plan_years.findData(2021))  # changed on 指标台账 …
    settle(qtbot)
    assert spin.value() == 2021 and ctx.current_year.value == 2021


@pytest.mark.slow  # the report previews as its years change
def test_the_report_the_studios_and_the_sessions_follow_the_working_year(main_window, qtbot):
    """评估报告 (a 年度工作总结), 三室一站's year results and item 6, and 劳模推荐's 届次 open on the
    working year and follow it; a year picked for a 年度工作总结 moves the others."""
    from PySide6.QtWidgets import QTabWidget

    from zkdesk.services.award_sessions import SessionInput, create_session
    from zkdesk.ui.nominations.session_dialog import SessionDialog
    from zkdesk.ui.pages.evaluation_report import ANNUAL
    from zkdesk.ui.studios.results import ResultDialog

    ctx = main_window.ctx
    with ctx.db.session() as s:
        for year, number in ((2020, 3), (2023, 4), (2025, 5)):
            create_session(s, ctx.actor, SessionInput(f"第{number}届镇康县劳动模范", year, number))
    ctx.current_year.set(2023)

    nominations = main_window.show_page("nominations")
    settle(qtbot)
    assert nominations.current_session().year == 2023  # not the newest (2025): the working year's
    dialog = SessionDialog(ctx, nominations)
    assert dialog.findChild(QSpinBox, "sessionYearSpin").value() == 2023
    dialog.deleteLater()
    results = ResultDialog(ctx, "no-studio", {}, None, nominations)
    assert results.year.value() == 2023  # a studio's new year of results: the working year …
    results.deleteLater()
    results = ResultDialog(ctx, "no-studio", {2023: None, 2021: None}, None, nominations)
    assert results.year.value() == 2024  # … unless it has them already
    results.deleteLater()

    printing = main_window.show_page("print")
    tabs = printing.findChild(QTabWidget, "printTabs")
    tabs.setCurrentIndex([tabs.tabText(i) for i in range(tabs.count())].index("评估报告"))
    panel = printing.evaluation
    settle(qtbot, 90_000)
    kind = panel.findChild(QComboBox, "evalKindCombo")
    kind.setCurrentIndex(kind.findData(ANNUAL))
    settle(qtbot, 90_000)
    assert panel.year_from.currentData() == panel.year_to.currentData()
    ctx.current_year.set(2022)  # moved on another page …
    settle(qtbot, 90_000)
    assert panel.year_to.currentData() == 2022  # … the 年度工作总结 follows
    panel.year_to.setCurrentIndex(panel.year_to.findData(2024))  # picked here …
    settle(qtbot, 90_000)
    assert ctx.current_year.value == 2024 and panel._key.year_from == 2024  # … every page follows
    main_window.show_page("nominations")
    settle(qtbot)
    ctx.current_year.set(2020)
    settle(qtbot)
    assert nominations.current_session().year == 2020
