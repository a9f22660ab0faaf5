"""规划与目标: copy a plan into a new period, edit its indicators, allocate targets to townships."""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from zkdesk.domain.indicator_checks import NotANumber, parse_number
from zkdesk.domain.progress import (
    BOTH,
    COMPARATOR_LABELS,
    KIND_LABELS,
    LEVEL_LABELS,
    MILESTONE,
    RATE,
    TARGET_KIND_LABELS,
    format_number,
    judged_as,
)
from zkdesk.domain.roles import Permission
from zkdesk.services.catalog import plan_indicators
from zkdesk.services.departments import NO_DUTIES, plan_duties
from zkdesk.services.errors import UserError
from zkdesk.services.plans import add_indicator, copy_plan, remove_indicator, save_indicator_edits, set_current_plan
from zkdesk.services.progress import get_plan
from zkdesk.services.targets import allocations, set_allocations
from zkdesk.ui import bus
from zkdesk.ui.form_parts import ok_cancel
from zkdesk.ui.indicators.baseline_dialog import BaselineDialog
from zkdesk.ui.indicators.duties_dialog import DutiesDialog
from zkdesk.ui.indicators.milestone_dialog import MilestoneDialog
from zkdesk.ui.indicators.rule_dialog import IndicatorRuleDialog
from zkdesk.ui.messages import show_error
from zkdesk.ui.ops import Op, QueryOp
from zkdesk.ui.refresh import Refresher

COLUMNS = ["编号", "指标名称", "单位", "类型", "比较", "目标值", "目标年度", "数据来源", "牵头单位"]
COL_NAME, COL_UNIT, COL_TARGET, COL_TARGET_YEAR = 1, 2, 5, 6
EDITABLE = (COL_NAME, COL_UNIT, COL_TARGET, COL_TARGET_YEAR)
NEXT_TERM = {"十三五": "十四五", "十四五": "十五五", "十五五": "十六五"}


def _number(text: str, what: str) -> float | None:
    try:
        return parse_number(text)
    except NotANumber:
        raise UserError(f"{what}“{text}”不是数字") from None


def _kind_text(ind) -> str:
    """类型: what is entered and how it is judged, and who reports it (比率·每年保持·县本级)."""
    judged = judged_as(ind.kind, ind.target_kind)
    words = [TARGET_KIND_LABELS[judged] if judged == MILESTONE else KIND_LABELS.get(ind.kind, ind.kind)]
    if judged not in (ind.kind, MILESTONE):
        words.append(TARGET_KIND_LABELS.get(judged, judged))
    if ind.level != BOTH:
        words.append(LEVEL_LABELS.get(ind.level, ind.level))
    return "·".join(words)


class CopyPlanDialog(QDialog):
    def __init__(self, source_code: str, source_name: str, short_name: str, end_year: int, parent=None):
        super().__init__(parent)
        self.setObjectName("copyPlanDialog")
        self.setWindowTitle("复制为新规划")
        start = end_year + 1
        new_short = NEXT_TERM.get(short_name, f"{short_name}（新）")
        self.code = QLineEdit(f"zk-{start}-{start + 4}", objectName="newPlanCode")
        self.name = QLineEdit(source_name.replace(short_name, new_short), objectName="newPlanName")
        self.short_name = QLineEdit(new_short, objectName="newPlanShortName")
        self.start = QSpinBox(objectName="newPlanStart", minimum=2000, maximum=2100, value=start)
        self.end = QSpinBox(objectName="newPlanEnd", minimum=2000, maximum=2100, value=start + 4)
        form = QFormLayout()
        form.addRow(QLabel(f"以“{source_code}”为底本复制全部条目和指标（目标值可随后修改；乡镇分解目标不复制）。", wordWrap=True))
        form.addRow("规划代码：", self.code)
        form.addRow("规划名称：", self.name)
        form.addRow("简称：", self.short_name)
        form.addRow("起始年度：", self.start)
        form.addRow("截止年度：", self.end)
        buttons = ok_cancel(self, self.accept)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)


class AddIndicatorDialog(QDialog):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("addIndicatorDialog")
        self.setWindowTitle("新增指标")
        self.code = QLineEdit(placeholderText="条目.序号，如 06.8")
        self.name = QLineEdit()
        self.unit = QLineEdit()
        self.kind = QComboBox()
        for key, label in KIND_LABELS.items():
            self.kind.addItem(label, key)
        self.comparator = QComboBox()
        for key, label in COMPARATOR_LABELS.items():
            self.comparator.addItem(label, key)
        self.target = QLineEdit()
        self.numerator = QLineEdit(placeholderText="比率指标填写")
        self.denominator = QLineEdit(placeholderText="比率指标填写")
        form = QFormLayout()
        for label, widget in (("编号：", self.code), ("指标名称：", self.name), ("单位：", self.unit), ("类型：", self.kind),
                              ("比较方式：", self.comparator), ("目标值：", self.target), ("分子：", self.numerator),
                              ("分母：", self.denominator)):
            form.addRow(label, widget)
        buttons = ok_cancel(self, self.accept)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)


