"""Run long spreadsheet work in a QThreadPool worker with progress and cancellation.

The work function is called as fn(progress, cancel): progress(done, total, message) may be
called from the worker thread (it emits a queued signal), cancel() turns true when the user
presses 取消.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from zkdesk.services.errors import UserError


class JobSignals(QObject):
    progress = Signal(int, int, str)
    done = Signal(object)
    failed = Signal(str)


class Job(QRunnable):
    def __init__(self, fn: Callable[[Callable, Callable], object]):
        super().__init__()
        self.fn = fn
        self.signals = JobSignals()
        self._cancelled = threading.Event()
        self.setAutoDelete(False)  # the dialog keeps it, and its signals, alive

    def cancel(self) -> None:
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def run(self) -> None:
        try:
            result = self.fn(self.signals.progress.emit, self._cancelled.is_set)
        except UserError as exc:
            self.signals.failed.emit(str(exc))
        except Exception as exc:  # a bug: say so plainly, keep the details for the log
            traceback.print_exc()
            self.signals.failed.emit(f"程序内部错误（{type(exc).__name__}）：{exc}")
        else:
            self.signals.done.emit(result)

    def start(self) -> "Job":
        QThreadPool.globalInstance().start(self)
        return self
