"""Drill-down: the register records behind a derived number."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHeaderView, QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout

from zkdesk.domain.progress import format_number
from zkdesk.services.progress import derived_records
from zkdesk.services.record_labels import KIND_LABELS, describe_records


class DrilldownDialog(QDialog):
    def __init__(self, ctx, plan_id: str, indicator_id: str, title: str, org_code: str, org_label: str, year: int,
                 parent=None):
        super().__init__(parent)
        self.setObjectName("drilldownDialog")
        self.setWindowTitle(f"来源记录 — {title}")
        self.resize(720, 460)
        with ctx.db.session() as s:
            found = derived_records(s, plan_id, indicator_id, org_code, year)
            labels = describe_records(s, ctx.actor, found.record_kind, found.record_ids) if found else []
        if found is None:
            text = "该指标由登记数据自动计算；相应的登记功能尚未提供数据，暂无可查看的记录。"
        else:
            kind = KIND_LABELS.get(found.record_kind, found.record_kind or "记录")
            text = (f"{org_label} 截至{year}年：{format_number(found.value)}。"
                    f"{found.explanation or ''} 共 {len(labels)} 条{kind}记录。")
        self.summary = QLabel(text, objectName="drilldownSummary", wordWrap=True)
        self.table = QTableWidget(len(labels), 3, objectName="drilldownTable")
        self.table.setHorizontalHeaderLabels(["记录", "乡镇", "说明"])
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for row, label in enumerate(labels):
            for col, value in enumerate((label.title, label.township, label.detail)):
                self.table.setItem(row, col, QTableWidgetItem(value))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
