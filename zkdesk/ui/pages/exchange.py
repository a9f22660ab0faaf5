"""数据交换: write a package to a USB stick, preview and import packages (every record named, with
what will happen and why; double-click for 本地值 / 对方值), confirm new keys, settle conflicts,
read the exchange log. Reads run in Refreshers, writes in Ops or background tasks: never a
session on the GUI thread. The exchange modules (packages, keys, cryptography) are imported by
the work that uses them, off the GUI thread: building the page does not load them."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from zkdesk.domain.orgcodes import COUNTY_CODE, is_county
from zkdesk.ui import bus, ops
from zkdesk.ui.exchange_conflicts import ConflictsTab
from zkdesk.ui.exchange_submissions import SubmissionsTab
from zkdesk.ui import file_dialogs
from zkdesk.ui.file_dialogs import PACKAGES
from zkdesk.ui.usb_drives import removable_drives
from zkdesk.ui.messages import show_error
from zkdesk.ui.ops import Op
from zkdesk.ui.refresh import Refresher
from zkdesk.ui.tasks import Task, run_task
from zkdesk.ui.widgets.record_view import Column, RecordView

PREVIEW_COLUMNS = ["文件", "发送单位", "序号", "生成时间", "新增", "更新", "未变", "冲突", "拒收", "报表定义", "说明"]


def _table(name: str, headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers), objectName=name)
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _fill(table: QTableWidget, rows: list[list[str]]) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(str(text))
            if len(str(text)) > 30:  # long notes are cut off in the cell: whole on hover
                item.setToolTip(str(text))
            table.setItem(r, c, item)


class ExchangePage(QWidget):
    def __init__(self, ctx, spec, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.county = is_county(ctx.actor.office_code)
        self.tasks: list[Task] = []
        self.preview_paths: list[Path] = []
        self.last_results = []

        self.own_key = QLabel(objectName="ownFingerprintLabel")
        self.own_key.setStyleSheet("font-family: monospace; font-size: 11pt;")
        self.busy = QProgressBar(objectName="busyBar", maximum=0, visible=False)
        self.busy.setMaximumWidth(200)
        head = QHBoxLayout()
        head.addWidget(QLabel("<h2>数据交换</h2>"))
        head.addStretch(1)
        head.addWidget(QLabel("本单位密钥指纹："))
        head.addWidget(self.own_key)

        self.tabs = QTabWidget(objectName="exchangeTabs")
        self.tabs.addTab(self._export_tab(), "导出数据包")
        self.tabs.addTab(self._import_tab(), "导入数据包")
        self.conflicts_tab = ConflictsTab(ctx, on_count=self._conflict_count)
        self.tabs.addTab(self.conflicts_tab, "冲突")
        self.log_tab = self._log_tab()
        self.tabs.addTab(self.log_tab, "交换记录")
        self.submissions_tab = SubmissionsTab(ctx) if self.county else None
        if self.submissions_tab is not None:
            self.tabs.addTab(self.submissions_tab, "报送情况")
        self.refused_title = "乡镇拒收" if self.county else "上级拒收"
        self.refused_tab = self._refused_tab()
        self.tabs.addTab(self.refused_tab, self.refused_title)  # last: the tabs before keep their places
        self.status = QLabel(objectName="exchangeStatus", wordWrap=True)

        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(self.tabs, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.busy)
        layout.addLayout(bottom)
        self.head_refresher = Refresher(self, self._query_head, self._apply_head, kinds=(bus.EXCHANGE, bus.PLANS), ctx=ctx)
        self.log_refresher = Refresher(self.log_tab, self._query_log, self._apply_log, kinds=(bus.EXCHANGE,), ctx=ctx)
        self.refused_refresher = Refresher(self.refused_tab, self._query_refused, self._apply_refused, kinds=(
            bus.EXCHANGE, bus.ENTERPRISES, bus.NOMINATIONS, bus.STUDIOS, bus.INDICATORS, bus.PLANS), ctx=ctx)
        self._refresh_drives()

    # -- building the tabs -------------------------------------------------------------------
    def _export_tab(self) -> QWidget:
        tab = QWidget()
        self.drives = QComboBox(objectName="drivesCombo")
        self.drives.activated.connect(self._drive_chosen)
        refresh = QPushButton("刷新U盘列表", objectName="refreshDrivesButton")
        refresh.clicked.connect(self._refresh_drives)
        self.export_dir = QLineEdit(objectName="exportDirEdit", placeholderText="写入数据包的文件夹（U盘）")
        browse = QPushButton("选择文件夹…", objectName="exportBrowseButton")
        browse.clicked.connect(self._browse_export_dir)
        self.receiver = QComboBox(objectName="receiverCombo")
        self.full = QCheckBox("导出全部记录（而不只是对方尚未确认收到的）", objectName="fullCheck")
        label = "导出数据包" if self.county else "导出上报数据包"
        self.export_button = QPushButton(label, objectName="exportButton")
        self.export_button.setMinimumHeight(36)
        self.export_button.clicked.connect(self._export)
        self.export_result = QLabel(objectName="exportResult", wordWrap=True)
        self.first_step = self._first_step_box()

        drives_row = QHBoxLayout()
        drives_row.addWidget(self.drives, 1)
        drives_row.addWidget(refresh)
        dir_row = QHBoxLayout()
        dir_row.addWidget(self.export_dir, 1)
        dir_row.addWidget(browse)
        form = QFormLayout()
        form.addRow("检测到的U盘：", drives_row)
        form.addRow("写入位置：", dir_row)
        form.addRow("发给：", self.receiver)
        form.addRow("", self.full)
        hint = QLabel(
            "数据包由本单位签名，并用对方的公钥加密，U盘丢失不会泄露内容。"
            + ("不选乡镇时为每个乡镇各导出一份；尚未收到某乡镇的密钥时，发给它的第一个数据包只含规划目录和本单位公钥，不加密。"
               if self.county else "包含对方尚未确认收到的全部新增和修改。")
        )
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #555;")
        layout = QVBoxLayout(tab)
        layout.addWidget(self.first_step)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.export_button)
        layout.addWidget(self.export_result)
        layout.addStretch(1)
        return tab

    def _first_step_box(self) -> QWidget:
        """A township that has not imported the county's first package has no county key to
        encrypt a report with: the export tab says so, and what to do, instead of a refusal."""
        box = QGroupBox(objectName="firstStepBox")
        box.setStyleSheet("#firstStepBox { background: #fff3cd; border: 1px solid #e0c36a; border-radius: 4px; }")
        text = QLabel(
            "<b>第一步：导入县总工会的第一个数据包</b><br>"
            "本单位尚未收到县总工会的数据包。县总工会发来的第一个数据包中有县总工会的公钥，"
            "上报的数据要用它加密，所以在导入它之前还不能导出上报数据包。请：<br>"
            "1. 向县总工会索取发给本乡镇的数据包（U盘中的 .zkx 文件）；<br>"
            "2. 在“导入数据包”页选择该文件，预览后核对县总工会的密钥指纹（可电话向县总工会确认），确认导入；<br>"
            "3. 回到本页，导出上报数据包。",
            objectName="firstStepText", wordWrap=True)
        go = QPushButton("去导入数据包", objectName="firstStepImportButton")
        go.clicked.connect(lambda: self.tabs.setCurrentIndex(1))
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(go)
        layout = QVBoxLayout(box)
        layout.addWidget(text)
        layout.addLayout(row)
        box.hide()  # shown once the keys are read and the county's is missing
        return box

    def _import_tab(self) -> QWidget:
        tab = QWidget()
        self.import_path = QLineEdit(objectName="importPathEdit", placeholderText="数据包文件或U盘文件夹（多个文件用 ; 分隔）")
        files = QPushButton("选择数据包文件…", objectName="importFilesButton")
        files.clicked.connect(self._browse_import_files)
        folder = QPushButton("选择文件夹…", objectName="importFolderButton")
        folder.clicked.connect(self._browse_import_folder)
        self.preview_button = QPushButton("预览", objectName="previewButton")
        self.preview_button.clicked.connect(self._preview)
        self.preview = _table("previewTable", PREVIEW_COLUMNS)
        self.preview.setWordWrap(True)
        self.records = RecordView([
            Column("来源", lambda n: n.sender),
            Column("数据", lambda n: n.table_label),
            Column("记录", lambda n: n.label, width=280),
            Column("处理", lambda n: n.action_label, colour=lambda n: ACTION_COLOURS.get(n.action)),
            Column("说明", lambda n: n.reason, stretch=True),
        ], key=lambda n: n.key, objectName="previewRecords", empty="预览后，这里逐条列出数据包中的记录、处理方式和原因")
        self.records.doubleClicked.connect(lambda _index: self._open_record())
        self.problems_only = QCheckBox("只看冲突和拒收", objectName="problemsOnlyCheck")
        self.problems_only.toggled.connect(lambda _on: self._show_records())
        self.record_search = QLineEdit(objectName="recordSearchEdit", placeholderText="在记录中查找（名称、原因…）")
        self.record_search.setMinimumWidth(260)
        self.record_search.textChanged.connect(self.records.set_filter_text)
        self.apply_button = QPushButton("确认导入", objectName="applyButton", enabled=False)
        self.apply_button.setMinimumHeight(36)
        self.apply_button.clicked.connect(self._apply)
        self.import_result = QLabel(objectName="importResult", wordWrap=True)
        row = QHBoxLayout()
        row.addWidget(self.import_path, 1)
        row.addWidget(files)
        row.addWidget(folder)
        row.addWidget(self.preview_button)
        filters = QHBoxLayout()
        filters.addWidget(QLabel("数据包中的记录（双击查看本地值与对方值）："))
        filters.addStretch(1)
        filters.addWidget(self.record_search)
        filters.addWidget(self.problems_only)
        layout = QVBoxLayout(tab)
        layout.addLayout(row)
        layout.addWidget(self.preview, 1)
        layout.addLayout(filters)
        layout.addWidget(self.records, 2)
        layout.addWidget(self.import_result)
        layout.addWidget(self.apply_button)
        return tab

    def _refused_tab(self) -> QWidget:
        """Our records the other side refused, with its reason, until it accepts them
        (exchange/refused.py): they go again with the next package."""
        tab = QWidget()
        other = "乡镇" if self.county else "县总工会"
        hint = QLabel(
            f"{other}导入本单位的数据包时拒收了下列记录（回执中写明了原因）。这些记录没有算作已报送："
            "会随下一个数据包重新报送，直到对方接收为止。如原因是内容有误（例如日期晚于今天），"
            "请先在相应页面更正，再导出数据包；对方接收后，记录从本表消失。",
            objectName="refusedHint", wordWrap=True)
        hint.setStyleSheet("color: #555;")
        columns = [Column("数据", lambda r: r.table_label),
                   Column("记录", lambda r: r.label, width=340),
                   Column("拒收原因", lambda r: r.reason, width=260, colour=lambda r: "#b00020"),
                   Column("拒收于", lambda r: f"第{r.sequence}号数据包"),
                   Column("处理", lambda r: r.status_text, stretch=True)]
        if self.county:
            columns.insert(0, Column("乡镇", lambda r: r.peer_name))
        self.refused = RecordView(columns, key=lambda r: r.key, objectName="refusedRecords",
                                  empty=f"没有被{other}拒收的记录")
        layout = QVBoxLayout(tab)
        layout.addWidget(hint)
        layout.addWidget(self.refused, 1)
        return tab

    def _log_tab(self) -> QWidget:
        tab = QWidget()
        self.log = _table("logTable", ["时间", "方向", "对方", "序号", "文件", "结果", "对方回执"])
        self.peers = _table("peersTable", ["单位", "代码", "已信任的密钥指纹", "已发出至", "对方确认至"])
        peers_box = QGroupBox("交换对象与密钥")
        QVBoxLayout(peers_box).addWidget(self.peers)
        layout = QVBoxLayout(tab)
        layout.addWidget(self.log, 2)
        layout.addWidget(peers_box, 1)
        return tab

    # -- refreshing ----------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read everything again (each part when it is on screen)."""
        self.head_refresher.request()
        self.log_refresher.request()
        self.refused_refresher.request()
        self.conflicts_tab.request()
        if self.submissions_tab is not None:
            self.submissions_tab.request()
        self._refresh_drives()

    def _query_head(self):
        county = self.county

        def work(session, actor):
            from zkdesk.exchange.conflicts import open_conflict_count
            from zkdesk.exchange.export import townships
            from zkdesk.exchange.overview import keys_overview

            towns = [(u.code, u.name) for u in townships(session)] if county else []
            return keys_overview(session, actor), towns, open_conflict_count(session, actor)

        return work

    def _apply_head(self, result) -> None:
        keys, towns, conflicts = result
        self.own_key.setText(keys.fingerprint)
        if self.receiver.count() == 0:
            if self.county:
                self.receiver.addItem("全部乡镇（各导出一份）", None)
                for code, name in towns:
                    self.receiver.addItem(f"{name}（{code}）", code)
            else:
                self.receiver.addItem("镇康县总工会（530924）", "530924")
        self._conflict_count(conflicts)
        waiting = not self.county and not any(p.code == COUNTY_CODE and p.fingerprint for p in keys.peers)
        self.first_step.setVisible(waiting)
        self.export_button.setEnabled(not waiting and not self.tasks)
        _fill(self.peers, [[p.name, p.code, p.fingerprint or "尚未收到", str(p.last_out_seq), str(p.acked_out_seq)]
                           for p in keys.peers])

    def _conflict_count(self, n: int) -> None:
        self.tabs.setTabText(2, f"冲突（{n}）" if n else "冲突")

    def _query_refused(self):
        return _refused_rows

    def _apply_refused(self, rows) -> None:
        self.refused.set_rows(rows)
        index = self.tabs.indexOf(self.refused_tab)
        self.tabs.setTabText(index, f"{self.refused_title}（{len(rows)}）" if rows else self.refused_title)

    def _query_log(self):
        return _log_rows

    def _apply_log(self, rows: list[list[str]]) -> None:
        _fill(self.log, rows)

    def _refresh_drives(self) -> None:
        self.drives.clear()
        found = removable_drives()
        if not found:
            self.drives.addItem("未检测到U盘：请插入U盘，或选择文件夹", None)
        for label, root in found:
            self.drives.addItem(label, str(root))
        if found and not self.export_dir.text():
            self.export_dir.setText(str(found[0][1]))

    def _drive_chosen(self, index: int) -> None:
        root = self.drives.itemData(index)
        if root:
            self.export_dir.setText(root)

    # -- background work -----------------------------------------------------------------------
    def _run(self, message: str, fn, on_done) -> None:
        self._set_busy(True, message)

        def finished(result=None, error: str | None = None):
            self.tasks.remove(task)
            self._set_busy(False, "")
            if error is not None:
                show_error(self, error)
            else:
                on_done(result)

        task = run_task(self, fn, finished, lambda error: finished(error=error))
        self.tasks.append(task)

    def _set_busy(self, busy: bool, message: str) -> None:
        self.busy.setVisible(busy)
        self.status.setText(message)
        for button in (self.export_button, self.preview_button, self.apply_button):
            button.setEnabled(not busy and (button is not self.apply_button or self._importable())
                              and (button is not self.export_button or self.first_step.isHidden()))

    @property
    def idle(self) -> bool:
        return not self.tasks and ops.running() == 0

    # -- export --------------------------------------------------------------------------------
    def _browse_export_dir(self) -> None:
        folder = file_dialogs.choose_folder(self, "package", "选择写入数据包的文件夹")
        if folder:
            self.export_dir.setText(str(folder))

    def _export(self) -> None:
        target = self.export_dir.text().strip()
        if not target:
            show_error(self, "请先选择写入数据包的U盘或文件夹")
            return
        ctx, code, full = self.ctx, self.receiver.currentData(), self.full.isChecked()

        def work():
            from zkdesk.exchange.export import export_packages
            from zkdesk.output.catalog import user_forms_dir

            return export_packages(ctx.db, ctx.actor, Path(target), code, full, forms_dir=user_forms_dir(ctx.home.root))

        self._run("正在导出数据包…", work, self._exported)

    def _exported(self, results) -> None:
        lines = []
        for r in results:
            forms = f"，报表定义 {'、'.join(r.forms)}" if r.forms else ""
            lines.append(f"已写入 {r.path}（发给{r.receiver_name}，第{r.sequence}号，{r.total}条记录{forms}）")
            lines.extend(f"注意：{w}" for w in r.warnings)
        self.export_result.setText("<br>".join(lines) + "<br>写入后已读回校验。可以安全移除U盘。")
        self.refresh()

    # -- import --------------------------------------------------------------------------------
    def _browse_import_files(self) -> None:
        files = file_dialogs.open_files(self, "package", "选择数据包", PACKAGES)
        if files:
            self.import_path.setText(";".join(str(f) for f in files))
            self._preview()

    def _browse_import_folder(self) -> None:
        folder = file_dialogs.choose_folder(self, "package", "选择存放数据包的文件夹（U盘）")
        if folder:
            self.import_path.setText(str(folder))
            self._preview()

    def _paths(self) -> list[Path]:
        return [Path(p.strip()) for p in self.import_path.text().split(";") if p.strip()]

    def _preview(self) -> None:
        paths = self._paths()
        if not paths:
            show_error(self, "请先选择数据包文件或文件夹")
            return
        self.preview_paths = paths
        self._run("正在检查数据包…", _importing(self.ctx, paths, dry_run=True), self._previewed)

    def _previewed(self, results) -> None:
        self._show_results(results)
        text = "以上为预览，数据库尚未改动。核对无误后点“确认导入”。" if self._importable() else ""
        self.import_result.setText(text + self._refused_text(results, preview=True))
        untrusted = next((r for r in results if r.error_code == "untrusted_key"), None)
        if untrusted is not None:
            self._ask_trust(untrusted)

    def _ask_trust(self, result) -> None:
        from zkdesk.ui.exchange_dialogs import KeyConfirmDialog

        dialog = KeyConfirmDialog(result.sender_name or result.sender, result.sender, result.fingerprint, self)
        dialog.accepted.connect(lambda: self._trusted(result, dialog.heard.text()))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def _trusted(self, result, heard: str) -> None:
        path = result.path

        def work(s, actor):
            from zkdesk.exchange.importing import trust_package_sender

            return trust_package_sender(s, actor, path, heard)

        Op(self, work, busy="正在保存对方密钥…",
           ctx=self.ctx).success(lambda _sender: self._preview()).run()  # again, now that the key is trusted

    def _importable(self) -> bool:
        return any(r.error is None and not r.duplicate for r in self.last_results)

    def _show_results(self, results) -> None:
        # loaded already, off the GUI thread, by the import that made the results
        from zkdesk.exchange.forms import form_summary

        self.last_results = results
        rows = []
        for r in results:
            c = r.counts
            note = r.note
            rows.append([r.file, r.sender_short or r.sender, "" if r.sequence is None else str(r.sequence),
                         r.created.astimezone().strftime("%Y-%m-%d %H:%M") if r.created else "",
                         *(str(c[k]) if not r.error else "" for k in ("new", "updated", "unchanged", "conflicts", "rejected")),
                         form_summary(r.form_counts) if not r.error and any(r.form_counts.values()) else "", note])
        _fill(self.preview, rows)
        for i, r in enumerate(results):
            if r.error and not r.skipped:
                for col in range(len(PREVIEW_COLUMNS)):
                    self.preview.item(i, col).setForeground(QColor("#b00020"))
            self.preview.item(i, len(PREVIEW_COLUMNS) - 1).setToolTip(r.note)
        self.preview.resizeRowsToContents()
        self._show_records()
        self.apply_button.setEnabled(self._importable())

    def _show_records(self) -> None:
        notes = [n for r in self.last_results for n in r.records]
        if self.problems_only.isChecked():
            notes = [n for n in notes if n.action in ("conflict", "reject")]
        self.records.set_rows(notes)

    def _open_record(self) -> None:
        note = self.records.current_row()
        if note is None:
            return
        from zkdesk.ui.exchange_dialogs import RecordDetailDialog

        dialog = RecordDetailDialog(note, self)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def _apply(self) -> None:
        if not self.preview_paths:
            return
        self._run("正在导入（导入前已自动备份数据库）…", _importing(self.ctx, self.preview_paths), self._applied)

    def _applied(self, results) -> None:
        self._show_results(results)
        self.apply_button.setEnabled(False)
        done = [r for r in results if r.applied]
        conflicts = sum(r.counts["conflicts"] for r in done)
        text = f"已导入 {len(done)} 个数据包。"
        if conflicts:
            text += f"有 {conflicts} 条冲突，请到“冲突”页选择保留哪一方的版本。"
        deleted = [n for r in done for n in r.records if n.action == "delete"]
        if deleted:  # the county's deletions of our own records, by name
            names = "、".join(f"{n.table_label}“{n.label}”" for n in deleted[:10]) + ("等" if len(deleted) > 10 else "")
            text += f"县总工会删除了本单位的{len(deleted)}条记录，本机已一并删除：{names}。"
        self.import_result.setText(text + self._refused_text(done))
        self.ctx.bus.notify(bus.ALL)

    def _refused_text(self, results, preview: bool = False) -> str:
        """The records of ours the packages' receipts refused (exchange/refused.py): by name, with
        the other side's reason; in a preview, as the import will leave them."""
        refused = list({r.key: r for res in results for r in res.refused_by_peer}.values())
        if not refused:
            return ""
        named = "；".join(f"{r.table_label}“{r.label}”：{r.reason}" for r in refused[:10])
        more = "等" if len(refused) > 10 else ""
        when = "导入后，这些记录" if preview else "这些记录"
        return (f"对方拒收了本单位的{len(refused)}条记录——{named}{more}。{when}将随下一个数据包重新报送，"
                f"内容有误的请先更正（详见“{self.refused_title}”页）。")


