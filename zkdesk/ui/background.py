"""Run a slow function (a backup, a check, an export) in the thread pool, not freezing the window.

    run_in_background(self, lambda: make_backup(...), on_done=self._done, on_error=self._failed)

`fn` must open its own Session: SQLAlchemy sessions are not shared between threads. The
callbacks run in the GUI thread. `owner` keeps the job alive and is where the callbacks belong.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class _Relay(QObject):
    done = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], object], relay: _Relay):
        super().__init__()
        self.fn, self.relay = fn, relay

    def run(self) -> None:
        try:
            result = self.fn()
        except BaseException as exc:  # handed to the GUI thread, which decides what to show
            signal, value = self.relay.failed, exc
        else:
            signal, value = self.relay.done, result
        try:
            signal.emit(value)
        except RuntimeError:
            pass  # the page that asked was closed meanwhile


def run_in_background(owner: QObject, fn: Callable[[], object], on_done: Callable[[object], None], on_error: Callable[[BaseException], None]) -> None:
    relay = _Relay(owner)  # lives in the GUI thread: its signals arrive there, queued

    def finish(callback, value):
        relay.deleteLater()
        callback(value)

    relay.done.connect(lambda result: finish(on_done, result))
    relay.failed.connect(lambda exc: finish(on_error, exc))
    QThreadPool.globalInstance().start(_Job(fn, relay))
