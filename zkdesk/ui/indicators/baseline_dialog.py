"""基期数: one org unit's figures in the year before the plan (2020), in a small grid.

Read and saved off the GUI thread (QueryOp / Op); a batch with an error saves nothing and
the error is shown under the grid, the typed values stay.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
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

from zkdesk.domain.progress import RATE, TARGET_KIND_LABELS, format_number, rate_of
from zkdesk.domain.indicator_checks import NotANumber, parse_number
from zkdesk.services.baselines import BaselineEntry, baseline_sheet, save_baselines
from zkdesk.ui.form_parts import ok_cancel
from zkdesk.ui.indicators.common import org_choices
from zkdesk.ui.ops import Op, QueryOp

COLUMNS = ["编号", "指标", "单位", "判断方式", "基期", "基期数", "分子", "分母", "说明"]
COL_VALUE, COL_NUM, COL_DEN, COL_NOTE = 5, 6, 7, 8
EDITABLE_COUNT = (COL_VALUE, COL_NOTE)
EDITABLE_RATE = (COL_NUM, COL_DEN, COL_NOTE)
FIGURES = (COL_VALUE, COL_NUM, COL_DEN)
CARRIED_COLOUR = QColor("#8a8a8a")  # a figure carried over from the previous plan, not entered here


class BaselineDialog(QDialog):
    def __init__(self, ctx, plan_id: str, parent=None):
        super().__init__(parent)
        self.ctx, self.plan_id = ctx, plan_id
        self.setObjectName("baselineDialog")
        self.setWindowTitle("基期数")
        self.choices = [c for c in org_choices(ctx.actor.office_code, ctx.townships) if not c.rollup]
        self.org = QComboBox(objectName="baselineOrg")
        for choice in self.choices:
            self.org.addItem(choice.label, choice.code)
        self.org.currentIndexChanged.connect(lambda _i: self.load())
        self.title = QLabel(objectName="baselineTitle", wordWrap=True)
        self.table = QTableWidget(0, len(COLUMNS), objectName="baselineTable")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.itemChanged.connect(self._changed)
        self.error = QLabel(objectName="baselineError", wordWrap=True)
        self.error.setStyleSheet("color: #b00020;")
        self.buttons = ok_cancel(self, self.save, ok_text="保存", ok_name="saveBaselinesButton")
        top = QHBoxLayout()
        top.addWidget(QLabel("单位："))
        top.addWidget(self.org)
        top.addWidget(self.title, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(1000, 600)
        self.rows: list = []
        self.carried: dict[int, tuple[str, ...]] = {}  # row -> the carried figures as shown
        self.editable = False
        self._loading = False
        self.load()

    @property
    def org_code(self) -> str:
        return self.org.currentData()

    def load(self) -> None:
        plan_id, org = self.plan_id, self.org_code

        def show(sheet) -> None:
            if sheet.org_code == self.org_code:
                self._fill(sheet)

        QueryOp(self, lambda s, actor: baseline_sheet(s, actor, plan_id, org)).success(show).run()

    def _fill(self, sheet) -> None:
        self.rows, self.editable = sheet.rows, sheet.editable
        self.title.setText(f"{sheet.year}年（规划前一年）的数值：比率和存量指标的进度从这里起算，"
                           f"“比基期增加”的指标以它为基数；“不低于上一届”的指标填上一届的产业工人人数（分子）和总人数"
                           f"（分母）。比率填写分子和分母。" + ("" if sheet.editable else "（只读）"))
        self.error.clear()
        self._loading = True
        self.carried = {}
        self.table.setRowCount(len(sheet.rows))
        for r, row in enumerate(sheet.rows):
            rate = row.kind == RATE
            cells = (row.code, row.name, "%" if rate else row.unit, TARGET_KIND_LABELS.get(row.target_kind, ""),
                     row.label, format_number(row.value, ""), format_number(row.numerator, ""),
                     format_number(row.denominator, ""), row.note)
            editable = EDITABLE_RATE if rate else EDITABLE_COUNT
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if not (sheet.editable and c in editable):
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                if rate and c in (COL_NUM, COL_DEN):
                    item.setToolTip(row.numerator_label if c == COL_NUM else row.denominator_label)
                if row.carried and c in FIGURES:  # greyed, and saved only when changed
                    item.setForeground(CARRIED_COLOUR)
                    item.setToolTip("\n".join(t for t in (row.carried, item.toolTip()) if t))
                self.table.setItem(r, c, item)
            if row.carried:
                self.carried[r] = tuple(cells[c] for c in FIGURES)
        self._loading = False
        self.buttons.button(self.buttons.StandardButton.Ok).setEnabled(sheet.editable)

    def _changed(self, item: QTableWidgetItem) -> None:
        """A rate's 基期数 follows its numerator and denominator as they are typed."""
        if self._loading:
            return
        r = item.row()
        if r in self.carried and item.column() in FIGURES:  # typed over: an entered figure now
            item.setData(Qt.ItemDataRole.ForegroundRole, None)
        if item.column() not in (COL_NUM, COL_DEN):
            return
        try:
            value = rate_of(parse_number(self.table.item(r, COL_NUM).text()),
                            parse_number(self.table.item(r, COL_DEN).text()))
        except NotANumber:
            value = None
        self._loading = True
        self.table.item(r, COL_VALUE).setText(format_number(value, ""))
        self._loading = False

    def entries(self) -> list[BaselineEntry]:
        text = lambda r, c: self.table.item(r, c).text().strip()  # noqa: E731
        result = []
        for r, row in enumerate(self.rows):
            rate = row.kind == RATE
            if self.carried.get(r) == tuple(text(r, c) for c in FIGURES):
                # the carried figures untouched: nothing entered (they keep following the old plan)
                result.append(BaselineEntry(row.indicator_id, note=text(r, COL_NOTE), seen_revision=row.revision))
                continue
            result.append(BaselineEntry(
                row.indicator_id, value=None if rate else text(r, COL_VALUE),
                numerator=text(r, COL_NUM) if rate else None, denominator=text(r, COL_DEN) if rate else None,
                note=text(r, COL_NOTE), seen_revision=row.revision))
        return result

    def save(self) -> None:
        if not self.editable:
            return
        plan_id, org, entries = self.plan_id, self.org_code, self.entries()
        Op(self, lambda s, actor: save_baselines(s, actor, plan_id, org, entries)) \
            .success(lambda _n: self.accept()).failure(self.error.setText).reload(self.load).run()
