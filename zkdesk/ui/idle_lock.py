"""The window locks after a configurable idle time and needs the password again.

An event filter on the QApplication sees every key press, click, wheel turn and mouse move in
any of the program's windows and restarts the idle timer. When it runs out, an opaque overlay
covers the whole main window (the data behind it is not visible) and the window's content is
disabled until the logged-in user types the password. Wrong passwords count towards the same
five-attempt lockout as the login.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QDialog, QFrame, QHBoxLayout, QLabel, QLineEdit, QMainWindow, QPushButton, QVBoxLayout, QWidget

from shiboken6 import isValid

from zkdesk.services.accounts import idle_lock_seconds
from zkdesk.services.auth import login_and_commit
from zkdesk.ui import bus, ops
from zkdesk.ui.form_parts import error_label
from zkdesk.ui.ops import QueryOp
from zkdesk.ui.tasks import run_task

log = logging.getLogger("zkdesk")

ACTIVITY = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
    }
)


class LockOverlay(QWidget):
    unlock_requested = Signal(str)
    quit_requested = Signal()

    def __init__(self, parent: QWidget, who: str):
        super().__init__(parent)
        self.setObjectName("lockOverlay")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet("#lockOverlay { background: #2b3440; } #lockPanel { background: white; border-radius: 6px; }")

        panel = QFrame(objectName="lockPanel")
        panel.setFixedWidth(380)
        title = QLabel("<h3>窗口已锁定</h3>")
        note = QLabel(f"长时间无操作，为保护个人信息已锁定。\n请 {who} 输入密码解锁。", wordWrap=True)
        self.password = QLineEdit(objectName="lockPasswordEdit", echoMode=QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("密码")
        self.error = error_label("lockErrorLabel")
        self.unlock_button = QPushButton("解锁", objectName="unlockButton", default=True)
        self.quit_button = QPushButton("退出程序", objectName="lockQuitButton")
        self.unlock_button.clicked.connect(self._submit)
        self.password.returnPressed.connect(self._submit)
        self.quit_button.clicked.connect(self.quit_requested)

        buttons = QHBoxLayout()
        buttons.addWidget(self.quit_button)
        buttons.addStretch(1)
        buttons.addWidget(self.unlock_button)
        inner = QVBoxLayout(panel)
        inner.setContentsMargins(24, 20, 24, 20)
        for w in (title, note, self.password, self.error):
            inner.addWidget(w)
        inner.addLayout(buttons)

        outer = QVBoxLayout(self)
        outer.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(panel)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(1)
        self.hide()

    def _submit(self) -> None:
        self.unlock_requested.emit(self.password.text())


class IdleLock(QObject):
    locked_changed = Signal(bool)

    def __init__(self, window: QMainWindow, ctx):
        super().__init__(window)
        self.window, self.ctx = window, ctx
        self.locked = False
        self.hidden_dialogs: list[QDialog] = []
        self.seconds = 0
        self.timer = QTimer(self, singleShot=True, objectName="idleTimer")
        self.timer.timeout.connect(self.lock)
        self.overlay = LockOverlay(window, ctx.actor.display_name)
        self.overlay.unlock_requested.connect(self.try_unlock)
        self.overlay.quit_requested.connect(window.close)
        ctx.bus.records_changed.connect(self._on_changes)
        QApplication.instance().installEventFilter(self)
        self.reload()

    def _on_changes(self, changes: bus.Changes) -> None:
        if changes.touches(bus.SETTINGS, bus.USERS):
            self.reload()

    def reload(self) -> None:
        """Read the idle time from the settings (the administrator may have changed it), off the
        GUI thread; until it arrives the previous time stays."""
        QueryOp(self.window, lambda s, _actor: idle_lock_seconds(s), ctx=self.ctx) \
            .success(self._set_seconds).failure(lambda message: log.warning("idle lock time unread: %s", message)).run()

    def _set_seconds(self, seconds: int) -> None:
        self.seconds = seconds
        if self.seconds and not self.locked:
            self.timer.start(self.seconds * 1000)
        elif not self.seconds:
            self.timer.stop()

    def stop(self) -> None:
        """For a window about to close: no more locking."""
        self.timer.stop()
        QApplication.instance().removeEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in ACTIVITY:
            if not self.locked and self.seconds:
                self.timer.start(self.seconds * 1000)
        elif kind == QEvent.Type.Resize and obj is self.window and self.locked:
            self.overlay.setGeometry(self.window.rect())
        return False

    def lock(self) -> None:
        if self.locked:
            return
        self.locked = True
        self.timer.stop()
        central = self.window.centralWidget()
        if central is not None:
            central.setEnabled(False)
        self.overlay.error.clear()
        self.overlay.password.clear()
        self.overlay.setGeometry(self.window.rect())
        # Dialogs opened from the window (a record being edited) would stay on top of the overlay,
        # readable and blocking the password box: hidden, with what is typed in them, until unlocked.
        self.hidden_dialogs = [d for d in self.window.findChildren(QDialog)
                               if d.isVisible() and d.windowModality() != Qt.WindowModality.ApplicationModal]
        for dialog in self.hidden_dialogs:
            dialog.hide()
        self.overlay.show()
        self.overlay.raise_()
        self.overlay.password.setFocus()
        self.locked_changed.emit(True)

    def try_unlock(self, password: str) -> None:
        """The password is checked on the writer thread (the hash takes a moment, and a wrong
        attempt is recorded like a login's); the overlay waits with its button greyed."""
        if not self.overlay.unlock_button.isEnabled():
            return  # a check is already running
        db, username = self.ctx.db, self.ctx.actor.username
        self.overlay.unlock_button.setEnabled(False)
        token = object()
        ops.hold(token)
        run_task(self.overlay, lambda: login_and_commit(db, username, password, purpose="unlock"),
                 lambda _actor: self._unlocked(), self._refused, pool=ops.writer_pool(),
                 on_settled=lambda: ops.release(token))

    def _refused(self, message: str) -> None:
        self.overlay.unlock_button.setEnabled(True)
        self.overlay.error.setText(message)
        self.overlay.password.clear()
        self.overlay.password.setFocus()

    def _unlocked(self) -> None:
        self.overlay.unlock_button.setEnabled(True)
        self.locked = False
        self.overlay.hide()
        central = self.window.centralWidget()
        if central is not None:
            central.setEnabled(True)
        if self.seconds:
            self.timer.start(self.seconds * 1000)
        dialogs, self.hidden_dialogs = self.hidden_dialogs, []
        for dialog in dialogs:
            if isValid(dialog):
                dialog.show()  # window-modal again, as it was opened
        self.locked_changed.emit(False)