class PlanTab(QWidget):
    planCreated = Signal(str)

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.plan_id: str | None = None
        self.manager = ctx.actor.can(Permission.MANAGE_PLANS) and ctx.actor.at_county
        self._loading = False
        self._dirty: set[int] = set()
        self._indicators: list = []

        self.copy_button = QPushButton("复制为新规划…", objectName="copyPlanButton")
        self.add_button = QPushButton("新增指标…", objectName="addIndicatorButton")
        self.remove_button = QPushButton("删除指标", objectName="removeIndicatorButton")
        self.save_button = QPushButton("保存指标修改", objectName="saveIndicatorsButton")
        self.baseline_button = QPushButton("基期数…", objectName="baselineButton")
        self.baseline_button.clicked.connect(self._baselines)
        self.milestone_button = QPushButton("完成事项…", objectName="milestoneButton")
        self.milestone_button.clicked.connect(self._milestones)
        self.duties_button = QPushButton("责任单位…", objectName="dutiesButton")
        self.duties_button.clicked.connect(self._duties)
        self.rule_button = self._rule_button()
        self.current_button = QPushButton("设为当前规划", objectName="setCurrentPlanButton")
        self.current_button.clicked.connect(self._set_current)
        self.copy_button.clicked.connect(self._copy)
        self.add_button.clicked.connect(self._add)
        self.remove_button.clicked.connect(self._remove)
        self.save_button.clicked.connect(self._save_indicators)
        self.note = QLabel(objectName="planNote", wordWrap=True)  # wraps rather than widen the window
        self.note.setStyleSheet("color: #555;")

        self.table = QTableWidget(0, len(COLUMNS), objectName="planIndicatorTable")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.itemChanged.connect(self._item_changed)
        self.table.currentCellChanged.connect(lambda row, *_: self._show_allocations(row))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Stretch)

        self.alloc_title = QLabel(objectName="allocationTitle", wordWrap=True)
        self.alloc_table = QTableWidget(0, 2, objectName="allocationTable")
        self.alloc_table.setHorizontalHeaderLabels(["乡镇", "分解目标"])
        self.alloc_table.verticalHeader().setVisible(False)
        self.alloc_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.alloc_table.itemChanged.connect(self._update_alloc_sum)
        self.alloc_sum = QLabel(objectName="allocationSum", wordWrap=True)
        self.split_button = QPushButton("按乡镇平均分解", objectName="splitEvenButton")
        self.save_alloc_button = QPushButton("保存分解目标", objectName="saveAllocationsButton")
        self.split_button.clicked.connect(self._split_evenly)
        self.save_alloc_button.clicked.connect(self._save_allocations)
        alloc_box = QGroupBox("分解目标（各乡镇）")
        alloc_layout = QVBoxLayout(alloc_box)
        alloc_layout.addWidget(self.alloc_title)
        alloc_layout.addWidget(self.alloc_table, 1)
        alloc_layout.addWidget(self.alloc_sum)
        buttons = QHBoxLayout()
        buttons.addWidget(self.split_button)
        buttons.addWidget(self.save_alloc_button)
        alloc_layout.addLayout(buttons)

        top = QHBoxLayout()
        for button in (self.copy_button, self.current_button, self.add_button, self.remove_button, self.save_button):
            button.setVisible(self.manager)
            top.addWidget(button)
        top.addWidget(self.baseline_button)
        top.addWidget(self.milestone_button)
        top.addWidget(self.duties_button)
        top.addWidget(self.rule_button)
        top.addStretch(1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.table)
        splitter.addWidget(alloc_box)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 6, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.note)  # a line of its own: beside nine buttons it would widen the page past 1366
        layout.addWidget(splitter, 1)
        for w in (self.split_button, self.save_alloc_button):
            w.setVisible(self.manager)
        self.note.setText("修改后点“保存指标修改”；选中一个指标，在右侧为各乡镇分解目标。" if self.manager
                          else "规划目录和目标由县总工会管理员维护，本机只读。")
        self._alloc_token = 0
        self.refresher = Refresher(self, self._read, self._show, ctx=ctx)
        ctx.bus.changed.connect(self._on_changed)

    def set_plan(self, plan_id: str) -> None:
        if plan_id != self.plan_id:
            self.plan_id = plan_id
            self._dirty.clear()  # edits belong to the plan they were made in
            self.refresh()

    def _on_changed(self, kind: str) -> None:
        if kind in (bus.PLANS, bus.ALL) and not self._dirty:
            self.refresh()

    # -- indicators: read off the GUI thread, while the tab is on screen --------------------
    def refresh(self) -> None:
        if self.plan_id is not None:
            self.refresher.request()

    def _read(self):
        plan_id = self.plan_id
        return lambda s, _actor: (plan_id, plan_indicators(s, plan_id), plan_duties(s, plan_id))

    def _show(self, result) -> None:
        plan_id, indicators, duties = result
        if plan_id != self.plan_id:
            return
        self._indicators = indicators
        current = max(0, self.table.currentRow())
        self._loading = True
        self.table.setRowCount(len(self._indicators))
        for r, ind in enumerate(self._indicators):
            cells = (ind.code, ind.name, ind.unit, _kind_text(ind),
                     COMPARATOR_LABELS.get(ind.comparator, ind.comparator), format_number(ind.target, ""),
                     str(ind.target_year), "登记数据" if ind.source else "手工录入",
                     "、".join(d.name for d in duties.get(ind.id, NO_DUTIES).lead))
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if not (self.manager and c in EDITABLE):
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.table.setItem(r, c, item)
        self._loading = False
        self._dirty.clear()
        self.save_button.setEnabled(False)
        if self._indicators:
            self.table.setCurrentCell(min(current, len(self._indicators) - 1), COL_NAME)
            self._show_allocations(self.table.currentRow())

    def _item_changed(self, item: QTableWidgetItem) -> None:
        if self._loading:
            return
        self._dirty.add(item.row())
        font = item.font()
        font.setBold(True)
        self._loading = True
        item.setFont(font)
        self._loading = False
        self.save_button.setEnabled(True)

    def _save_indicators(self) -> None:
        changes = []
        try:
            for r in sorted(self._dirty):
                ind = self._indicators[r]
                text = lambda c: self.table.item(r, c).text().strip()  # noqa: E731
                target = _number(text(COL_TARGET), f"指标 {ind.code} 的目标值")
                year = _number(text(COL_TARGET_YEAR), f"指标 {ind.code} 的目标年度")
                changes.append((ind.id, dict(name=text(COL_NAME), unit=text(COL_UNIT), target=target,
                                             clear_target=target is None,
                                             target_year=int(year) if year is not None else None)))
        except UserError as exc:
            show_error(self, str(exc))
            return

        plan_id = self.plan_id

        def work(s, actor):  # one save: the catalog version rises once
            save_indicator_edits(s, actor, plan_id, changes)

        def saved(_result) -> None:
            self._dirty.clear()
            self.refresh()

        Op(self, work).success(saved).run()

    # -- 考核方式: target kind, level and terms of the selected indicator (rule_dialog.py) ------
    def _rule_button(self) -> QPushButton:
        button = QPushButton("考核方式…", objectName="ruleButton")
        button.setToolTip("所选指标的考核方式、填报层级（县本级、乡镇）和“不低于上一届”的届次")
        button.setVisible(self.manager)
        button.clicked.connect(self._edit_rule)
        return button

    def _edit_rule(self) -> None:
        row = self.table.currentRow()
        if self.plan_id is None or not 0 <= row < len(self._indicators):
            return
        if self._dirty:
            show_error(self, "请先保存或放弃对指标的其他修改")
            return
        if IndicatorRuleDialog(self.plan_id, self._indicators[row], self).exec():
            self.refresh()

    def _baselines(self) -> None:
        """Each org unit's figures of the year before the plan, where rates' and stocks' paths
        start (a township enters its own; the county 县本级 and, 代录, any township's)."""
        if self.plan_id is None:
            return
        dialog = BaselineDialog(self.ctx, self.plan_id, self)
        dialog.exec()

    def _milestones(self) -> None:
        """The plan's qualitative tasks: done on a date, with the evidence."""
        if self.plan_id is not None:
            MilestoneDialog(self.ctx, self.plan_id, self).exec()

    def _duties(self) -> None:
        """The selected indicator's lead and co-responsible departments."""
        row = self.table.currentRow()
        if not 0 <= row < len(self._indicators):
            return
        ind = self._indicators[row]
        DutiesDialog(self.ctx, ind.id, f"{ind.code} {ind.name}", self.manager, self).exec()

    def _copy(self) -> None:
        source = self.plan_id

        def read(s, _actor):
            plan = get_plan(s, source)
            return plan.code, plan.name, plan.short_name, plan.end_year

        QueryOp(self, read).success(lambda found: self._ask_copy(source, *found)).run()

    def _ask_copy(self, source: str, code: str, name: str, short_name: str, end_year: int) -> None:
        dialog = CopyPlanDialog(code, name, short_name, end_year, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        new_code, new_name, new_short = dialog.code.text(), dialog.name.text(), dialog.short_name.text()
        start, end = dialog.start.value(), dialog.end.value()
        Op(self, lambda s, actor: copy_plan(s, actor, source, new_code, new_name, new_short, start, end).id) \
            .success(self.planCreated.emit).run()

    def _set_current(self) -> None:
        plan_id = self.plan_id
        if plan_id is None:
            return
        Op(self, lambda s, actor: set_current_plan(s, actor, plan_id).short_name, busy="正在设置当前规划…",
           confirm="将此规划设为当前规划？进度看板和评估报告将默认显示该规划，并随下一个数据包发送给各乡镇。") \
            .success(lambda name: self.note.setText(f"已将“{name}”设为当前规划。")).run()

    def _add(self) -> None:
        dialog = AddIndicatorDialog(self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        try:
            target = _number(dialog.target.text(), "目标值")
        except UserError as exc:
            show_error(self, str(exc))
            return
        plan_id, code, name, unit = self.plan_id, dialog.code.text(), dialog.name.text(), dialog.unit.text()
        kind, comparator = dialog.kind.currentData(), dialog.comparator.currentData()
        numerator, denominator = dialog.numerator.text(), dialog.denominator.text()
        Op(self, lambda s, actor: add_indicator(s, actor, plan_id, code, name, unit, kind, comparator, target,
                                                numerator_label=numerator, denominator_label=denominator)).run()

    def _remove(self) -> None:
        row = self.table.currentRow()
        if row < 0:
            return
        ind = self._indicators[row]
        Op(self, lambda s, actor: remove_indicator(s, actor, ind.id), confirm=f"删除指标 {ind.code} {ind.name}？",
           busy="正在删除…").run()

    # -- allocations ---------------------------------------------------------------------
    def _show_allocations(self, row: int) -> None:
        if not 0 <= row < len(self._indicators):
            return
        ind = self._indicators[row]
        self._alloc_token += 1
        token = self._alloc_token

        def show(rows) -> None:
            if token == self._alloc_token and self.table.currentRow() == row:  # the newest selection wins
                self._fill_allocations(ind, rows)

        QueryOp(self, lambda s, _actor: allocations(s, ind.id)).success(show).run()

    def _fill_allocations(self, ind, rows) -> None:
        target = format_number(ind.target, "无")
        extra = "（比率指标未分解时，该目标适用于每个乡镇）" if ind.kind == RATE else "（未分解的乡镇没有目标）"
        self.alloc_title.setText(f"<b>{ind.code} {ind.name}</b><br>全县目标：{target}{ind.unit}{extra}")
        self._loading = True
        self.alloc_table.setRowCount(len(rows))
        for r, a in enumerate(rows):
            name = QTableWidgetItem(a.org_name)
            name.setFlags(name.flags() & ~Qt.ItemFlag.ItemIsEditable)
            name.setData(Qt.ItemDataRole.UserRole, a.org_code)
            value = QTableWidgetItem(format_number(a.value, ""))
            if not self.manager:
                value.setFlags(value.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.alloc_table.setItem(r, 0, name)
            self.alloc_table.setItem(r, 1, value)
        self._loading = False
        self._update_alloc_sum()

    def _alloc_values(self) -> dict[str, float | None]:
        ind = self._indicators[self.table.currentRow()]
        return {
            self.alloc_table.item(r, 0).data(Qt.ItemDataRole.UserRole):
                _number(self.alloc_table.item(r, 1).text(), f"{self.alloc_table.item(r, 0).text()}的分解目标（{ind.code}）")
            for r in range(self.alloc_table.rowCount())
        }

    def _update_alloc_sum(self, *_args) -> None:
        if self._loading or self.table.currentRow() < 0 or not self._indicators:
            return
        ind = self._indicators[self.table.currentRow()]
        try:
            values = [v for v in self._alloc_values().values() if v is not None]
        except UserError as exc:
            self.alloc_sum.setText(str(exc))
            return
        if ind.kind == RATE or not values:
            self.alloc_sum.setText("" if values else "尚未分解")
        else:
            self.alloc_sum.setText(f"已分解合计：{format_number(sum(values))}{ind.unit}（全县目标 {format_number(ind.target, '无')}）")

    def _split_evenly(self) -> None:
        ind = self._indicators[self.table.currentRow()]
        if ind.target is None:
            return
        rows = self.alloc_table.rowCount()
        share = ind.target if ind.kind == RATE else math.ceil(ind.target / rows)
        for r in range(rows):
            self.alloc_table.item(r, 1).setText(format_number(share))

    def _save_allocations(self) -> None:
        ind = self._indicators[self.table.currentRow()]
        try:
            values = self._alloc_values()
        except UserError as exc:
            show_error(self, str(exc))
            return
        Op(self, lambda s, actor: set_allocations(s, actor, ind.id, values)) \
            .success(lambda _result: self.alloc_sum.setText(self.alloc_sum.text() + "　已保存")).run()
