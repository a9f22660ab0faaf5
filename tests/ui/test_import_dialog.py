"""The import dialog driven like a clerk: open a file, read the preview, confirm, see the rows."""

from __future__ import annotations

import openpyxl
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QAction, QDropEvent
from PySide6.QtWidgets import QLabel, QPushButton, QTableWidget
from sqlalchemy import select

from tests.ui.settle import settle
from tests.xlsxfiles import write_xlsx
from zkdesk.domain.uscc import uscc_check_char
from zkdesk.store.models import Enterprise
from zkdesk.ui import bus, file_dialogs
from zkdesk.ui.xlsx import export_dialog, import_dialog
from zkdesk.ui.xlsx.import_dialog import ImportDialog

U1 = "91530924MA6K8T2C1" + uscc_check_char("91530924MA6K8T2C1")
U2 = "91530924MA6K8T2C2" + uscc_check_char("91530924MA6K8T2C2")


def roster(tmp_path):
    return write_xlsx(tmp_path / "企业名册.xlsx", [
        ["2024年企业名册"],
        ["企业名称", "统一社会信用代码", "所属乡镇", "公司制"],
        ["镇康县甲茶业有限公司", U1, "南伞镇", "是"],
        ["镇康县乙糖业有限公司", U2, "凤尾", "否"],
        ["镇康县丙公司", 9.1e17, "南伞镇", "是"],
    ])


def counts(dialog):
    return tuple(dialog.findChild(QLabel, f"count_{k}").text() for k in ("new", "updated", "unchanged", "rejected"))


def test_menu_has_import_and_export(main_window):
    names = {a.objectName(): a.text() for a in main_window.findChildren(QAction)}
    assert names["actionImportExcel"] == "导入Excel…" and names["actionExportExcel"] == "导出Excel…"


def test_open_preview_confirm(main_window, qtbot, tmp_path, monkeypatch):
    ctx = main_window.ctx
    path = roster(tmp_path)
    dialog = ImportDialog(ctx, main_window)
    qtbot.addWidget(dialog)
    dialog.show()
    monkeypatch.setattr(file_dialogs, "open_file", lambda *a, **k: path)
    qtbot.mouseClick(dialog.findChild(QPushButton, "chooseFileButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: counts(dialog) == ("2", "0", "0", "1"), timeout=10000)
    table = dialog.findChild(QTableWidget, "rejectedTable")
    assert table.rowCount() == 1
    assert [table.item(0, c).text() for c in range(3)] == ["5", "统一社会信用代码", "拒绝"]
    assert "文本" in table.item(0, 3).text()
    summary = dialog.findChild(QLabel, "summaryLabel").text()
    assert "尚未写入" in summary and "第2行" in summary
    with ctx.db.session() as s:
        assert s.scalars(select(Enterprise)).all() == []  # the preview wrote nothing

    confirm = dialog.findChild(QPushButton, "confirmButton")
    assert confirm.isEnabled()
    with qtbot.waitSignal(ctx.bus.changed, timeout=10000) as signal:
        qtbot.mouseClick(confirm, Qt.MouseButton.LeftButton)
    assert signal.args == [bus.ENTERPRISES]
    assert "已导入" in dialog.findChild(QLabel, "summaryLabel").text()
    with ctx.db.session() as s:
        rows = {e.uscc: e.township_code for e in s.scalars(select(Enterprise))}
    assert rows == {U1: "530924103", U2: "530924101"}
    assert not confirm.isEnabled()
    assert list(ctx.home.backups_dir.glob("*-import*.sqlite3"))

    # the same file again: nothing to import
    dialog.open_file(path)
    qtbot.waitUntil(lambda: counts(dialog) == ("0", "0", "2", "1"), timeout=10000)
    assert not confirm.isEnabled() and "无需导入" in dialog.findChild(QLabel, "summaryLabel").text()

    # the annotated copy
    out = tmp_path / "批注.xlsx"
    monkeypatch.setattr(file_dialogs, "save_file", lambda *a, **k: out)
    qtbot.mouseClick(dialog.findChild(QPushButton, "annotateButton"), Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert "丢失" in openpyxl.load_workbook(out).active["B5"].comment.text


def test_drop_a_file_and_switch_kind(main_window, qtbot, tmp_path, monkeypatch):
    dialog = ImportDialog(main_window.ctx, main_window)
    qtbot.addWidget(dialog)
    dialog.show()
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(roster(tmp_path)))])
    event = QDropEvent(QPointF(20, 20), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    # QApplication does not deliver a drop without a real drag under way: hand it to the widget
    assert dialog.event(event) and event.isAccepted()
    qtbot.waitUntil(lambda: counts(dialog) == ("2", "0", "0", "1"), timeout=10000)
    # the same file read as studios lacks that kind's columns: one clear message
    errors = []
    monkeypatch.setattr(import_dialog, "show_error", lambda parent, message: errors.append(message))
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("studios"))
    qtbot.waitUntil(lambda: bool(errors), timeout=10000)
    assert "缺少必填列" in errors[0] and "工作室名称" in errors[0]
    assert counts(dialog) == ("–", "–", "–", "–") and not dialog.findChild(QPushButton, "confirmButton").isEnabled()


