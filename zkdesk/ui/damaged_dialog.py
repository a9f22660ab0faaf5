"""At start-up, when the database is damaged (or gone): say so plainly and offer the newest
good backup. Accepted = restore it; rejected = quit without touching anything."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from zkdesk.services.restore import MISSING, StartupHealth


class DamagedDialog(QDialog):
    def __init__(self, health: StartupHealth, parent=None):
        super().__init__(parent)
        self.setObjectName("damagedDialog")
        self.setWindowTitle("找不到数据库" if health.state == MISSING else "数据库已损坏")
        self.setMinimumWidth(480)

        message = QLabel(health.message, objectName="damagedMessage", wordWrap=True)
        detail = QLabel(f"技术信息：{health.problem}" if health.problem else "", objectName="damagedDetail", wordWrap=True)
        detail.setStyleSheet("color: #777; font-size: 9pt;")
        note = QLabel("恢复前，损坏的文件会原样保存在数据目录的 backups/damaged/ 文件夹中。", wordWrap=True)

        self.restore_button = QPushButton("恢复最新的完好备份", objectName="restoreNewestButton")
        self.restore_button.setEnabled(health.newest_good is not None)
        self.restore_button.setDefault(health.newest_good is not None)
        self.quit_button = QPushButton("退出程序", objectName="quitButton")
        self.restore_button.clicked.connect(self.accept)
        self.quit_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.quit_button)
        buttons.addWidget(self.restore_button)

        layout = QVBoxLayout(self)
        layout.addWidget(message)
        layout.addWidget(detail)
        if health.newest_good is not None and health.state != MISSING:
            layout.addWidget(note)
        layout.addLayout(buttons)
