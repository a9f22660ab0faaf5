"""Login on every start after the first. The password is checked off the GUI thread (one scrypt and
a write: the attempt is logged), on the writer thread like every write; meanwhile the dialog says
正在验证… and stays responsive, and a second 登录 is not a second attempt."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QLineEdit, QVBoxLayout

from zkdesk.services.actor import Actor
from zkdesk.services.auth import login_and_commit
from zkdesk.store.engine import Database
from zkdesk.ui import ops
from zkdesk.ui.form_parts import error_label, ok_cancel
from zkdesk.ui.tasks import run_task

CHECKING = "正在验证…"


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
        self.checking = QLabel("", objectName="loginChecking")
        self.checking.setVisible(False)
        self.busy = False

        form = QFormLayout()
        form.addRow("用户名：", self.username)
        form.addRow("密码：", self.password)
        self.buttons = buttons = ok_cancel(self, self.submit, "登录", "退出")

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addWidget(self.checking)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        (self.password if username else self.username).setFocus()

    def submit(self) -> None:
        if self.busy:
            return  # one press, one attempt
        db, username, password = self.db, self.username.text(), self.password.text()
        self._set_busy(True)
        ops.hold(self)  # counted as running work: tests settle after it
        run_task(self, lambda: login_and_commit(db, username, password), self._logged_in, self._refused,
                 pool=ops.writer_pool(), on_settled=lambda: ops.release(self))

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.checking.setText(CHECKING if busy else "")
        self.checking.setVisible(busy)
        if busy:
            self.error.setText("")
        for widget in (self.username, self.password, self.buttons):
            widget.setEnabled(not busy)

    def _logged_in(self, actor: Actor) -> None:
        self._set_busy(False)
        self.actor = actor
        self.accept()

    def _refused(self, message: str) -> None:
        self._set_busy(False)
        self.error.setText(message)
        self.password.clear()
        self.password.setFocus()

    def reject(self) -> None:
        if self.busy:
            return  # the attempt is being checked: 退出 when it is answered
        super().reject()
