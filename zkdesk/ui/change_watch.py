"""Other clerks' changes reach this window: every few seconds a cheap poll of the database's
change stamp (Database.change_stamp: SQLite's data_version, a server's NOTIFY count), off the
GUI thread; when it moved, the bus announces ALL and each page refreshes when next seen
(ui/refresh). This window's own saves do not move it: its operations announce them."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer

from zkdesk.ui import bus
from zkdesk.ui.tasks import run_task

POLL_MS = 3000


class ChangeWatcher(QObject):
    def __init__(self, parent: QObject, ctx, interval_ms: int = POLL_MS):
        super().__init__(parent)
        self.ctx = ctx
        self.last: int | None = None
        self.polls = 0
        self._asking = False
        self.timer = QTimer(self, interval=interval_ms)
        self.timer.timeout.connect(self.poll)
        self.timer.start()
        self.poll()  # starts watching now: changes from here on are others'

    def poll(self) -> None:
        if self._asking:
            return  # a slow server: one question at a time
        self._asking = True
        run_task(self, self.ctx.db.change_stamp, self._answered, self._failed)

    def _answered(self, stamp: int) -> None:
        self._asking = False
        self.polls += 1
        if self.last is not None and stamp != self.last:
            self.ctx.bus.notify(bus.ALL)
        self.last = stamp

    def _failed(self, _message: str) -> None:
        self._asking = False  # the server is away for now: the next save says so, the next poll retries

    def stop(self) -> None:
        self.timer.stop()
