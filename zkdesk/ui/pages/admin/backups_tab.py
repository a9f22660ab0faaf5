"""系统管理 — 备份与恢复: back up now (here or to a USB drive), list the backups, restore one."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from zkdesk.services.backups import RETENTION_TEXT, BackupInfo, info_for, list_backups, make_backup, size_text
from zkdesk.services.errors import UserError
from zkdesk.services.restore import SERVER_RESTORE_TEXT
from zkdesk.ui import bus, file_dialogs
from zkdesk.ui.messages import show_error
from zkdesk.ui.tasks import run_task


class BackupsTab(QWidget):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.backups: list[BackupInfo] = []
        self.confirm_box: QMessageBox | None = None

        policy = QLabel(RETENTION_TEXT, wordWrap=True)
        policy.setStyleSheet("color: #555;")
        server_note = ("。本单位数据库在服务器上（" + ctx.db.shown + "），备份用 pg_dump 写在本机；"
                       "服务器管理员仍需做服务器自己的备份") if ctx.db.is_server else ""
        where = QLabel(f"备份文件夹：{ctx.home.backups_dir}{server_note}", wordWrap=True, objectName="backupsFolderLabel")

        self.backup_button = QPushButton("立即备份", objectName="backupNowButton")
        self.backup_to_button = QPushButton("备份到U盘或其他文件夹…", objectName="backupToButton")
        self.restore_button = QPushButton("用所选备份恢复…", objectName="restoreButton", enabled=False)
        self.restore_file_button = QPushButton("从其他备份文件恢复…", objectName="restoreFileButton")
        self.backup_button.clicked.connect(lambda: self.backup(None))
        self.backup_to_button.clicked.connect(self.backup_to_folder)
        self.restore_button.clicked.connect(self.restore_selected)
        self.restore_file_button.clicked.connect(self.restore_from_file)
        buttons = QHBoxLayout()
        for b in (self.backup_button, self.backup_to_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        for b in (self.restore_button, self.restore_file_button):
            buttons.addWidget(b)

        self.table = QTableWidget(0, 4, objectName="backupsTable")
        self.table.setHorizontalHeaderLabels(["备份时间", "触发方式", "大小", "文件名"])
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.itemSelectionChanged.connect(lambda: self.restore_button.setEnabled(self.selected() is not None))

        self.status = QLabel(objectName="backupStatus", wordWrap=True)

        layout = QVBoxLayout(self)
        layout.addWidget(policy)
        layout.addWidget(where)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        ctx.bus.changed.connect(lambda kind: self.refresh() if kind == bus.ALL else None)
        self.refresh()

    def refresh(self) -> None:
        try:
            self.backups = list_backups(self.ctx.home, self.ctx.actor)
        except UserError as exc:
            self.backups = []
            self.status.setText(str(exc))
        self.table.setRowCount(len(self.backups))
        for r, b in enumerate(self.backups):
            for c, text in enumerate((b.when_text, b.trigger_label, size_text(b.size), b.name)):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.restore_button.setEnabled(self.selected() is not None)

    def selected(self) -> BackupInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.backups[rows[0].row()] if rows else None

    # Backing up runs in the thread pool: a large file on a slow USB drive takes a while.
    def backup(self, folder: Path | None) -> None:
        ctx = self.ctx

        def work():
            with ctx.db.session() as s:
                return make_backup(s, ctx.actor, ctx.home, ctx.db, folder)

        self._busy(True)
        self.status.setText("正在备份并校验…")
        run_task(self, work, self._backed_up, self._backup_failed)

    def backup_to_folder(self) -> None:
        folder = file_dialogs.choose_folder(self, "usb", "选择备份到的文件夹（如U盘）")
        if folder is not None:
            self.backup(folder)

    def _backed_up(self, info: BackupInfo) -> None:
        self._busy(False)
        self.status.setText(f"已备份并校验：{info.path}（{size_text(info.size)}）")
        self.refresh()

    def _backup_failed(self, message: str) -> None:
        self._busy(False)
        self.status.setText("备份失败")
        show_error(self, message, "备份失败")

    def _busy(self, busy: bool) -> None:
        for b in (self.backup_button, self.backup_to_button, self.restore_file_button):
            b.setEnabled(not busy)
        self.restore_button.setEnabled(not busy and self.selected() is not None)

    # Restoring replaces the database under the window: the program restarts onto it.
    def restore_selected(self) -> None:
        backup = self.selected()
        if backup is not None:
            self._confirm_and_restore(backup.path, f"{backup.when_text}（{backup.trigger_label}）的备份")

    def restore_from_file(self) -> None:
        path = file_dialogs.open_file(self, "backup-restore", "选择备份文件", file_dialogs.BACKUPS,
                                      start=self.ctx.home.backups_dir)
        if path is not None:
            info = info_for(path)
            what = f"{info.when_text}（{info.trigger_label}）的备份 {path.name}" if info else f"文件 {path}"
            self._confirm_and_restore(path, what)

    def _confirm_and_restore(self, path: Path, what: str) -> None:
        if self.ctx.db.is_server:  # nothing in use is replaced on a server: into a new database
            show_error(self, SERVER_RESTORE_TEXT, "服务器数据库的恢复")
            return
        controller = self.ctx.controller
        if controller is None:
            show_error(self, "只有从程序主窗口才能恢复备份")
            return
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "确认恢复",
            f"确定用 {what} 恢复数据吗？\n\n"
            "恢复前会先自动备份当前数据。恢复后，这份备份之后录入的修改将不再显示"
            "（仍保存在恢复前的备份中）。\n\n程序将重新打开，请重新登录。",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        box.setObjectName("restoreConfirmBox")
        box.button(QMessageBox.StandardButton.Yes).setText("恢复")
        box.button(QMessageBox.StandardButton.No).setText("取消")
        box.setDefaultButton(QMessageBox.StandardButton.No)
        self.confirm_box = box
        answer = box.exec()
        self.confirm_box = None
        if answer == QMessageBox.StandardButton.Yes:
            controller.restore_and_restart(path)
