"""The 文件 menu of the main window: 导入Excel… / 导出Excel…"""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow


def install_file_menu(window: QMainWindow, ctx) -> None:
    menu = window.menuBar().addMenu("文件")
    menu.setObjectName("fileMenu")
    import_action = QAction("导入Excel…", window, objectName="actionImportExcel")
    export_action = QAction("导出Excel…", window, objectName="actionExportExcel")

    def open_import() -> None:
        from zkdesk.ui.xlsx.import_dialog import ImportDialog

        ImportDialog(ctx, window).exec()

    def open_export() -> None:
        from zkdesk.ui.xlsx.export_dialog import ExportDialog

        ExportDialog(ctx, window).exec()

    import_action.triggered.connect(open_import)
    export_action.triggered.connect(open_export)
    menu.addAction(import_action)
    menu.addAction(export_action)
