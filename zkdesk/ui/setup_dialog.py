"""First run: where the data lives (this PC, or the unit's server), which office this is, and
the first administrator account (not asked when the server already holds the office's data).

Nothing here touches the database on the GUI thread: the offices to choose from are read, and the
office and its administrator created, in the background (the latter on the writer thread) while
the dialog says what it is doing and stays responsive."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QFormLayout, QLabel, QLineEdit, QVBoxLayout

from zkdesk.services.key_slots import RECOVERY_CODE
from zkdesk.services.office import choosable_offices, initialise
from zkdesk.services.server_setup import READY
from zkdesk.store.engine import Database, shown_url
from zkdesk.store.migrate import open_database
from zkdesk.ui import ops
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
        self.office.setPlaceholderText("正在读取单位…")
        self._wanted_office: str | None = None  # chosen before the list arrived
        self.busy = False
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

        def read_offices() -> list[tuple[str, str]]:
            with db.session() as s:  # a write: the shipped org units are loaded first if missing
                return [(f"{unit.name}（{unit.code}）", unit.code) for unit in choosable_offices(s)]

        ops.hold(self)  # counted as running work: tests settle after it
        run_task(self, read_offices, self._offices_arrived, self._failed, pool=ops.writer_pool(),
                 on_settled=lambda: ops.release(self))

    def _offices_arrived(self, offices: list[tuple[str, str]]) -> None:
        for label, code in offices:
            self.office.addItem(label, code)
        self.office.setCurrentIndex(0 if offices else -1)  # the first, as before (a placeholder selects none)
        if self._wanted_office is not None:
            self.select_office(self._wanted_office)

    def select_office(self, code: str) -> None:
        if self.office.count() == 0:
            self._wanted_office = code  # chosen when the list arrives
            return
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
        if self.busy:
            return
        if self.password.text() != self.password2.text():
            self.error.setText("两次输入的密码不一致")
            return
        if self.office.currentData() is None:
            self.error.setText("正在读取单位列表，请稍候再点“完成设置”")
            return
        db = self.db
        office, admin = self.office.currentData(), self.username.text()
        admin_password, name = self.password.text(), self.display_name.text()

        def set_up() -> str:
            with db.session() as s:
                initialise(s, office, admin, admin_password, name)
                return s.info.get(RECOVERY_CODE, "")

        self._set_busy(True, "正在建立本单位的数据…")
        ops.hold(self)
        run_task(self, set_up, self._set_up, self._failed, pool=ops.writer_pool(), on_settled=lambda: ops.release(self))

    def _set_busy(self, busy: bool, text: str = "") -> None:
        self.busy = busy
        self.buttons.setEnabled(not busy)
        self.error.setText(text)

    def _set_up(self, recovery_code: str) -> None:
        self._set_busy(False)
        self.recovery_code = recovery_code or ""
        self.accept()

    def _failed(self, message: str) -> None:
        self._set_busy(False)
        self.error.setText(message)

    def reject(self) -> None:
        if self.busy:
            return  # the office is being created: leave when it is done
        super().reject()

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
        if self.office.currentData() is None:
            self.error.setText("正在读取单位列表，请稍候再点“完成设置”")
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
