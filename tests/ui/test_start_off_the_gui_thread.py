"""The program's start and end touch the database only off the GUI thread (issue 16): the login
dialog's worker reads what the window opens with, the start reads whether the office is set up
in the background, the backup on exit runs on the writer thread. The window builds a page when
it is first shown, so a start builds (and reads for) the first page only."""

from __future__ import annotations

import threading

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QWidget

from tests.conftest import PASSWORD, make_office
from tests.ui.settle import settle
from zkdesk.app import AppRunner, SignedIn
from zkdesk.store import engine
from zkdesk.store.migrate import open_database
from zkdesk.ui.login_dialog import LoginDialog
from zkdesk.ui.pages import PAGES
from zkdesk.ui.widgets.record_view import RecordView


def _sessions_on_the_gui_thread(monkeypatch) -> list[str]:
    """Every session opened on the GUI thread, by anyone (the program's own start included)."""
    opened: list[str] = []
    gui = threading.main_thread()

    def hook(kind: str) -> None:
        if threading.current_thread() is gui:
            opened.append(kind)

    monkeypatch.setattr(engine, "session_hook", hook)
    return opened


def _log_in_when_asked(qtbot, password: str = PASSWORD) -> None:
    def try_login(left: int = 500) -> None:
        login = QApplication.activeModalWidget()
        if not isinstance(login, LoginDialog):
            if left:
                QTimer.singleShot(20, lambda: try_login(left - 1))
            return
        login.username.setText("admin")
        login.password.setText(password)
        qtbot.mouseClick(login.buttons.button(login.buttons.StandardButton.Ok), Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, try_login)


def test_login_start_and_exit_open_no_session_on_the_gui_thread(qtbot, home, monkeypatch):
    db = open_database(home.db_path, home.backups_dir)
    make_office(db)
    db.dispose()
    backups = set(home.backups_dir.glob("*"))
    signed = []
    from zkdesk import app as app_module

    def sign_in(database):
        answer = app_module.sign_in(database)  # the real dialogs
        signed.append(answer)
        return answer

    opened = _sessions_on_the_gui_thread(monkeypatch)
    runner = AppRunner(QApplication.instance(), home, sign_in=sign_in)
    _log_in_when_asked(qtbot)
    assert runner.start()
    try:
        assert isinstance(signed[0], SignedIn) and signed[0].facts.office_name == "镇康县总工会"
        window = runner.window
        assert window.ctx.office_name == "镇康县总工会" and window.ctx.townships  # read by the login's worker
        settle(qtbot)
        for spec in PAGES:
            window.show_page(spec.key)
            settle(qtbot)
    finally:
        settle(qtbot)
        runner.shutdown()
    assert opened == []
    assert set(home.backups_dir.glob("*")) > backups  # the exit backup was made, on the writer thread


def test_a_stand_in_login_that_gives_only_the_user_still_reads_nothing_on_the_gui_thread(qtbot, home, monkeypatch):
    from zkdesk.services.auth import login_and_commit

    db = open_database(home.db_path, home.backups_dir)
    make_office(db)
    db.dispose()
    opened = _sessions_on_the_gui_thread(monkeypatch)
    after_login: list[int] = []

    def stand_in(database):  # test code on the GUI thread: its own sessions are not the program's
        actor = login_and_commit(database, "admin", PASSWORD)
        after_login.append(len(opened))
        return actor

    runner = AppRunner(QApplication.instance(), home, sign_in=stand_in)
    assert runner.start()
    try:
        assert after_login and opened[after_login[0]:].count("read") == 0  # the office facts came from a worker
        assert runner.window.ctx.office_name == "镇康县总工会"
    finally:
        settle(qtbot)
        runner.shutdown()


