"""规划与目标 → 责任单位: an indicator's lead and co-responsible departments chosen from the
county's departments and saved off the GUI thread; the table shows the lead (issue 20)."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QListWidget, QPushButton, QTableWidget

from tests.ui.settle import settle
from zkdesk.services.departments import plan_duties
from zkdesk.services.progress import plan_by_code
from zkdesk.ui.indicators.duties_dialog import DutiesDialog
from zkdesk.ui.indicators.plan_tab import COLUMNS


def _duties(window, code):
    with window.ctx.db.read_session() as s:
        plan = plan_by_code(s, "zk-2021-2025")
        ind = next(i for i in plan.indicators if i.code == code)
        return plan_duties(s, plan.id)[ind.id].codes


def test_the_lead_and_co_departments_are_chosen_and_saved(main_window, qtbot, gui_thread_sessions, monkeypatch):
    page = main_window.show_page("indicators")
    settle(qtbot)
    page.tabs.setCurrentIndex(2)
    settle(qtbot)
    table = page.findChild(QTableWidget, "planIndicatorTable")
    lead_col = COLUMNS.index("牵头单位")
    row = next(r for r in range(table.rowCount()) if table.item(r, 0).text() == "04.1")
    assert table.item(row, lead_col).text() == "县总工会"
    table.setCurrentCell(row, 1)
    opened = []
    monkeypatch.setattr(DutiesDialog, "exec", lambda self: opened.append(self) or QDialog.DialogCode.Rejected)
    qtbot.mouseClick(page.findChild(QPushButton, "dutiesButton"), Qt.MouseButton.LeftButton)
    settle(qtbot)
    (dialog,) = opened
    qtbot.addWidget(dialog)
    dialog.show()
    settle(qtbot)
    lead = dialog.findChild(QComboBox, "dutyLead")
    co = dialog.findChild(QListWidget, "dutyCo")
    assert lead.currentText() == "县总工会"
    checked = [co.item(r).text() for r in range(co.count()) if co.item(r).checkState() == Qt.CheckState.Checked]
    assert checked == ["各乡（镇）"]
    lead.setCurrentIndex(lead.findText("县人力资源社会保障局"))
    assert next(co.item(r) for r in range(co.count()) if co.item(r).text() == "县人力资源社会保障局").isHidden()
    for r in range(co.count()):
        if co.item(r).text() in ("县总工会", "县教育体育局"):
            co.item(r).setCheckState(Qt.CheckState.Checked)
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert _duties(main_window, "04.1") == ("rsj", "jtj", "zgh", "xz")  # the lead, then the official order
    settle(qtbot)
    row = next(r for r in range(table.rowCount()) if table.item(r, 0).text() == "04.1")
    assert table.item(row, lead_col).text() == "县人力资源社会保障局"  # the table follows the change
