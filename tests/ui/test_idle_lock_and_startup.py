"""The idle lock (short configured timeout, qtbot.waitUntil), its lockout, and the start-up
integrity check offering the newest good backup of a damaged database."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QPushButton, QWidget
from sqlalchemy import select

from tests.backup_helpers import damage_database, table_dump
from tests.conftest import PASSWORD, make_office
from tests.ui.modal import answer_modal
from tests.ui.settle import settle
from zkdesk.app import AppRunner, build_context
from zkdesk.domain.roles import Role
from zkdesk.services import accounts
from zkdesk.services.auth import login_and_commit
from zkdesk.services.backups import backup_now
from zkdesk.store.backup_file import integrity_ok
from zkdesk.store.migrate import open_database
from zkdesk.store.models import AuditEntry
from zkdesk.ui.main_window import MainWindow

LEFT = Qt.MouseButton.LeftButton


def _window_with_idle_lock(qtbot, home, seconds):
    db = open_database(home.db_path, home.backups_dir)
    admin = make_office(db)
    with db.session() as s:
        accounts.set_idle_lock_seconds(s, admin, seconds)
    window = MainWindow(build_context(home, db, admin))
    qtbot.addWidget(window)
    window.show()
    return window, db


def _type_and_unlock(qtbot, overlay, password):
    edit = overlay.findChild(QLineEdit, "lockPasswordEdit")
    qtbot.keyClicks(edit, password)
    qtbot.mouseClick(overlay.findChild(QPushButton, "unlockButton"), LEFT)
    settle(qtbot)  # the password is checked off the GUI thread


def test_the_window_locks_when_idle_and_needs_the_password(qtbot, home):
    window, db = _window_with_idle_lock(qtbot, home, seconds=1)
    overlay = window.idle_lock.box
    assert not overlay.isVisible()
    qtbot.waitUntil(overlay.isVisible, timeout=5000)
    assert QApplication.activeModalWidget() is overlay  # nothing behind the password box can be used
    cover = window.findChild(QWidget, "lockCover")
    assert cover.isVisible() and cover.geometry() == window.rect()  # and nothing behind it can be seen

    _type_and_unlock(qtbot, overlay, "not-the-password")
    assert "用户名或密码错误" in overlay.findChild(QLabel, "lockErrorLabel").text()
    assert overlay.isVisible()
    _type_and_unlock(qtbot, overlay, PASSWORD)
    assert not overlay.isVisible() and window.centralWidget().isEnabled()
    assert not any(c.isVisible() for c in window.findChildren(QWidget, "lockCover"))
    with db.session() as s:
        actions = s.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-2:] == ["unlock_failed", "unlock"]
    qtbot.waitUntil(overlay.isVisible, timeout=5000)  # idle again: locked again
    window.close()
    settle(qtbot)
    db.dispose()


def test_five_wrong_passwords_at_the_lock_lock_the_account(qtbot, home):
    window, db = _window_with_idle_lock(qtbot, home, seconds=1)
    overlay = window.idle_lock.box
    qtbot.waitUntil(overlay.isVisible, timeout=5000)
    for _ in range(5):
        _type_and_unlock(qtbot, overlay, "wrong-wrong-wrong")
    error = overlay.findChild(QLabel, "lockErrorLabel")
    assert "连续错误5次" in error.text()
    _type_and_unlock(qtbot, overlay, PASSWORD)
    assert "锁定" in error.text() and overlay.isVisible()
    window.close()
    settle(qtbot)
    db.dispose()


def test_activity_keeps_the_window_unlocked_and_zero_means_never(qtbot, home):
    window, db = _window_with_idle_lock(qtbot, home, seconds=600)
    qtbot.waitUntil(lambda: window.idle_lock.seconds == 600)  # the setting is read in the background
    timer = window.idle_lock.timer
    assert timer.isActive() and timer.interval() == 600_000
    timer.start(50)  # as if almost ten minutes had passed ...
    qtbot.keyClick(window.nav, Qt.Key.Key_Down)  # ... when the user presses a key
    assert timer.interval() == 600_000 and timer.remainingTime() > 1000
    with db.session() as s:
        accounts.set_idle_lock_seconds(s, window.ctx.actor, 0)
    window.ctx.bus.notify("settings")
    settle(qtbot)
    assert window.idle_lock.seconds == 0 and not timer.isActive()
    window.close()
    settle(qtbot)
    db.dispose()


def _office_with_a_backup_then_damaged(home):
    db = open_database(home.db_path, home.backups_dir)
    admin = make_office(db)
    with db.session() as s:
        accounts.create_user(s, admin, "li_na", "李娜", Role.CLERK, "li-na-pass-1")
    backup_now(home, db.path, "exit")
    db.dispose()
    before = table_dump(home.db_path)
    damage_database(home.db_path)
    return before


def test_a_damaged_database_is_detected_at_start_up_and_the_restore_is_offered(qtbot, home):
    before = _office_with_a_backup_then_damaged(home)
    runner = AppRunner(QApplication.instance(), home, sign_in=lambda db: login_and_commit(db, "li_na", "li-na-pass-1"))
    answer_modal(qtbot, "恢复最新的完好备份", "damagedDialog")
    assert runner.start()  # the dialog came up, the user chose to restore, the login followed

    assert integrity_ok(home.db_path) == (True, "")
    assert runner.window.isVisible() and runner.window.ctx.actor.username == "li_na"
    runner.shutdown()
    assert table_dump(home.db_path, skip=("audit_log", "app_user")) == {k: v for k, v in before.items() if k != "app_user"}
    assert list((home.backups_dir / "damaged").glob("*.sqlite3"))  # the damaged file kept aside


def test_the_damaged_dialog_says_it_plainly_and_quitting_touches_nothing(qtbot, home):
    _office_with_a_backup_then_damaged(home)
    damaged = home.db_path.read_bytes()
    messages = []

    def look_then_quit():
        dialog = QApplication.activeModalWidget()
        messages.append(dialog.findChild(QLabel, "damagedMessage").text())
        qtbot.mouseClick(dialog.findChild(QPushButton, "quitButton"), LEFT)

    from PySide6.QtCore import QTimer

    QTimer.singleShot(0, look_then_quit)
    runner = AppRunner(QApplication.instance(), home, sign_in=lambda db: None)
    assert runner.start() is False
    assert "数据库文件已损坏" in messages[0] and "最新的完好备份是" in messages[0]
    assert home.db_path.read_bytes() == damaged
