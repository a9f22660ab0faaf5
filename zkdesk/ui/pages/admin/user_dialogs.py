"""Dialogs of the 用户管理 tab: a new user, editing one, a new password, one's own password.

On OK each dialog checks what it can itself, then runs its service call as an Op (off the GUI
thread); it closes when the call succeeded and stays open with the Chinese reason when refused.
The callables given to the dialogs return that work: `work(session, actor)`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout

from zkdesk.domain.roles import ROLE_LABELS, Role
from zkdesk.services.errors import UserError
from zkdesk.ui.form_parts import error_label, ok_cancel
from zkdesk.ui.ops import Op

Work = Callable[[Any, Any], Any]  # work(session, actor)

PASSWORD_HINT = "至少8位，不能与用户名相同"


def _password_edit(name: str) -> QLineEdit:
    edit = QLineEdit(objectName=name, echoMode=QLineEdit.EchoMode.Password)
    edit.setPlaceholderText(PASSWORD_HINT)
    return edit


class _FormDialog(QDialog):
    """A form, an error line and OK/Cancel; `submit` returns the service call to run."""

    def __init__(self, title: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(400)
        self.form = QFormLayout()
        self.error = error_label()
        self.buttons = ok_cancel(self, self._submit)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def submit(self) -> Work:  # raise UserError to keep the dialog open
        raise NotImplementedError

    def _passwords_match(self, first: QLineEdit, second: QLineEdit) -> str:
        if first.text() != second.text():
            raise UserError("两次输入的密码不一致")
        return first.text()

    def _submit(self) -> None:
        try:
            work = self.submit()
        except UserError as exc:
            self.error.setText(str(exc))
            return
        self.error.setText("")
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(False)  # one call at a time

        def refused(message: str) -> None:
            ok.setEnabled(True)
            self.error.setText(message)

        Op(self, work).success(lambda _result: self.accept()).failure(refused).run()


def _role_combo(current: Role | None = None) -> QComboBox:
    combo = QComboBox(objectName="roleCombo")
    for role, label in ROLE_LABELS.items():
        combo.addItem(label, role.value)
    if current is not None:
        combo.setCurrentIndex(combo.findData(current.value))
    return combo


class NewUserDialog(_FormDialog):
    def __init__(self, create: Callable[[str, str, str, str], Work], parent=None):
        super().__init__("新建用户", parent)
        self.create = create
        self.username = QLineEdit(objectName="usernameEdit", placeholderText="登录用，如 li_na")
        self.display_name = QLineEdit(objectName="displayNameEdit", placeholderText="姓名")
        self.role = _role_combo(Role.CLERK)
        self.password = _password_edit("passwordEdit")
        self.password2 = _password_edit("password2Edit")
        self.form.addRow("用户名：", self.username)
        self.form.addRow("姓名：", self.display_name)
        self.form.addRow("角色：", self.role)
        self.form.addRow("初始密码：", self.password)
        self.form.addRow("再次输入：", self.password2)

    def submit(self) -> Work:
        password = self._passwords_match(self.password, self.password2)
        return self.create(self.username.text(), self.display_name.text(), self.role.currentData(), password)


class EditUserDialog(_FormDialog):
    def __init__(self, username: str, display_name: str, role: Role, update: Callable[[str, str], Work], parent=None):
        super().__init__(f"修改用户 {username}", parent)
        self.update_user = update
        self.display_name = QLineEdit(display_name, objectName="displayNameEdit")
        self.role = _role_combo(role)
        self.form.addRow("用户名：", QLabel(username))
        self.form.addRow("姓名：", self.display_name)
        self.form.addRow("角色：", self.role)

    def submit(self) -> Work:
        return self.update_user(self.display_name.text(), self.role.currentData())


class ResetPasswordDialog(_FormDialog):
    def __init__(self, username: str, reset: Callable[[str], Work], parent=None):
        super().__init__(f"重置 {username} 的密码", parent)
        self.reset = reset
        self.password = _password_edit("passwordEdit")
        self.password2 = _password_edit("password2Edit")
        note = QLabel("重置后请把新密码当面告诉该用户；账号如被锁定也同时解除。", wordWrap=True)
        self.form.addRow(note)
        self.form.addRow("新密码：", self.password)
        self.form.addRow("再次输入：", self.password2)

    def submit(self) -> Work:
        return self.reset(self._passwords_match(self.password, self.password2))


class OwnPasswordDialog(_FormDialog):
    def __init__(self, change: Callable[[str, str], Work], parent=None):
        super().__init__("修改我的密码", parent)
        self.change = change
        self.old = QLineEdit(objectName="oldPasswordEdit", echoMode=QLineEdit.EchoMode.Password)
        self.password = _password_edit("passwordEdit")
        self.password2 = _password_edit("password2Edit")
        self.form.addRow("原密码：", self.old)
        self.form.addRow("新密码：", self.password)
        self.form.addRow("再次输入：", self.password2)

    def submit(self) -> Work:
        return self.change(self.old.text(), self._passwords_match(self.password, self.password2))
