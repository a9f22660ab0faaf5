"""Values typed into the grid are never thrown away without a question: switching the unit or the
page, closing the window (also from the idle lock), signing out ask 保存 / 放弃 / 取消."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QPushButton, QWidget

from tests.conftest import NANSAN, PASSWORD, make_office
from tests.ui.modal import answer_modal
from tests.ui.settle import settle
from tests.ui.test_indicator_grid import FENGWEI, _cell, _choose, _click, _page, _stored, _type
from zkdesk.ui.indicators.entry_model import COL_CHANGED, COL_VALUE

SAVE, DISCARD, CANCEL = "保存", "放弃", "取消"


def _typed(main_window, qtbot, org="南伞镇", value="7"):
    page, view = _page(main_window, qtbot)
    _choose(qtbot, page.findChild(QComboBox, "yearCombo"), "2023年")
    _choose(qtbot, page.findChild(QComboBox, "entryOrg"), org)
    _click(qtbot, view, "04.2", COL_VALUE)
    _type(qtbot, view, value)
    assert _cell(view, "04.2", COL_CHANGED) == "（未保存）"
    return page, view


def _value(main_window, org, year=2023, code="04.2"):
    stored = _stored(main_window, org, year).get(code)
    return stored.value if stored else None


@pytest.mark.parametrize("answer", [SAVE, DISCARD, CANCEL])
def test_switching_the_unit_asks(main_window, qtbot, answer):
    page, view = _typed(main_window, qtbot)
    org = page.findChild(QComboBox, "entryOrg")
    answer_modal(qtbot, answer, "unsavedBox")
    _choose(qtbot, org, "凤尾镇")
    if answer == CANCEL:
        assert org.currentText() == "南伞镇"
        assert _cell(view, "04.2", COL_VALUE) == "7" and _cell(view, "04.2", COL_CHANGED) == "（未保存）"
        assert _value(main_window, NANSAN) is None
        return
    assert org.currentText() == "凤尾镇"
    assert _cell(view, "04.2", COL_VALUE) == ""  # 凤尾镇's own (empty) values
    assert _value(main_window, NANSAN) == (7 if answer == SAVE else None)
    assert _value(main_window, FENGWEI) is None


def _settled(main_window, view, answer):
    """After 保存 the value is stored, after 放弃 it is gone; either way nothing is left unsaved."""
    assert _value(main_window, NANSAN) == (7 if answer == SAVE else None)
    assert not main_window.unsaved_editors() or not any(e.unsaved_changes() for e in main_window.unsaved_editors())


def _still_typed(main_window, view):
    assert _cell(view, "04.2", COL_VALUE) == "7" and _cell(view, "04.2", COL_CHANGED) == "（未保存）"
    assert _value(main_window, NANSAN) is None


@pytest.mark.parametrize("answer", [SAVE, DISCARD, CANCEL])
def test_switching_the_page_asks(main_window, qtbot, answer):
    page, view = _typed(main_window, qtbot)
    answer_modal(qtbot, answer, "unsavedBox")
    main_window.nav.setCurrentRow(main_window.nav.row(main_window.nav.findItems("劳模推荐", Qt.MatchFlag.MatchExactly)[0]))
    settle(qtbot)
    if answer == CANCEL:
        assert main_window.stack.currentWidget() is page and main_window.nav.currentItem().text() == "指标台账"
        _still_typed(main_window, view)
        return
    assert main_window.stack.currentWidget() is main_window.pages["nominations"]
    assert main_window.nav.currentItem().text() == "劳模推荐"
    _settled(main_window, view, answer)


def test_switching_the_page_with_nothing_typed_asks_nothing(main_window, qtbot):
    _page(main_window, qtbot)
    main_window.show_page("studios")  # a question would block here (no one answers it)
    assert main_window.stack.currentWidget() is main_window.pages["studios"]


@pytest.mark.parametrize("answer", [SAVE, DISCARD, CANCEL])
def test_closing_the_window_asks(main_window, qtbot, answer):
    page, view = _typed(main_window, qtbot)
    answer_modal(qtbot, answer, "unsavedBox")
    main_window.close()
    settle(qtbot)
    if answer == CANCEL:
        assert main_window.isVisible()
        _still_typed(main_window, view)
        return
    qtbot.waitUntil(lambda: not main_window.isVisible())
    _settled(main_window, view, answer)


def test_closing_the_window_with_nothing_typed_just_closes(main_window, qtbot):
    _page(main_window, qtbot)
    assert main_window.close() and not main_window.isVisible()


@pytest.mark.parametrize("answer", [SAVE, DISCARD, CANCEL])
def test_the_lock_keeps_typed_values_and_quitting_from_it_asks(main_window, qtbot, answer):
    page, view = _typed(main_window, qtbot)
    main_window.idle_lock.lock()
    overlay = main_window.idle_lock.box
    assert overlay.isVisible()
    _still_typed(main_window, view)  # locking throws nothing away
    answer_modal(qtbot, answer, "unsavedBox")
    qtbot.mouseClick(overlay.findChild(QPushButton, "lockQuitButton"), Qt.MouseButton.LeftButton)
    settle(qtbot)
    if answer == CANCEL:
        assert main_window.isVisible() and overlay.isVisible()  # still locked, values still there
        _still_typed(main_window, view)
        return
    qtbot.waitUntil(lambda: not main_window.isVisible())
    _settled(main_window, view, answer)


def test_unlocking_finds_the_typed_values_still_there(main_window, qtbot):
    page, view = _typed(main_window, qtbot)
    main_window.idle_lock.lock()
    overlay = main_window.idle_lock.box
    qtbot.keyClicks(overlay.findChild(QLineEdit, "lockPasswordEdit"), PASSWORD)
    qtbot.mouseClick(overlay.findChild(QPushButton, "unlockButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not overlay.isVisible())  # the password is checked in the background
    _still_typed(main_window, view)


@pytest.mark.parametrize("answer", [SAVE, DISCARD, CANCEL])
def test_signing_out_asks_then_shows_the_login(qtbot, home, answer):
    from zkdesk.app import AppRunner
    from zkdesk.services.auth import login_and_commit
    from zkdesk.store.migrate import open_database

    db = open_database(home.db_path, home.backups_dir)
    make_office(db)
    db.dispose()
    logins = []

    def sign_in(db):
        logins.append(db)
        return login_and_commit(db, "admin", PASSWORD)

    runner = AppRunner(QApplication.instance(), home, sign_in=sign_in)
    assert runner.start()
    first = runner.window
    try:
        page, view = _typed(first, qtbot)
        answer_modal(qtbot, answer, "unsavedBox")
        first.findChild(QAction, "actionSignOut").trigger()
        settle(qtbot)
        if answer == CANCEL:
            assert runner.window is first and first.isVisible() and len(logins) == 1
            _still_typed(first, view)
            return
        qtbot.waitUntil(lambda: runner.window is not first)
        assert len(logins) == 2 and runner.window.isVisible()  # the login came back, then a new window
        assert _value(runner.window, NANSAN) == (7 if answer == SAVE else None)
    finally:
        settle(qtbot)
        if runner.window is not None:
            runner.window.may_close = True
        runner.shutdown()


def _covered(window) -> bool:
    return any(c.isVisible() and c.geometry() == window.rect() for c in window.findChildren(QWidget, "lockCover"))


def _unlock(qtbot, main_window):
    box = main_window.idle_lock.box
    assert box.isVisible() and QApplication.activeModalWidget() is box  # above every dialog, taking the input
    qtbot.keyClicks(box.findChild(QLineEdit, "lockPasswordEdit"), PASSWORD)
    qtbot.mouseClick(box.findChild(QPushButton, "unlockButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not box.isVisible())  # the password is checked in the background


def test_the_lock_covers_an_open_record_dialog_and_gives_it_back_as_it_was(main_window, qtbot):
    page = main_window.show_page("enterprises")
    settle(qtbot)
    page.new_enterprise()
    dialog = QApplication.activeModalWidget()
    name = dialog.findChild(QLineEdit, "entName")
    qtbot.keyClicks(name, "Nansan Sugar Mill")
    main_window.idle_lock.lock()
    assert dialog.isVisible() and _covered(dialog) and _covered(main_window)  # open, and nothing readable
    _unlock(qtbot, main_window)
    assert dialog.isVisible() and name.text() == "Nansan Sugar Mill" and not _covered(dialog)
    assert QApplication.activeModalWidget() is dialog and dialog.unsaved_changes()  # still to be saved
    dialog.reject()
    settle(qtbot)


def test_the_lock_leaves_a_dialog_in_exec_and_a_message_box_open(main_window, qtbot):
    """A dialog run with exec() (设立届次) and a message box over it: the lock ends neither."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QMessageBox

    page = main_window.show_page("nominations")
    settle(qtbot)
    seen = {}

    def while_open() -> None:
        dialog = QApplication.activeModalWidget()
        name = dialog.findChild(QLineEdit, "sessionNameEdit")
        qtbot.keyClicks(name, "The 5th session")
        box = QMessageBox(QMessageBox.Icon.Information, "提示", "一条消息", QMessageBox.StandardButton.Ok, dialog)
        box.open()
        main_window.idle_lock.lock()
        seen["covered"] = (_covered(dialog), _covered(box), _covered(main_window))
        _unlock(qtbot, main_window)
        seen["after"] = (dialog.isVisible(), box.isVisible(), name.text(), _covered(dialog) or _covered(box))
        box.accept()
        seen["modal"] = QApplication.activeModalWidget() is dialog
        dialog.reject()

    QTimer.singleShot(0, while_open)
    page.new_session()  # exec(): returns only when while_open closes the dialog
    assert seen == {"covered": (True, True, True), "after": (True, True, "The 5th session", False), "modal": True}
    settle(qtbot)


