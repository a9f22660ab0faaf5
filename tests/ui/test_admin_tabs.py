"""系统管理: 用户管理, 备份与恢复 and 操作日志 driven with qtbot; a restore restarts onto the data."""

import sqlite3

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QDialogButtonBox, QLabel, QPushButton, QTabWidget
from sqlalchemy import select

from tests.conftest import PASSWORD, make_office
from tests.ui.modal import answer_modal
from tests.ui.settle import settle
from zkdesk.app import AppRunner, build_context
from zkdesk.domain.roles import Role
from zkdesk.services import accounts
from zkdesk.services.auth import login_and_commit
from zkdesk.services.backups import backup_files
from zkdesk.store.migrate import open_database
from zkdesk.store.models import AuditEntry, User
from zkdesk.ui.main_window import MainWindow
from zkdesk.ui.pages.admin.user_dialogs import NewUserDialog

LEFT = Qt.MouseButton.LeftButton


def _admin_tab(window, label, qtbot=None):
    page = window.show_page("admin")
    tabs = page.findChild(QTabWidget, "adminTabs")
    for i in range(tabs.count()):
        if tabs.tabText(i) == label:
            tabs.setCurrentIndex(i)
            if qtbot is not None:
                settle(qtbot)  # the tab reads its data off the GUI thread when shown
            return tabs.widget(i)
    raise AssertionError(f"no tab {label}")


def _rows(table):
    """The list's texts as the user reads them, row by row."""
    return [[c.text(row) for c in table.columns] for row in table.shown_rows()]


def _tab_labels(window):
    tabs = window.show_page("admin").findChild(QTabWidget, "adminTabs")
    return [tabs.tabText(i) for i in range(tabs.count())]


def _ok(dialog):
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)


def test_admin_creates_a_user_through_the_dialog_then_disables_them(main_window, qtbot):
    assert _tab_labels(main_window) == ["概况", "用户管理", "备份与恢复", "操作日志"]
    tab = _admin_tab(main_window, "用户管理", qtbot)
    qtbot.mouseClick(tab.findChild(QPushButton, "newUserButton"), LEFT)
    dialog = tab.findChild(NewUserDialog)
    assert dialog is not None and dialog.isVisible()
    qtbot.keyClicks(dialog.username, "li_na")
    dialog.display_name.insert("李娜")  # keyClicks types ASCII only; Chinese comes from an input method
    dialog.role.setCurrentIndex(dialog.role.findText("审核员"))
    qtbot.keyClicks(dialog.password, "li_na")
    qtbot.keyClicks(dialog.password2, "li_na")
    qtbot.mouseClick(_ok(dialog), LEFT)
    settle(qtbot)  # the service refuses it off the GUI thread
    assert "至少需要8位" in dialog.error.text() and dialog.isVisible() and _ok(dialog).isEnabled()
    for edit in (dialog.password, dialog.password2):
        edit.clear()
        qtbot.keyClicks(edit, "li-na-pass-1")
    qtbot.mouseClick(_ok(dialog), LEFT)
    settle(qtbot)
    assert not dialog.isVisible()

    table = tab.findChild(object, "usersTable")
    assert [r[0] for r in _rows(table)] == ["admin", "li_na"]
    assert _rows(table)[1][:4] == ["li_na", "李娜", "审核员", "启用"]

    table.selectRow(1)
    toggle = tab.findChild(QPushButton, "toggleActiveButton")
    assert toggle.text() == "停用"
    qtbot.mouseClick(toggle, LEFT)
    settle(qtbot)
    assert _rows(table)[1][3] == "停用" and toggle.text() == "启用" and table.current_row().username == "li_na"
    with main_window.ctx.db.session() as s:
        assert s.scalars(select(User.active).where(User.username == "li_na")).one() is False


def test_the_idle_lock_time_is_saved_from_the_users_tab(main_window, qtbot):
    tab = _admin_tab(main_window, "用户管理", qtbot)
    spin = tab.findChild(object, "idleLockSpin")
    assert spin.value() == 15
    spin.setValue(5)
    qtbot.mouseClick(tab.findChild(QPushButton, "saveIdleLockButton"), LEFT)
    settle(qtbot)
    with main_window.ctx.db.session() as s:
        assert accounts.idle_lock_seconds(s) == 300
    assert main_window.idle_lock.seconds == 300  # the window follows the new setting


def test_a_viewer_sees_the_users_but_cannot_manage_and_has_no_backup_or_log_tabs(qtbot, home):
    db = open_database(home.db_path, home.backups_dir)
    admin = make_office(db)
    with db.session() as s:
        accounts.create_user(s, admin, "kan", "只看", Role.VIEWER, "kan-pass-123")
    viewer = login_and_commit(db, "kan", "kan-pass-123")
    window = MainWindow(build_context(home, db, viewer))
    qtbot.addWidget(window)
    assert _tab_labels(window) == ["概况", "用户管理"]
    window.show()
    tab = _admin_tab(window, "用户管理", qtbot)
    tab.findChild(object, "usersTable").selectRow(0)
    for name in ("newUserButton", "editUserButton", "resetPasswordButton", "toggleActiveButton", "saveIdleLockButton"):
        assert not tab.findChild(QPushButton, name).isEnabled(), name
    assert tab.findChild(QPushButton, "ownPasswordButton").isEnabled()
    window.close()
    settle(qtbot)
    db.dispose()


