"""The 文件 menu of the main window: 导入Excel… / 导出Excel… (the list on screen, or a whole register)"""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow


def _specs():
    from zkdesk.ui.pages import PAGES

    return PAGES


def install_file_menu(window: QMainWindow, ctx) -> None:
    menu = window.menuBar().addMenu("文件")
    menu.setObjectName("fileMenu")
    import_action = QAction("导入Excel…", window, objectName="actionImportExcel")
    export_action = QAction("导出Excel…", window, objectName="actionExportExcel")

    def open_import() -> None:
        from zkdesk.ui.xlsx.import_dialog import ImportDialog

        ImportDialog(ctx, window).exec()

    def open_export() -> None:
        from PySide6.QtWidgets import QApplication

        from zkdesk.ui.xlsx.export_dialog import ExportDialog, list_on_screen

        stack = getattr(window, "stack", None)
        page = stack.currentWidget() if stack is not None else None
        pages = getattr(window, "pages", {})
        label = next((spec.label for spec in _specs() if pages.get(spec.key) is page), "")
        ExportDialog(ctx, window, list_on_screen(page, label, QApplication.focusWidget())).exec()

    import_action.triggered.connect(open_import)
    export_action.triggered.connect(open_export)
    menu.addAction(import_action)
    menu.addAction(export_action)
