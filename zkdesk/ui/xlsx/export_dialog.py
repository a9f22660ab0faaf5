"""导出Excel: what the list on screen shows, or a whole register.

- 当前列表: the rows the page's list lets through — its filters, its search and its sort, every
  matching row (not only those scrolled into view) — with the columns as they read on screen.
- 整个台账: the register with its import columns (to edit and import again), personal data masked
  unless the user may see it.

Either way a file carrying ID or phone numbers unmasked leaves one disclosure entry first.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from zkdesk.imports.kinds import all_kinds
from zkdesk.imports.registers import export_register
from zkdesk.services.privacy import sees_personal
from zkdesk.ui import file_dialogs
from zkdesk.ui.file_dialogs import XLSX
from zkdesk.ui.messages import show_error
from zkdesk.ui.ops import Op
from zkdesk.ui.tasks import Task, run_with_progress
from zkdesk.ui.widgets.record_view import RecordView, personal_rows, write_shown_xlsx


@dataclass
class ShownList:
    view: RecordView
    title: str  # e.g. "集体合同企业 — 企业名册"


def list_on_screen(page: QWidget | None, page_title: str, focus: QWidget | None = None) -> ShownList | None:
    """The list the user is looking at on `page`: the visible RecordView holding the focus or
    nearest it, else the first visible one; titled by the page and the tab it sits on."""
    if page is None:
        return None
    views = [v for v in page.findChildren(RecordView) if v.isVisible()]
    if not views:
        return None
    near = [v for v in views if focus is not None and (v is focus or v.isAncestorOf(focus))]
    if not near and focus is not None:
        widget = focus.parentWidget()
        while widget is not None and not near:
            near = [v for v in views if widget.isAncestorOf(v)]
            if widget is page:
                break
            widget = widget.parentWidget()
    view = (near or views)[0]
    title = page_title
    child, widget = view, view.parentWidget()
    while widget is not None and widget is not page.parentWidget():
        if isinstance(widget, QTabWidget):
            index = widget.indexOf(child)
            if index >= 0:
                title = f"{page_title} — {widget.tabText(index).replace('&', '')}"
                break
        child, widget = widget, widget.parentWidget()
    return ShownList(view, title)


def export_shown(parent: QWidget, shown: ShownList, path: Path, done=None, failed=None) -> Op:
    """Write every row the list lets through, in its order, off the GUI thread (an Op: the
    disclosure entry, when there is one, is written in the same transaction before the file)."""
    view = shown.view
    columns, rows = list(view.columns), view.shown_rows()  # a snapshot, taken here on the GUI thread
    search = " ".join(view.record_model._needle.split())
    subtitle = f"搜索“{search}”，共 {len(rows)} 条" if search else f"共 {len(rows)} 条"
    title = shown.title

    def work(session, actor) -> int:
        from zkdesk.services import audit

        disclosed = personal_rows(columns, rows) if sees_personal(actor) else 0
        if disclosed:
            audit.personal_data_disclosed(session, actor, f"{title}导出（Excel）", disclosed, file=path.name)
            session.flush()
        write_shown_xlsx(path, columns, rows, actor, title=title, subtitle=subtitle, sheet_title=title.split(" — ")[-1])
        return len(rows)

    op = Op(parent, work, busy="正在导出…")
    if done is not None:
        op.success(done)
    op.failure(failed or (lambda message: show_error(parent, message, "导出失败")))
    op.run()
    return op


class ExportDialog(QDialog):
    def __init__(self, ctx, parent: QWidget | None = None, shown: ShownList | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.shown = shown
        self.task: Task | None = None
        self.setObjectName("exportDialog")
        self.setWindowTitle("导出Excel")
        self.kind_combo = QComboBox(objectName="exportKindCombo")
        for spec in all_kinds():
            self.kind_combo.addItem(spec.label, spec.name)
        masked = "" if sees_personal(ctx.actor) else "（身份证号码、电话将部分隐藏）"
        self.register_note = f"导出本单位可见的全部记录，列与导入模板相同，可修改后再导入。{masked}"
        self.status = QLabel(self.register_note, objectName="exportStatus", wordWrap=True)
        self.list_choice = QRadioButton(objectName="exportListChoice")
        self.register_choice = QRadioButton("整个台账：", objectName="exportRegisterChoice")
        group = QButtonGroup(self)
        group.addButton(self.list_choice)
        group.addButton(self.register_choice)
        export = QPushButton("导出…", objectName="exportButton")
        export.clicked.connect(self.choose_and_export)
        close = QPushButton("关闭")
        close.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        if shown is not None:
            count = shown.view.row_count()
            self.list_choice.setText(f"当前列表：{shown.title}（{count} 条，按页面上的筛选、搜索和排序）")
            self.list_choice.setChecked(True)
            layout.addWidget(self.list_choice)
        else:
            self.list_choice.hide()
            self.register_choice.setChecked(True)
        row = QHBoxLayout()
        row.addWidget(self.register_choice if shown is not None else QLabel("台账："))
        row.addWidget(self.kind_combo, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(export)
        buttons.addWidget(close)
        layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self.kind_combo.activated.connect(lambda _i: self.register_choice.setChecked(True))
        self.resize(560, 180)

    def exports_list(self) -> bool:
        return self.shown is not None and self.list_choice.isChecked()

    def choose_and_export(self) -> None:
        label = self.shown.title.replace(" — ", "-") if self.exports_list() else self.kind_combo.currentText()
        path = file_dialogs.save_file(self, "xlsx-export", "导出为", f"{label}.xlsx", XLSX)
        if path:
            self.export_to(path.with_suffix(".xlsx"))

    def export_to(self, path: Path) -> None:
        self.status.setText("正在导出……")
        done = lambda count: self.status.setText(f"已导出 {count} 条到 {path.name}")  # noqa: E731
        if self.exports_list():
            every = getattr(self.shown.view, "export_every_match", None)
            if every is not None:  # a list showing only the newest matches exports all of them itself
                every(path, done)
                return
            export_shown(self, self.shown, path, done, lambda message: show_error(self, message))
            return
        kind, db, actor = self.kind_combo.currentData(), self.ctx.db, self.ctx.actor

        def work(_progress, _cancel):
            with db.session() as session:
                return export_register(session, actor, kind, path)

        self.task = run_with_progress(self, "正在导出", work, done, lambda message: show_error(self, message))
