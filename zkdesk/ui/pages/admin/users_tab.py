"""系统管理 — 用户管理: accounts, their roles and state; passwords; the idle-lock time."""

from __future__ import annotations

from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QPushButton, QSpinBox, QVBoxLayout, QWidget

from zkdesk.domain.roles import Permission
from zkdesk.services import accounts
from zkdesk.services.users import UserRow, list_users
from zkdesk.store.base import utcnow
from zkdesk.ui import bus
from zkdesk.ui.ops import Op
from zkdesk.ui.pages.admin.user_dialogs import EditUserDialog, NewUserDialog, OwnPasswordDialog, ResetPasswordDialog
from zkdesk.ui.refresh import Refresher
from zkdesk.ui.widgets.record_view import Column, RecordView

ROLE_HELP = (
    "管理员：全部功能，管理用户；录入员：录入修改数据、数据交换、备份；"
    "审核员：审核、数据交换、备份、查看操作日志；查看：只能查看，个人信息打码显示。"
)


def _status(u: UserRow) -> str:
    if not u.active:
        return "停用"
    if u.locked_until and u.locked_until > utcnow():
        return f"锁定至 {u.locked_until.astimezone():%H:%M}"
    return "启用"


def _grey_when_inactive(u: UserRow) -> str | None:
    return None if u.active else "#808080"


COLUMNS = [
    Column("用户名", lambda u: u.username, colour=_grey_when_inactive),
    Column("姓名", lambda u: u.display_name, colour=_grey_when_inactive),
    Column("角色", lambda u: u.role_label, colour=_grey_when_inactive),
    Column("状态", _status, colour=_grey_when_inactive),
    Column("最近登录", lambda u: u.last_login_at.astimezone().strftime("%Y-%m-%d %H:%M") if u.last_login_at else "从未登录",
           sort=lambda u: u.last_login_at, colour=_grey_when_inactive, stretch=True),
]


class UsersTab(QWidget):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.dialog = None  # the dialog now open, if any
        manage = ctx.actor.can(Permission.MANAGE_USERS)

        self.table = RecordView(COLUMNS, key=lambda u: u.id, objectName="usersTable")
        self.table.current_changed.connect(lambda _key: self._update_buttons())

        self.new_button = QPushButton("新建用户…", objectName="newUserButton")
        self.edit_button = QPushButton("修改姓名和角色…", objectName="editUserButton")
        self.reset_button = QPushButton("重置密码…", objectName="resetPasswordButton")
        self.toggle_button = QPushButton("停用", objectName="toggleActiveButton")
        self.own_button = QPushButton("修改我的密码…", objectName="ownPasswordButton")
        for button in (self.new_button, self.edit_button, self.reset_button, self.toggle_button):
            button.setEnabled(manage)
        self.new_button.clicked.connect(self.new_user)
        self.edit_button.clicked.connect(self.edit_user)
        self.reset_button.clicked.connect(self.reset_password)
        self.toggle_button.clicked.connect(self.toggle_active)
        self.own_button.clicked.connect(self.change_own_password)
        buttons = QHBoxLayout()
        for button in (self.new_button, self.edit_button, self.reset_button, self.toggle_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.own_button)

        help_label = QLabel(ROLE_HELP, wordWrap=True)
        help_label.setStyleSheet("color: #555;")
        users_box = QGroupBox("用户（不删除，只停用，操作日志保留其姓名）")
        users_layout = QVBoxLayout(users_box)
        users_layout.addLayout(buttons)
        users_layout.addWidget(self.table, 1)
        users_layout.addWidget(help_label)

        self.idle_spin = QSpinBox(objectName="idleLockSpin", minimum=0, maximum=accounts.MAX_IDLE_LOCK_SECONDS // 60)
        self.idle_spin.setSuffix(" 分钟")
        self.idle_spin.setSpecialValueText("不锁定")
        self.idle_spin.setEnabled(manage)
        self.idle_save = QPushButton("保存", objectName="saveIdleLockButton", enabled=manage)
        self.idle_save.clicked.connect(self.save_idle_lock)
        lock_box = QGroupBox("空闲锁定")
        lock_row = QHBoxLayout(lock_box)
        lock_row.addWidget(QLabel("无操作"))
        lock_row.addWidget(self.idle_spin)
        lock_row.addWidget(QLabel("后锁定窗口，需重新输入密码（0 为不锁定）。"))
        lock_row.addStretch(1)
        lock_row.addWidget(self.idle_save)

        layout = QVBoxLayout(self)
        layout.addWidget(users_box, 1)
        layout.addWidget(lock_box)
        self._update_buttons()
        self.refresher = Refresher(self.table, self._read, self._show, (bus.USERS, bus.SETTINGS))

    def refresh(self) -> None:
        self.refresher.request()

    def _read(self):
        def work(s, actor) -> tuple[list[UserRow], int]:
            return list_users(s, actor), accounts.idle_lock_seconds(s)

        return work

    def _show(self, result: tuple[list[UserRow], int]) -> None:
        users, idle = result
        self.table.set_rows(users)
        self.idle_spin.setValue(round(idle / 60))
        self._update_buttons()

    @property
    def rows(self) -> list[UserRow]:
        return self.table.shown_rows()

    def selected(self) -> UserRow | None:
        return self.table.current_row()

    def select_user(self, username: str) -> None:
        for u in self.rows:
            if u.username == username:
                self.table.select_key(u.id)

    def _update_buttons(self) -> None:
        manage = self.ctx.actor.can(Permission.MANAGE_USERS)
        user = self.selected()
        for button in (self.edit_button, self.reset_button, self.toggle_button):
            button.setEnabled(manage and user is not None)
        self.toggle_button.setText("启用" if user is not None and not user.active else "停用")

    def _open(self, dialog) -> None:
        """The dialog runs its service call as an Op; the bus refreshes this list after it."""
        self.dialog = dialog
        dialog.finished.connect(lambda _: setattr(self, "dialog", None))
        dialog.open()

    def new_user(self) -> None:
        def create(username, display_name, role, password):
            return lambda s, actor: accounts.create_user(s, actor, username, display_name, role, password)

        self._open(NewUserDialog(create, self))

    def edit_user(self) -> None:
        user = self.selected()
        if user is None:
            return

        def update(display_name, role):
            return lambda s, actor: accounts.update_user(s, actor, user.id, display_name=display_name, role=role)

        self._open(EditUserDialog(user.username, user.display_name, user.role, update, self))

    def reset_password(self) -> None:
        user = self.selected()
        if user is None:
            return
        self._open(ResetPasswordDialog(
            user.username, lambda pw: lambda s, actor: accounts.reset_password(s, actor, user.id, pw), self))

    def toggle_active(self) -> None:
        user = self.selected()
        if user is None:
            return
        Op(self, lambda s, actor: accounts.set_active(s, actor, user.id, not user.active)).run()

    def change_own_password(self) -> None:
        self._open(OwnPasswordDialog(lambda old, new: lambda s, actor: accounts.change_own_password(s, actor, old, new), self))

    def save_idle_lock(self) -> None:
        seconds = self.idle_spin.value() * 60
        Op(self, lambda s, actor: accounts.set_idle_lock_seconds(s, actor, seconds)).run()