@pytest.mark.parametrize("answer", [SAVE, DISCARD, CANCEL])
def test_quitting_from_the_lock_asks_about_a_record_dialog_left_open(main_window, qtbot, answer):
    from zkdesk.store.models import Enterprise

    page = main_window.show_page("enterprises")
    settle(qtbot)
    page.new_enterprise()
    dialog = QApplication.activeModalWidget()
    township = dialog.findChild(QComboBox, "entTownship")
    assert township.currentText() == "（请选择乡镇）"  # the county chooses; nothing chosen for it
    township.setCurrentIndex(township.findText("南伞镇"))
    qtbot.keyClicks(dialog.findChild(QLineEdit, "entName"), "Nansan Sugar")  # typed by the user
    main_window.idle_lock.lock()
    overlay = main_window.idle_lock.box
    answer_modal(qtbot, answer, "unsavedBox")
    if answer == SAVE:  # only a name: the dialog says what its indicators miss
        answer_modal(qtbot, "仍然保存", "incompleteBox")
    qtbot.mouseClick(overlay.findChild(QPushButton, "lockQuitButton"), Qt.MouseButton.LeftButton)
    settle(qtbot)
    if answer != CANCEL:
        qtbot.waitUntil(lambda: not main_window.isVisible())
    settle(qtbot)
    with main_window.ctx.db.session() as s:
        saved = [e.name for e in s.query(Enterprise).all()]
    if answer == CANCEL:
        assert main_window.isVisible() and overlay.isVisible() and saved == []
        return
    assert saved == (["Nansan Sugar"] if answer == SAVE else [])


def test_a_dialog_only_filled_by_the_program_asks_nothing(main_window, qtbot):
    page = main_window.show_page("enterprises")
    settle(qtbot)
    page.new_enterprise()
    dialog = QApplication.activeModalWidget()
    dialog.findChild(QLineEdit, "entName").setText("程序填入的名称")
    assert dialog.unsaved_changes() == ""
    dialog.reject()
    settle(qtbot)
