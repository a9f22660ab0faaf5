"""Parts of every form dialog: a red line saying why a save was refused, OK/Cancel buttons with
Chinese labels, and long choice lists one can type into to find an entry."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QCompleter, QDialog, QDialogButtonBox, QLabel

ERROR_COLOUR = "#b00020"


def error_label(object_name: str = "errorLabel") -> QLabel:
    """Empty until a refusal is shown; wraps long messages instead of widening the dialog."""
    label = QLabel(objectName=object_name, wordWrap=True)
    label.setStyleSheet(f"color: {ERROR_COLOUR};")
    return label


def ok_cancel(dialog: QDialog, on_ok: Callable[[], None], ok_text: str = "确定", cancel_text: str = "取消",
              ok_name: str = "") -> QDialogButtonBox:
    """OK runs `on_ok` (which accepts the dialog when it is done), Cancel rejects the dialog."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
    ok.setText(ok_text)
    if ok_name:
        ok.setObjectName(ok_name)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(cancel_text)
    buttons.accepted.connect(on_ok)
    buttons.rejected.connect(dialog.reject)
    return buttons


def searchable(combo: QComboBox) -> QComboBox:
    """A long choice list (enterprises, studios, people) one can type into: the entries containing
    what is typed drop down; typing never adds an entry."""
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    completer = combo.completer()
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
    return combo