def test_template_and_export_buttons(main_window, qtbot, tmp_path, monkeypatch):
    dialog = ImportDialog(main_window.ctx, main_window, kind="studios")
    qtbot.addWidget(dialog)
    target = tmp_path / "模板.xlsx"
    monkeypatch.setattr(file_dialogs, "save_file", lambda *a, **k: target)
    qtbot.mouseClick(dialog.findChild(QPushButton, "templateButton"), Qt.MouseButton.LeftButton)
    settle(qtbot)  # written off the GUI thread
    assert openpyxl.load_workbook(target).sheetnames == ["三室一站", "代码表", "填表说明"]

    exporter = export_dialog.ExportDialog(main_window.ctx, main_window)
    qtbot.addWidget(exporter)
    out = tmp_path / "导出.xlsx"
    monkeypatch.setattr(file_dialogs, "save_file", lambda *a, **k: out)
    qtbot.mouseClick(exporter.findChild(QPushButton, "exportButton"), Qt.MouseButton.LeftButton)
    status = exporter.findChild(QLabel, "exportStatus")
    qtbot.waitUntil(lambda: status.text().startswith("已导出"), timeout=10000)
    assert openpyxl.load_workbook(out).active["A1"].value == "企业名称"


def test_progress_dialog_cancels_the_worker(qtbot, main_window):
    """A long job shows a progress dialog; 取消 sets the flag the import checks between rows."""
    import time

    from PySide6.QtWidgets import QProgressDialog

    from zkdesk.imports.pipeline import ImportCancelled
    from zkdesk.ui.tasks import run_with_progress

    def long_work(progress, cancel):
        for done in range(100_000):
            if cancel():
                raise ImportCancelled()
            progress(done, 100_000, "正在检查数据")
            time.sleep(0.001)
        return "finished"

    failures, results = [], []
    run_with_progress(main_window, "正在检查文件", long_work, results.append, failures.append)
    dialog = main_window.findChild(QProgressDialog, "taskProgress")
    qtbot.waitUntil(lambda: dialog.isVisible() and dialog.value() > 0, timeout=10000)
    qtbot.mouseClick(dialog.findChild(QPushButton), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(failures), timeout=10000)
    assert failures == ["已取消导入，数据库没有改动"] and results == []
    qtbot.waitUntil(lambda: main_window.findChild(QProgressDialog, "taskProgress") is None, timeout=10000)


def test_roster_with_only_new_unions_can_be_confirmed(main_window, qtbot, tmp_path, monkeypatch):
    """The enterprises are there already; the roster's unions are new: 确认导入 is offered and
    the summary names each register."""
    ctx = main_window.ctx
    with ctx.db.session() as s:
        s.add(Enterprise(origin="530924103", name="镇康县甲茶业有限公司", uscc=U1, township_code="530924103"))
    path = write_xlsx(tmp_path / "名册.xlsx", [
        ["企业名称", "统一社会信用代码", "所属乡镇", "是否建会", "工会主席"],
        ["镇康县甲茶业有限公司", U1, "南伞镇", "是", "赵六"],
    ])
    dialog = ImportDialog(ctx, main_window)
    qtbot.addWidget(dialog)
    dialog.show()
    monkeypatch.setattr(file_dialogs, "open_file", lambda *a, **k: path)
    qtbot.mouseClick(dialog.findChild(QPushButton, "chooseFileButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "企业工会：新增 1 条" in dialog.findChild(QLabel, "summaryLabel").text(), timeout=10000)
    assert counts(dialog) == ("0", "0", "1", "0")
    assert dialog.findChild(QPushButton, "confirmButton").isEnabled()