ACTION_COLOURS = {"conflict": "#b35c00", "reject": "#b00020", "new": "#1b7f3b", "delete": "#6a1b9a"}


def _importing(ctx, paths: list[Path], dry_run: bool = False):
    """The work of a package preview (dry_run) or import, for a background task."""

    def work():
        from zkdesk.exchange.importing import import_packages
        from zkdesk.output.catalog import user_forms_dir

        return import_packages(ctx.db, ctx.actor, paths, ctx.home.backups_dir, dry_run=dry_run,
                               forms_dir=user_forms_dir(ctx.home.root))

    return work


def _refused_rows(session, actor):
    """Our records the other side refused (a refresh's work: off the GUI thread)."""
    from zkdesk.exchange.refused import refused_records

    return refused_records(session, actor)


def _log_rows(session, actor) -> list[list[str]]:
    """The exchange log as the table shows it (a refresh's work: off the GUI thread)."""
    from zkdesk.exchange.overview import STATUS_LABELS, exchange_log

    return [[e.at.astimezone().strftime("%Y-%m-%d %H:%M"), "导出" if e.direction == "out" else "导入", e.peer_name,
             str(e.sequence), e.file_name, _log_result(e),
             STATUS_LABELS.get(e.receipt, e.receipt or "—") if e.direction == "out" else ""]
            for e in exchange_log(session, actor)]


def _log_result(entry) -> str:
    from zkdesk.exchange.forms import form_summary
    from zkdesk.exchange.overview import STATUS_LABELS

    label = STATUS_LABELS.get(entry.status, entry.status)
    s = entry.summary
    if entry.direction == "out":
        return f"{label}，{s.get('records', 0)}条记录"
    counts = f"新增{s.get('new', 0)} 更新{s.get('updated', 0)} 冲突{s.get('conflicts', 0)} 拒收{s.get('rejected', 0)}"
    if any(s.get("forms", {}).values()):
        counts += f"；报表定义 {form_summary(s['forms'])}"
    warnings = "；".join(s.get("warnings", []))
    return f"{label}：{counts}" + (f"（{warnings}）" if warnings else "")
