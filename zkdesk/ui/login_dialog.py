"""Login on every start after the first; 用恢复码重设密码 when the password is forgotten. The password is
checked off the GUI thread (one scrypt and a write: the attempt is logged), on the writer thread like every
write; meanwhile the dialog says 正在验证… and stays responsive, and a second 登录 is not a second attempt.
`then(actor)`, when given, runs in the same worker right after the password is accepted (the program
reads there what its window opens with); its result is `prepared`. The 恢复码 reset is checked off the
GUI thread the same way."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout

from zkdesk.services.actor import Actor
from zkdesk.ui import ops
from zkdesk.ui.form_parts import error_label, ok_cancel
from zkdesk.ui.tasks import run_task

if TYPE_CHECKING:  # SQLAlchemy and the services load while this dialog is shown (app.py)
    from zkdesk.store.engine import Database

CHECKING = "正在验证…"
OPENING = "正在打开数据库…"


class LoginDialog(QDialog):
    def __init__(self, db: Database | None, office_name: str, parent=None, username: str = "",
                 then: Callable[[Actor], Any] | None = None):
        """`db` None: the database is still being opened (the program's start shows the dialog
        first); `open_on(db, office_name)` gives it. A password entered before is checked then."""
        super().__init__(parent)
        self.db, self.then = db, then
        self.actor: Actor | None = None
        self.prepared: Any = None
        self.submit_when_open = False
        self.setMinimumWidth(380)

        self.title = title = QLabel()
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
        self.forgot = QPushButton("忘记密码？用恢复码重设", objectName="forgotPassword", flat=True, autoDefault=False)
        self.forgot.setCursor(Qt.CursorShape.PointingHandCursor)
        self.forgot.setStyleSheet("color: #1a5fb4; text-align: left;")
        self.forgot.clicked.connect(self.reset_with_recovery_code)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addWidget(self.checking)
        layout.addWidget(self.error)
        layout.addWidget(self.forgot, alignment=Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(buttons)
        (self.password if username else self.username).setFocus()
        self._name_office(office_name)
        if db is None:
            self.checking.setText(OPENING)
            self.checking.setVisible(True)
            self.forgot.setVisible(False)  # (it needs the database)

    def when_shown(self, callback: Callable[[], None]) -> None:
        """`callback()` once the dialog has been painted (the start opens the database then, so
        the clerk sees the dialog before that work competes with it)."""
        self._when_shown = callback

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().paintEvent(event)
        callback, self._when_shown = getattr(self, "_when_shown", None), None
        if callback is not None:
            QTimer.singleShot(0, callback)

    def _name_office(self, office_name: str) -> None:
        self.setWindowTitle(f"登录 — {office_name}" if office_name else "登录")
        self.title.setText(f"<b>{office_name}</b><br>产业工人队伍建设改革台账" if office_name else "产业工人队伍建设改革台账")

    def open_on(self, db: Database, office_name: str, then: Callable[[Actor], Any] | None = None) -> None:
        """The database is open: name the office, and check a password already entered."""
        self.db, self.then = db, then if then is not None else self.then
        self._name_office(office_name)
        self.forgot.setVisible(True)
        if self.submit_when_open:
            self.submit_when_open = False
            self.submit()
        elif not self.busy:
            self.checking.setVisible(False)

    def submit(self) -> None:
        if self.busy:
            return  # one press, one attempt
        if self.db is None:  # pressed while the database is being opened: checked once it is
            self.submit_when_open = True
            return
        warm_up = getattr(self, "warm_up", None)  # app.py's (ui/warm_up.py): the check goes first now
        if warm_up is not None:
            warm_up.stop()
        from zkdesk.services.auth import login_and_commit

        db, username, password, then = self.db, self.username.text(), self.password.text(), self.then

        def work() -> tuple[Actor, Any]:
            actor = login_and_commit(db, username, password)
            return actor, (then(actor) if then is not None else None)

        self._set_busy(True)
        ops.hold(self)  # counted as running work: tests settle after it
        run_task(self, work, self._logged_in, self._refused, pool=ops.writer_pool(),
                 on_settled=lambda: ops.release(self))

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.checking.setText(CHECKING if busy else "")
        self.checking.setVisible(busy)
        if busy:
            self.error.setText("")
        for widget in (self.username, self.password, self.buttons):
            widget.setEnabled(not busy)

    def _logged_in(self, result: tuple[Actor, Any]) -> None:
        self._set_busy(False)
        self.actor, self.prepared = result
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

    def reset_with_recovery_code(self) -> None:
        """The 恢复码 sets a new password; then this dialog logs in with it."""
        dialog = RecoveryResetDialog(self.db, self.username.text().strip(), self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.username.setText(dialog.username.text().strip())
        self.password.setText(dialog.password.text())
        self.submit()


class RecoveryResetDialog(QDialog):
    """用恢复码重设密码: user name, the 恢复码 from paper, the new password twice."""

    def __init__(self, db: Database, username: str = "", parent=None):
        super().__init__(parent)
        self.db = db
        self.setObjectName("recoveryResetDialog")
        self.setWindowTitle("用恢复码重设密码")
        self.setMinimumWidth(460)
        intro = QLabel("输入首次使用时抄下（或打印、保存）的恢复码，为该用户设置新密码。"
                       "重设后即用新密码登录；恢复码仍然有效，请继续妥善保管。", wordWrap=True)
        self.username = QLineEdit(username, objectName="resetUsername")
        self.code = QLineEdit(objectName="resetCode", placeholderText="XXXXX-XXXXX-XXXXX-XXXXX-XXXXX-XXXXX")
        self.password = QLineEdit(objectName="resetPassword", echoMode=QLineEdit.EchoMode.Password)
        self.password2 = QLineEdit(objectName="resetPassword2", echoMode=QLineEdit.EchoMode.Password)
        self.error = error_label()
        self.busy = False
        form = QFormLayout()
        form.addRow("用户名：", self.username)
        form.addRow("恢复码：", self.code)
        form.addRow("新密码：", self.password)
        form.addRow("再次输入新密码：", self.password2)
        self.buttons = ok_cancel(self, self.submit, "重设密码并登录", "取消", ok_name="resetSubmit")
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        (self.code if username else self.username).setFocus()

    def submit(self) -> None:
        if self.busy:
            return  # one press, one attempt
        if not self.username.text().strip() or not self.code.text().strip():
            self.error.setText("请填写用户名和恢复码")
            return
        if self.password.text() != self.password2.text():
            self.error.setText("两次输入的新密码不一致")
            return
        from zkdesk.services.accounts import reset_password_with_recovery_code_and_commit

        db, username, code, password = self.db, self.username.text(), self.code.text(), self.password.text()
        self._set_busy(True)
        ops.hold(self)  # counted as running work: tests settle after it
        run_task(self, lambda: reset_password_with_recovery_code_and_commit(db, username, code, password),
                 self._reset, self._refused, pool=ops.writer_pool(), on_settled=lambda: ops.release(self))

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.error.setText(CHECKING if busy else "")
        self.buttons.setEnabled(not busy)

    def _reset(self, _result) -> None:
        self._set_busy(False)
        self.accept()

    def _refused(self, message: str) -> None:
        self._set_busy(False)
        self.error.setText(message)

    def reject(self) -> None:
        if self.busy:
            return  # the 恢复码 is being checked: 取消 when it is answered
        super().reject()
