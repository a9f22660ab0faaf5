"""Answering a modal dialog that a click opens with exec(): queue the answer before the click."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QAbstractButton, QApplication


def answer_modal(qtbot, button_text: str, object_name: str = "", attempts: int = 200) -> None:
    """When a modal dialog (optionally with this objectName) is up, click its button `button_text`."""

    def try_click(left: int = attempts) -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None or (object_name and dialog.objectName() != object_name):
            if left:
                QTimer.singleShot(20, lambda: try_click(left - 1))
            return
        for button in dialog.findChildren(QAbstractButton):
            if button.text() == button_text:
                qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
                return
        # close it so exec() returns and the test fails instead of hanging on a dialog no one answers
        texts = [b.text() for b in dialog.findChildren(QAbstractButton)]
        getattr(dialog, "reject", dialog.close)()
        raise AssertionError(f"no button {button_text!r} in {dialog.objectName()}; it has {texts}")

    QTimer.singleShot(0, try_click)
