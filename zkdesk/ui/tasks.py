"""Run a function in a QThreadPool worker and hear back on the GUI thread."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from zkdesk.services.errors import UserError

log = logging.getLogger("zkdesk")


class _Relay(QObject):
    """Lives on the GUI thread: its slots are bound methods of a QObject, so Qt queues the
    worker's signals to this thread (a plain Python callable could run on the worker)."""

    done = Signal(object)
    failed = Signal(str)

    def __init__(self, owner: QObject, on_done, on_failed):
        super().__init__(owner)
        self._on_done, self._on_failed = on_done, on_failed
        self.done.connect(self._deliver_done)
        self.failed.connect(self._deliver_failed)

    @Slot(object)
    def _deliver_done(self, result) -> None:
        try:
            self._on_done(result)
        finally:
            self.deleteLater()

    @Slot(str)
    def _deliver_failed(self, message: str) -> None:
        try:
            self._on_failed(message)
        finally:
            self.deleteLater()


class _Task(QRunnable):
    def __init__(self, fn: Callable[[], object], relay: _Relay):
        super().__init__()
        self.fn, self.relay = fn, relay

    def run(self) -> None:
        try:
            result = self.fn()
        except UserError as exc:
            self.relay.failed.emit(str(exc))
        except Exception as exc:  # a bug: keep the window alive and say so plainly
            log.exception("background task failed")
            self.relay.failed.emit(f"程序内部错误（{type(exc).__name__}: {exc}）")
        else:
            self.relay.done.emit(result)


def run_task(pool: QThreadPool, fn: Callable[[], object], on_done: Callable[[object], None],
             on_failed: Callable[[str], None], owner: QObject) -> None:
    """`fn` runs in the pool; `on_done(result)` or `on_failed(message)` then run on the GUI thread."""
    relay = _Relay(owner, on_done, on_failed)
    pool.start(_Task(fn, relay))
