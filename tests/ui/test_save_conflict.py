"""Two clerks on one record: the one who saves second is told who changed what and chooses
重新载入 (the form shows the other's version) or 仍然覆盖 (their version replaces it)."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLineEdit

from tests.enterprise_helpers import add_enterprise
from tests.ui.modal import answer_modal
from tests.ui.settle import closed, settle
from zkdesk.domain.roles import Role
from zkdesk.services import accounts
from zkdesk.services.auth import login_and_commit
from zkdesk.services.enterprises import get_enterprise, update_enterprise
from zkdesk.store.engine import Database
from zkdesk.store.models import Enterprise
from zkdesk.ui.enterprises.enterprise_dialog import EnterpriseDialog


def _open_form(main_window, qtbot):
    ctx = main_window.ctx
    with ctx.db.session() as s:
        rid = add_enterprise(s, ctx.actor, "南伞糖厂")
        accounts.create_user(s, ctx.actor, "li", "李四", Role.CLERK, "li-pass-123")
    dialog = EnterpriseDialog(ctx, rid, parent=main_window)
    dialog.show()
    settle(qtbot)
    assert dialog.findChild(QLineEdit, "entName").text() == "南伞糖厂"
    return ctx, rid, dialog


def _other_clerk_changes_the_phone(ctx, rid) -> None:
    """李四, on another PC, saves a new phone number meanwhile."""
    other = Database(ctx.db.url, ctx.db.password)
    try:
        li = login_and_commit(other, "li", "li-pass-123")
        with other.session() as s:
            form = get_enterprise(s, li, rid)
            update_enterprise(s, li, rid, replace(form.data, contact_phone="0883-6123456"), seen_revision=form.revision)
    finally:
        other.dispose()


def _type_note_and_save(qtbot, dialog, text: str) -> None:
    note = dialog.findChild(QLineEdit, "entNote")
    note.setFocus()
    qtbot.keyClicks(note, text)
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)


def _answer_conflict(qtbot, button: str) -> list[str]:
    """When the conflict box is up, note what it says and click `button`; returns the notes."""
    texts: list[str] = []

    def look(left: int = 500) -> None:
        box = QApplication.activeModalWidget()
        if box is None or box.objectName() != "conflictBox":
            if left:
                QTimer.singleShot(20, lambda: look(left - 1))
            return
        texts.append(box.text())
        answer_modal(qtbot, button, "conflictBox")

    QTimer.singleShot(0, look)
    return texts


def _stored(ctx, rid) -> tuple[str, str]:
    with ctx.db.read_session() as s:
        ent = s.get(Enterprise, rid)
        return ent.contact_phone, ent.note


def test_reload_shows_the_other_clerks_version_and_keeps_it(main_window, qtbot):
    ctx, rid, dialog = _open_form(main_window, qtbot)
    _other_clerk_changes_the_phone(ctx, rid)
    texts = _answer_conflict(qtbot, "重新载入")
    _type_note_and_save(qtbot, dialog, "my note")
    settle(qtbot)
    assert texts and texts[0].startswith("李四（li） 在 ") and "联系电话" in texts[0]
    assert not closed(dialog)  # the form stays, now with the other clerk's version
    assert dialog.findChild(QLineEdit, "entPhone").text() == "0883-6123456"
    assert dialog.findChild(QLineEdit, "entNote").text() == ""
    assert _stored(ctx, rid) == ("0883-6123456", "")
    # saving again from the reloaded form is fine
    _type_note_and_save(qtbot, dialog, "after reload")
    settle(qtbot)
    assert closed(dialog)
    assert _stored(ctx, rid) == ("0883-6123456", "after reload")


def test_overwrite_replaces_the_other_clerks_version(main_window, qtbot):
    ctx, rid, dialog = _open_form(main_window, qtbot)
    _other_clerk_changes_the_phone(ctx, rid)
    texts = _answer_conflict(qtbot, "仍然覆盖")
    _type_note_and_save(qtbot, dialog, "mine")
    settle(qtbot)
    qtbot.waitUntil(lambda: closed(dialog))
    assert _stored(ctx, rid) == ("", "mine")
    assert texts and texts[0].startswith("李四（li） 在 ") and "联系电话" in texts[0] and "仍然覆盖" in texts[0]
