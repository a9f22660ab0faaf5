"""The 恢复码, shown once after the first-run set-up: the office's data key can be recovered with
it when every password is lost (services/key_slots.py). 完成 waits until the user says it is
written down."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QCheckBox, QDialog, QDialogButtonBox, QLabel, QVBoxLayout


class RecoveryCodeDialog(QDialog):
    def __init__(self, code: str, parent=None):
        super().__init__(parent)
        self.setObjectName("recoveryCodeDialog")
        self.setWindowTitle("本单位恢复码")
        self.setMinimumWidth(520)
        intro = QLabel(
            "本单位的密钥已用各用户的密码加密保存。下面的恢复码只显示这一次：请把它抄在纸上，"
            "与电脑分开妥善保管（例如锁在文件柜里）。所有用户的密码都遗失时，凭它才能恢复本单位的密钥。",
            wordWrap=True)
        shown = QLabel(code, objectName="recoveryCode")
        shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        shown.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = QFont("monospace")
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setPointSize(16)
        font.setBold(True)
        shown.setFont(font)
        shown.setStyleSheet("padding: 12px; border: 1px solid #999; background: #fffbe6;")
        later = QLabel("管理员以后可在命令行用 zkdesk keys recovery-code 换一个新的恢复码（旧的随即作废）。",
                       wordWrap=True)
        later.setStyleSheet("color: #555;")
        self.written = QCheckBox("我已抄下恢复码并妥善保管", objectName="recoveryWritten")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        self.done_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.done_button.setText("完成")
        self.done_button.setEnabled(False)
        self.written.toggled.connect(self.done_button.setEnabled)
        self.buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(shown)
        layout.addWidget(later)
        layout.addWidget(self.written)
        layout.addWidget(self.buttons)

    def reject(self) -> None:  # Esc or the window's close button: only once it is written down
        if self.written.isChecked():
            super().reject()
