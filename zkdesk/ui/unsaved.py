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

from PySide6.QtWidgets import QMessageBox, QWidget

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
