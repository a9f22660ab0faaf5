"""打印报表: choose a form, year, org unit (and person), preview it, print, save PDF, export xlsx;
the 评估报告 tab is ui/pages/evaluation_report.py.

The module loads no PDF library: reportlab and pdfium are imported by the worker that renders.
The choices (units, years, persons) are read off the GUI thread in one query when the page is
on screen; preparing and rendering run in a worker (one at a time). A newer choice makes older
results stale, so the combos and the preview always show what is selected. Save, print and
export use the rendered document the preview shows; the file is written and the output logged
by an Op.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from html import escape
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, QThreadPool, QTimer, QUrl
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtGui import QDesktopServices, QPageLayout, QPageSize
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from zkdesk.output.catalog import FormCatalog, load_catalog, user_forms_dir
from zkdesk.output.formdef import FormDef
from zkdesk.output.printing import (
    PreparedForm,
    PrintRequest,
    RenderedPdf,
    form_persons,
    form_years,
    prepare,
    printable_orgs,
    record_output,
    render_pdf,
    render_xlsx,
    write_atomically,
)
from zkdesk.services.errors import UserError
from zkdesk.ui import bus, file_dialogs, ops
from zkdesk.ui.messages import show_error
from zkdesk.ui.ops import Op, QueryOp
from zkdesk.ui.pages.evaluation_report import EvaluationReportPanel
from zkdesk.ui.page_preview import FIT_PAGE, FIT_WIDTH, PREVIEW_DPI, PagePreview
from zkdesk.ui.tasks import Latest, Ticket, run_task

MAX_PREVIEW_PAGES = 60  # more would hold hundreds of MB of page images; print and save keep all
ZOOMS = (("整页", FIT_PAGE), ("适合宽度", FIT_WIDTH), ("75%", 0.75), ("100%", 1.0), ("125%", 1.25))
OPEN_FILE, OPEN_FOLDER = "open-file", "open-folder"  # the links after a file is written


@dataclass
class _Choices:
    """What the combos offer for one form and unit, read in one query."""

    token: int
    units: list[tuple[str, str]] | None  # (code, name); None: the units were not read again
    org: str | None
    years: list[int]
    year: int | None
    people: list[tuple[str, str]] = field(default_factory=list)  # (id, label)
    person: str | None = None
    problem: str = ""


@dataclass
class _Preview:
    ticket: Ticket
    prepared: PreparedForm
    pdf: RenderedPdf
    images: list


class PrintPage(QWidget):
    def __init__(self, ctx, spec, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)  # reportlab and pdfium: one job at a time
        # quitting while a preview is being made: let it finish before the database closes
        QCoreApplication.instance().aboutToQuit.connect(self._finish_work)
        self._previews = Latest()  # the newest preview wins; an older one stops at its next step
        self._current: _Preview | None = None
        self._dirty = True
        self._choices_token = 0
        self._choices_stale = False  # a change arrived while the page was hidden
        self._units_read = False
        self.catalog = FormCatalog()  # the form files are read off the GUI thread (_read_forms)
        self._forms_token = 0
        self._debounce = QTimer(self, singleShot=True, interval=250)
        self._debounce.timeout.connect(self._start_preview)
        self._due = object()  # a preview waiting for the debounce counts as running work (ops.running)
        self.destroyed.connect(partial(ops.release, self._due))

        self.forms = QListWidget(objectName="formList")
        # a long title wraps within the list's width: never a sideways scroll bar
        self.forms.setWordWrap(True)
        self.forms.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.forms.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.forms.setStyleSheet(
            "QListWidget::item { padding: 5px 4px; border-bottom: 1px solid #e3e6ea; }"
            "QListWidget::item:selected { background: #dbe7f5; color: black; }"
        )
        self.year = QComboBox(objectName="yearCombo")
        self.org = QComboBox(objectName="orgCombo")
        self.person = QComboBox(objectName="personCombo")
        self.person_label = QLabel("人员：")
        self.zoom = QComboBox(objectName="zoomCombo")
        for label, value in ZOOMS:
            self.zoom.addItem(label, value)
        self.info = QLabel("", objectName="formInfo", wordWrap=True)
        self.info.setStyleSheet("color: #555;")
        self.problems = QLabel("", objectName="formProblems", wordWrap=True)
        self.problems.setStyleSheet("color: #b00020;")
        self.status = QLabel("", objectName="previewStatus", wordWrap=True)
        self.status.linkActivated.connect(self._open_written)
        self.print_button = QPushButton("打印…", objectName="printButton")
        self.save_button = QPushButton("保存 PDF…", objectName="savePdfButton")
        self.export_button = QPushButton("导出 Excel…", objectName="exportXlsxButton")
        self.preview = PagePreview()

        choices = QFormLayout()
        choices.addRow("年度：", self.year)
        choices.addRow("单位：", self.org)
        choices.addRow(self.person_label, self.person)
        choices.addRow("显示：", self.zoom)
        buttons = QHBoxLayout()
        for button in (self.print_button, self.save_button, self.export_button):
            buttons.addWidget(button)
        left = QVBoxLayout()
        left.addWidget(QLabel("<h2>打印报表</h2>"))
        left.addWidget(QLabel("报表（正式表样）："))
        left.addWidget(self.forms, 1)
        left.addWidget(self.problems)
        left.addLayout(choices)
        left.addWidget(self.info)
        left.addLayout(buttons)
        left.addWidget(self.status)
        side = QWidget()
        side.setLayout(left)
        side.setFixedWidth(320)
        forms_tab = QWidget()
        forms_layout = QHBoxLayout(forms_tab)
        forms_layout.addWidget(side)
        forms_layout.addWidget(self.preview, 1)
        # 评估报告 (终期/中期评估, 年度工作总结): its own panel, next to the official forms
        self.evaluation = EvaluationReportPanel(ctx)
        self.tabs = QTabWidget(objectName="printTabs")
        self.tabs.addTab(forms_tab, "正式表样")
        self.tabs.addTab(self.evaluation, "评估报告")
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)

        self._read_forms()
        self.forms.currentRowChanged.connect(self._form_changed)
        self.org.currentIndexChanged.connect(lambda _: self._load_choices())
        self.year.currentIndexChanged.connect(lambda _: self._load_choices())
        self.year.currentIndexChanged.connect(lambda _: ctx.current_year.set(self.year.currentData()))
        ctx.current_year.changed.connect(self._follow_year)
        self.person.currentIndexChanged.connect(lambda _: self._schedule())
        self.zoom.currentIndexChanged.connect(lambda _: self.preview.set_zoom(self.zoom.currentData()))
        self.print_button.clicked.connect(self._print)
        self.save_button.clicked.connect(self._save_pdf)
        self.export_button.clicked.connect(self._export_xlsx)
        ctx.bus.records_changed.connect(self._on_changes)
        self._set_ready(False)

    # --- choices -------------------------------------------------------------------------

    def _read_forms(self) -> None:
        """The form files (shipped and the office's own), parsed on a worker thread; then the
        list keeps the form that was chosen (or takes the first) and its choices are read."""
        self._forms_token += 1
        token, folder = self._forms_token, user_forms_dir(self.ctx.home.root)
        QueryOp(self, lambda _s, _actor: load_catalog([folder])) \
            .success(lambda catalog: self._forms_arrived(token, catalog)) \
            .failure(lambda message: self._forms_failed(token, message)).run()

    def _forms_failed(self, token: int, message: str) -> None:
        if token == self._forms_token:  # e.g. the forms folder unreadable: said where the list is
            self.problems.setText(message)
            self.problems.setVisible(True)

    def _forms_arrived(self, token: int, catalog: FormCatalog) -> None:
        if token != self._forms_token:
            return  # a newer reading was asked for meanwhile
        current = self.form()
        self.forms.blockSignals(True)
        self._fill_forms(catalog)
        keys = [self.forms.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.forms.count())]
        row = keys.index(current.key) if current is not None and current.key in keys else 0
        if keys:
            self.forms.setCurrentRow(row)
        self.forms.blockSignals(False)
        self._form_changed(row)  # the form may have changed under the same name: read its choices again

    def _fill_forms(self, catalog: FormCatalog) -> None:
        self.catalog = catalog
        self.forms.clear()
        for form in self.catalog.ordered():
            item = QListWidgetItem(f"{form.name}\n{form.number}　{'逐人表' if form.per_person else '汇总表'}")
            item.setData(Qt.ItemDataRole.UserRole, form.key)
            item.setToolTip(form.description)
            self.forms.addItem(item)
        self.problems.setText("\n".join(self.catalog.problems))
        self.problems.setVisible(bool(self.catalog.problems))

    def form(self) -> FormDef | None:
        item = self.forms.currentItem()
        return self.catalog.forms.get(item.data(Qt.ItemDataRole.UserRole)) if item else None

    def _form_changed(self, _row: int) -> None:
        form = self.form()
        if form is None:
            return
        self.info.setText(form.description)
        self.person.setVisible(form.per_person)
        self.person_label.setVisible(form.per_person)
        self._load_choices()

    def _follow_year(self, year: int) -> None:
        """Another page moved the working year: the form follows where it offers that year."""
        index = self.year.findData(year)
        if index >= 0 and index != self.year.currentIndex():
            self.year.setCurrentIndex(index)

    def _load_choices(self) -> None:
        """Read the units (the first time), the form's years for the unit and its persons for the
        year, keeping what is chosen where it is still offered; then preview. Hidden: on show."""
        form = self.form()
        if form is None:
            return
        self._previews.supersede()  # the preview on screen (or being made) no longer matches the choices
        self._set_ready(False)
        if not self.isVisible():
            self._choices_stale = True
            return
        self._choices_stale = False
        self._choices_token += 1
        token, read_units = self._choices_token, not self._units_read
        org, year, person = self.org.currentData(), self.year.currentData(), self.person.currentData()
        shared = self.ctx.current_year.value  # the working year, where the form offers it
        if year is None:
            year = shared

        def work(s, actor) -> _Choices:
            units = [(u.code, u.name) for u in printable_orgs(s, actor)] if read_units else None
            chosen = org
            if units is not None and chosen not in [code for code, _name in units]:
                chosen = units[0][0] if units else None
            if chosen is None:
                return _Choices(token, units, None, [], None)
            try:
                years = form_years(s, actor, form, chosen)
            except UserError as exc:
                return _Choices(token, units, chosen, [], None, problem=str(exc))
            at = year if year in years else (shared if shared in years else (years[0] if years else None))
            people: list[tuple[str, str]] = []
            if form.per_person and at is not None:
                try:
                    people = form_persons(s, actor, form, chosen, at)
                except UserError:
                    people = []
            ids = [pid for pid, _label in people]
            picked = person if person in ids else (ids[0] if ids else None)
            return _Choices(token, units, chosen, years, at, people, picked)

        QueryOp(self, work).success(self._choices_arrived) \
            .failure(lambda message: self._choices_failed(token, message)).run()

    def _choices_arrived(self, choices: _Choices) -> None:
        if choices.token != self._choices_token:
            return  # a newer choice was made meanwhile
        for combo in (self.org, self.year, self.person):
            combo.blockSignals(True)
        if choices.units is not None:
            self._units_read = True
            self.org.clear()
            for code, name in choices.units:
                self.org.addItem(name, code)
        self.org.setCurrentIndex(max(self.org.findData(choices.org), 0) if choices.org is not None else -1)
        self.year.clear()
        for y in choices.years:
            self.year.addItem(f"{y}年", y)
        if choices.year is not None:
            self.year.setCurrentIndex(choices.years.index(choices.year))
        self.person.clear()
        form = self.form()
        if form is not None and form.per_person and choices.year is not None:
            self.person.addItem("（当年全部人员，每人一份）", None)
            for pid, label in choices.people:
                self.person.addItem(label, pid)
            if choices.person is not None:
                self.person.setCurrentIndex(self.person.findData(choices.person))
        for combo in (self.org, self.year, self.person):
            combo.blockSignals(False)
        problem = choices.problem or ("" if choices.org is not None else "没有可打印的单位")
        if problem:
            self.preview.show_message(problem)
            self.status.setText(problem)
            return
        self._schedule()

    def _choices_failed(self, token: int, message: str) -> None:
        if token == self._choices_token:
            self.preview.show_message(message)
            self.status.setText(message)

    def request(self) -> PrintRequest | None:
        form = self.form()
        if form is None:
            return None
        person = self.person.currentData() if form.per_person else None
        return PrintRequest(form.key, self.year.currentData(), self.org.currentData(), person)

    # --- preview -------------------------------------------------------------------------

    def _schedule(self) -> None:
        self._previews.supersede()  # anything running now is stale and stops at its next step
        self._set_ready(False)
        if self.isVisible():
            self.status.setText("正在生成预览…")
            ops.hold(self._due)
            self._debounce.start()
        else:
            self._dirty = True

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._choices_stale or not self._units_read:
            self._load_choices()
        elif self._dirty:
            self._dirty = False
            self._schedule()

    def _on_changes(self, changes: bus.Changes) -> None:
        if bus.ALL in changes.kinds:  # an imported package may have brought new or changed forms and units
            self._units_read = False
            self._read_forms()
        elif changes.kinds - {bus.AUDIT}:  # printing itself writes only the log
            self._load_choices()

    def _finish_work(self) -> None:
        self._debounce.stop()
        ops.release(self._due)
        self.pool.clear()
        self.pool.waitForDone()

    def _start_preview(self) -> None:
        ops.release(self._due)
        form, request = self.form(), self.request()
        if form is None or request is None:
            return
        ticket, db, actor = self._previews.next(), self.ctx.db, self.ctx.actor

        def work() -> _Preview:
            ticket.check()  # queued behind a preview that is stale too: never started
            with db.read_session() as s:  # a preview never holds the write lock
                prepared = prepare(s, actor, form, request)
            ticket.check()
            pdf = render_pdf(prepared)
            ticket.check()
            from zkdesk.ui.pdf_images import render_pages  # pdfium: loaded by the first preview, off the GUI thread

            images = render_pages(pdf.data, PREVIEW_DPI, MAX_PREVIEW_PAGES, check=ticket.check)
            return _Preview(ticket, prepared, pdf, images)

        marker = object()  # counted as running work (ops.running): tests settle after the preview too
        ops.hold(marker)
        run_task(self, work, self._preview_done, partial(self._preview_failed, ticket), pool=self.pool,
                 on_settled=lambda: ops.release(marker))

    def _preview_done(self, result: _Preview) -> None:
        if not result.ticket.current:
            return
        self._current = result
        self.preview.set_pages(result.images)
        note = f"（预览前{len(result.images)}页；打印和保存包含全部页）" if result.pdf.pages > len(result.images) else ""
        masked = "；身份证号码和电话号码已部分隐去" if result.prepared.masked else ""
        self.status.setText(f"共 {result.pdf.pages} 页，{len(result.prepared.rows)} 行{note}{masked}")
        self._set_ready(True)

    def _preview_failed(self, ticket: Ticket, message: str) -> None:
        if not ticket.current:  # a newer preview is coming
            return
        self._current = None
        self.preview.show_message(message)
        self.status.setText(message)

    def _set_ready(self, ready: bool) -> None:
        for button in (self.print_button, self.save_button, self.export_button):
            button.setEnabled(ready)

    # --- output --------------------------------------------------------------------------

    def _ask_path(self, title: str, suffix: str, filter_text: str) -> Path | None:
        assert self._current is not None
        kind = "pdf" if suffix == ".pdf" else "xlsx-print"  # each starts in the folder last used for it
        path = file_dialogs.save_file(self, kind, title, f"{self._current.prepared.file_stem()}{suffix}", filter_text)
        if path is None:
            return None
        if path.suffix.lower() != suffix:
            path = path.with_name(path.name + suffix)
        return path

    def _audit(self, prepared: PreparedForm, target: str, done=None) -> None:
        """Log the output (personal data printed or written) on the writer thread."""
        op = Op(self, lambda s, actor: record_output(s, actor, prepared, target), busy="正在记录…")
        op.failure(self._output_failed)
        if done is not None:
            op.success(lambda _result: done())
        op.run()

    def _save_pdf(self) -> None:
        if self._current is None:
            return
        path = self._ask_path("保存 PDF", ".pdf", "PDF 文件 (*.pdf)")
        if path is None:
            return
        prepared, data = self._current.prepared, self._current.pdf.data

        def work(s, actor) -> None:
            write_atomically(path, data)
            record_output(s, actor, prepared, f"pdf:{path.name}")

        self._set_ready(False)
        Op(self, work).success(lambda _result: self._saved("已保存", path)) \
            .failure(lambda message: self._output_failed(f"保存失败：{message}")).run()

    def _finished(self, text: str) -> None:
        self._set_ready(self._current is not None)
        self.status.setText(text)

    def _saved(self, verb: str, path: Path) -> None:
        self._set_ready(self._current is not None)
        self._say_written(verb, path)

    def _say_written(self, verb: str, path: Path) -> None:
        """What was written, with links to open the file or its folder."""
        self._written = path
        self.status.setText(f'{verb}：{escape(str(path))}　<a href="{OPEN_FILE}">打开文件</a>　'
                            f'<a href="{OPEN_FOLDER}">打开所在文件夹</a>')

    def _open_written(self, link: str) -> None:
        path = getattr(self, "_written", None)
        if path is not None:
            target = path if link == OPEN_FILE else path.parent
            if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(target))):
                show_error(self, f"无法打开：{target}\n请在文件管理器中找到它。")

    def _export_xlsx(self) -> None:
        if self._current is None:
            return
        path = self._ask_path("导出 Excel", ".xlsx", "Excel 工作簿 (*.xlsx)")
        if path is None:
            return
        prepared = self._current.prepared
        self.status.setText("正在导出…")
        self._set_ready(False)

        def work() -> Path:
            write_atomically(path, render_xlsx(prepared))
            return path

        def done(written: Path) -> None:
            self._audit(prepared, f"xlsx:{written.name}", lambda: self._saved("已导出", written))

        run_task(self, work, done, self._output_failed, pool=self.pool)

    def _output_failed(self, message: str) -> None:
        self._set_ready(self._current is not None)
        self.status.setText(message)
        show_error(self, message)

    def _print(self) -> None:
        if self._current is None:
            return
        current = self._current
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        first = current.images[0] if current.images else None
        landscape = first is not None and first.width() > first.height()
        printer.setPageOrientation(QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait)
        printer.setDocName(current.prepared.file_stem())
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("打印报表")
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.status.setText("正在打印…")
        self._set_ready(False)
        # colour only when the form can carry a photo; black and white otherwise (4× less memory)
        grayscale = not current.prepared.form.per_person
        data = current.pdf.data

        def work() -> int:
            from zkdesk.ui.pdf_images import print_pdf

            return print_pdf(data, printer, grayscale=grayscale)

        def done(pages: int) -> None:
            self._printer = None
            self._audit(current.prepared, f"printer:{printer.printerName() or printer.outputFileName()}",
                        lambda: self._finished(f"已送打印：{pages} 页"))

        self._printer = printer  # alive until the job is done
        run_task(self, work, done, self._output_failed, pool=self.pool)
