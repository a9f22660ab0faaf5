"""数值录入: one org unit's values of one year in a grid; save, and (reviewers) lock the year."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from zkdesk.domain.roles import Permission
from zkdesk.services.indicator_values import entry_sheet, save_values
from zkdesk.services.year_locks import lock_year, unlock_year
from zkdesk.ui import bus, unsaved
from zkdesk.ui.indicators.common import ERROR_COLOR, WARNING_COLOR, OrgChoice, org_choices
from zkdesk.ui.indicators.entry_model import (
    COL_CHANGED,
    COL_CODE,
    COL_COMPUTED,
    COL_DEN,
    COL_NAME,
    COL_NOTE,
    COL_REGISTER,
    COL_TARGET,
    COL_UNIT,
    COL_VALUE,
    HEADERS,
    EntryModel,
)
from zkdesk.ui.indicators.entry_table import EntryTable
from zkdesk.ui.messages import confirm, show_error
from zkdesk.ui.ops import Op
from zkdesk.ui.refresh import Refresher

_MESSAGE_STYLES = {
    "error": "background: #fbe3e3; color: #9b1c1c; padding: 4px 8px;",
    "warning": "background: #fff4cc; color: #7a5b00; padding: 4px 8px;",
    "info": "background: #e6f4ea; color: #1e5b2e; padding: 4px 8px;",
    "": "padding: 4px 8px;",
}


class EntryTab(QWidget):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.plan_id: str | None = None
        self.year: int | None = None
        self.choices: list[OrgChoice] = org_choices(ctx.actor.office_code, ctx.townships)

        self.org = QComboBox(objectName="entryOrg")
        for choice in self.choices:
            self.org.addItem(choice.label)
        self._org_index = self.org.currentIndex()  # the unit the grid shows
        self.org.currentIndexChanged.connect(self._org_changed)
        self.lock_label = QLabel(objectName="lockLabel")
        self.lock_button = QPushButton("审核通过并锁定", objectName="lockButton")
        self.unlock_button = QPushButton("解锁", objectName="unlockButton")
        self.reviewer = ctx.actor.can(Permission.REVIEW) and ctx.actor.at_county
        self.lock_button.setVisible(False)
        self.unlock_button.setVisible(False)
        self.lock_button.clicked.connect(self._lock)
        self.unlock_button.clicked.connect(self._unlock)
        self.revert_button = QPushButton("放弃修改", objectName="revertButton")
        self.revert_button.clicked.connect(self._revert)
        self.save_button = QPushButton("保存", objectName="saveValuesButton")
        self.save_button.setToolTip("保存（Ctrl+S）")
        self.save_button.clicked.connect(lambda: self.save())
        QShortcut(QKeySequence.StandardKey.Save, self, activated=lambda: self.save())

        self.model = EntryModel(self)
        self.model.dataChanged.connect(self._update_state)
        self.model.modelReset.connect(self._update_state)
        self.table = EntryTable(objectName="entryTable")
        self.table.setModel(self.model)
        self._size_columns()

        self.message = QLabel(objectName="entryMessage")
        self.message.setWordWrap(True)
        self.hint = QLabel(
            "直接输入数字，Enter 下移，Tab 右移；比率指标填分子和分母，百分比自动计算；灰色为只读或由登记数据自动计算。<br>"
            f"<span style='background:{ERROR_COLOR.name()}'>&nbsp;红色&nbsp;</span> 数值有错误，改正后才能保存；"
            f"<span style='background:{WARNING_COLOR.name()}'>&nbsp;黄色&nbsp;</span> 数值可疑（如与本单位往年相差很大），"
            "可以保存，在“说明”中写明原因后才算填写完整。", objectName="entryHint")
        self.hint.setStyleSheet("color: #555;")

        top = QHBoxLayout()
        top.addWidget(QLabel("单位："))
        top.addWidget(self.org)
        top.addSpacing(12)
        top.addWidget(self.lock_label)
        top.addWidget(self.lock_button)
        top.addWidget(self.unlock_button)
        top.addStretch(1)
        top.addWidget(self.revert_button)
        top.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 6, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.hint)
        # The sheet is read off the GUI thread, when the tab is on screen. A change elsewhere
        # reloads it only while nothing typed here is unsaved (checked again when it arrives).
        self._forced = False  # a reload asked for here (revert, save, another plan): applies even if dirty
        self._keep_message = True
        self._after_load = None
        self.refresher = Refresher(self, self._read_sheet, self._show_sheet, ctx=ctx,
                                   on_failure=lambda text: self._say(text, "error"))
        ctx.bus.changed.connect(self._on_changed)

    # -- selection -----------------------------------------------------------------------
    @property
    def choice(self) -> OrgChoice:
        return self.choices[max(0, self.org.currentIndex())]

    def select_org(self, code: str, rollup: bool = False) -> None:
        for i, choice in enumerate(self.choices):
            if choice.code == code and choice.rollup == rollup:
                self.org.setCurrentIndex(i)
                return

    def set_plan_year(self, plan_id: str, year: int) -> None:
        """Called by the page, which has settled unsaved values first (`unsaved.guard`)."""
        if (plan_id, year) == (self.plan_id, self.year):
            return
        self.plan_id, self.year = plan_id, year
        self.reload()

    def _size_columns(self) -> None:
        """Each figure's column as wide as its header and the widest figure it shows (from the font,
        not in fixed pixels), the 说明 a short sentence (the rest on hover), the indicator's name the
        rest. The grid fits a 1366×768 screen (and a 1024 wide one) without a horizontal scrollbar."""
        header = self.table.horizontalHeader()
        metrics = header.fontMetrics()
        cell = self.table.fontMetrics()
        pad = cell.horizontalAdvance("0") + 14  # a cell's and its header's margins

        def fit(col: int, *samples: str) -> int:
            return max(metrics.horizontalAdvance(HEADERS[col]), *(cell.horizontalAdvance(t) for t in samples)) + pad

        for col, samples in ((COL_CODE, ("06.10",)), (COL_UNIT, ("人次",)), (COL_REGISTER, ("99999",)),
                             (COL_VALUE, ("9999999",)), (COL_DEN, ("99999",)), (COL_COMPUTED, ("100.00%", "9999999")),
                             (COL_TARGET, ("无目标", "99999")), (COL_NOTE, ("由登记数据自动计算",)),
                             (COL_CHANGED, ("admin 2025-12-31",))):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(col, fit(col, *samples))
        header.setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)

    def changeEvent(self, event) -> None:
        if event.type() == QEvent.Type.FontChange:  # a larger font: the columns grow with it
            self._size_columns()
        super().changeEvent(event)

    def _org_changed(self, index: int) -> None:
        if index == self._org_index:
            return
        self.table.commit_editor()
        if self.model.is_dirty():
            # the values typed belong to the unit shown: back to it until they are settled
            self._set_org_index(self._org_index)
            unsaved.guard(self, [self], lambda: self._show_org(index))
            return
        self._show_org(index)

    def _set_org_index(self, index: int) -> None:
        self.org.blockSignals(True)
        self.org.setCurrentIndex(index)
        self.org.blockSignals(False)

    def _show_org(self, index: int) -> None:
        self._set_org_index(index)
        self._org_index = index
        if self.plan_id is not None:
            self.reload(keep_message=False)

    # -- unsaved work (ui.unsaved) ----------------------------------------------------------
    def unsaved_changes(self) -> str:
        self.table.commit_editor()
        count = sum(1 for line in self.model.lines() if line.dirty)
        if not count:
            return ""
        return f"指标台账·数值录入：{self.choice.label}{self.year}年 {count}项数值"

    def save_changes(self, done) -> None:
        self.save(done)

    def discard_changes(self) -> None:
        """At once (the page may be leaving the screen, where a reload waits): the values last read, then a fresh read."""
        if self.model.sheet is not None:
            self.model.load(self.model.sheet)
            self._update_state()
        self.reload()

    # -- loading and saving ----------------------------------------------------------------
    def reload(self, keep_message: bool = False, forced: bool = True, then=None) -> None:
        """Read the sheet again; `then()` runs once it is shown (a message about what was done)."""
        if self.plan_id is None or self.year is None:
            return
        if then is not None:
            self._after_load = then
        self._forced = self._forced or forced
        self._keep_message = self._keep_message and keep_message
        self.refresher.request()

    def _read_sheet(self):
        plan_id, year, choice = self.plan_id, self.year, self.choice
        forced, keep_message = self._forced, self._keep_message
        self._forced, self._keep_message = False, True
        return lambda s, actor: (forced, keep_message,
                                 entry_sheet(s, actor, plan_id, choice.code, year, choice.rollup))

    def _show_sheet(self, result) -> None:
        forced, keep_message, sheet = result
        if not forced and self.model.is_dirty():
            return  # typed meanwhile: unsaved values are never replaced by a change elsewhere
        self.model.load(sheet)
        if not keep_message:
            self._say("", "")
        self._update_state()
        after, self._after_load = self._after_load, None
        if after is not None:
            after()

    def _on_changed(self, kind: str) -> None:
        if kind in (bus.INDICATORS, bus.PLANS, bus.ALL, bus.NOMINATIONS, bus.STUDIOS, bus.ENTERPRISES):
            if not self.model.is_dirty():
                self.reload(keep_message=True, forced=False)

    def _revert(self) -> None:
        self.table.commit_editor()
        if not self.model.is_dirty() or confirm(self, "本页有未保存的修改，放弃这些修改吗？"):
            self.reload()

    def save(self, done=None) -> None:
        """Save what is typed; `done(ok)` once nothing typed is left unsaved (ok) or it failed."""
        done = done or (lambda ok: None)
        self.table.commit_editor()  # Ctrl+S while a cell is still being typed in
        sheet = self.model.sheet
        if sheet is None or not sheet.editable:
            done(not self.model.is_dirty())
            return
        errors = self.model.errors()
        if errors:
            self._say(f"有{len(errors)}处错误，改正后才能保存：{errors[0]}", "error")
            done(False)
            return
        entries = self.model.dirty_entries()
        if not entries:
            self._say("没有需要保存的修改", "")
            done(True)
            return
        plan_id, org_code, year = sheet.plan_id, sheet.org_code, sheet.year

        def failed(message: str) -> None:
            show_error(self, message)
            done(False)

        (Op(self, lambda s, actor: save_values(s, actor, plan_id, org_code, year, entries))
         .success(lambda summary: self._saved(summary, done)).failure(failed).run())

    def _saved(self, summary, done) -> None:
        # the Op announced the change to the other views; this one reloads, then says what was saved
        def shown() -> None:
            self._say_saved(summary)
            done(not self.model.is_dirty())

        self.reload(keep_message=True, then=shown)

    def _say_saved(self, summary) -> None:
        parts = [f"新增{summary.created}项"] if summary.created else []
        parts += [f"修改{summary.updated}项"] if summary.updated else []
        parts += [f"清除{summary.cleared}项"] if summary.cleared else []
        text = "已保存：" + ("，".join(parts) or "无变化")
        if summary.incomplete:
            text += f"。{len(summary.incomplete)}项有疑问的数值尚未填写说明（{'、'.join(summary.incomplete)}），标记为未完成"
            self._say(text, "warning")
        else:
            self._say(text, "info")

    # -- locks ---------------------------------------------------------------------------
    def _lock(self) -> None:
        if self.model.is_dirty():
            self._say("请先保存或放弃修改，再锁定", "warning")
            return
        code, year = self.choice.code, self.year
        self._run_lock(lambda s, actor: lock_year(s, actor, code, year), "已锁定")

    def _unlock(self) -> None:
        reason, ok = QInputDialog.getText(self, "解锁", f"解锁{self.year}年的数值，请写明原因：")
        if not ok:
            return
        if not reason.strip():
            self._say("解锁须写明原因", "warning")
            return
        code, year = self.choice.code, self.year
        self._run_lock(lambda s, actor: unlock_year(s, actor, code, year, reason.strip()), "已解锁")

    def _run_lock(self, work, done: str) -> None:
        label, year = self.choice.label, self.year

        def finished(_result) -> None:
            self.reload(keep_message=True, then=lambda: self._say(f"{label}{year}年{done}", "info"))

        Op(self, work).success(finished).run()

    # -- state shown -----------------------------------------------------------------------
    def _say(self, text: str, level: str) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(_MESSAGE_STYLES[level])

    def _update_state(self, *_args) -> None:
        sheet = self.model.sheet
        editable = bool(sheet and sheet.editable)
        errors = self.model.errors()
        self.save_button.setEnabled(editable and self.model.is_dirty() and not errors)
        self.revert_button.setEnabled(self.model.is_dirty())
        if sheet is not None:
            if sheet.rollup:
                self.lock_label.setText("全县汇总（只读）：县本级与各乡镇按规则汇总")
            elif sheet.lock_note:
                self.lock_label.setText(f"<b style=\"color:#9b1c1c\">{sheet.lock_note}</b>")
            elif not editable:
                self.lock_label.setText("只读")
            else:
                self.lock_label.setText("")
            self.lock_button.setVisible(self.reviewer and not sheet.rollup and not sheet.lock_note)
            self.unlock_button.setVisible(self.reviewer and bool(sheet.lock_note))
        if errors:
            self._say(f"有{len(errors)}处错误（红色），改正后才能保存：{errors[0]}", "error")
        elif self.model.unexplained():
            items = self.model.unexplained()
            self._say(f"{len(items)}项数值有疑问（黄色），请在“说明”中写明原因：{items[0]}", "warning")
        elif self.message.styleSheet() in (_MESSAGE_STYLES["error"], _MESSAGE_STYLES["warning"]) and self.model.is_dirty():
            self._say("", "")
