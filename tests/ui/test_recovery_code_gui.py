"""The 恢复码 in the window: printed or saved from the first-run dialog, and 用恢复码重设密码 on
the login dialog (opens the data key with it, sets the new password, rewraps, logs in)."""

from __future__ import annotations

import os
import stat

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication, QDialog, QPushButton
from sqlalchemy import select

from tests.conftest import PASSWORD, make_office
from zkdesk.services import key_slots
from zkdesk.services.auth import LoginFailed, login_and_commit
from zkdesk.services.exchange_keys import office_keys
from zkdesk.store.models import AuditEntry, User
from zkdesk.ui import file_dialogs
from zkdesk.ui.login_dialog import LoginDialog, RecoveryResetDialog
from zkdesk.ui.recovery_code_dialog import RecoveryCodeDialog

CODE = "ABCDE-FGHJK-LMNPQ-RSTUV-WXYZ2-34567"


def test_the_recovery_code_is_saved_owner_only_and_printed(qtbot, tmp_path, monkeypatch):
    shown = RecoveryCodeDialog(CODE, office_name="南伞镇总工会（530924103）")
    qtbot.addWidget(shown)
    shown.show()
    target = tmp_path / "恢复码.txt"
    monkeypatch.setattr(file_dialogs, "save_file", lambda *a, **k: target)
    qtbot.mouseClick(shown.findChild(QPushButton, "recoverySave"), Qt.MouseButton.LeftButton)
    text = target.read_text(encoding="utf-8")
    assert f"恢复码：{CODE}" in text and "南伞镇总工会" in text and "用恢复码重设" in text
    if os.name == "posix":
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert "不要留在这台电脑上" in shown.saved.text()

    pdf = tmp_path / "sheet.pdf"
    printer = QPrinter()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(pdf))
    shown.print_to(printer)
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 1000


def _fill(qtbot, dialog: RecoveryResetDialog, code: str, password: str, again: str | None = None) -> None:
    for edit, text in ((dialog.code, code), (dialog.password, password), (dialog.password2, again or password)):
        edit.clear()
        qtbot.keyClicks(edit, text)
    qtbot.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Ok), Qt.MouseButton.LeftButton)


def test_a_forgotten_password_is_reset_with_the_recovery_code(qtbot, fresh_db):
    make_office(fresh_db)
    with fresh_db.session() as s:
        admin = s.scalars(select(User)).one()
        fingerprint = office_keys(s).fingerprint
        code = key_slots.new_recovery_code(s, _actor(admin))
    key_slots.forget_unlocked()  # the program started again; nobody knows the password
    login = LoginDialog(fresh_db, "镇康县总工会", username="admin")
    qtbot.addWidget(login)
    login.show()

    def answer() -> None:
        dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, RecoveryResetDialog) and w.isVisible())
        _fill(qtbot, dialog, "AAAAA-BBBBB-CCCCC-DDDDD-EEEEE-FFFFF", "new-pass-2026")
        qtbot.waitUntil(lambda: not dialog.busy)  # the 恢复码 is checked off the GUI thread
        assert dialog.error.text().startswith("恢复码不正确") and dialog.isVisible()
        _fill(qtbot, dialog, code.lower().replace("-", " "), "new-pass-2026", "new-pass-2027")
        assert dialog.error.text() == "两次输入的新密码不一致"
        _fill(qtbot, dialog, code.lower().replace("-", " "), "new-pass-2026")

    QTimer.singleShot(0, answer)
    qtbot.mouseClick(login.findChild(QPushButton, "forgotPassword"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not login.busy)  # the login with the new password is checked off the GUI thread
    assert login.result() == QDialog.DialogCode.Accepted and login.actor.username == "admin"
    key_slots.forget_unlocked()
    login_and_commit(fresh_db, "admin", "new-pass-2026")  # the new password opens the data key
    with fresh_db.session() as s:
        assert office_keys(s).fingerprint == fingerprint
        actions = s.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert "recovery_failed" in actions and "password_reset_recovery" in actions
    key_slots.forget_unlocked()
    with pytest.raises(LoginFailed):
        login_and_commit(fresh_db, "admin", PASSWORD)


def _actor(user):
    from zkdesk.domain.roles import Role
    from zkdesk.services.actor import Actor

    return Actor(username=user.username, display_name=user.display_name, role=Role.ADMIN, office_code="530924",
                 user_id=user.id)
