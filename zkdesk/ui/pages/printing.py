"""打印报表: choose a form, year, org unit (and person), preview it, print, save PDF, export xlsx.

Preparing and rendering run in a worker (one at a time); a newer choice makes older results
stale, so the preview always shows what is selected. Save, print and export use the rendered
document the preview shows.
"""

from __future__ import annotations

from dataclasses import dataclass
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
    QVBoxLayout,
    QWidget,
)

from zkdesk.output.catalog import load_catalog, user_forms_dir
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
from zkdesk.ui import bus
from zkdesk.ui import file_dialogs
from zkdesk.ui.messages import show_error
from zkdesk.ui.page_preview import FIT_PAGE, FIT_WIDTH, PREVIEW_DPI, PagePreview
from zkdesk.ui.pdf_images import print_pdf, render_pages
from zkdesk.ui.tasks import run_task

MAX_PREVIEW_PAGES = 60  # more would hold hundreds of MB of page images; print and save keep all
ZOOMS = (("整页", FIT_PAGE), ("适合宽度", FIT_WIDTH), ("75%", 0.75), ("100%", 1.0), ("125%", 1.25))
OPEN_FILE, OPEN_FOLDER = "open-file", "open-folder"  # the links after a file is written


@dataclass
class _Preview:
    token: int
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
        self._token = 0
        self._current: _Preview | None = None
        self._dirty = True
        self._debounce = QTimer(self, singleShot=True, interval=250)
        self._debounce.timeout.connect(self._start_preview)

        self.forms = QListWidget(objectName="formList")
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
        layout = QHBoxLayout(self)
        layout.addWidget(side)
        layout.addWidget(self.preview, 1)

        self._load_forms()
        self._load_orgs()
        self.forms.currentRowChanged.connect(self._form_changed)
        self.org.currentIndexChanged.connect(self._org_changed)
        self.year.currentIndexChanged.connect(self._year_changed)
        self.person.currentIndexChanged.connect(lambda _: self._schedule())
        self.zoom.currentIndexChanged.connect(lambda _: self.preview.set_zoom(self.zoom.currentData()))
        self.print_button.clicked.connect(self._print)
        self.save_button.clicked.connect(self._save_pdf)
        self.export_button.clicked.connect(self._export_xlsx)
        ctx.bus.changed.connect(self._on_changed)
        self._set_ready(False)
        if self.forms.count():
            self.forms.setCurrentRow(0)

    # --- choices -------------------------------------------------------------------------

    def _load_forms(self) -> None:
        self.catalog = load_catalog([user_forms_dir(self.ctx.home.root)])
        self.forms.clear()
        for form in self.catalog.ordered():
            item = QListWidgetItem(f"{form.name}\n{form.number}　{'逐人表' if form.per_person else '汇总表'}")
            item.setData(Qt.ItemDataRole.UserRole, form.key)
            item.setToolTip(form.description)
            self.forms.addItem(item)
        self.problems.setText("\n".join(self.catalog.problems))
        self.problems.setVisible(bool(self.catalog.problems))

    def _load_orgs(self) -> None:
        with self.ctx.db.session() as s:
            units = [(u.code, u.name) for u in printable_orgs(s, self.ctx.actor)]
        self.org.blockSignals(True)
        self.org.clear()
        for code, name in units:
            self.org.addItem(name, code)
        self.org.blockSignals(False)

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
        self._load_years()

    def _org_changed(self, _index: int) -> None:
        self._load_years()

    def _year_changed(self, _index: int) -> None:
        self._load_persons()
        self._schedule()

    def _load_years(self) -> None:
        form = self.form()
        if form is None or self.org.currentData() is None:
            return
        previous = self.year.currentData()
        try:
            with self.ctx.db.session() as s:
                years = form_years(s, self.ctx.actor, form, self.org.currentData())
        except UserError as exc:
            self.preview.show_message(str(exc))
            return
        self.year.blockSignals(True)
        self.year.clear()
        for y in years:
            self.year.addItem(f"{y}年", y)
        if previous in years:
            self.year.setCurrentIndex(years.index(previous))
        self.year.blockSignals(False)
        self._year_changed(self.year.currentIndex())

    def _load_persons(self) -> None:
        form = self.form()
        self.person.blockSignals(True)
        self.person.clear()
        if form is not None and form.per_person and self.year.currentData():
            self.person.addItem("（当年全部人员，每人一份）", None)
            try:
                with self.ctx.db.session() as s:
                    people = form_persons(s, self.ctx.actor, form, self.org.currentData(), self.year.currentData())
            except UserError:
                people = []
            for pid, label in people:
                self.person.addItem(label, pid)
            if people:
                self.person.setCurrentIndex(1)
        self.person.blockSignals(False)

    def request(self) -> PrintRequest | None:
        form = self.form()
        if form is None:
            return None
        person = self.person.currentData() if form.per_person else None
        return PrintRequest(form.key, self.year.currentData(), self.org.currentData(), person)

    # --- preview -------------------------------------------------------------------------

    def _schedule(self) -> None:
        self._token += 1  # anything running now is stale
        self._set_ready(False)
        if self.isVisible():
            self.status.setText("正在生成预览…")
            self._debounce.start()
        else:
            self._dirty = True

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._dirty:
            self._dirty = False
            self._schedule()

    def _on_changed(self, kind: str) -> None:
        if kind == bus.ALL:  # an imported package may have brought new or changed forms
            self._reload_forms()
        else:
            self._load_years()

    def _reload_forms(self) -> None:
        current = self.form()
        self.forms.blockSignals(True)
        self._load_forms()
        keys = [self.forms.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.forms.count())]
        row = keys.index(current.key) if current is not None and current.key in keys else 0
        if keys:
            self.forms.setCurrentRow(row)
        self.forms.blockSignals(False)
        self._form_changed(row)  # the form may have changed under the same name: preview again

    def _finish_work(self) -> None:
        self._debounce.stop()
        self.pool.clear()
        self.pool.waitForDone()

    def _start_preview(self) -> None:
        form, request = self.form(), self.request()
        if form is None or request is None:
            return
        token, db, actor = self._token, self.ctx.db, self.ctx.actor

        def work() -> _Preview:
            with db.session() as s:
                prepared = prepare(s, actor, form, request)
            pdf = render_pdf(prepared)
            images = render_pages(pdf.data, PREVIEW_DPI, MAX_PREVIEW_PAGES)
            return _Preview(token, prepared, pdf, images)

        run_task(self, work, self._preview_done, self._preview_failed, pool=self.pool)

    def _preview_done(self, result: _Preview) -> None:
        if result.token != self._token:
            return
        self._current = result
        self.preview.set_pages(result.images)
        note = f"（预览前{len(result.images)}页；打印和保存包含全部页）" if result.pdf.pages > len(result.images) else ""
        masked = "；身份证号码和电话号码已部分隐去" if result.prepared.masked else ""
        self.status.setText(f"共 {result.pdf.pages} 页，{len(result.prepared.rows)} 行{note}{masked}")
        self._set_ready(True)

    def _preview_failed(self, message: str) -> None:
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

    def _audit(self, target: str) -> None:
        assert self._current is not None
        with self.ctx.db.session() as s:
            record_output(s, self.ctx.actor, self._current.prepared, target)

    def _save_pdf(self) -> None:
        if self._current is None:
            return
        path = self._ask_path("保存 PDF", ".pdf", "PDF 文件 (*.pdf)")
        if path is None:
            return
        try:
            write_atomically(path, self._current.pdf.data)
            self._audit(f"pdf:{path.name}")
        except (UserError, OSError) as exc:
            show_error(self, f"保存失败：{exc}")
            return
        self._say_written("已保存", path)

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
            self._audit(f"xlsx:{written.name}")
            self._set_ready(self._current is not None)
            self._say_written("已导出", written)

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
            return print_pdf(data, printer, grayscale=grayscale)

        def done(pages: int) -> None:
            self._printer = None
            self._audit(f"printer:{printer.printerName() or printer.outputFileName()}")
            self._set_ready(self._current is not None)
            self.status.setText(f"已送打印：{pages} 页")

        self._printer = printer  # alive until the job is done
        run_task(self, work, done, self._output_failed, pool=self.pool)
