"""Choosing files and folders: one way, in Chinese, starting where the user last was.

    path = save_file(self, "pdf", "保存PDF", "镇工表1.pdf", PDF)
    paths = open_files(self, "package", "选择数据包", PACKAGES)

Each kind of file remembers the folder last used for it (QSettings); packages start on the
first USB drive when one is plugged in; everything else starts in the user's documents. The
dialog is Qt's own widget dialog (in Chinese, with sizes, types and dates written the Chinese
way) except on Windows, whose native dialog already speaks the system's language.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QIdentityProxyModel, QModelIndex, QSettings, QStandardPaths, Qt
from PySide6.QtWidgets import QFileDialog, QFileSystemModel, QWidget

from zkdesk.ui.usb_drives import removable_drives

XLSX = "Excel 工作簿 (*.xlsx)"
SPREADSHEETS = "表格文件 (*.xlsx *.xls *.xlsb *.ods);;所有文件 (*)"
PDF = "PDF 文件 (*.pdf)"
DOCX = "Word 文档 (*.docx)"
PACKAGES = "zkdesk 数据包 (*.zkx)"
BACKUPS = "zkdesk 备份 (*.sqlite3 *.dump);;所有文件 (*)"

TYPE_NAMES = {
    ".xlsx": "Excel 工作簿", ".xls": "Excel 97-2003 工作簿", ".xlsb": "Excel 二进制工作簿", ".ods": "ODS 电子表格",
    ".pdf": "PDF 文件", ".docx": "Word 文档", ".doc": "Word 97-2003 文档", ".zkx": "zkdesk 数据包",
    ".sqlite3": "zkdesk 数据库或备份", ".txt": "文本文件", ".csv": "CSV 文件", ".png": "PNG 图片", ".jpg": "JPEG 图片",
}
SIZE_COLUMN, TYPE_COLUMN, DATE_COLUMN = 1, 2, 3


def size_text(size: int) -> str:
    for unit, scale in (("GB", 1024 ** 3), ("MB", 1024 ** 2), ("KB", 1024)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} 字节"


class ChineseFileColumns(QIdentityProxyModel):
    """The file list's size, type and date columns written the Chinese way, whatever the system locale."""

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and index.column() in (SIZE_COLUMN, TYPE_COLUMN, DATE_COLUMN):
            model = self.sourceModel()
            if isinstance(model, QFileSystemModel):
                source = self.mapToSource(index)
                info = model.fileInfo(source)
                if index.column() == SIZE_COLUMN:
                    return "" if info.isDir() else size_text(info.size())
                if index.column() == TYPE_COLUMN:
                    if info.isDir():
                        return "文件夹"
                    suffix = f".{info.suffix().lower()}" if info.suffix() else ""
                    return TYPE_NAMES.get(suffix, f"{suffix[1:].upper()} 文件" if suffix else "文件")
                return info.lastModified().toString("yyyy-MM-dd HH:mm")
        return super().data(index, role)


def _settings() -> QSettings:
    return QSettings("zkdesk", "zkdesk")


def _start_folder(kind: str, fallback: Path | None = None) -> Path:
    remembered = _settings().value(f"folders/{kind}")
    if remembered and Path(str(remembered)).is_dir():
        return Path(str(remembered))
    if fallback is not None and fallback.is_dir():
        return fallback
    if kind in ("package", "usb"):
        drives = removable_drives()
        if drives:
            return drives[0][1]
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(documents) if documents and Path(documents).is_dir() else Path.home()


def remember(kind: str, path: Path) -> None:
    folder = path if path.is_dir() else path.parent
    _settings().setValue(f"folders/{kind}", str(folder))


def make_dialog(parent: QWidget | None, kind: str, title: str, filters: str = "", *,
                mode: QFileDialog.FileMode = QFileDialog.FileMode.ExistingFile, save: bool = False,
                name: str = "", start: Path | None = None) -> QFileDialog:
    """The dialog, not yet shown (tests drive it; callers use the functions below). `start` is
    where it opens while no folder is remembered for this kind (e.g. the backups folder)."""
    dialog = QFileDialog(parent, title, str(_start_folder(kind, start)), filters)
    dialog.setObjectName("fileDialog")
    if sys.platform != "win32":
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.setProxyModel(ChineseFileColumns(dialog))
    dialog.setFileMode(mode)
    if mode == QFileDialog.FileMode.Directory:
        dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
    if save:
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setLabelText(QFileDialog.DialogLabel.Accept, "保存")
    if name:
        dialog.selectFile(name)
    dialog.setLabelText(QFileDialog.DialogLabel.Reject, "取消")
    return dialog


def _run(dialog: QFileDialog, kind: str) -> list[Path]:
    if not dialog.exec():
        return []
    paths = [Path(p) for p in dialog.selectedFiles()]
    if paths:
        remember(kind, paths[0])
    return paths


def open_file(parent: QWidget | None, kind: str, title: str, filters: str, start: Path | None = None) -> Path | None:
    paths = _run(make_dialog(parent, kind, title, filters, start=start), kind)
    return paths[0] if paths else None


def open_files(parent: QWidget | None, kind: str, title: str, filters: str) -> list[Path]:
    return _run(make_dialog(parent, kind, title, filters, mode=QFileDialog.FileMode.ExistingFiles), kind)


def save_file(parent: QWidget | None, kind: str, title: str, name: str, filters: str) -> Path | None:
    dialog = make_dialog(parent, kind, title, filters, mode=QFileDialog.FileMode.AnyFile, save=True, name=name)
    suffix = filters.split("(*", 1)[1].split(")", 1)[0].split()[0] if "(*" in filters else ""
    if suffix.startswith("."):
        dialog.setDefaultSuffix(suffix[1:])
    paths = _run(dialog, kind)
    return paths[0] if paths else None


def choose_folder(parent: QWidget | None, kind: str, title: str) -> Path | None:
    paths = _run(make_dialog(parent, kind, title, mode=QFileDialog.FileMode.Directory), kind)
    return paths[0] if paths else None
