"""打印报表 → 评估报告: a plan's 终期/中期评估报告 or 年度工作总结 for the county or a township,
previewed as the PDF it saves; its three narrative sections typed here; saved as PDF or Word.

Everything that reads or writes the database runs off the GUI thread: the choices and the preview
(report, PDF, page images) through a Refresher, saving the narratives through an Op, the Word file
in a task from the report the preview shows. The narratives are an editor in the sense of
ui/unsaved.py: switching plan, unit or years (or leaving the page) asks 保存/放弃/取消 first.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from zkdesk.services.evaluation_report import ANNUAL, FINAL, MIDTERM, EvaluationReport, report_kind
from zkdesk.services.narratives import HEADINGS, PLACEHOLDER, SECTION_KEYS
from zkdesk.ui import bus, file_dialogs
from zkdesk.ui.messages import show_error
from zkdesk.ui.ops import Op
from zkdesk.ui.page_preview import FIT_WIDTH, PREVIEW_DPI, PagePreview
from zkdesk.ui.refresh import Refresher
from zkdesk.ui.tasks import Ticket
from zkdesk.ui.tasks import run_task
from zkdesk.ui.unsaved import guard

MAX_PREVIEW_PAGES = 60
KINDS = ((FINAL, "终期评估"), (MIDTERM, "中期评估"), (ANNUAL, "年度工作总结"))


@dataclass(frozen=True)
class _Key:
    plan: str
    org: str
    year_from: int
    year_to: int


@dataclass
class _Preview:
    key: _Key
    report: EvaluationReport
    pdf: bytes
    pages: int
    images: list


def _make_preview(key: _Key, ticket: Ticket):
    """The preview's work; it stops between its steps once a newer refresh superseded `ticket`."""
    def work(session, actor) -> _Preview:
        from zkdesk.output.evaluation.pdf import render_report_pdf
        from zkdesk.services.evaluation_report import build_report
        from zkdesk.ui.pdf_images import render_pages

        ticket.check()
        report = build_report(session, actor, key.plan, key.org, key.year_from, key.year_to)
        ticket.check()
        rendered = render_report_pdf(report)
        ticket.check()
        return _Preview(key, report, rendered.data, rendered.pages,
                        render_pages(rendered.data, PREVIEW_DPI, MAX_PREVIEW_PAGES, grayscale=False, check=ticket.check))
    return work


