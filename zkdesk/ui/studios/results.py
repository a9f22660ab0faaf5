"""A studio's results tab: its milestones and a year × results table, and the one-year dialog.
The history is read off the GUI thread when the tab is shown; saving and deleting are Ops."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from zkdesk.domain.roles import Permission
from zkdesk.domain.studio_rules import FIRST_RESULT_YEAR, LAST_RESULT_YEAR
from zkdesk.services.studio_results import COUNT_FIELDS, ResultInput, remove_result, save_result, studio_history
from zkdesk.ui import bus
from zkdesk.ui.form_parts import error_label, ok_cancel
from zkdesk.ui.ops import Op
from zkdesk.ui.refresh import Refresher
from zkdesk.ui.widgets.record_view import Column, RecordView

# Column headings, short enough for a table; the order of COUNT_FIELDS.
SHORT_LABELS = {
    "proposals": "合理化建议\n提出", "proposals_adopted": "合理化建议\n采纳", "tech_innovations": "技术革新",
    "rd_projects": "研发项目", "patents": "专利", "methods": "先进\n操作法", "achievements_awarded": "创新成果\n获奖",
    "training_sessions": "培训\n期数", "people_trained": "培训\n人次", "people_promoted": "技能\n晋升人数",
}
FORM_LABELS = {
    "proposals": "合理化建议（提出，件）", "proposals_adopted": "合理化建议（采纳，件）", "tech_innovations": "技术革新（项）",
    "rd_projects": "研发项目（项）", "patents": "专利（件）", "methods": "先进操作法（项）",
    "achievements_awarded": "获奖创新成果（项）", "training_sessions": "培训（期）", "people_trained": "培训（人次）",
    "people_promoted": "技能等级晋升（人）",
}


@dataclass(frozen=True)
class _Line:
    """One row of the results table: a year's results, or the totals (year None)."""

    year: int | None
    counts: dict[str, int]
    note: str = ""

    @property
    def label(self) -> str:
        return str(self.year) if self.year is not None else "合计"


def _columns() -> list[Column]:
    total = lambda line: line.year is None  # noqa: E731
    return [
        Column("年度", lambda line: line.label, bold=total),
        # the two-line headings fit in 78 px (measured, a heading counts as one line)
        *(Column(SHORT_LABELS[k], lambda line, k=k: line.counts.get(k, 0), fmt="int", bold=total, width=78)
          for k in COUNT_FIELDS),
        Column("说明", lambda line: line.note, stretch=True),
    ]


