"""The first-run dialog's choice of where the data lives: on this PC (the default), or on the
unit's PostgreSQL server with 测试连接. The password is used for this session only: zkdesk
never writes it down (a pgpass file on the PC can hold it instead)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from zkdesk.services.errors import user_message
from zkdesk.services.server_setup import REFUSED, ServerCheck, check_server, server_url
from zkdesk.ui.tasks import run_task


class ServerChoice(QWidget):
    """本机单独使用 / 连接单位服务器. `checked` is the last successful 测试连接 of what is typed."""

    def __init__(self, parent=None, on_checked=None):
        super().__init__(parent)
        self.on_checked = on_checked or (lambda _check: None)
        self.checked: ServerCheck | None = None
        self.local = QRadioButton("本机单独使用（数据保存在这台电脑上）", objectName="useLocal", checked=True)
        self.server = QRadioButton("连接单位服务器（多人同时录入，PostgreSQL 数据库）", objectName="useServer")
        group = QButtonGroup(self)
        group.addButton(self.local)
        group.addButton(self.server)

        self.host = QLineEdit(objectName="serverHost", placeholderText="例如 192.168.1.10 或 db.zgh.local")
        self.port = QLineEdit("5432", objectName="serverPort")
        self.port.setMaximumWidth(80)
        self.database = QLineEdit("zkdesk", objectName="serverDatabase")
        self.username = QLineEdit(objectName="serverUser", placeholderText="服务器管理员给的数据库用户名")
        self.password = QLineEdit(objectName="serverPassword", echoMode=QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("不保存；已有 pgpass 文件时可不填")
        self.test_button = QPushButton("测试连接", objectName="testConnection", clicked=self.test)
        self.result = QLabel(objectName="serverResult", wordWrap=True)

        where = QHBoxLayout()
        where.addWidget(self.host, 1)
        where.addWidget(QLabel("端口"))
        where.addWidget(self.port)
        form = QFormLayout()
        form.addRow("服务器地址：", where)
        form.addRow("数据库名：", self.database)
        form.addRow("用户名：", self.username)
        form.addRow("密码：", self.password)
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button)
        test_row.addWidget(self.result, 1)
        form.addRow(test_row)
        self.box = QGroupBox(objectName="serverBox")
        self.box.setLayout(form)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.local)
        layout.addWidget(self.server)
        layout.addWidget(self.box)
        self.server.toggled.connect(self._toggled)
        for edit in (self.host, self.port, self.database, self.username, self.password):
            edit.textChanged.connect(self._edited)
        self._toggled(False)

    @property
    def use_server(self) -> bool:
        return self.server.isChecked()

    def url(self):
        return server_url(self.host.text(), self.port.text(), self.database.text(), self.username.text())

    def _toggled(self, on: bool) -> None:
        self.box.setVisible(on)
        self._edited()

    def _edited(self) -> None:
        if self.checked is not None:
            self.checked = None
            self.on_checked(None)
        self.result.setText("")

    def test(self) -> None:
        try:
            url = self.url()
        except Exception as exc:
            self._show(None, user_message(exc) or str(exc))
            return
        password = self.password.text()
        self.test_button.setEnabled(False)
        self.result.setStyleSheet("")
        self.result.setText("正在连接…")
        run_task(self, lambda: check_server(url, password), self._tested,
                 lambda message: self._show(None, message))

    def _tested(self, check: ServerCheck) -> None:
        self._show(check if check.state != REFUSED else None, check.message)

    def _show(self, check: ServerCheck | None, message: str) -> None:
        self.test_button.setEnabled(True)
        self.result.setStyleSheet("color: #1a7f37;" if check else "color: #c62828;")
        self.result.setText(message)
        self.checked = check
        self.on_checked(check)
