"""Every standard dialog the program opens reads Chinese: labels, buttons, tooltips, column
headers and the file list's own cells (sizes, types, dates)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QWidget,
)

from zkdesk.app import make_application
from zkdesk.ui.file_dialogs import PACKAGES, SPREADSHEETS, make_dialog

# Names of things, not English sentences: products, file kinds, units, paper sizes.
ALLOWED = {"Excel", "Word", "PDF", "ODS", "CSV", "PNG", "JPEG", "zkdesk", "xlsx", "xls", "xlsb", "ods", "zkx",
           "sqlite3", "KB", "MB", "GB"}
WORD = re.compile(r"[A-Za-z]{2,}")


def _is_path(text: str) -> bool:
    """Folder names shown by the dialog (the path box, the home folder in the sidebar) are the
    machine's, not the program's words."""
    return text.startswith("/") or re.match(r"^[A-Za-z]:[\\/]", text) is not None or text == Path.home().name


def english_words(texts) -> set[str]:
    return {w for text in texts if text and not _is_path(text)
            for w in WORD.findall(text.replace("&", "")) if w not in ALLOWED}


def visible_texts(dialog: QWidget) -> list[str]:
    texts = [dialog.windowTitle()]
    for w in dialog.findChildren(QWidget):
        texts += [w.toolTip(), w.whatsThis()]
        if isinstance(w, (QLabel, QAbstractButton)):
            texts.append(w.text())
        if isinstance(w, QLineEdit):
            texts.append(w.placeholderText())
        if isinstance(w, QComboBox):
            texts += [w.itemText(i) for i in range(w.count())]
        if isinstance(w, QAbstractItemView) and w.model() is not None:
            model, root = w.model(), w.rootIndex()
            texts += [str(model.headerData(c, Qt.Orientation.Horizontal) or "") for c in range(model.columnCount(root))]
            texts += [str(model.data(model.index(r, c, root)) or "") for r in range(model.rowCount(root))
                      for c in range(model.columnCount(root))]
    for action in dialog.findChildren(QAction):
        texts += [action.text(), action.toolTip()]
    return texts


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "子文件夹").mkdir()
    (tmp_path / "企业名册.xlsx").write_bytes(b"x" * 5000)
    (tmp_path / "南伞镇-2026.zkx").write_bytes(b"x" * 300)
    return tmp_path


@pytest.mark.parametrize("mode, save", [(QFileDialog.FileMode.ExistingFile, False), (QFileDialog.FileMode.AnyFile, True),
                                        (QFileDialog.FileMode.Directory, False)])
def test_the_file_dialog_speaks_chinese_down_to_its_file_list(qtbot, folder, mode, save):
    make_application()
    dialog = make_dialog(None, "test", "选择文件", SPREADSHEETS if not save else PACKAGES, mode=mode, save=save)
    qtbot.addWidget(dialog)
    dialog.setDirectory(str(folder))
    dialog.setViewMode(QFileDialog.ViewMode.Detail)
    dialog.show()
    views = [v for v in dialog.findChildren(QAbstractItemView) if v.objectName() == "treeView"]
    qtbot.waitUntil(lambda: views[0].model().rowCount(views[0].rootIndex()) >= 1)
    texts = visible_texts(dialog)
    assert english_words(texts) == set(), [t for t in texts if english_words([t])]
    assert "文件夹" in texts and "查找范围(&I)：" in texts
    if save:  # the filter shows the packages only
        assert "300 字节" in texts and "zkdesk 数据包" in texts and "企业名册.xlsx" not in texts
    elif mode != QFileDialog.FileMode.Directory:
        assert "4.9 KB" in texts and "Excel 工作簿" in texts


def test_the_print_dialog_and_message_boxes_speak_chinese(qtbot):
    make_application()
    printer = QPrinter()
    dialog = QPrintDialog(printer)
    qtbot.addWidget(dialog)
    dialog.show()
    texts = visible_texts(dialog)
    assert english_words(texts) == set(), [t for t in texts if english_words([t])]

    buttons = QMessageBox.StandardButton
    box = QMessageBox(QMessageBox.Icon.Question, "请确认", "放弃未保存的修改？",
                      buttons.Save | buttons.Discard | buttons.Cancel | buttons.Yes | buttons.No | buttons.Ok | buttons.Close)
    qtbot.addWidget(box)
    box.show()
    texts = visible_texts(box)
    assert english_words(texts) == set(), texts
    assert {"保存", "丢弃", "取消"} <= {b.text().split("(")[0] for b in box.buttons()}


def test_each_kind_of_file_starts_in_the_folder_last_used_for_it(qtbot, folder):
    from zkdesk.ui.file_dialogs import remember

    make_application()
    first = make_dialog(None, "pdf", "保存PDF", save=True)
    qtbot.addWidget(first)
    assert Path(first.directory().absolutePath()) != folder
    remember("pdf", folder / "镇工表1.pdf")
    again = make_dialog(None, "pdf", "保存PDF", save=True)
    other_kind = make_dialog(None, "xlsx-export", "导出Excel", save=True)
    qtbot.addWidget(again)
    qtbot.addWidget(other_kind)
    assert Path(again.directory().absolutePath()) == folder
    assert Path(other_kind.directory().absolutePath()) != folder
