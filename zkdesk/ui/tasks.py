"""Run slow work (a check, an import, a backup, a PDF) off the GUI thread: the one way zkdesk does it.

    task = run_task(self, work, self._done, self._failed)

`work()` runs in a QThreadPool worker and opens its own Session (SQLAlchemy sessions are not
shared between threads). Then, on the GUI thread, `on_done(result)` or `on_failed(message)`:
the message is the Chinese text of a UserError (or of a file or backup problem), or one plain
"程序内部错误" line for a bug, whose traceback goes to the log.

With `on_progress`, the work is called as work(progress, cancelled): progress(done, total,
message) reaches on_progress on the GUI thread, and cancelled() turns true once task.cancel()
was called; the work checks it between steps and stops by raising a UserError.
run_with_progress adds a progress dialog whose 取消 does that.

The callbacks belong to `owner`: if it is deleted meanwhile (a page or dialog closed), the
result is dropped and the worker finishes quietly.

A series of requests of which only the newest matters (a preview, a refresh) takes a `Latest`:
each request gets a `Ticket`; a newer request supersedes the older tickets. The work calls
`ticket.check()` between its long steps and stops there (raising `Superseded`: nothing is
delivered, `on_dropped()` runs) once a newer request came; the caller shows a result only while
`ticket.current`. So two renders never run back to back for one screen.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget
from shiboken6 import isValid

from zkdesk.services.errors import user_message

log = logging.getLogger("zkdesk")

Progress = Callable[[int, int, str], None]


class Superseded(Exception):
    """Raised by work that stopped because a newer request made its result useless."""


class Latest:
    """The requests of one view (see the module docstring). Used on the GUI thread; a worker only
    reads the newest number (one int: no lock needed)."""

    def __init__(self) -> None:
        self._newest = 0

    def next(self) -> "Ticket":
        """A ticket for a new request: every older one is superseded."""
        self._newest += 1
        return Ticket(self, self._newest)

    def supersede(self) -> None:
        """Nothing started so far matters any more (the choices changed; a new request follows)."""
        self._newest += 1


class Ticket:
    def __init__(self, latest: Latest, number: int):
        self._latest, self.number = latest, number

    @property
    def current(self) -> bool:
        """No newer request has come since this one."""
        return self._latest._newest == self.number

    def check(self) -> None:
        """In the work, between long steps: stop here when a newer request came."""
        if not self.current:
            raise Superseded()

# relays waiting for their worker: kept alive here, not by the worker thread (a Qt object must
# be deleted on the thread it lives on) nor by the owner (which may go first)
_waiting: set["_Relay"] = set()


class _Relay(QObject):
    """Created on the GUI thread, so the worker's signals are queued to it; its slots are bound
    methods of a QObject, which Qt calls on the object's thread (a plain lambda could run on the
    worker's)."""

    done = Signal(object)
    failed = Signal(str)
    dropped = Signal()
    progress = Signal(int, int, str)

    def __init__(self, owner: QObject, on_done, on_failed, on_progress, on_settled=None, on_dropped=None):
        super().__init__()
        self._owner = owner
        self._on_done, self._on_failed, self._on_progress = on_done, on_failed, on_progress
        self._on_settled, self._on_dropped = on_settled, on_dropped
        self.done.connect(self._deliver_done)
        self.failed.connect(self._deliver_failed)
        self.dropped.connect(self._deliver_dropped)
        self.progress.connect(self._deliver_progress)
        _waiting.add(self)

    def _owner_alive(self) -> bool:
        return isValid(self._owner)

    def _finish(self, callback, value) -> None:
        _waiting.discard(self)
        self.deleteLater()
        try:
            if self._owner_alive():
                callback(value)
        finally:
            if self._on_settled is not None:
                self._on_settled()

    @Slot(object)
    def _deliver_done(self, result) -> None:
        self._finish(self._on_done, result)

    @Slot(str)
    def _deliver_failed(self, message: str) -> None:
        self._finish(self._on_failed, message)

    @Slot()
    def _deliver_dropped(self) -> None:
        self._finish(lambda _none: self._on_dropped and self._on_dropped(), None)

    @Slot(int, int, str)
    def _deliver_progress(self, done: int, total: int, message: str) -> None:
        if self._on_progress is not None and self._owner_alive():
            self._on_progress(done, total, message)


class Task:
    """A started piece of work. cancel() asks it to stop; the work decides when it can."""

    def __init__(self, work: Callable, relay: _Relay, reports_progress: bool):
        self._work, self._relay, self._reports_progress = work, relay, reports_progress
        self._cancelled = threading.Event()

    def cancel(self) -> None:
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def _run(self) -> None:  # on a pool thread
        try:
            if self._reports_progress:
                result = self._work(self._relay.progress.emit, self._cancelled.is_set)
            else:
                result = self._work()
        except Superseded:  # a newer request took over: nothing to deliver
            self._relay.dropped.emit()
        except Exception as exc:
            message = user_message(exc)
            if message is None:  # a bug: keep the window alive, the details in the log
                log.exception("background task failed")
                message = f"程序内部错误（{type(exc).__name__}: {exc}）"
            self._relay.failed.emit(message)
        else:
            self._relay.done.emit(result)


def run_task(owner: QObject, work: Callable, on_done: Callable[[object], None], on_failed: Callable[[str], None],
             *, on_progress: Progress | None = None, pool: QThreadPool | None = None,
             on_settled: Callable[[], None] | None = None, on_dropped: Callable[[], None] | None = None) -> Task:
    """Start `work` in `pool` (the global one unless given); see the module docstring.
    `on_settled()` runs on the GUI thread when the work has ended, even if the owner is gone;
    `on_dropped()` when the work stopped itself (Superseded) and delivers nothing."""
    relay = _Relay(owner, on_done, on_failed, on_progress, on_settled, on_dropped)
    task = Task(work, relay, reports_progress=on_progress is not None)
    (pool or QThreadPool.globalInstance()).start(task._run)
    return task


def run_with_progress(owner: QWidget, title: str, work: Callable[[Progress, Callable[[], bool]], object],
                      on_done: Callable[[object], None], on_failed: Callable[[str], None]) -> Task:
    """run_task with a window-modal progress dialog that follows the work; its 取消 cancels the task.
    Quick work never flashes the dialog."""
    dialog = QProgressDialog(title, "取消", 0, 0, owner)
    dialog.setObjectName("taskProgress")
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(400)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)

    def show_progress(done: int, total: int, message: str) -> None:
        dialog.setLabelText(message)
        dialog.setMaximum(max(total, 0))
        dialog.setValue(min(done, total) if total else 0)

    def closing_first(callback):
        def deliver(value) -> None:
            dialog.reset()
            dialog.hide()
            dialog.deleteLater()
            callback(value)
        return deliver

    task = run_task(owner, work, closing_first(on_done), closing_first(on_failed), on_progress=show_progress)
    dialog.canceled.connect(task.cancel)
    return task
