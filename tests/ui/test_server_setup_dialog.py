"""The first-run dialog's 连接单位服务器: 测试连接 says what it found, an empty server database is
set up with the office and its administrator, one already set up needs neither; the program
remembers the server without the password and starts over on it; a database that would sort
text differently from SQLite is refused with the command that creates a right one."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QDialog
from sqlalchemy import select, text

from tests import databases
from tests.conftest import NANSAN, PASSWORD, make_office
from tests.ui.settle import settle
from zkdesk.app import AppRunner, ServerChosen
from zkdesk.config import Home, database_target, remembered_server
from zkdesk.services.auth import login_and_commit
from zkdesk.services.office import office_code
from zkdesk.store.engine import Database
from zkdesk.store.migrate import open_database
from zkdesk.store.models import User
from zkdesk.ui.setup_dialog import SetupDialog

pytestmark = pytest.mark.postgresql
LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def local_db(home):
    db = open_database(home.db_path)
    yield db
    db.dispose()


def _point_at(qtbot, dialog: SetupDialog, url) -> None:
    where = dialog.where
    qtbot.mouseClick(where.server, LEFT)
    assert where.box.isVisible()
    for edit, value in ((where.host, url.host), (where.port, str(url.port)), (where.database, url.database),
                        (where.username, url.username)):
        edit.clear()
        qtbot.keyClicks(edit, value)
    qtbot.mouseClick(where.test_button, LEFT)
    qtbot.waitUntil(lambda: where.result.text() not in ("", "正在连接…"), timeout=20000)


def _finish(qtbot, dialog: SetupDialog) -> None:
    from PySide6.QtWidgets import QDialogButtonBox

    settle(qtbot)  # the offices to choose from are read in the background: a user sees them first

    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), LEFT)


def test_an_empty_server_database_is_set_up_with_the_office_and_its_administrator(qtbot, local_db):
    url = databases.server.empty()
    dialog = SetupDialog(local_db)
    qtbot.addWidget(dialog)
    dialog.show()
    _point_at(qtbot, dialog, url)
    assert dialog.where.result.text().startswith("连接成功") and "空数据库" in dialog.where.result.text()
    dialog.select_office(NANSAN)
    for edit, value in ((dialog.username, "admin"), (dialog.password, PASSWORD), (dialog.password2, PASSWORD)):
        qtbot.keyClicks(edit, value)
    typed = QInputMethodEvent()  # Chinese arrives from the input method as a commit
    typed.setCommitString("管理员")
    dialog.display_name.setFocus()
    QApplication.sendEvent(dialog.display_name, typed)
    assert dialog.display_name.text() == "管理员"
    _finish(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=30000)
    assert dialog.chosen_server == (url.render_as_string(hide_password=False), None)
    server = open_database(url)
    try:
        with server.read_session() as s:
            assert office_code(s) == NANSAN
        assert login_and_commit(server, "admin", PASSWORD).office_code == NANSAN
    finally:
        server.dispose()


def test_a_server_already_set_up_needs_no_office_and_no_administrator(qtbot, local_db):
    url = databases.server.fresh()
    server = Database(url)
    make_office(server, NANSAN)
    dialog = SetupDialog(local_db)
    qtbot.addWidget(dialog)
    dialog.show()
    _point_at(qtbot, dialog, url)
    assert "南伞镇" in dialog.where.result.text() and dialog.form_note.isVisible()
    assert not dialog.username.isEnabled() and not dialog.office.isEnabled()
    _finish(qtbot, dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted
    with server.read_session() as s:
        assert s.scalars(select(User.username)).all() == ["admin"]  # nobody new
    server.dispose()


def test_a_database_sorting_text_otherwise_is_refused_and_finishing_needs_a_good_test(qtbot, local_db):
    name = f"{databases.server.prefix}_zh"
    databases.server._execute(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' "
                              "LOCALE_PROVIDER icu ICU_LOCALE 'zh' LC_COLLATE 'C' LC_CTYPE 'C'")
    databases.server.made.append(name)
    url = databases.server.url_of(name)
    dialog = SetupDialog(local_db)
    qtbot.addWidget(dialog)
    dialog.show()
    _point_at(qtbot, dialog, url)
    message = dialog.where.result.text()
    assert "排序规则" in message and "LC_COLLATE 'C'" in message
    _finish(qtbot, dialog)
    assert dialog.isVisible() and dialog.error.text() == "请先点“测试连接”，连接成功后再完成设置"
    db = Database(url)
    with db.engine.connect() as conn:  # nothing was created there
        assert conn.execute(text("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")).scalar() == 0
    db.dispose()


def test_the_program_remembers_the_chosen_server_without_its_password_and_starts_over_on_it(qtbot, home, monkeypatch):
    monkeypatch.delenv("ZKDESK_DATABASE", raising=False)
    url = databases.server.fresh()
    server = Database(url)
    make_office(server, NANSAN)
    server.dispose()
    typed = url.set(password="secret-not-kept").render_as_string(hide_password=False)
    seen = []

    def sign_in(db):
        seen.append(db)
        if not db.is_server:
            return ServerChosen(url.render_as_string(hide_password=False), "secret-not-kept")
        return login_and_commit(db, "admin", PASSWORD)

    runner = AppRunner(QApplication.instance(), home, sign_in=sign_in)
    try:
        assert runner.start()
        assert [db.is_server for db in seen] == [False, True]
        assert runner.db.is_server and runner.window is not None
        assert remembered_server(home) == url.render_as_string(hide_password=False)
        assert "secret" not in home.server_file.read_text(encoding="utf-8")
        assert str(database_target(Home(home.root))) == url.render_as_string(hide_password=False)
        assert typed != remembered_server(home)
    finally:
        runner._close_window()
        runner._close_db()
