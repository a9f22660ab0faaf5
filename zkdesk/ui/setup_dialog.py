"""First run: where the data lives (this PC, or the unit's server), which office this is, and
the first administrator account (not asked when the server already holds the office's data)."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QFormLayout, QLabel, QLineEdit, QVBoxLayout

from zkdesk.services.errors import UserError
from zkdesk.services.key_slots import RECOVERY_CODE
from zkdesk.services.office import choosable_offices, initialise
from zkdesk.services.server_setup import READY
from zkdesk.store.engine import Database, shown_url
from zkdesk.store.migrate import open_database
from zkdesk.ui.form_parts import error_label, ok_cancel
from zkdesk.ui.server_choice import ServerChoice
from zkdesk.ui.tasks import run_task


class SetupDialog(QDialog):
    def __init__(self, db: Database, parent=None):
        super().__init__(parent)
        self.db = db
        self.setWindowTitle("zkdesk 首次使用设置")
        self.setMinimumWidth(460)

        intro = QLabel("欢迎使用镇康县产业工人队伍建设改革台账。\n请选择数据保存的位置、本机所在的单位，并创建第一个管理员账号。")
        intro.setWordWrap(True)
        # set when the data is to live on the unit's server: (URL without password, password)
        self.chosen_server: tuple[str, str | None] | None = None
        self.recovery_code = ""  # made with the office's data key: shown once after the dialog
        self.where = ServerChoice(self, on_checked=self._server_checked)

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

        self.form_note = QLabel(objectName="setupFormNote", wordWrap=True)
        self.form_note.setVisible(False)
        form = QFormLayout()
        form.addRow("本单位：", self.office)
        form.addRow("管理员用户名：", self.username)
        form.addRow("管理员姓名：", self.display_name)
        form.addRow("密码：", self.password)
        form.addRow("再次输入密码：", self.password2)

        self.buttons = buttons = ok_cancel(self, self.submit, "完成设置", "退出")

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.where)
        layout.addWidget(self.form_note)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def select_office(self, code: str) -> None:
        self.office.setCurrentIndex(self.office.findData(code))

    def _account_fields(self):
        return (self.office, self.username, self.display_name, self.password, self.password2)

    def _server_checked(self, check) -> None:
        """A server that already holds the office's data needs no office and no administrator."""
        ready = check is not None and check.state == READY
        for widget in self._account_fields():
            widget.setEnabled(not ready)
        self.form_note.setVisible(ready)
        self.form_note.setText("服务器上已有本单位的数据：无需再选单位、创建管理员，完成后用您的账号登录。" if ready else "")

    def submit(self) -> None:
        if self.where.use_server:
            self._submit_server()
            return
        if self.password.text() != self.password2.text():
            self.error.setText("两次输入的密码不一致")
            return
        try:
            with self.db.session() as s:
                initialise(s, self.office.currentData(), self.username.text(), self.password.text(), self.display_name.text())
                self.recovery_code = s.info.get(RECOVERY_CODE, "")
        except UserError as exc:
            self.error.setText(str(exc))
            return
        self.accept()

    def _submit_server(self) -> None:
        check = self.where.checked
        if check is None:
            self.error.setText("请先点“测试连接”，连接成功后再完成设置")
            return
        url, password = self.where.url(), self.where.password.text() or None
        if check.state == READY:
            self.chosen_server = (shown_url(url), password)
            self.accept()
            return
        if self.password.text() != self.password2.text():
            self.error.setText("两次输入的密码不一致")
            return
        office, admin = self.office.currentData(), self.username.text()
        admin_password, name = self.password.text(), self.display_name.text()

        def set_up_server():
            db = open_database(url, None, password)  # the schema, in one transaction
            try:
                with db.session() as s:
                    initialise(s, office, admin, admin_password, name)
                    return s.info.get(RECOVERY_CODE, "")
            finally:
                db.dispose()

        self.buttons.setEnabled(False)
        self.error.setText("正在服务器上建立本单位的数据…")
        run_task(self, set_up_server, lambda code: self._server_ready(url, password, code), self._server_failed)

    def _server_ready(self, url, password, recovery_code: str = "") -> None:
        self.recovery_code = recovery_code or ""
        self.chosen_server = (shown_url(url), password)
        self.accept()

    def _server_failed(self, message: str) -> None:
        self.buttons.setEnabled(True)
        self.error.setText(message)
