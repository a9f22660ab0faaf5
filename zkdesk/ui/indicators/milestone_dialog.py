"""完成事项: the plan's qualitative tasks of one org unit, done on a date with the evidence.

Read and saved off the GUI thread (QueryOp / Op); a batch with an error saves nothing and the
error is shown under the grid, the typed text stays.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from zkdesk.domain.dates import DateTextError, format_date, parse_date_text
from zkdesk.services.milestones import MilestoneEntry, milestone_sheet, save_milestones
from zkdesk.ui.form_parts import ok_cancel
from zkdesk.ui.indicators.common import org_choices
from zkdesk.ui.ops import Op, QueryOp

COLUMNS = ["编号", "事项", "期限", "完成日期", "完成依据（文件名称、文号等）"]
COL_DATE, COL_EVIDENCE = 3, 4


class MilestoneDialog(QDialog):
    def __init__(self, ctx, plan_id: str, parent=None):
        super().__init__(parent)
        self.ctx, self.plan_id = ctx, plan_id
        self.setObjectName("milestoneDialog")
        self.setWindowTitle("完成事项")
        self.org = QComboBox(objectName="milestoneOrg")
        for choice in org_choices(ctx.actor.office_code, ctx.townships):
            if not choice.rollup:
                self.org.addItem(choice.label, choice.code)
        self.org.currentIndexChanged.connect(lambda _i: self.load())
        note = QLabel("规划中的定性任务：完成后填写完成日期和依据；未完成的留空。", wordWrap=True)
        self.table = QTableWidget(0, len(COLUMNS), objectName="milestoneTable")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_EVIDENCE, QHeaderView.ResizeMode.Stretch)
        self.empty = QLabel(objectName="milestoneEmpty", wordWrap=True)
        self.error = QLabel(objectName="milestoneError", wordWrap=True)
        self.error.setStyleSheet("color: #b00020;")
        self.buttons = ok_cancel(self, self.save, ok_text="保存", ok_name="saveMilestonesButton")
        top = QHBoxLayout()
        top.addWidget(QLabel("单位："))
        top.addWidget(self.org)
        top.addWidget(note, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(1000, 420)
        self.rows: list = []
        self.editable = False
        self.load()

    @property
    def org_code(self) -> str:
        return self.org.currentData()

    def load(self) -> None:
        plan_id, org = self.plan_id, self.org_code

        def show(sheet) -> None:
            if sheet.org_code == self.org_code:
                self._fill(sheet)

        QueryOp(self, lambda s, actor: milestone_sheet(s, actor, plan_id, org)).success(show).run()

    def _fill(self, sheet) -> None:
        self.rows, self.editable = sheet.rows, sheet.editable
        self.error.clear()
        self.empty.setText("" if sheet.rows else "本单位没有需要填写的完成事项（规划中的定性任务由县总工会本级填写）。")
        self.table.setRowCount(len(sheet.rows))
        for r, row in enumerate(sheet.rows):
            cells = (row.code, row.name, f"{row.target_year}年", format_date(row.done_on), row.evidence)
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c == 1:
                    item.setToolTip(f"规划原文：{row.quote}")
                if not (sheet.editable and c in (COL_DATE, COL_EVIDENCE)):
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.table.setItem(r, c, item)
        self.buttons.button(self.buttons.StandardButton.Ok).setEnabled(sheet.editable)

    def entries(self) -> list[MilestoneEntry]:
        """What is typed; a date that is not one raises DateTextError naming the task."""
        result = []
        for r, row in enumerate(self.rows):
            done_on = parse_date_text(self.table.item(r, COL_DATE).text(), f"{row.code} 的完成日期")
            result.append(MilestoneEntry(row.indicator_id, done_on, self.table.item(r, COL_EVIDENCE).text().strip(),
                                         row.revision))
        return result

    def save(self) -> None:
        if not self.editable:
            return
        try:
            entries = self.entries()
        except DateTextError as exc:
            self.error.setText(str(exc))
            return
        plan_id, org = self.plan_id, self.org_code
        Op(self, lambda s, actor: save_milestones(s, actor, plan_id, org, entries)) \
            .success(lambda _n: self.accept()).failure(self.error.setText).reload(self.load).run()
