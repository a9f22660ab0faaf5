"""Drill-down: the register records behind a derived number. Where the register covers only part
of the figure (06.x: the studios' results beside the 其他 typed by hand), the register part, the
typed part and the total come first, per org unit (the county's: 县本级, each township, 全县合计),
then the register's records."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout

from zkdesk.domain.progress import format_number
from zkdesk.services.progress import derived_records, parts_by_org
from zkdesk.services.record_labels import KIND_LABELS, describe_records
from zkdesk.ui.ops import QueryOp
from zkdesk.ui.widgets.record_view import Column, RecordView

COLUMNS = [
    Column("记录", lambda label: label.title, width=240),
    Column("乡镇", lambda label: label.township),
    Column("说明", lambda label: label.detail, stretch=True),
]


def _parts_columns() -> list[Column]:
    def total_line(line) -> bool:
        return not line.org_code

    return [
        Column("单位", lambda line: line.label, width=110, bold=total_line, sort=lambda line: (not line.org_code, line.org_code)),
        Column("登记部分", lambda line: line.register, fmt="number", bold=total_line),
        Column("其他部分（填报）", lambda line: line.entered, fmt="number", bold=total_line),
        Column("合计", lambda line: line.total, fmt="number", bold=total_line, stretch=True),
    ]


class DrilldownDialog(QDialog):
    def __init__(self, ctx, plan_id: str, indicator_id: str, title: str, org_code: str, org_label: str, year: int,
                 parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("drilldownDialog")
        self.setWindowTitle(f"来源记录 — {title}")
        self.resize(720, 520)
        self.summary = QLabel("正在读取…", objectName="drilldownSummary", wordWrap=True)
        self.parts_title = QLabel(objectName="drilldownPartsTitle", wordWrap=True)
        self.parts: RecordView | None = None
        self.table = RecordView(COLUMNS, key=lambda label: (label.title, label.township, label.detail),
                                objectName="drilldownTable", empty="暂无可查看的记录")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.records_title = QLabel(objectName="drilldownRecordsTitle")
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.parts_title)
        self._layout = layout
        layout.addWidget(self.records_title)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.parts_title.hide()
        self.records_title.hide()

        def work(s, actor):
            parts = parts_by_org(s, plan_id, indicator_id, org_code, year)
            found = derived_records(s, plan_id, indicator_id, org_code, year)
            return parts, found, (describe_records(s, actor, found.record_kind, found.record_ids) if found else [])

        def show(result) -> None:
            part, found, labels = result
            if found is None:
                text = "该指标由登记数据自动计算；相应的登记功能尚未提供数据，暂无可查看的记录。"
            else:
                kind = KIND_LABELS.get(found.record_kind, found.record_kind or "记录")
                text = (f"{org_label} 截至{year}年：{format_number(found.value)}。"
                        f"{found.explanation or ''} 共 {len(labels)} 条{kind}记录。")
            if part is not None:
                total = part.lines[-1]  # the org unit's own line, or the county's 全县合计
                text = (f"{org_label} 截至{year}年：合计 {format_number(total.total)}，"
                        f"其中登记部分 {format_number(total.register)}（由登记数据自动计算），"
                        f"其他部分 {format_number(total.entered)}（填报）。")
                self._show_parts(part)
                self.records_title.setText(f"登记部分的来源记录（{part.register_label}，共 {len(labels)} 条）：")
                self.records_title.show()
            self.summary.setText(text)
            self.table.set_rows(labels)

        QueryOp(self, work).success(show).failure(self.summary.setText).run()

    def _show_parts(self, part) -> None:
        lines = part.lines
        who = "各单位的" if len(lines) > 1 else ""
        self.parts_title.setText(f"{who}登记部分（{part.register_label}）、其他部分（{part.other_label}）和合计：")
        self.parts_title.show()
        self.parts = RecordView(_parts_columns(),
                                key=lambda line: line.org_code, objectName="drilldownParts",
                                empty="暂无数据", sortable=False, parent=self)
        # every line on screen at once: the header, the lines, the frame
        self.parts.setFixedHeight(self.parts.horizontalHeader().sizeHint().height() + 2 * self.parts.frameWidth()
                                  + self.parts.verticalHeader().defaultSectionSize() * len(lines) + 2)
        self._layout.insertWidget(self._layout.indexOf(self.parts_title) + 1, self.parts)
        self.parts.set_rows(lines)
        self.resize(self.width(), max(self.height(), 640))  # room for the records below the parts
