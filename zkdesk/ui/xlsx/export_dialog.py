"""导出Excel: pick a register and a file; the register is written with its import columns,
personal data masked unless the user may see it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QComboBox, QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from zkdesk.imports.kinds import all_kinds
from zkdesk.imports.registers import export_register
from zkdesk.services.privacy import sees_personal
from zkdesk.ui import file_dialogs
from zkdesk.ui.file_dialogs import XLSX
from zkdesk.ui.messages import show_error
from zkdesk.ui.tasks import Task, run_with_progress


class ExportDialog(QDialog):
    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.task: Task | None = None
        self.setObjectName("exportDialog")
        self.setWindowTitle("导出Excel")
        self.kind_combo = QComboBox(objectName="exportKindCombo")
        for spec in all_kinds():
            self.kind_combo.addItem(spec.label, spec.name)
        masked = "" if sees_personal(ctx.actor) else "（身份证号码、电话将部分隐藏）"
        self.status = QLabel(f"导出本单位可见的全部记录，列与导入模板相同，可修改后再导入。{masked}",
                             objectName="exportStatus", wordWrap=True)
        export = QPushButton("导出…", objectName="exportButton")
        export.clicked.connect(self.choose_and_export)
        close = QPushButton("关闭")
        close.clicked.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(QLabel("台账："))
        row.addWidget(self.kind_combo, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(export)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self.resize(480, 160)

    def choose_and_export(self) -> None:
        label = self.kind_combo.currentText()
        path = file_dialogs.save_file(self, "xlsx-export", "导出为", f"{label}.xlsx", XLSX)
        if path:
            self.export_to(path.with_suffix(".xlsx"))

    def export_to(self, path: Path) -> None:
        kind, db, actor = self.kind_combo.currentData(), self.ctx.db, self.ctx.actor

        def work(_progress, _cancel):
            with db.session() as session:
                return export_register(session, actor, kind, path)

        self.status.setText("正在导出……")
        self.task = run_with_progress(self, "正在导出", work,
                                      lambda count: self.status.setText(f"已导出 {count} 条到 {path.name}"),
                                      lambda message: show_error(self, message))
