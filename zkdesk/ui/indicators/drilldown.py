"""Drill-down: the register records behind a derived number."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout

from zkdesk.domain.progress import format_number
from zkdesk.services.progress import derived_records
from zkdesk.services.record_labels import KIND_LABELS, describe_records
from zkdesk.ui.ops import QueryOp
from zkdesk.ui.widgets.record_view import Column, RecordView

COLUMNS = [
    Column("记录", lambda label: label.title, width=240),
    Column("乡镇", lambda label: label.township),
    Column("说明", lambda label: label.detail, stretch=True),
]


class DrilldownDialog(QDialog):
    def __init__(self, ctx, plan_id: str, indicator_id: str, title: str, org_code: str, org_label: str, year: int,
                 parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("drilldownDialog")
        self.setWindowTitle(f"来源记录 — {title}")
        self.resize(720, 460)
        self.summary = QLabel("正在读取…", objectName="drilldownSummary", wordWrap=True)
        self.table = RecordView(COLUMNS, key=lambda label: (label.title, label.township, label.detail),
                                objectName="drilldownTable", empty="暂无可查看的记录")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)

        def work(s, actor):
            found = derived_records(s, plan_id, indicator_id, org_code, year)
            return found, (describe_records(s, actor, found.record_kind, found.record_ids) if found else [])

        def show(result) -> None:
            found, labels = result
            if found is None:
                text = "该指标由登记数据自动计算；相应的登记功能尚未提供数据，暂无可查看的记录。"
            else:
                kind = KIND_LABELS.get(found.record_kind, found.record_kind or "记录")
                text = (f"{org_label} 截至{year}年：{format_number(found.value)}。"
                        f"{found.explanation or ''} 共 {len(labels)} 条{kind}记录。")
            self.summary.setText(text)
            self.table.set_rows(labels)

        QueryOp(self, work).success(show).failure(self.summary.setText).run()
