"""Login on every start after the first."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout

from zkdesk.services.actor import Actor
from zkdesk.services.auth import LoginFailed, login_and_commit
from zkdesk.store.engine import Database


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
        self.error = QLabel(objectName="errorLabel")
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)

        form = QFormLayout()
        form.addRow("用户名：", self.username)
        form.addRow("密码：", self.password)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("登录")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("退出")
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons

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
