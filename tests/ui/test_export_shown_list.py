"""文件 → 导出Excel exports what the list on screen shows: its filters, its search and its sort,
every matching row (also those not yet scrolled into view)."""

from datetime import date

from openpyxl import load_workbook
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit

from tests.enterprise_helpers import MENGPENG, NANSAN, add_enterprise
from tests.ui.settle import settle
from zkdesk.ui import ops
from zkdesk.ui.widgets import record_view
from zkdesk.ui.widgets.record_view import RecordView


def export_from_menu(window, path, *, register: bool = False) -> dict:
    """Trigger 文件 → 导出Excel…, export to `path` from the dialog, wait, close it; what it said."""
    seen: dict = {}

    def act(left: int = 250) -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None or dialog.objectName() != "exportDialog":
            if left:
                QTimer.singleShot(20, lambda: act(left - 1))
            return
        seen["list"] = dialog.list_choice.text() if dialog.list_choice.isVisibleTo(dialog) else None
        if register:
            dialog.register_choice.setChecked(True)
        dialog.export_to(path)

        def close_when_done() -> None:
            if ops.running() or "正在导出" in dialog.status.text():
                QTimer.singleShot(20, close_when_done)
                return
            seen["status"] = dialog.status.text()
            dialog.reject()

        close_when_done()

    QTimer.singleShot(0, act)
    window.findChild(QAction, "actionExportExcel").trigger()
    return seen


def _names(path) -> list[str]:
    sheet = load_workbook(path).active
    rows = list(sheet.iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r and r[0] == "企业名称")
    return [r[0] for r in rows[header + 1:]]


def test_the_export_is_the_filtered_searched_sorted_list_every_match(main_window, qtbot, tmp_path, monkeypatch):
    monkeypatch.setattr(record_view, "BATCH", 2)  # so that most matches are not yet revealed
    year = date.today().year
    with main_window.ctx.db.session() as s:
        for name in ("甲糖厂", "乙糖厂", "丙糖厂", "丁糖厂", "戊糖厂", "南伞茶厂"):
            add_enterprise(s, main_window.ctx.actor, name, year=year)
        add_enterprise(s, main_window.ctx.actor, "勐捧糖厂", township=MENGPENG, year=year)
    page = main_window.show_page("enterprises")
    main_window.ctx.bus.notify("enterprises")
    settle(qtbot)
    table = page.findChild(RecordView, "enterpriseTable")
    township = page.findChild(QComboBox, "townshipFilter")
    township.setCurrentIndex(township.findData(NANSAN))  # the page's filter (read in the database)
    settle(qtbot)
    page.findChild(QLineEdit, "searchEdit").setText("糖")  # the list's search (in memory)
    table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    shown = [r.name for r in table.shown_rows()]
    assert sorted(shown) == sorted(["甲糖厂", "乙糖厂", "丙糖厂", "丁糖厂", "戊糖厂"]) and shown != sorted(shown)
    assert table.model().rowCount() < len(shown)  # not all revealed yet

    table.setFocus()
    seen = export_from_menu(main_window, tmp_path / "list.xlsx")
    assert seen["list"] is not None and "集体合同企业" in seen["list"] and "5 条" in seen["list"], seen
    assert seen["status"] == "已导出 5 条到 list.xlsx"
    assert _names(tmp_path / "list.xlsx") == shown  # the same rows, in the same order
    sheet = load_workbook(tmp_path / "list.xlsx").active
    assert "搜索“糖”" in str(sheet.cell(2, 1).value)


def test_the_whole_register_is_still_offered(main_window, qtbot, tmp_path):
    with main_window.ctx.db.session() as s:
        add_enterprise(s, main_window.ctx.actor, "甲糖厂", year=date.today().year)
        add_enterprise(s, main_window.ctx.actor, "乙茶厂", year=date.today().year)
    page = main_window.show_page("enterprises")
    main_window.ctx.bus.notify("enterprises")
    settle(qtbot)
    page.findChild(QLineEdit, "searchEdit").setText("糖")
    seen = export_from_menu(main_window, tmp_path / "all.xlsx", register=True)
    assert seen["status"].startswith("已导出 ")
    sheet = load_workbook(tmp_path / "all.xlsx").active
    names = {c.value for row in sheet.iter_rows() for c in row}
    assert {"甲糖厂", "乙茶厂"} <= names  # the register, not the search


def test_a_list_with_phone_numbers_shown_leaves_a_disclosure_entry(main_window, qtbot, tmp_path):
    from tests.unit.test_studios_service import MEMBERS, studio_input
    from zkdesk.services.audit_log import AuditFilter, search_audit
    from zkdesk.services.studios import register_studio

    with main_window.ctx.db.session() as s:
        register_studio(s, main_window.ctx.actor, studio_input(name="李明劳模创新工作室", lead_name="李明"), MEMBERS)
    main_window.show_page("studios")
    main_window.ctx.bus.notify("studios")
    settle(qtbot)
    seen = export_from_menu(main_window, tmp_path / "studios.xlsx")
    assert "三室一站" in seen["list"]
    with main_window.ctx.db.read_session() as s:
        rows = search_audit(s, main_window.ctx.actor, AuditFilter(action="disclose_personal"))
    assert [r for r in rows if "studios.xlsx" in str(r)], rows
