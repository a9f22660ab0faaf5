from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QApplication, QCheckBox, QDialog, QDialogButtonBox, QLabel
from sqlalchemy import select

from tests.conftest import PASSWORD, make_office
from tests.ui.settle import settle
from zkdesk.services import key_slots
from zkdesk.services.office import office_code
from zkdesk.store.models import AuditEntry, User
from zkdesk.ui.fonts import register_bundled_fonts
from zkdesk.ui.login_dialog import LoginDialog
from zkdesk.ui.recovery_code_dialog import RecoveryCodeDialog
from zkdesk.ui.setup_dialog import SetupDialog


def _ok(dialog):
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)


def test_setup_dialog_creates_the_office_and_admin(qtbot, fresh_db, gui_thread_sessions):
    dialog = SetupDialog(fresh_db)
    qtbot.addWidget(dialog)
    dialog.select_office("530924205")  # chosen as soon as the list arrives
    settle(qtbot)  # the offices are read off the GUI thread
    assert dialog.office.count() == 8  # the county union and seven townships
    assert dialog.office.currentData() == "530924205"
    qtbot.keyClicks(dialog.username, "zhang")
    qtbot.keyClicks(dialog.password, "zhang-pass-123")
    qtbot.keyClicks(dialog.password2, "zhang-pass-12")
    qtbot.mouseClick(_ok(dialog), Qt.MouseButton.LeftButton)
    assert dialog.error.text() == "两次输入的密码不一致"
    assert dialog.result() != QDialog.DialogCode.Accepted
    qtbot.keyClicks(dialog.password2, "3")
    qtbot.mouseClick(_ok(dialog), Qt.MouseButton.LeftButton)
    assert dialog.error.text() == "正在建立本单位的数据…" and not _ok(dialog).isEnabled()
    settle(qtbot)  # created on the writer thread
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert not gui_thread_sessions, gui_thread_sessions
    with fresh_db.session() as s:
        assert office_code(s) == "530924205"
        assert s.scalars(select(User.username)).all() == ["zhang"]
        # the 恢复码 it made opens the office's data key
        assert len(dialog.recovery_code) == 35 and key_slots.unlock_with_recovery_code(s, dialog.recovery_code)


def test_the_recovery_code_is_shown_once_and_done_waits_until_it_is_written_down(qtbot):
    shown = RecoveryCodeDialog("ABCDE-FGHJK-LMNPQ-RSTUV-WXYZ2-34567")
    qtbot.addWidget(shown)
    shown.show()
    assert shown.findChild(QLabel, "recoveryCode").text() == "ABCDE-FGHJK-LMNPQ-RSTUV-WXYZ2-34567"
    assert not shown.done_button.isEnabled()
    shown.reject()  # Esc does not skip it
    assert shown.isVisible()
    box = shown.findChild(QCheckBox, "recoveryWritten")
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))  # on its tick box
    assert shown.done_button.isEnabled()
    qtbot.mouseClick(shown.done_button, Qt.MouseButton.LeftButton)
    assert shown.result() == QDialog.DialogCode.Accepted


def test_setup_dialog_refuses_a_weak_password(qtbot, fresh_db):
    dialog = SetupDialog(fresh_db)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.username, "admin")
    qtbot.keyClicks(dialog.password, "admin")
    qtbot.keyClicks(dialog.password2, "admin")
    settle(qtbot)
    qtbot.mouseClick(_ok(dialog), Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert "至少需要8位" in dialog.error.text() and _ok(dialog).isEnabled()
    with fresh_db.session() as s:
        assert s.scalars(select(User)).all() == []


def _press_return_and_wait(qtbot, dialog) -> None:
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    settle(qtbot)  # the password is checked off the GUI thread


def test_login_refuses_a_wrong_password_then_accepts_the_right_one(qtbot, fresh_db, gui_thread_sessions):
    make_office(fresh_db)
    dialog = LoginDialog(fresh_db, "镇康县总工会", username="admin")
    qtbot.addWidget(dialog)
    dialog.show()  # Return reaches the default button only in a shown dialog
    qtbot.keyClicks(dialog.password, "wrong-password")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    # being checked: the dialog says so, a second Return is not a second attempt
    checking = dialog.findChild(QLabel, "loginChecking")
    assert checking.isVisible() and checking.text() == "正在验证…"
    assert not _ok(dialog).isEnabled()
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    settle(qtbot)
    assert not checking.isVisible() and _ok(dialog).isEnabled()
    assert "用户名或密码错误" in dialog.error.text()
    assert dialog.actor is None and dialog.password.text() == ""
    qtbot.keyClicks(dialog.password, PASSWORD)
    _press_return_and_wait(qtbot, dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.actor.username == "admin" and dialog.actor.office_code == "530924"
    assert not gui_thread_sessions, gui_thread_sessions  # the dialog itself opened none
    with fresh_db.session() as s:
        actions = s.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-2:] == ["login_failed", "login"]
    assert actions.count("login_failed") == 1  # two key presses while checking, one attempt


def test_five_wrong_passwords_lock_the_account(qtbot, fresh_db):
    make_office(fresh_db)
    dialog = LoginDialog(fresh_db, "镇康县总工会", username="admin")
    qtbot.addWidget(dialog)
    dialog.show()  # Return reaches the default button only in a shown dialog
    for _ in range(5):
        qtbot.keyClicks(dialog.password, "nope-nope-nope")
        _press_return_and_wait(qtbot, dialog)
    assert "连续错误5次" in dialog.error.text()
    qtbot.keyClicks(dialog.password, PASSWORD)
    _press_return_and_wait(qtbot, dialog)
    assert "锁定" in dialog.error.text() and dialog.actor is None


def test_main_window_navigation_and_status_bar(main_window, qtbot):
    labels = [main_window.nav.item(i).text() for i in range(main_window.nav.count())]
    assert labels == ["指标台账", "劳模推荐", "三室一站", "集体合同企业", "打印报表", "数据交换", "系统管理"]
    assert "镇康县总工会（530924）" in main_window.findChild(QLabel, "officeStatus").text()
    assert "管理员" in main_window.findChild(QLabel, "userStatus").text()
    main_window.nav.setCurrentRow(6)
    assert main_window.stack.currentWidget().objectName() == "page_admin"
    page = main_window.stack.currentWidget()
    page.show_tab(page.users)
    settle(qtbot)  # a tab reads its list when it is shown
    assert page.users.findChild(object, "usersTable").column_texts(0) == ["admin"]


def test_bundled_cjk_font_is_registered_with_qt(qtbot):
    families = register_bundled_fonts()
    assert "ZKDesk Hei" in families
    assert QFontDatabase.hasFamily("ZKDesk Hei")
    assert QApplication.font().families()  # a font is set, with the bundled one in the chain
