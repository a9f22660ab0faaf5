"""Waiting for the window to finish its background work (operations and refreshes) before
looking at it, as a user waits for a list to appear."""

from __future__ import annotations

from zkdesk.ui import ops


def settle(qtbot, timeout: int = 15000) -> None:
    """Wait until no operation is running and no refresh is due."""
    qtbot.waitUntil(lambda: ops.running() == 0, timeout=timeout)


def closed(dialog) -> bool:
    """The dialog is gone: hidden, or already deleted after it finished."""
    from shiboken6 import isValid

    return not isValid(dialog) or not dialog.isVisible()


def error_text(dialog) -> str:
    """The dialog's red error line, for an assertion message ("" once the dialog is gone)."""
    from PySide6.QtWidgets import QLabel
    from shiboken6 import isValid

    label = dialog.findChild(QLabel, "errorLabel") if isValid(dialog) else None
    return label.text() if label is not None else ""
