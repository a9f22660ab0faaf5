"""The 进度看板 (filters, chart, drill-down) and 规划与目标 (copy, edit, allocate) tabs."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QDialog, QLabel, QLineEdit, QPushButton, QTableWidget
from sqlalchemy import select

from tests.conftest import NANSAN
from tests.ui.settle import settle
from zkdesk.services import derived
from zkdesk.services.derived import Derived
from zkdesk.services.indicator_values import ValueEntry, save_values
from zkdesk.services.progress import plan_by_code
from zkdesk.store.models import Indicator, IndicatorTarget, Plan
from zkdesk.ui.indicators.common import STATUS_COLORS
from zkdesk.ui.indicators.path_chart import PathChart
from zkdesk.ui.indicators.plan_tab import CopyPlanDialog
from zkdesk.ui.widgets.record_view import RecordView


def _ids(window):
    with window.ctx.db.session() as s:
        plan = plan_by_code(s, "zk-2021-2025")
        return plan.id, {i.code: i.id for i in s.scalars(select(Indicator).where(Indicator.plan_id == plan.id))}


def _row(table, code):
    return next(r for r in range(table.rowCount()) if table.item(r, 0).text() == code)


def _column(table, label):
    return next(c for c in range(table.columnCount()) if table.horizontalHeaderItem(c).text() == label)


def _dashboard(main_window, qtbot, year_index=1):
    """The indicators page on its 进度看板 tab for a year (index 1: 2022), as a clerk opens it:
    (page, its table)."""
    page = main_window.show_page("indicators")
    settle(qtbot)
    page.findChild(QComboBox, "yearCombo").setCurrentIndex(year_index)
    settle(qtbot)
    page.tabs.setCurrentIndex(1)
    settle(qtbot)
    return page, page.findChild(QTableWidget, "progressTable")


def _click_cell(qtbot, table, row, column, double=False):
    table.scrollToItem(table.item(row, column))
    pos = table.visualItemRect(table.item(row, column)).center()
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    if double:
        qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    settle(qtbot)


def _press(qtbot, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    settle(qtbot)


def test_dashboard_colours_filters_and_chart(main_window, qtbot):
    plan_id, ids = _ids(main_window)
    with main_window.ctx.db.session() as s:
        for year, value in ((2021, "4"), (2022, "4"), (2023, "2")):
            save_values(s, main_window.ctx.actor, plan_id, NANSAN, year, [ValueEntry(ids["01.2"], value=value)])
    page, table = _dashboard(main_window, qtbot, year_index=2)  # 2023
    row, county = _row(table, "01.2"), _column(table, "全县")
    assert table.item(row, county).text() == "10"
    assert table.item(row, county).background().color() == STATUS_COLORS["滞后"]  # 10 < 12 on the path to 20
    assert table.item(row, _column(table, "南伞镇")).background().color() == STATUS_COLORS["无目标"]  # no allocation
    # 01.2, and the seven counts derived from the still empty nomination and studio registers
    # (items 3 and 6): nobody honoured and no studio named yet is behind the path, not "no data"
    assert "滞后 8项" in page.findChild(QLabel, "dashboardSummary").text()

    items = page.findChild(QComboBox, "itemFilter")
    items.setCurrentIndex(items.findData(14))
    assert page.dashboard.visible_codes() == ["14.1", "14.2", "14.3", "14.4", "14.5", "14.6"]
    units = page.findChild(QComboBox, "responsibleFilter")
    items.setCurrentIndex(0)
    units.setCurrentIndex(units.findText("县人民法院"))
    assert page.dashboard.visible_codes() == ["15.1", "15.2", "15.3", "15.4", "15.5"]
    units.setCurrentIndex(0)

    _click_cell(qtbot, table, row, _column(table, "南伞镇"))
    chart = page.findChild(PathChart, "pathChart")
    assert chart.path.code == "01.2" and chart.path.org_code == NANSAN
    assert chart.path.actuals == {2021: 4, 2022: 8, 2023: 10, 2024: None, 2025: None}
    assert chart.grab().width() > 0  # paints without error
    # drawn from the report's layout (output/path_chart.py), at the widget's size, in its font's size
    scene = chart.scene()
    assert abs(scene.width * chart.zoom() - chart.width()) < 0.01 and chart.zoom() >= 1
    assert [t.text for t in scene.texts("value")] == ["4", "8", "10"]
    # 南伞镇 has no target allocated: no target line named; its pace (10 in 3 years) projected
    assert [t.text for t in scene.texts("legend")] == ["实际", "按当前进度预计（2025年16.67）"]


def test_drill_down_from_a_derived_number(main_window, qtbot, monkeypatch):
    plan_id, ids = _ids(main_window)

    def _fake(session, org_code, year):
        return Derived(value=1.0, record_kind="nomination", record_ids=(f"n-{year}",), explanation="已表彰的县级劳模")

    derived.known_sources()  # load the real registers, then stand in for one of them
    monkeypatch.setitem(derived._REGISTRY, "nominations.county_model_workers", _fake)
    if True:
        page, table = _dashboard(main_window, qtbot)
        row = _row(table, "03.1")
        assert table.item(row, _column(table, "全县")).text() == "2"  # 2021 and 2022
        _click_cell(qtbot, table, row, _column(table, "全县"), double=True)
        dialog = page.dashboard.drilldown
        assert dialog is not None and dialog.isVisible()
        records = dialog.findChild(RecordView, "drilldownTable")
        assert records.row_count() == 2
        assert "共 2 条劳模推荐记录" in dialog.findChild(QLabel, "drilldownSummary").text()
        dialog.close()


def _texts(view: RecordView) -> list[list[str]]:
    model = view.model()
    return [[model.index(r, c).data() or "" for c in range(model.columnCount())] for r in range(model.rowCount())]


def test_drill_down_of_a_partly_registered_figure_shows_both_parts_per_org_unit(main_window, qtbot):
    """06.1 合理化建议: 南伞's studio registered 3 in 2022; 南伞 typed 5 and 县本级 2 as 其他."""
    from datetime import date

    from zkdesk.services.studio_results import ResultInput, save_result
    from zkdesk.services.studios import MemberInput, StudioInput, register_studio

    plan_id, ids = _ids(main_window)
    actor = main_window.ctx.actor
    with main_window.ctx.db.session() as s:
        studio = register_studio(s, actor, StudioInput(name="甲工作室", kind="劳模创新工作室", township_code=NANSAN,
                                                      lead_name="甲", applied_on=date(2021, 3, 1), level="县级"),
                                 [MemberInput("张三"), MemberInput("李四"), MemberInput("王五")])
        save_result(s, actor, studio, 2022, ResultInput(proposals=3))
        save_values(s, actor, plan_id, NANSAN, 2022, [ValueEntry(ids["06.1"], value="5")])
        save_values(s, actor, plan_id, "530924", 2022, [ValueEntry(ids["06.1"], value="2")])
    page, table = _dashboard(main_window, qtbot)
    row = _row(table, "06.1")
    assert table.item(row, _column(table, "全县")).text() == "10"

    _click_cell(qtbot, table, row, _column(table, "全县"), double=True)
    dialog = page.dashboard.drilldown
    parts = dialog.findChild(RecordView, "drilldownParts")
    header = [parts.model().headerData(c, Qt.Orientation.Horizontal) for c in range(parts.model().columnCount())]
    assert header == ["单位", "登记部分", "其他部分（填报）", "合计"]
    lines = {line[0]: line[1:] for line in _texts(parts)}
    assert lines["县本级"] == ["0", "2", "2"]  # 县本级 has no studio of its own
    assert lines["南伞镇"] == ["3", "5", "8"]
    assert lines["全县合计"] == ["3", "7", "10"]
    assert len(lines) == 9  # 县本级, the seven townships, the total
    summary = dialog.findChild(QLabel, "drilldownSummary").text()
    assert "合计 10" in summary and "登记部分 3" in summary and "其他部分 7" in summary
    assert dialog.findChild(RecordView, "drilldownTable").row_count() == 1  # the studio's 2022 result
    dialog.close()

    _click_cell(qtbot, table, row, _column(table, "南伞镇"), double=True)
    dialog = page.dashboard.drilldown
    assert _texts(dialog.findChild(RecordView, "drilldownParts")) == [["南伞镇", "3", "5", "8"]]
    dialog.close()