class ResultsTab(QWidget):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.studio_id: str | None = None
        self._by_year: dict[int, ResultInput] = {}
        self.history = QLabel(objectName="historyLabel", wordWrap=True)
        # the years in order and the totals last: not sortable by a header click
        self.table = RecordView(_columns(), key=lambda line: line.year if line.year is not None else "total",
                                objectName="resultsTable", empty="暂无年度成果：点击“登记年度成果…”", sortable=False)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        self.add_button = QPushButton("登记年度成果…", objectName="addResultButton")
        self.edit_button = QPushButton("修改所选年度…", objectName="editResultButton")
        self.remove_button = QPushButton("删除所选年度", objectName="removeResultButton")
        self.add_button.clicked.connect(lambda: self.open_year(None))
        self.edit_button.clicked.connect(self.edit_selected)
        self.remove_button.clicked.connect(self.remove_selected)
        can_edit = ctx.actor.can(Permission.EDIT)
        for button in (self.add_button, self.edit_button, self.remove_button):
            button.setEnabled(can_edit)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.history)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        self.refresher = Refresher(self.table, self._read, self._show, (bus.STUDIOS,))

    def set_studio(self, studio_id: str | None) -> None:
        self.studio_id = studio_id
        self.refresh()

    def refresh(self) -> None:
        self.refresher.request()

    def _read(self):
        studio_id = self.studio_id
        return lambda s, actor: studio_history(s, actor, studio_id) if studio_id is not None else None

    def _show(self, hist) -> None:
        if hist is None:
            self._by_year = {}
            self.history.setText("先保存工作室的基本情况和成员，再逐年登记成果。")
            self.table.set_rows([])
            return
        steps = " → ".join(f"{m.label} {m.on:%Y-%m-%d}" for m in hist.milestones) or "（无日期）"
        self.history.setText(f"历程：{steps}")
        self._by_year = {r.year: r.values for r in hist.results}
        lines = [_Line(r.year, {k: getattr(r.values, k) for k in COUNT_FIELDS}, r.values.description)
                 for r in hist.results]
        if lines:
            lines.append(_Line(None, {k: hist.totals[k] for k in COUNT_FIELDS}))
        self.table.set_rows(lines)

    def selected_year(self) -> int | None:
        line = self.table.current_row()
        return line.year if line is not None else None

    def edit_selected(self) -> None:
        year = self.selected_year()
        if year is not None:
            self.open_year(year)

    def open_year(self, year: int | None) -> None:
        if self.studio_id is None:
            return
        dialog = ResultDialog(self.ctx, self.studio_id, self._by_year, year, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()  # its Op announces the change: this tab refreshes

    def remove_selected(self) -> None:
        year, studio_id = self.selected_year(), self.studio_id
        if year is None:
            return
        Op(self, lambda s, actor: remove_result(s, actor, studio_id, year), confirm=f"删除{year}年的成果记录？",
           busy="正在删除…").run()


class ResultDialog(QDialog):
    """One year's results; choosing a year that already has results loads them for editing."""

    def __init__(self, ctx, studio_id: str, by_year: dict[int, ResultInput], year: int | None, parent=None):
        super().__init__(parent)
        self.ctx, self.studio_id, self.by_year = ctx, studio_id, by_year
        self.setObjectName("resultDialog")
        self.setWindowTitle("年度成果")
        self.year = QSpinBox(objectName="yearSpin", minimum=FIRST_RESULT_YEAR, maximum=LAST_RESULT_YEAR)
        self.spins: dict[str, QSpinBox] = {}
        grid = QGridLayout()
        for i, key in enumerate(COUNT_FIELDS):
            spin = QSpinBox(objectName=f"{key}Spin", minimum=0, maximum=999999)
            self.spins[key] = spin
            grid.addWidget(QLabel(FORM_LABELS[key] + "："), i // 2, (i % 2) * 2)
            grid.addWidget(spin, i // 2, (i % 2) * 2 + 1)
        self.patents = QPlainTextEdit(objectName="patentDetailsEdit")
        self.patents.setPlaceholderText("每行一件：专利号 类型，如 ZL202310000001.1 实用新型")
        self.patents.setFixedHeight(60)
        self.description = QPlainTextEdit(objectName="descriptionEdit")
        self.description.setPlaceholderText("简要说明本年度的主要成果")
        self.description.setFixedHeight(70)
        self.error = error_label()
        self.buttons = buttons = ok_cancel(self, self.submit, "保存", ok_name="saveResultButton")

        top = QFormLayout()
        top.addRow("年度：", self.year)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(grid)
        layout.addWidget(QLabel("专利明细："))
        layout.addWidget(self.patents)
        layout.addWidget(QLabel("成果说明："))
        layout.addWidget(self.description)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

        self.year.valueChanged.connect(self._load_year)
        if year is None:
            working = ctx.current_year.value  # 当前工作年度, unless it has its results already
            year = working if working not in by_year else max(by_year) + 1
        else:
            self.year.setEnabled(False)
        self.year.setValue(year)
        self._load_year(year)

    def _load_year(self, year: int) -> None:
        values = self.by_year.get(year, ResultInput())
        for key, spin in self.spins.items():
            spin.setValue(getattr(values, key))
        self.patents.setPlainText(values.patent_details)
        self.description.setPlainText(values.description)
        self.setWindowTitle(f"{year}年成果" + ("（修改）" if year in self.by_year else "（新登记）"))

    def values(self) -> ResultInput:
        counts = {key: spin.value() for key, spin in self.spins.items()}
        return ResultInput(**counts, patent_details=self.patents.toPlainText(), description=self.description.toPlainText())

    def submit(self) -> None:
        studio_id, year, values = self.studio_id, self.year.value(), self.values()
        self.error.clear()
        Op(self, lambda s, actor: save_result(s, actor, studio_id, year, values)) \
            .success(lambda _result: self.accept()).failure(self.error.setText).run()
