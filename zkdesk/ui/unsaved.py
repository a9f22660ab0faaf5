"""Unsaved work is never lost: one question, 保存 / 放弃 / 取消, before anything would throw it away.

An editor that can hold unsaved work (the entry grid, a record dialog) offers three methods:

- `unsaved_changes() -> str`: "" when nothing is unsaved, otherwise a short Chinese description;
- `save_changes(done)`: saves, then calls `done(True)`; when the save is refused (bad input, a
  conflict) it shows why as it always does and calls `done(False)`; it may finish later (an Op);
- `discard_changes()`: forgets what was typed.

Whoever is about to throw work away (switching unit, year, plan or page, logging out, closing the
window) calls `guard(parent, editors, proceed)`: `proceed()` runs at once when nothing is dirty,
after the save succeeded, or after 放弃; never after 取消 or a refused save. Callers that react to a
signal (a combo's new index) put the old state back first and let `proceed` apply the new one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QDialog,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

SAVE, DISCARD, CANCEL = "save", "discard", "cancel"


def ask(parent: QWidget | None, details: list[str]) -> str:
    """保存 (the default) / 放弃 / 取消 (also Esc and the window's close button)."""
    text = "以下修改尚未保存：\n" + "\n".join(f"· {d}" for d in details) + "\n\n是否保存？"
    box = QMessageBox(QMessageBox.Icon.Warning, "有未保存的修改", text, QMessageBox.StandardButton.NoButton, parent)
    box.setObjectName("unsavedBox")
    save = box.addButton("保存", QMessageBox.ButtonRole.AcceptRole)
    discard = box.addButton("放弃", QMessageBox.ButtonRole.DestructiveRole)
    cancel = box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
    save.setObjectName("unsavedSave")
    discard.setObjectName("unsavedDiscard")
    cancel.setObjectName("unsavedCancel")
    box.setDefaultButton(save)
    box.setEscapeButton(cancel)
    box.exec()
    clicked = box.clickedButton()
    if clicked is save:
        return SAVE
    if clicked is discard:
        return DISCARD
    return CANCEL


def editors_in(*roots: QWidget | None) -> list:
    """The roots and their descendant widgets that can hold unsaved work, each once."""
    found, seen = [], set()
    for root in roots:
        if root is None:
            continue
        for widget in [root, *root.findChildren(QWidget)]:
            if hasattr(widget, "unsaved_changes") and id(widget) not in seen:
                seen.add(id(widget))
                found.append(widget)
    return found


def dirty(editors: Iterable) -> list:
    return [e for e in editors if e.unsaved_changes()]


def guard(parent: QWidget | None, editors: Iterable, proceed: Callable[[], None]) -> None:
    """Ask once about every dirty editor; `proceed()` only when nothing typed would be lost."""
    pending = dirty(editors)
    if not pending:
        proceed()
        return
    answer = ask(parent, [e.unsaved_changes() for e in pending])
    if answer == CANCEL:
        return
    if answer == DISCARD:
        for editor in pending:
            editor.discard_changes()
        proceed()
        return
    _save_each(pending, proceed)


def _save_each(pending: list, proceed: Callable[[], None]) -> None:
    if not pending:
        proceed()
        return
    first, rest = pending[0], pending[1:]

    def done(ok: bool) -> None:
        if ok and not first.unsaved_changes():
            _save_each(rest, proceed)

    first.save_changes(done)


def track_edits(dialog: QDialog, save: Callable[[Callable[[bool], None]], None]) -> None:
    """Make a record dialog one of the editors `guard` asks about.

    What the user types, picks or ticks in it (not what the program fills in) marks it dirty
    until it is saved or closed. `save(done)` saves as the dialog's own 保存 button does and calls
    `done(ok)`; a dialog that closes itself on success may leave that to its `accepted` signal
    (`save_by_accepting`). 放弃 closes the dialog without saving.
    """
    state = {"dirty": False, "pending": None}

    def mark(*_args) -> None:
        state["dirty"], state["pending"] = True, None  # typing again: an earlier 保存 no longer answers

    for edit in dialog.findChildren(QLineEdit):
        edit.textEdited.connect(mark)
    for combo in dialog.findChildren(QComboBox):
        combo.activated.connect(mark)
    for button in dialog.findChildren(QAbstractButton):
        if button.isCheckable():
            button.clicked.connect(mark)
    for text in [*dialog.findChildren(QTextEdit), *dialog.findChildren(QPlainTextEdit)]:
        text.textChanged.connect(lambda text=text: text.hasFocus() and mark())

    def answered(ok: bool) -> None:
        pending, state["pending"] = state["pending"], None
        if ok:
            state["dirty"] = False
        if pending is not None:
            pending(ok)

    def unsaved_changes() -> str:
        return f"{dialog.windowTitle()}：填写的内容" if state["dirty"] else ""

    def save_changes(done: Callable[[bool], None]) -> None:
        state["pending"] = done
        save(answered)

    def discard_changes() -> None:
        state["dirty"] = False
        dialog.reject()

    dialog.finished.connect(lambda _result: state.update(dirty=False))
    dialog.unsaved_changes, dialog.save_changes, dialog.discard_changes = unsaved_changes, save_changes, discard_changes


def save_by_accepting(dialog: QDialog, submit: Callable[[], None]) -> Callable[[Callable[[bool], None]], None]:
    """For track_edits: a dialog whose save (often in the background) ends with accept() on success;
    a refused save shows its reason in the dialog and never answers (nothing is closed)."""
    def save(done: Callable[[bool], None]) -> None:
        def accepted() -> None:
            dialog.accepted.disconnect(accepted)
            done(True)

        dialog.accepted.connect(accepted)
        submit()

    return save
