"""系统管理 — 操作日志: browse and filter the audit trail, export it, verify the chain."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QCheckBox, QComboBox, QDateEdit, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from zkdesk.services.audit_log import (
    DISPLAY_LIMIT,
    AuditFilter,
    AuditRow,
    FilterChoices,
    action_label,
    count_audit,
    entity_label,
    filter_choices,
    search_audit,
)
from zkdesk.services.integrity import VerifyReport, verify_database
from zkdesk.ui import bus, file_dialogs
from zkdesk.ui.messages import show_error
from zkdesk.ui.ops import Op
from zkdesk.ui.refresh import Refresher
from zkdesk.ui.tasks import run_task
from zkdesk.ui.widgets.record_view import Column, RecordView

ALL = ""
# Every change writes the log: the tab follows every kind of record (when it is on screen).
EVERY_KIND = (*sorted(set(bus.TABLE_KINDS.values())), bus.AUDIT)

COLUMNS = [
    Column("时间", lambda r: r.at.strftime("%Y-%m-%d %H:%M:%S"), sort=lambda r: (r.at, r.id)),
    Column("用户", lambda r: r.username),
    Column("操作", lambda r: r.action_label),
    Column("对象类别", lambda r: r.entity_label),
    Column("对象", lambda r: r.object_name),
    Column("内容", lambda r: r.summary, stretch=True, tooltip=lambda r: r.details),
]


def _combo(name: str) -> QComboBox:
    combo = QComboBox(objectName=name)
    combo.setMinimumWidth(110)
    return combo


def _refill(combo: QComboBox, values: list[str], label) -> None:
    current = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    combo.addItem("全部", ALL)
    for v in values:
        combo.addItem(label(v), v)
    index = combo.findData(current)
    combo.setCurrentIndex(max(index, 0))
    combo.blockSignals(False)


class AuditTab(QWidget):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx

        self.user_combo = _combo("auditUserCombo")
        self.action_combo = _combo("auditActionCombo")
        self.entity_combo = _combo("auditEntityCombo")
        self.all_dates = QCheckBox("不限日期", objectName="auditAllDates", checked=True)
        self.date_from = QDateEdit(objectName="auditDateFrom", calendarPopup=True, displayFormat="yyyy-MM-dd")
        self.date_to = QDateEdit(objectName="auditDateTo", calendarPopup=True, displayFormat="yyyy-MM-dd")
        today = date.today()
        self.date_from.setDate(QDate(today - timedelta(days=30)))
        self.date_to.setDate(QDate(today))
        self.all_dates.toggled.connect(self._dates_toggled)
        self._dates_toggled(True)
        for combo in (self.user_combo, self.action_combo, self.entity_combo):
            combo.currentIndexChanged.connect(lambda _i: self.refresh())
        for edit in (self.date_from, self.date_to):
            edit.dateChanged.connect(lambda _d: self.refresh())

        filters = QHBoxLayout()
        for label, widget in (("用户：", self.user_combo), ("操作：", self.action_combo), ("对象：", self.entity_combo)):
            filters.addWidget(QLabel(label))
            filters.addWidget(widget)
        filters.addSpacing(12)
        filters.addWidget(self.all_dates)
        filters.addWidget(self.date_from)
        filters.addWidget(QLabel("至"))
        filters.addWidget(self.date_to)
        filters.addStretch(1)

        self.export_button = QPushButton("导出Excel…", objectName="auditExportButton")
        self.verify_button = QPushButton("校验数据库和日志", objectName="auditVerifyButton")
        self.export_button.clicked.connect(self.export)
        self.verify_button.clicked.connect(self.verify)
        actions = QHBoxLayout()
        self.count_label = QLabel(objectName="auditCountLabel")
        actions.addWidget(self.count_label, 1)
        actions.addWidget(self.export_button)
        actions.addWidget(self.verify_button)

        self.table = RecordView(COLUMNS, key=lambda r: r.id, objectName="auditTable", empty="没有符合条件的操作记录")
        self.table.export_every_match = self.export_to  # 文件 → 导出Excel: every match, not only the newest shown

        self.verify_label = QLabel(objectName="auditVerifyLabel", wordWrap=True)

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addLayout(actions)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.verify_label)
        self.refresher = Refresher(self.table, self._read, self._show, EVERY_KIND, on_failure=self._unread,
                                   debounce_ms=150)

    def _dates_toggled(self, all_dates: bool) -> None:
        self.date_from.setEnabled(not all_dates)
        self.date_to.setEnabled(not all_dates)
        self.refresh()

    def current_filter(self) -> AuditFilter:
        dated = not self.all_dates.isChecked()
        return AuditFilter(
            username=self.user_combo.currentData() or ALL,
            action=self.action_combo.currentData() or ALL,
            entity=self.entity_combo.currentData() or ALL,
            date_from=self.date_from.date().toPython() if dated else None,
            date_to=self.date_to.date().toPython() if dated else None,
        )

    def refresh(self) -> None:
        if hasattr(self, "refresher"):  # a signal may fire while the widgets are still being built
            self.refresher.request()

    @property
    def rows(self) -> list[AuditRow]:
        return self.table.shown_rows()

    def _read(self):
        flt = self.current_filter()

        def work(s, actor) -> tuple[FilterChoices, list[AuditRow], int]:
            return filter_choices(s, actor), search_audit(s, actor, flt), count_audit(s, actor, flt)

        return work

    def _show(self, result: tuple[FilterChoices, list[AuditRow], int]) -> None:
        choices, rows, total = result
        more = f"，显示最新的{DISPLAY_LIMIT}条，请缩小筛选范围或导出" if total > len(rows) else ""
        self.count_label.setText(f"共 {total} 条{more}")
        _refill(self.user_combo, choices.usernames, str)
        _refill(self.action_combo, choices.actions, action_label)
        _refill(self.entity_combo, choices.entities, entity_label)
        self.table.set_rows(rows)

    def _unread(self, message: str) -> None:
        self.table.set_rows([])
        self.count_label.setText(message)

    def export(self) -> None:
        path = file_dialogs.save_file(self, "audit-export", "导出操作日志", f"操作日志-{date.today():%Y%m%d}.xlsx", file_dialogs.XLSX)
        if path is not None:
            self.export_to(path)

    def export_to(self, path: Path, done=None) -> None:
        """Every matching entry (not only those shown) into an .xlsx file, off the GUI thread;
        the export is itself a new log entry, which the bus brings onto the list."""
        if path.suffix.lower() != ".xlsx":
            path = path.with_suffix(".xlsx")
        flt = self.current_filter()

        def work(s, actor) -> int:
            from zkdesk.output.audit_xlsx import export_audit_xlsx  # openpyxl only when exporting

            return export_audit_xlsx(s, actor, flt, path)

        def exported(count: int) -> None:
            self.verify_label.setText(f"已导出 {count} 条到 {path}")
            if done is not None:
                done(count)

        Op(self, work, busy="正在导出…").success(exported) \
            .failure(lambda message: show_error(self, message, "导出失败")).run()

    def verify(self) -> None:
        ctx = self.ctx
        self.verify_button.setEnabled(False)
        self.verify_label.setText("正在校验…")
        run_task(self, lambda: verify_database(ctx.actor, ctx.db, ctx.home.backups_dir), self._verified, self._verify_failed)

    def _verified(self, report: VerifyReport) -> None:
        self.verify_button.setEnabled(True)
        self.verify_label.setStyleSheet("" if report.ok else "color: #b00020; font-weight: bold;")
        self.verify_label.setText(report.message)

    def _verify_failed(self, message: str) -> None:
        self.verify_button.setEnabled(True)
        self.verify_label.setText("")
        show_error(self, message, "校验失败")
