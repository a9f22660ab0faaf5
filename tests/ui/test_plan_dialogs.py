"""规划与目标 → 基期数 and 完成事项: one org unit's baselines (tasks) typed in a grid and saved off the GUI
thread; a batch with an error saves nothing and says why under the grid (issue 15)."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QLabel, QPushButton, QTableWidget
from sqlalchemy import select

from tests.conftest import NANSAN
from tests.ui.settle import settle
from zkdesk.services.progress import plan_by_code
from zkdesk.store.models import IndicatorBaseline
from zkdesk.ui.indicators.baseline_dialog import COL_DEN, COL_NUM, COL_VALUE, BaselineDialog


def _row(table, code):
    return next(r for r in range(table.rowCount()) if table.item(r, 0).text() == code)


def _baselines(window):
    with window.ctx.db.read_session() as s:
        return {(r.org_code, r.value, r.numerator, r.denominator) for r in
                s.scalars(select(IndicatorBaseline).where(IndicatorBaseline.deleted.is_(False)))}


def _nansan_baselines_showing_six(main_window, qtbot, plan_id):
    """The 基期数 dialog of `plan_id` on 南伞镇, once its carried 04.2 (6) is shown: (dialog, table)."""
    dialog = BaselineDialog(main_window.ctx, plan_id, main_window)
    qtbot.addWidget(dialog)
    settle(qtbot)
    orgs = dialog.findChild(QComboBox, "baselineOrg")
    orgs.setCurrentIndex(orgs.findData(NANSAN))
    settle(qtbot)
    table = dialog.findChild(QTableWidget, "baselineTable")
    qtbot.waitUntil(lambda: table.item(_row(table, "04.2"), COL_VALUE).text() == "6", timeout=30_000)
    return dialog, table


def test_baselines_are_typed_for_a_township_and_saved(main_window, qtbot, gui_thread_sessions, monkeypatch):
    page = main_window.show_page("indicators")
    settle(qtbot)
    page.tabs.setCurrentIndex(2)
    settle(qtbot)
    opened = []
    monkeypatch.setattr(BaselineDialog, "exec", lambda self: opened.append(self) or QDialog.DialogCode.Rejected)
    qtbot.mouseClick(page.findChild(QPushButton, "baselineButton"), Qt.MouseButton.LeftButton)
    settle(qtbot)
    (dialog,) = opened
    qtbot.addWidget(dialog)
    dialog.show()
    orgs = dialog.findChild(QComboBox, "baselineOrg")
    assert orgs.itemText(0) == "县本级"  # no read-only roll-up: baselines are entered per org unit
    orgs.setCurrentIndex(orgs.findData(NANSAN))
    settle(qtbot)
    table = dialog.findChild(QTableWidget, "baselineTable")
    codes = [table.item(r, 0).text() for r in range(table.rowCount())]
    assert "01.1" in codes and "04.2" in codes and "08.1" not in codes and "01.2" not in codes
    rate, stock = _row(table, "01.1"), _row(table, "04.2")
    assert not table.item(rate, COL_VALUE).flags() & Qt.ItemFlag.ItemIsEditable  # a rate's value is computed
    table.item(rate, COL_NUM).setText("12")
    table.item(rate, COL_DEN).setText("10")
    table.item(stock, COL_VALUE).setText("3")
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert "分子（12）不能大于分母（10）" in dialog.findChild(QLabel, "baselineError").text()
    assert _baselines(main_window) == set() and table.item(stock, COL_VALUE).text() == "3"  # nothing lost
    table.item(rate, COL_NUM).setText("5")
    assert table.item(rate, COL_VALUE).text() == "50"
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert _baselines(main_window) == {(NANSAN, 50.0, 5.0, 10.0), (NANSAN, 3.0, None, None)}
    # (the printing page, which the window builds too, is another matter)
    assert [w for _k, w in gui_thread_sessions if "indicators/" in w] == []


def test_a_second_opening_shows_what_was_saved(main_window, qtbot):
    with main_window.ctx.db.read_session() as s:
        plan_id = plan_by_code(s, "zk-2021-2025").id
    dialog = BaselineDialog(main_window.ctx, plan_id, main_window)
    qtbot.addWidget(dialog)
    settle(qtbot)
    table = dialog.findChild(QTableWidget, "baselineTable")
    table.item(_row(table, "08.1"), COL_VALUE).setText("0")
    dialog.save()
    settle(qtbot)
    again = BaselineDialog(main_window.ctx, plan_id, main_window)
    qtbot.addWidget(again)
    settle(qtbot)
    table = again.findChild(QTableWidget, "baselineTable")
    assert table.item(_row(table, "08.1"), COL_VALUE).text() == "0"


def test_milestones_are_recorded_with_their_date_and_evidence(main_window, qtbot, monkeypatch):
    from datetime import date

    from zkdesk.store.models import Milestone
    from zkdesk.ui.indicators.milestone_dialog import COL_DATE, COL_EVIDENCE, MilestoneDialog

    page = main_window.show_page("indicators")
    settle(qtbot)
    page.tabs.setCurrentIndex(2)
    settle(qtbot)
    opened = []
    monkeypatch.setattr(MilestoneDialog, "exec", lambda self: opened.append(self) or QDialog.DialogCode.Rejected)
    qtbot.mouseClick(page.findChild(QPushButton, "milestoneButton"), Qt.MouseButton.LeftButton)
    settle(qtbot)
    (dialog,) = opened
    qtbot.addWidget(dialog)
    table = dialog.findChild(QTableWidget, "milestoneTable")
    row = _row(table, "17.1")
    table.item(row, COL_DATE).setText("2023年5月1日")
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert "完成依据" in dialog.findChild(QLabel, "milestoneError").text()  # a date needs its evidence
    table.item(row, COL_DATE).setText("2023-13-01")
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert "17.1 的完成日期" in dialog.findChild(QLabel, "milestoneError").text()
    table.item(row, COL_DATE).setText("2023-05-01")
    table.item(row, COL_EVIDENCE).setText("全县实名制录入完成的通报")
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert dialog.result() == QDialog.DialogCode.Accepted
    with main_window.ctx.db.read_session() as s:
        (m,) = s.scalars(select(Milestone)).all()
        assert (m.org_code, m.done_on, m.evidence) == ("530924", date(2023, 5, 1), "全县实名制录入完成的通报")


def test_the_next_plans_grid_shows_carried_baselines_greyed_and_saves_only_typed_ones(main_window, qtbot):
    """十五五's 基期数 grid: 南伞镇's 十四五 2025 figure shown greyed with where it came from; 保存
    with it untouched stores nothing, a figure typed over is stored."""
    from zkdesk.services.indicator_values import ValueEntry, save_values
    from zkdesk.services.plans import copy_plan
    from zkdesk.ui.indicators.baseline_dialog import CARRIED_COLOUR

    actor = main_window.ctx.actor
    with main_window.ctx.db.session() as s:
        old = plan_by_code(s, "zk-2021-2025")
        stock = next(i for i in old.indicators if i.code == "04.2")
        save_values(s, actor, old.id, NANSAN, 2025, [ValueEntry(stock.id, value="6")])
        new_id = copy_plan(s, actor, old.id, "zk-2026-2030", "十五五规划", "十五五", 2026, 2030).id
    dialog, table = _nansan_baselines_showing_six(main_window, qtbot, new_id)
    cell = table.item(_row(table, "04.2"), COL_VALUE)
    assert cell.foreground().color() == CARRIED_COLOUR and "由十四五2025年终值带入" in cell.toolTip()
    dialog.save()
    settle(qtbot)
    assert _baselines(main_window) == set()  # untouched: still carried, nothing entered
    dialog, table = _nansan_baselines_showing_six(main_window, qtbot, new_id)
    table.item(_row(table, "04.2"), COL_VALUE).setText("7")
    dialog.save()
    settle(qtbot)
    assert _baselines(main_window) == {(NANSAN, 7.0, None, None)}
