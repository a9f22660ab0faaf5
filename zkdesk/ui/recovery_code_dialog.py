"""The 恢复码, shown once after the first-run set-up: the office's data key can be recovered with
it when every password is lost (services/key_slots.py; the login dialog's 用恢复码重设密码).
It can be printed or saved to a file (for a USB stick kept apart); 完成 waits until the user says
it is written down."""

from __future__ import annotations

import html
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QTextDocument
from PySide6.QtWidgets import QCheckBox, QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from zkdesk.ui import file_dialogs


def recovery_sheet(code: str, office_name: str = "") -> str:
    """The words printed or saved with the 恢复码."""
    lines = ["zkdesk 恢复码"]
    if office_name:
        lines.append(f"单位：{office_name}")
    lines += [f"恢复码：{code}", f"生成日期：{date.today():%Y年%m月%d日}", "",
              "所有用户的密码都遗失时：在登录窗口点“忘记密码？用恢复码重设”，输入用户名、此恢复码和新密码。",
              "请与电脑分开妥善保管（例如锁在文件柜里）；管理员换了新的恢复码后，这一张随即作废。"]
    return "\n".join(lines) + "\n"


class RecoveryCodeDialog(QDialog):
    def __init__(self, code: str, parent=None, office_name: str = ""):
        super().__init__(parent)
        self.code, self.office_name = code, office_name
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
        self.print_button = QPushButton("打印…", objectName="recoveryPrint")
        self.save_button = QPushButton("保存到文件…", objectName="recoverySave")
        self.print_button.clicked.connect(self.print_sheet)
        self.save_button.clicked.connect(self.save_sheet)
        self.saved = QLabel(objectName="recoverySaved", wordWrap=True)
        self.written = QCheckBox("我已抄下（或打印、保存）恢复码并妥善保管", objectName="recoveryWritten")
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
        row = QHBoxLayout()
        row.addWidget(self.print_button)
        row.addWidget(self.save_button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(self.saved)
        layout.addWidget(self.written)
        layout.addWidget(self.buttons)

    def reject(self) -> None:  # Esc or the window's close button: only once it is written down
        if self.written.isChecked():
            super().reject()

    def document(self) -> QTextDocument:
        text = recovery_sheet(self.code, self.office_name)
        head, _, rest = text.partition(f"恢复码：{self.code}")
        doc = QTextDocument()
        doc.setHtml(
            "<div style='font-size:14pt'>" + html.escape(head).replace("\n", "<br>") + "</div>"
            f"<p style='font-size:22pt; font-family:monospace'><b>{html.escape(self.code)}</b></p>"
            "<div style='font-size:12pt'>" + html.escape(rest).replace("\n", "<br>") + "</div>")
        return doc

    def print_to(self, printer) -> None:
        self.document().print_(printer)

    def print_sheet(self) -> None:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        if QPrintDialog(printer, self).exec() == QDialog.DialogCode.Accepted:
            self.print_to(printer)
            self.saved.setText("已送往打印机")

    def save_to(self, path: Path) -> None:
        from zkdesk.store.private_files import open_private

        with open_private(path) as out:  # 0600: the 恢复码 opens the office's keys
            out.write(recovery_sheet(self.code, self.office_name).encode("utf-8"))
        self.saved.setText(f"已保存到 {path}：请把它移到U盘等与电脑分开保管的地方，不要留在这台电脑上")

    def save_sheet(self) -> None:
        path = file_dialogs.save_file(self, "recovery", "保存恢复码", "恢复码.txt", "文本文件 (*.txt)")
        if path is not None:
            try:
                self.save_to(path)
            except OSError as exc:
                self.saved.setText(f"无法保存到 {path}：{exc.strerror or exc}")