def test_backup_now_runs_in_the_background_and_lists_the_verified_file(main_window, qtbot):
    tab = _admin_tab(main_window, "备份与恢复")
    table = tab.findChild(object, "backupsTable")
    assert table.rowCount() == 0
    qtbot.mouseClick(tab.findChild(QPushButton, "backupNowButton"), LEFT)
    qtbot.waitUntil(lambda: table.rowCount() == 1, timeout=10000)
    assert table.item(0, 1).text() == "手动备份" and table.item(0, 3).text().endswith("-manual.sqlite3")
    assert "已备份并校验" in tab.findChild(QLabel, "backupStatus").text()
    assert len(backup_files(main_window.ctx.home.backups_dir)) == 1


def test_audit_tab_filters_exports_and_verifies(main_window, qtbot, tmp_path):
    db = main_window.ctx.db
    with db.session() as s:
        accounts.create_user(s, main_window.ctx.actor, "li_na", "李娜", Role.CLERK, "li-na-pass-1")
    login_and_commit(db, "li_na", "li-na-pass-1")
    main_window.ctx.bus.notify("users")
    tab = _admin_tab(main_window, "操作日志", qtbot)
    table = tab.findChild(object, "auditTable")
    rows = _rows(table)
    assert len(rows) == 3 and rows[0][1] == "li_na" and rows[0][2] == "登录"
    users = tab.findChild(QComboBox, "auditUserCombo")
    users.setCurrentIndex(users.findText("admin"))
    settle(qtbot)
    assert {r[1] for r in _rows(table)} == {"admin"} and table.row_count() == 2
    assert tab.findChild(QLabel, "auditCountLabel").text() == "共 2 条"

    tab.export_to(tmp_path / "log")
    settle(qtbot)
    assert (tmp_path / "log.xlsx").exists()
    assert "已导出 2 条" in tab.findChild(QLabel, "auditVerifyLabel").text()

    verify = tab.findChild(QPushButton, "auditVerifyButton")
    label = tab.findChild(QLabel, "auditVerifyLabel")
    qtbot.mouseClick(verify, LEFT)
    qtbot.waitUntil(lambda: label.text().startswith("校验通过"), timeout=10000)

    with sqlite3.connect(db.path) as con:  # edited behind the program's back
        con.execute("UPDATE audit_log SET details='{}' WHERE id=2")
    qtbot.mouseClick(verify, LEFT)
    qtbot.waitUntil(lambda: "第2条被改动" in label.text(), timeout=10000)


def _answer_file_dialog(qtbot, seen: dict, choose) -> None:
    """When the program's own file dialog is up: note where it opened, then choose a path in it."""
    from PySide6.QtCore import QTimer

    def answer(left: int = 200) -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None or dialog.objectName() != "fileDialog":
            if left:
                QTimer.singleShot(20, lambda: answer(left - 1))
            elif dialog is not None:
                dialog.reject()  # another dialog: closed, so the test fails instead of hanging
            return
        seen["folder"], seen["title"] = dialog.directory().absolutePath(), dialog.windowTitle()
        dialog.selectFile(str(choose))
        dialog.accept()

    QTimer.singleShot(0, answer)


def test_the_audit_export_asks_in_the_programs_file_dialog_and_remembers_the_folder(main_window, qtbot, tmp_path):
    from zkdesk.ui import file_dialogs

    tab = _admin_tab(main_window, "操作日志", qtbot)
    remembered = tmp_path / "上次导出"
    remembered.mkdir()
    file_dialogs.remember("audit-export", remembered)
    target = tmp_path / "日志" / "操作日志.xlsx"
    target.parent.mkdir()
    seen = {}
    _answer_file_dialog(qtbot, seen, target)
    qtbot.mouseClick(tab.findChild(QPushButton, "auditExportButton"), LEFT)
    settle(qtbot)
    assert seen == {"folder": str(remembered), "title": "导出操作日志"}  # opened where the last export went
    assert target.exists() and "已导出" in tab.findChild(QLabel, "auditVerifyLabel").text()
    seen.clear()
    _answer_file_dialog(qtbot, seen, target.parent / "again.xlsx")
    qtbot.mouseClick(tab.findChild(QPushButton, "auditExportButton"), LEFT)
    settle(qtbot)
    assert seen["folder"] == str(target.parent)  # the folder chosen this time is remembered


def test_restore_from_the_backups_tab_restarts_onto_the_restored_data(qtbot, home):
    db = open_database(home.db_path, home.backups_dir)
    make_office(db)
    db.dispose()
    signed_in = []

    def sign_in(database):  # stands in for the login dialog
        signed_in.append(database)
        return login_and_commit(database, "admin", PASSWORD)

    runner = AppRunner(QApplication.instance(), home, sign_in=sign_in)
    assert runner.start()
    first_window = runner.window
    tab = _admin_tab(first_window, "备份与恢复")
    table = tab.findChild(object, "backupsTable")
    assert table.rowCount() == 1 and table.item(0, 1).text() == "每日首次启动"  # the day's first start

    with runner.db.session() as s:  # work done after that backup
        accounts.create_user(s, first_window.ctx.actor, "later", "后来的人", Role.CLERK, "later-pass-12")
    table.selectRow(0)
    answer_modal(qtbot, "恢复", "restoreConfirmBox")
    qtbot.mouseClick(tab.findChild(QPushButton, "restoreButton"), LEFT)

    assert len(signed_in) == 2 and runner.window is not first_window and runner.window.isVisible()
    with runner.db.session() as s:
        assert s.scalars(select(User.username)).all() == ["admin"]
        assert s.scalars(select(AuditEntry.action).order_by(AuditEntry.id.desc())).first() == "login"
        assert "restore" in s.scalars(select(AuditEntry.action)).all()
    triggers = sorted(b.trigger for b in backup_files(home.backups_dir))
    assert triggers == ["daily", "restore"]  # the state before the restore was kept
    runner.shutdown()
    assert sorted(b.trigger for b in backup_files(home.backups_dir)) == ["daily", "exit", "restore"]