class EvaluationReportPanel(QWidget):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.setObjectName("evaluationReportPanel")
        self.ctx = ctx
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self._choices = None
        self._current: _Preview | None = None
        self._key: _Key | None = None  # what the combos show
        self._texts_key: _Key | None = None  # whose narratives the editors hold

        self.plan = QComboBox(objectName="evalPlanCombo")
        self.org = QComboBox(objectName="evalOrgCombo")
        self.kind = QComboBox(objectName="evalKindCombo")
        for kind, label in KINDS:
            self.kind.addItem(label, kind)
        self.year_from = QComboBox(objectName="evalFromCombo")
        self.year_to = QComboBox(objectName="evalToCombo")
        years = QHBoxLayout()
        years.addWidget(self.year_from, 1)
        years.addWidget(QLabel("至"))
        years.addWidget(self.year_to, 1)
        self.texts: dict[str, QPlainTextEdit] = {}
        self.sections = QTabWidget(objectName="evalSections")
        for key in SECTION_KEYS:
            edit = QPlainTextEdit(objectName=f"evalText_{key}")
            edit.setPlaceholderText(f"在此填写“{HEADINGS[key]}”：每段一行，打印时每段首行缩进两字。\n"
                                    f"不填写时，报告此处印出：{PLACEHOLDER}")
            edit.modificationChanged.connect(lambda _m: self._texts_changed())
            self.texts[key] = edit
            self.sections.addTab(edit, HEADINGS[key])
        self.save_texts_button = QPushButton("保存文字", objectName="evalSaveTexts")
        self.save_pdf_button = QPushButton("保存 PDF…", objectName="evalSavePdf")
        self.save_word_button = QPushButton("保存 Word…", objectName="evalSaveWord")
        self.status = QLabel("", objectName="evalStatus", wordWrap=True)
        self.status.setStyleSheet("color: #555;")
        self.preview = PagePreview()
        self.preview.set_zoom(FIT_WIDTH)

        form = QFormLayout()
        form.addRow("规划：", self.plan)
        form.addRow("单位：", self.org)
        form.addRow("报告：", self.kind)
        form.addRow("年度：", years)
        buttons = QHBoxLayout()
        for button in (self.save_pdf_button, self.save_word_button):
            buttons.addWidget(button)
        left = QVBoxLayout()
        left.addLayout(form)
        left.addWidget(QLabel("报告文字（主要成效、存在的问题、下一步工作）："))
        left.addWidget(self.sections, 1)
        left.addWidget(self.save_texts_button)
        left.addLayout(buttons)
        left.addWidget(self.status)
        side = QWidget()
        side.setLayout(left)
        side.setFixedWidth(340)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(side)
        layout.addWidget(self.preview, 1)

        self.plan.currentIndexChanged.connect(lambda _i: self._plan_changed())
        self.kind.currentIndexChanged.connect(lambda _i: self._kind_changed())
        for combo in (self.org, self.year_from, self.year_to):
            combo.currentIndexChanged.connect(lambda _i: self._choice_changed())
        self.save_texts_button.clicked.connect(lambda: self.save_changes(lambda _ok: None))
        self.save_pdf_button.clicked.connect(self._save_pdf)
        self.save_word_button.clicked.connect(self._save_word)
        self._set_ready(False)
        self.save_texts_button.setEnabled(False)
        self.refresher = Refresher(self, query=self._query, apply=self._show, kinds=(bus.INDICATORS, bus.PLANS,
                                   bus.NARRATIVES), ctx=ctx, on_failure=self._failed, debounce_ms=250)
        ctx.current_year.changed.connect(self._follow_year)

    # --- choices -------------------------------------------------------------------------

    def _query(self):
        """The choices (a plan made meanwhile appears) and, once a report is chosen, its preview."""
        from zkdesk.services.evaluation_report import report_choices

        key = self._key
        make = _make_preview(key, self.refresher.ticket) if key is not None else None
        if make is not None:
            self.status.setText("正在生成预览…")
            self._set_ready(False)
        return lambda session, actor: (report_choices(session, actor), make(session, actor) if make else None)

    def _show(self, result) -> None:
        choices, preview = result
        if self._choices is None or (choices.plans, choices.orgs) != (self._choices.plans, self._choices.orgs):
            self._fill_choices(choices)
        if preview is not None:
            self._show_preview(preview)

    def _fill_choices(self, choices) -> None:
        first = self._choices is None
        self._choices = choices
        if not choices.plans or not choices.orgs:
            self.preview.show_message("没有可评估的规划或单位")
            return
        plan, org = self.plan.currentData(), self.org.currentData()
        for combo in (self.plan, self.org):
            combo.blockSignals(True)
            combo.clear()
        for p in choices.plans:
            self.plan.addItem(p.label, p.code)
        for code, name in choices.orgs:
            self.org.addItem(name, code)
        year = self.ctx.current_year.value  # the plan of the working year (当前工作年度) first
        default = next((i for i, p in enumerate(choices.plans) if p.start <= year <= p.end), choices.default_plan)
        self.plan.setCurrentIndex(default if first or self.plan.findData(plan) < 0 else self.plan.findData(plan))
        self.org.setCurrentIndex(max(0, self.org.findData(org)))
        for combo in (self.plan, self.org):
            combo.blockSignals(False)
        if first or self._combo_key() != self._key:
            self._plan_changed()

    def _plan_choice(self):
        index = self.plan.currentIndex()
        return self._choices.plans[index] if self._choices and 0 <= index < len(self._choices.plans) else None

    def _plan_changed(self) -> None:
        plan = self._plan_choice()
        if plan is None:
            return
        self._fill_years(plan)
        self._kind_changed()

    def _fill_years(self, plan) -> None:
        """The year combos for `plan`'s period (their signals blocked)."""
        for combo in (self.year_from, self.year_to):
            combo.blockSignals(True)
            if [combo.itemData(i) for i in range(combo.count())] != list(range(plan.start, plan.end + 1)):
                combo.clear()
                for y in range(plan.start, plan.end + 1):
                    combo.addItem(f"{y}年", y)
            combo.blockSignals(False)

    def _kind_changed(self) -> None:
        plan = self._plan_choice()
        if plan is None:
            return
        kind = self.kind.currentData()
        start, end = plan.start, plan.end
        annual = self.year_to.currentData() or end  # the year shown (it follows the working year)
        years = {FINAL: (start, end), MIDTERM: (start, start + (end - start) // 2), ANNUAL: (annual, annual)}[kind]
        for combo, year in zip((self.year_from, self.year_to), years):
            combo.blockSignals(True)
            combo.setCurrentIndex(combo.findData(year))
            combo.blockSignals(False)
        self._choice_changed()

    def _combo_key(self) -> _Key | None:
        plan, org = self._plan_choice(), self.org.currentData()
        year_from, year_to = self.year_from.currentData(), self.year_to.currentData()
        if plan is None or org is None or year_from is None or year_to is None:
            return None
        return _Key(plan.code, org, year_from, year_to)

    def _choice_changed(self) -> None:
        if self.kind.currentData() == ANNUAL and self.year_from.currentData() != self.year_to.currentData():
            self.year_from.blockSignals(True)  # a 年度工作总结 is of one year: 起 (greyed) goes with 止
            self.year_from.setCurrentIndex(self.year_from.findData(self.year_to.currentData()))
            self.year_from.blockSignals(False)
        new = self._combo_key()
        if new is None or new == self._key:
            return
        old = self._key

        def proceed() -> None:
            self._select(new)
            self._key = new
            if new.year_from == new.year_to:  # 年度工作总结 of a year: every page moves to it
                self.ctx.current_year.set(new.year_to)
            self._current = None
            self._set_texts_enabled(False)  # until the new report's words arrive with its preview
            self._show_kind()
            self.refresher.request()

        if old is None or self._texts_key is None:
            proceed()
            return
        self._select(old)  # as it was while the question is asked
        guard(self, [self], proceed)

    def _follow_year(self, year: int) -> None:
        """The working year changed on another page: a 年度工作总结 moves to it, where the plan has it."""
        plan, key = self._plan_choice(), self._key
        if plan is None or key is None or self.kind.currentData() != ANNUAL or not plan.start <= year <= plan.end:
            return
        for combo in (self.year_from, self.year_to):
            combo.blockSignals(True)
            combo.setCurrentIndex(combo.findData(year))
            combo.blockSignals(False)
        self._choice_changed()

    def _select(self, key: _Key) -> None:
        """Put the combos on `key` without signals."""
        for combo in (self.plan, self.org):
            combo.blockSignals(True)
        self.plan.setCurrentIndex(self.plan.findData(key.plan))
        self.org.setCurrentIndex(self.org.findData(key.org))
        for combo in (self.plan, self.org):
            combo.blockSignals(False)
        self._fill_years(self._plan_choice())
        for combo, year in ((self.year_from, key.year_from), (self.year_to, key.year_to)):
            combo.blockSignals(True)
            combo.setCurrentIndex(combo.findData(year))
            combo.blockSignals(False)

    def _show_kind(self) -> None:
        plan, key = self._plan_choice(), self._key
        if plan is None or key is None:
            return
        kind = report_kind(plan.start, plan.end, key.year_from, key.year_to)
        self.kind.blockSignals(True)
        self.kind.setCurrentIndex(self.kind.findData(kind))
        self.kind.blockSignals(False)
        self.year_from.setEnabled(kind != ANNUAL)

    # --- preview -------------------------------------------------------------------------

    def _show_preview(self, preview: _Preview) -> None:
        if preview.key != self._key:
            return
        self._current = preview
        self.preview.set_pages(preview.images)
        if self._texts_key != preview.key or not self.unsaved_changes():
            self._load_texts(preview)
        note = f"（预览前{len(preview.images)}页；保存的文件包含全部页）" if preview.pages > len(preview.images) else ""
        c = preview.report.counts
        self.status.setText(f"{preview.report.title}：共 {preview.pages} 页{note}；"
                            + "，".join(f"{k}{v}项" for k, v in c.items()))
        self._set_ready(True)

    def _load_texts(self, preview: _Preview) -> None:
        for key, edit in self.texts.items():
            edit.blockSignals(True)
            edit.setPlainText(preview.report.narratives.get(key, ""))
            edit.document().setModified(False)
            edit.blockSignals(False)
        self._texts_key = preview.key
        self._set_texts_enabled(True)
        self._texts_changed()

    def _set_texts_enabled(self, enabled: bool) -> None:
        for edit in self.texts.values():
            edit.setReadOnly(not enabled)

    def _failed(self, message: str) -> None:
        self._current = None
        self.preview.show_message(message)
        self.status.setText(message)

    def _set_ready(self, ready: bool) -> None:
        for button in (self.save_pdf_button, self.save_word_button):
            button.setEnabled(ready)

    # --- narratives: an editor for ui/unsaved.guard ---------------------------------------

    def _texts_changed(self) -> None:
        self.save_texts_button.setEnabled(bool(self.unsaved_changes()))

    def unsaved_changes(self) -> str:
        if self._texts_key is None:
            return ""
        changed = [HEADINGS[k] for k, edit in self.texts.items() if edit.document().isModified()]
        return f"评估报告文字（{'、'.join(changed)}）" if changed else ""

    def save_changes(self, done) -> None:
        key = self._texts_key
        if key is None or not self.unsaved_changes():
            done(True)
            return
        texts = {k: edit.toPlainText().strip() for k, edit in self.texts.items() if edit.document().isModified()}

        def work(session, actor):
            from zkdesk.services.narratives import save_narratives

            return save_narratives(session, actor, key.plan, texts, key.org, key.year_from, key.year_to)

        def saved(_stored) -> None:
            for k in texts:
                self.texts[k].document().setModified(False)
            self._texts_changed()
            self.status.setText("已保存报告文字：" + "、".join(HEADINGS[k] for k in texts) + "；正在更新预览…")
            done(True)

        def refused(message: str) -> None:
            show_error(self, message)
            done(False)

        Op(self, work, busy="正在保存报告文字…", ctx=self.ctx).success(saved).failure(refused).run()

    def discard_changes(self) -> None:
        for edit in self.texts.values():
            edit.document().setModified(False)
        self._texts_key = None  # reloaded from the next preview
        self._texts_changed()

    # --- output --------------------------------------------------------------------------

    def _file_name(self, suffix: str) -> str:
        assert self._current is not None
        report = self._current.report
        return f"{report.title}（{report.range_label}）{suffix}"

    def _save_pdf(self) -> None:
        if self._current is None:
            return
        current = self._current
        path = file_dialogs.save_file(self, "reports", "保存评估报告（PDF）", self._file_name(".pdf"), "PDF 文件 (*.pdf)")
        if path is None:
            return
        path = path if path.suffix.lower() == ".pdf" else path.with_name(path.name + ".pdf")

        def work() -> Path:
            from zkdesk.output.printing import write_atomically

            write_atomically(path, current.pdf)
            return path

        self._write(work, "正在保存…")

    def _save_word(self) -> None:
        from zkdesk.output.evaluation.files import WORD_MISSING, word_available

        if self._current is None:
            return
        if not word_available():
            show_error(self, WORD_MISSING)
            return
        report = self._current.report
        path = file_dialogs.save_file(self, "reports", "保存评估报告（Word）", self._file_name(".docx"),
                                      "Word 文档 (*.docx)")
        if path is None:
            return
        path = path if path.suffix.lower() == ".docx" else path.with_name(path.name + ".docx")

        def work() -> Path:
            from zkdesk.output.evaluation.files import write_report

            return write_report(report, path).path

        self._write(work, "正在生成 Word 文件（含图表，约需数秒）…")

    def _write(self, work, message: str) -> None:
        self._set_ready(False)
        self.status.setText(message)

        def done(path: Path) -> None:
            self._set_ready(self._current is not None)
            self.status.setText(f"已保存：{path}")

        def failed(text: str) -> None:
            self._set_ready(self._current is not None)
            self.status.setText(text)
            show_error(self, text)

        run_task(self, work, done, failed, pool=self.pool)

