"""Login on every start after the first."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QLineEdit, QVBoxLayout

from zkdesk.services.actor import Actor
from zkdesk.services.auth import LoginFailed, login_and_commit
from zkdesk.store.engine import Database
from zkdesk.ui.form_parts import error_label, ok_cancel


class LoginDialog(QDialog):
    def __init__(self, db: Database, office_name: str, parent=None, username: str = ""):
        super().__init__(parent)
        self.db = db
        self.actor: Actor | None = None
        self.setWindowTitle(f"登录 — {office_name}")
        self.setMinimumWidth(380)

        title = QLabel(f"<b>{office_name}</b><br>产业工人队伍建设改革台账")
        self.username = QLineEdit(username, objectName="usernameEdit")
        self.password = QLineEdit(objectName="passwordEdit", echoMode=QLineEdit.EchoMode.Password)
        self.error = error_label()

        form = QFormLayout()
        form.addRow("用户名：", self.username)
        form.addRow("密码：", self.password)
        self.buttons = buttons = ok_cancel(self, self.submit, "登录", "退出")

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        (self.password if username else self.username).setFocus()

    def submit(self) -> None:
        try:
            self.actor = login_and_commit(self.db, self.username.text(), self.password.text())
        except LoginFailed as exc:
            self.error.setText(str(exc))
            self.password.clear()
            self.password.setFocus()
            return
        self.accept()
