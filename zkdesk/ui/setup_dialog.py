"""First run: which office is this, and the first administrator account."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QFormLayout, QLabel, QLineEdit, QVBoxLayout

from zkdesk.services.errors import UserError
from zkdesk.services.office import choosable_offices, initialise
from zkdesk.store.engine import Database
from zkdesk.ui.form_parts import error_label, ok_cancel


class SetupDialog(QDialog):
    def __init__(self, db: Database, parent=None):
        super().__init__(parent)
        self.db = db
        self.setWindowTitle("zkdesk 首次使用设置")
        self.setMinimumWidth(460)

        intro = QLabel("欢迎使用镇康县产业工人队伍建设改革台账。\n请选择本机所在的单位，并创建第一个管理员账号。")
        intro.setWordWrap(True)

        self.office = QComboBox(objectName="officeCombo")
        with db.session() as s:
            for unit in choosable_offices(s):
                self.office.addItem(f"{unit.name}（{unit.code}）", unit.code)
        self.username = QLineEdit(objectName="usernameEdit", placeholderText="例如 admin")
        self.display_name = QLineEdit(objectName="displayNameEdit", placeholderText="管理员姓名")
        self.password = QLineEdit(objectName="passwordEdit", echoMode=QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("至少8位，不能与用户名相同")
        self.password2 = QLineEdit(objectName="password2Edit", echoMode=QLineEdit.EchoMode.Password)
        self.error = error_label()

        form = QFormLayout()
        form.addRow("本单位：", self.office)
        form.addRow("管理员用户名：", self.username)
        form.addRow("管理员姓名：", self.display_name)
        form.addRow("密码：", self.password)
        form.addRow("再次输入密码：", self.password2)

        self.buttons = buttons = ok_cancel(self, self.submit, "完成设置", "退出")

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def select_office(self, code: str) -> None:
        self.office.setCurrentIndex(self.office.findData(code))

    def submit(self) -> None:
        if self.password.text() != self.password2.text():
            self.error.setText("两次输入的密码不一致")
            return
        try:
            with self.db.session() as s:
                initialise(s, self.office.currentData(), self.username.text(), self.password.text(), self.display_name.text())
        except UserError as exc:
            self.error.setText(str(exc))
            return
        self.accept()
