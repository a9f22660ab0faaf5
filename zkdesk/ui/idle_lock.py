"""The window locks after a configurable idle time and needs the password again.

An event filter on the QApplication sees every key press, click, wheel turn and mouse move in
any of the program's windows and restarts the idle timer. When it runs out, an opaque cover is
laid over every window on screen (the main window and any dialog or message box open over it:
the data behind is not visible) and an application-modal password box is shown above them all.
Nothing is closed or hidden, so a dialog being filled in (its exec() still running) is there as
it was once the logged-in user types the password. Wrong passwords count towards the same
five-attempt lockout as the login.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QApplication, QDialog, QHBoxLayout, QLabel, QLineEdit, QMainWindow, QPushButton, QToolTip, QVBoxLayout, QWidget

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


class LockCover(QWidget):
    """An opaque sheet over one window while the program is locked: nothing behind it can be
    read. The window stays open underneath, with everything typed in it (a dialog's exec() goes
    on)."""

    def __init__(self, window: QWidget):
        super().__init__(window)
        self.setObjectName("lockCover")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet("#lockCover { background: #2b3440; }")
        window.installEventFilter(self)  # follows the window's size (also a resize still on its way)
        self.setGeometry(window.rect())
        self.show()
        self.raise_()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and obj is self.parentWidget():
            self.setGeometry(obj.rect())
        return False


class LockBox(QDialog):
    """The password box: application-modal and shown above every window, so it takes the
    keyboard and the mouse from every other window, dialogs opened with exec() included, without
    closing any of them. It cannot be closed but by the right password or 退出程序."""

    unlock_requested = Signal(str)
    quit_requested = Signal()

    def __init__(self, parent: QWidget, who: str):
        super().__init__(parent, Qt.WindowType.Dialog | Qt.WindowType.CustomizeWindowHint | Qt.WindowType.WindowTitleHint)
        self.setObjectName("lockBox")
        self.setWindowTitle("窗口已锁定")
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.setFixedWidth(380)
        title = QLabel("<h3>窗口已锁定</h3>")
        note = QLabel(f"长时间无操作，为保护个人信息已锁定。\n请 {who} 输入密码解锁。\n"
                      "打开的窗口和填写的内容都保留着，解锁后继续。", wordWrap=True)
        self.password = QLineEdit(objectName="lockPasswordEdit", echoMode=QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("密码")
        self.error = error_label("lockErrorLabel")
        self.unlock_button = QPushButton("解锁", objectName="unlockButton", default=True)
        self.quit_button = QPushButton("退出程序", objectName="lockQuitButton", autoDefault=False)
        self.unlock_button.clicked.connect(self._submit)
        self.password.returnPressed.connect(self._submit)
        self.quit_button.clicked.connect(self.quit_requested)

        buttons = QHBoxLayout()
        buttons.addWidget(self.quit_button)
        buttons.addStretch(1)
        buttons.addWidget(self.unlock_button)
        inner = QVBoxLayout(self)
        inner.setContentsMargins(24, 20, 24, 20)
        for w in (title, note, self.password, self.error):
            inner.addWidget(w)
        inner.addLayout(buttons)

    def _submit(self) -> None:
        self.unlock_requested.emit(self.password.text())

    def reject(self) -> None:
        """Esc does not unlock."""

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt's name)
        event.ignore()  # the window manager's close does not unlock either


def _windows_to_cover() -> list[QWidget]:
    """Every window of the program on screen: the main window, dialogs, message boxes, file
    dialogs (menus and other popups are closed instead)."""
    skip = (Qt.WindowType.Popup, Qt.WindowType.ToolTip, Qt.WindowType.SplashScreen)
    return [w for w in QApplication.topLevelWidgets()
            if w.isWindow() and w.isVisible() and w.windowType() not in skip and not isinstance(w, LockBox)]


class IdleLock(QObject):
    locked_changed = Signal(bool)

    def __init__(self, window: QMainWindow, ctx):
        super().__init__(window)
        self.window, self.ctx = window, ctx
        self.locked = False
        self.covers: dict[QWidget, LockCover] = {}
        self.seconds = 0
        self.timer = QTimer(self, singleShot=True, objectName="idleTimer")
        self.timer.timeout.connect(self.lock)
        self.box = LockBox(window, ctx.actor.display_name)
        self.box.unlock_requested.connect(self.try_unlock)
        self.box.quit_requested.connect(window.close)
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
        if event.type() in ACTIVITY and not self.locked and self.seconds:
            self.timer.start(self.seconds * 1000)
        return False

    def lock(self) -> None:
        """Cover every window and ask for the password above them all. Nothing is closed or
        hidden: a dialog being filled in keeps running (its exec() does not return) and keeps
        what is typed in it until the right password is given."""
        if self.locked:
            return
        self.locked = True
        self.timer.stop()
        while (popup := QApplication.activePopupWidget()) is not None:
            popup.close()  # an open menu or drop-down list would show above the covers
        QToolTip.hideText()
        central = self.window.centralWidget()
        if central is not None:
            central.setEnabled(False)
        self.covers = {w: LockCover(w) for w in _windows_to_cover()}
        self.box.error.clear()
        self.box.password.clear()
        self.box.unlock_button.setEnabled(True)
        self.box.show()
        self.box.raise_()
        self.box.activateWindow()
        self.box.password.setFocus()
        self.locked_changed.emit(True)

    def try_unlock(self, password: str) -> None:
        """The password is checked on the writer thread (the hash takes a moment, and a wrong
        attempt is recorded like a login's); the box waits with its button greyed."""
        if not self.box.unlock_button.isEnabled():
            return  # a check is already running
        db, username = self.ctx.db, self.ctx.actor.username
        self.box.unlock_button.setEnabled(False)
        token = object()
        ops.hold(token)
        run_task(self.box, lambda: login_and_commit(db, username, password, purpose="unlock"),
                 lambda _actor: self._unlocked(), self._refused, pool=ops.writer_pool(),
                 on_settled=lambda: ops.release(token))

    def _refused(self, message: str) -> None:
        self.box.unlock_button.setEnabled(True)
        self.box.error.setText(message)
        self.box.password.clear()
        self.box.password.setFocus()

    def _unlocked(self) -> None:
        self.box.unlock_button.setEnabled(True)
        self.box.password.clear()
        self.locked = False
        self.box.hide()
        covers, self.covers = self.covers, {}
        for cover in covers.values():
            if isValid(cover):  # a dialog closed meanwhile took its cover with it
                cover.hide()
                cover.deleteLater()
        central = self.window.centralWidget()
        if central is not None:
            central.setEnabled(True)
        if self.seconds:
            self.timer.start(self.seconds * 1000)
        self.locked_changed.emit(False)
