"""导入Excel: choose a kind and a file (dialog or drag and drop), see the dry run's summary and
every rejected row, then 确认导入 (one transaction), 保存批注副本, or 下载模板."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QComboBox, QDialog, QFrame, QGridLayout, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
    QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from zkdesk.imports.annotate import annotated_name, save_annotated_copy
from zkdesk.imports.kinds import all_kinds
from zkdesk.imports.pipeline import ImportPlan, apply_plan, check_file
from zkdesk.imports.summary import ImportSummary
from zkdesk.imports.templates import township_choices, write_template
from zkdesk.imports.workbook import READABLE_SUFFIXES
from zkdesk.ui import bus
from zkdesk.services.errors import UserError
from zkdesk.ui import file_dialogs
from zkdesk.ui.file_dialogs import XLSX
from zkdesk.ui.messages import show_error
from zkdesk.ui.ops import Op, QueryOp
from zkdesk.ui.tasks import Task, run_with_progress

# which views refresh after an import of each kind
BUS_KINDS = {
    "enterprises": bus.ENTERPRISES, "contracts": bus.ENTERPRISES, "enterprise-years": bus.ENTERPRISES,
    "unions": bus.ENTERPRISES, "nominations": bus.NOMINATIONS,
    "studios": bus.STUDIOS, "studio-results": bus.STUDIOS, "indicator-values": bus.INDICATORS,
}
FILE_FILTER = "表格文件 (*.xlsx *.xlsm *.xls *.xlsb *.ods);;所有文件 (*)"
_COUNTS = (("new", "新增", "#1a7f37"), ("updated", "更新", "#0b5cad"), ("unchanged", "无变化", "#57606a"),
           ("rejected", "拒绝（行）", "#c62f2f"))


def _count_box(key: str, label: str, colour: str) -> tuple[QFrame, QLabel]:
    box = QFrame(objectName=f"box_{key}")
    box.setFrameShape(QFrame.Shape.StyledPanel)
    layout = QVBoxLayout(box)
    number = QLabel("–", objectName=f"count_{key}")
    number.setAlignment(Qt.AlignmentFlag.AlignCenter)
    number.setStyleSheet(f"font-size: 22pt; font-weight: bold; color: {colour};")
    caption = QLabel(label)
    caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
    layout.addWidget(number)
    layout.addWidget(caption)
    return box, number


class ImportDialog(QDialog):
    def __init__(self, ctx, parent: QWidget | None = None, kind: str = "enterprises"):
        super().__init__(parent)
        self.ctx = ctx
        self.plan: ImportPlan | None = None  # checked and not yet applied
        self.checked: ImportPlan | None = None  # the last check, for the annotated copy
        self.task: Task | None = None
        self.applying = False
        self.setObjectName("importDialog")
        self.setWindowTitle("导入Excel")
        self.setAcceptDrops(True)
        self.resize(900, 600)

        self.kind_combo = QComboBox(objectName="kindCombo")
        for spec in all_kinds():
            self.kind_combo.addItem(spec.label, spec.name)
        self.kind_combo.setCurrentIndex(max(self.kind_combo.findData(kind), 0))
        self.kind_combo.currentIndexChanged.connect(self._recheck)
        self.file_edit = QLineEdit(objectName="filePath", readOnly=True)
        self.file_edit.setPlaceholderText("选择文件，或把Excel/WPS表格文件拖到此窗口")
        choose = QPushButton("选择文件…", objectName="chooseFileButton")
        choose.clicked.connect(self.choose_file)
        template = QPushButton("下载模板", objectName="templateButton")
        template.clicked.connect(self.save_template)

        top = QHBoxLayout()
        top.addWidget(QLabel("导入内容："))
        top.addWidget(self.kind_combo)
        top.addWidget(self.file_edit, 1)
        top.addWidget(choose)
        top.addWidget(template)

        counts = QGridLayout()
        self.count_labels: dict[str, QLabel] = {}
        for column, (key, label, colour) in enumerate(_COUNTS):
            box, number = _count_box(key, label, colour)
            counts.addWidget(box, 0, column)
            self.count_labels[key] = number

        self.status = QLabel("预览：选择文件后先检查，不会写入数据库。", objectName="summaryLabel", wordWrap=True)
        self.table = QTableWidget(0, 4, objectName="rejectedTable")
        self.table.setHorizontalHeaderLabels(["行", "列", "类型", "原因"])
        header = self.table.horizontalHeader()
        for col in range(3):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)

        self.confirm_button = QPushButton("确认导入", objectName="confirmButton", enabled=False)
        self.confirm_button.setStyleSheet("font-weight: bold;")
        self.confirm_button.clicked.connect(self.confirm)
        self.annotate_button = QPushButton("保存批注副本", objectName="annotateButton", enabled=False)
        self.annotate_button.setToolTip("把被拒绝的单元格标红并写上原因，另存为新的 .xlsx，改正后可再次导入")
        self.annotate_button.clicked.connect(self.save_annotated)
        close = QPushButton("关闭", objectName="closeButton")
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.annotate_button)
        buttons.addStretch(1)
        buttons.addWidget(self.confirm_button)
        buttons.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(counts)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

    # ---- choosing a file -------------------------------------------------------------------

    @property
    def kind(self) -> str:
        return self.kind_combo.currentData()

    def choose_file(self) -> None:
        path = file_dialogs.open_file(self, "xlsx-import", "选择要导入的表格文件", FILE_FILTER)
        if path:
            self.open_file(path)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if any(Path(u.toLocalFile()).suffix.lower() in READABLE_SUFFIXES for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        for url in event.mimeData().urls():
            path = Path(url.toLocalFile())
            if path.suffix.lower() in READABLE_SUFFIXES:
                event.acceptProposedAction()
                self.open_file(path)
                return

    def open_file(self, path: Path) -> None:
        """Check the file (the dry run) in a worker; the preview fills in when done."""
        self.file_edit.setText(str(path))
        self._recheck()

    def _recheck(self) -> None:
        text = self.file_edit.text()
        if not text or self.applying:  # an import being written is never interrupted
            return
        path, kind, db, actor = Path(text), self.kind, self.ctx.db, self.ctx.actor

        def work(progress, cancel):
            with db.session() as session:
                return check_file(session, actor, kind, path, progress, cancel)

        self._show_busy("正在检查……")
        self._run(work, "正在检查文件", self._checked)

    # ---- running work --------------------------------------------------------------------

    def _run(self, work, title: str, on_done) -> None:
        if self.task is not None:
            self.task.cancel()
        # a file or kind changed while checking: only the latest task may fill the preview
        task = run_with_progress(self, title, work,
                                 lambda result: on_done(result) if task is self.task else None,
                                 lambda message: self._failed(message) if task is self.task else None)
        self.task = task

    def _show_busy(self, message: str) -> None:
        self.plan = self.checked = None
        self.confirm_button.setEnabled(False)
        self.annotate_button.setEnabled(False)
        self.status.setText(message)

    def _failed(self, message: str) -> None:
        self.applying = False
        self.plan = None
        self.confirm_button.setEnabled(False)
        self.status.setText(f"<span style='color:#c62f2f'>{message}</span>")
        for label in self.count_labels.values():
            label.setText("–")
        self.table.setRowCount(0)
        show_error(self, message)

    def _checked(self, plan: ImportPlan) -> None:
        self.plan = self.checked = plan
        summary = plan.summary
        self._show_summary(summary)
        writes = summary.writes  # a roster's year figures, unions and contracts too
        self.confirm_button.setEnabled(writes > 0)
        self.annotate_button.setEnabled(bool(summary.rejected or summary.warnings))
        lines = [f"预览（尚未写入）：工作表“{summary.sheet}”，表头在第{summary.header_row}行。{summary.headline()}。"]
        if summary.ignored_columns:
            lines.append(summary.ignored_text() + "。")
        if writes:
            lines.append("确认后全部写入（一次完成，出错则全部不写入）；被拒绝的行不导入。")
        elif summary.accepted:
            lines.append("文件中的数据与数据库一致，无需导入。")
        self.status.setText("<br>".join(lines))

    def _show_summary(self, summary: ImportSummary) -> None:
        values = {"new": summary.new, "updated": summary.updated, "unchanged": summary.unchanged,
                  "rejected": summary.rejected_rows}
        for key, label in self.count_labels.items():
            label.setText(str(values[key]))
        items = sorted([(r, "拒绝") for r in summary.rejected] + [(w, "提示") for w in summary.warnings],
                       key=lambda pair: pair[0].row)
        self.table.setRowCount(len(items))
        for row, (item, kind) in enumerate(items):
            cells = (f"{item.sheet} {item.row}" if item.sheet else str(item.row), item.column, kind, item.message)
            for col, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                if kind == "拒绝" and col == 2:
                    cell.setForeground(QColor("#c62f2f"))
                self.table.setItem(row, col, cell)
        self.table.resizeRowsToContents()

    # ---- confirming and the other buttons -------------------------------------------------------

    def confirm(self) -> None:
        if self.plan is None:
            return
        plan, db, actor, backups = self.plan, self.ctx.db, self.ctx.actor, self.ctx.home.backups_dir

        def work(progress, cancel):
            return apply_plan(db, actor, plan, backups, progress, cancel)

        self.confirm_button.setEnabled(False)
        self.status.setText("正在导入……")
        self.applying = True
        self._run(work, "正在导入", self._applied)

    def _applied(self, summary: ImportSummary) -> None:
        self.applying = False
        self._show_summary(summary)
        self.plan = None
        text = f"已导入：{summary.headline()}。"
        if summary.backup:
            text += f"<br>导入前已备份数据库：{Path(summary.backup).name}"
        self.status.setText(text)
        self.ctx.bus.notify(BUS_KINDS.get(summary.kind, bus.ALL))

    def save_annotated(self) -> None:
        plan = self.checked
        if plan is None:
            return
        path = file_dialogs.save_file(self, "xlsx-import", "保存批注副本", annotated_name(plan.path), XLSX)  # beside the sheet read
        if not path:
            return
        out = Path(path).with_suffix(".xlsx")

        def work(session, actor):  # the copy carries ID numbers as written: a disclosure entry with it
            try:
                return save_annotated_copy(session, actor, plan, out)
            except OSError as exc:
                raise UserError(f"无法保存批注副本：{exc.strerror or exc}") from None

        Op(self, work, busy="正在保存批注副本…").success(
            lambda written: self.status.setText(self.status.text() + f"<br>已保存批注副本：{written.name}")).run()

    def save_template(self) -> None:
        spec = next(k for k in all_kinds() if k.name == self.kind)
        path = file_dialogs.save_file(self, "xlsx-template", "保存导入模板", f"{spec.label}导入模板.xlsx", XLSX)
        if not path:
            return
        kind, target = self.kind, Path(path).with_suffix(".xlsx")

        def work(session, _actor) -> Path:  # the units' codes read and the file written off the GUI thread
            townships, county = township_choices(session)
            write_template(kind, target, townships, county)
            return target

        QueryOp(self, work).success(lambda written: self.status.setText(f"已保存模板：{written.name}")) \
            .failure(lambda message: show_error(self, f"无法保存模板：{message}")).run()