def test_copy_plan_edit_target_and_allocate(main_window, qtbot, monkeypatch):
    page = main_window.show_page("indicators")
    settle(qtbot)
    page.tabs.setCurrentIndex(2)
    settle(qtbot)
    monkeypatch.setattr(CopyPlanDialog, "exec", lambda self: QDialog.DialogCode.Accepted)
    _press(qtbot, page.findChild(QPushButton, "copyPlanButton"))
    assert page.findChild(QComboBox, "planCombo").currentText().startswith("十五五（2026—2030）")
    years = page.findChild(QComboBox, "yearCombo")
    assert [years.itemText(i) for i in range(years.count())] == ["2026年", "2027年", "2028年", "2029年", "2030年"]

    table = page.findChild(QTableWidget, "planIndicatorTable")
    row = _row(table, "01.2")
    _click_cell(qtbot, table, row, 5)
    main_window.activateWindow()  # a busy sign shown meanwhile may have taken the focus
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), QLineEdit))  # on a loaded machine the editor comes late
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit) and editor.text() == "20"
    editor.selectAll()
    qtbot.keyClicks(editor, "30")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    QApplication.processEvents()  # the standard delegate commits on a queued call
    assert table.item(row, 5).text() == "30"
    _press(qtbot, page.findChild(QPushButton, "saveIndicatorsButton"))

    table.setCurrentCell(_row(table, "01.2"), 1)
    settle(qtbot)
    _press(qtbot, page.findChild(QPushButton, "splitEvenButton"))
    alloc = page.findChild(QTableWidget, "allocationTable")
    assert [alloc.item(r, 1).text() for r in range(alloc.rowCount())] == ["5"] * 7  # ⌈30 / 7⌉
    assert "已分解合计：35名" in page.findChild(QLabel, "allocationSum").text()
    _press(qtbot, page.findChild(QPushButton, "saveAllocationsButton"))

    with main_window.ctx.db.session() as s:
        plan = s.scalars(select(Plan).where(Plan.code == "zk-2026-2030")).one()
        ind = next(i for i in plan.indicators if i.code == "01.2")
        assert (plan.short_name, ind.target, ind.target_year) == ("十五五", 30, 2030)
        targets = s.scalars(select(IndicatorTarget).where(IndicatorTarget.indicator_id == ind.id)).all()
        assert sorted(t.value for t in targets) == [5] * 7
        old = s.scalars(select(Indicator).join(Plan).where(Plan.code == "zk-2021-2025", Indicator.code == "01.2")).one()
        assert old.target == 20

    # the dashboard of the new plan uses the allocation as a township's target
    page.tabs.setCurrentIndex(1)
    settle(qtbot)
    dash = page.findChild(QTableWidget, "progressTable")
    item = dash.item(_row(dash, "01.2"), _column(dash, "南伞镇"))
    assert "目标：5" in item.toolTip()