def test_pages_are_built_when_first_shown_and_never_open_a_window_of_their_own(main_window, qtbot):
    shown: list[str] = []

    class Windows(QObject):
        def eventFilter(self, obj, event):  # noqa: N802 - Qt naming
            if event.type() == QEvent.Type.Show and isinstance(obj, QWidget) and obj.isWindow():
                shown.append(f"{type(obj).__name__} {obj.objectName()}")
            return False

    assert list(main_window.pages) == [PAGES[0].key]  # the start builds the first page only
    watcher = Windows()
    QApplication.instance().installEventFilter(watcher)
    try:
        for spec in PAGES[1:]:
            page = main_window.show_page(spec.key)
            settle(qtbot)
            assert main_window.stack.currentWidget() is page and page.isVisible(), spec.key
            assert main_window.pages[spec.key] is page
    finally:
        QApplication.instance().removeEventFilter(watcher)
    assert shown == []  # a widget shown before it had a parent would be a window of its own
    assert list(main_window.pages) == [spec.key for spec in PAGES]
    assert main_window.stack.count() == len(PAGES)
    # the Delete key reaches the lists of pages built after the menus
    delete = main_window.findChild(QAction, "actionDelete")
    views = main_window.pages["enterprises"].findChildren(RecordView)
    assert views and all(delete in view.actions() for view in views)


def test_the_program_start_shows_the_login_first_and_opens_the_database_meanwhile(qtbot, home, monkeypatch):
    """run_gui's start (early_login): the login dialog is up before the database is open; a
    password entered at once waits for it and is checked then; nothing of it on the GUI thread."""
    db = open_database(home.db_path, home.backups_dir)
    make_office(db)
    db.dispose()
    opened = _sessions_on_the_gui_thread(monkeypatch)
    seen: dict[str, object] = {}

    def type_at_once(left: int = 500) -> None:
        login = QApplication.activeModalWidget()
        if not isinstance(login, LoginDialog):
            if left:
                QTimer.singleShot(5, lambda: type_at_once(left - 1))
            return
        seen["db at first"] = login.db
        seen["title at first"] = login.windowTitle()
        login.username.setText("admin")
        login.password.setText(PASSWORD)
        login.submit()  # before the database is open: checked once it is
        seen["waiting"] = login.submit_when_open or login.busy

    QTimer.singleShot(0, type_at_once)
    runner = AppRunner(QApplication.instance(), home, early_login=True)
    assert runner.start()
    try:
        assert seen["db at first"] is None and seen["title at first"] == "登录" and seen["waiting"]
        assert runner.window.ctx.office_name == "镇康县总工会" and runner.window.ctx.actor.username == "admin"
        assert runner.db is runner.window.ctx.db
        assert list(home.backups_dir.glob("*daily*"))  # the day's backup, made by the start's thread
        settle(qtbot)
    finally:
        runner.shutdown()
    assert opened == []


def test_an_early_start_on_an_office_not_set_up_takes_the_first_run_way(qtbot, home):
    """A database without an office: the early login dialog goes, the first-run dialog comes."""
    from zkdesk.ui.setup_dialog import SetupDialog

    open_database(home.db_path, home.backups_dir).dispose()  # created, nobody set it up
    dialogs: list[str] = []

    def answer(left: int = 1000) -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, SetupDialog):
            dialogs.append("setup")
            dialog.reject()
            return
        if isinstance(dialog, LoginDialog) and "login" not in dialogs:
            dialogs.append("login")
        if left:
            QTimer.singleShot(5, lambda: answer(left - 1))

    QTimer.singleShot(0, answer)
    runner = AppRunner(QApplication.instance(), home, early_login=True)
    assert not runner.start()  # the clerk closed the first-run dialog
    assert dialogs[-1] == "setup" and runner.db is None


def test_the_warm_up_loads_its_modules_and_stops_when_asked(qtbot, caplog):
    import sys

    from zkdesk.ui.warm_up import WarmUp

    owner = QObject()
    warm = WarmUp(owner, background=("zkdesk.services.progress",), gui=("zkdesk.ui.change_watch",)).start()
    qtbot.waitUntil(warm.finished)
    assert "zkdesk.services.progress" in sys.modules and "zkdesk.ui.change_watch" in sys.modules

    stopped = WarmUp(owner, background=("zkdesk.no_such_module_a",), gui=("zkdesk.no_such_module_b",))
    stopped.stop()  # the password came first: nothing more is loaded, and it still finishes
    stopped.start()
    qtbot.waitUntil(stopped.finished)
    assert "could not import" not in caplog.text  # neither was tried

    failing = WarmUp(owner, background=("zkdesk.no_such_module_a",), gui=()).start()
    qtbot.waitUntil(failing.finished)  # a module that fails is only logged (it fails again where used)
    assert "could not import zkdesk.no_such_module_a" in caplog.text
