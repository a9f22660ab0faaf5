"""Other clerks' changes reach this window: every few seconds a cheap poll of the database's
change stamp (Database.change_stamp: SQLite's data_version, a server's NOTIFY count), off the
GUI thread. When it moved, one query asks the audit trail what was logged since the last look
(services.audit_log.logged_since), and the bus announces only those kinds of records
(bus.kinds_of_entries): another office's enterprise makes the enterprise pages stale, not the
nominations. A write that logged nothing known (a package import, a restore, an unlogged write)
is announced as ALL. Each page refreshes when next seen (ui/refresh). This window's own saves do
not move the stamp: its operations announce them."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer

from zkdesk.ui import bus
from zkdesk.ui.tasks import run_task

POLL_MS = 3000


class ChangeWatcher(QObject):
    def __init__(self, parent: QObject, ctx, interval_ms: int = POLL_MS):
        super().__init__(parent)
        self.ctx = ctx
        self.last: int | None = None  # the change stamp at the last poll
        self.logged: int | None = None  # the newest audit entry seen
        self.polls = 0
        self.announced: frozenset[str] = frozenset()  # the kinds of the last announcement (for tests and logs)
        self._asking = False
        self.timer = QTimer(self, interval=interval_ms)
        self.timer.timeout.connect(self.poll)
        self.timer.start()
        self.poll()  # starts watching now: changes from here on are others'

    def poll(self) -> None:
        if self._asking:
            return  # a slow server: one question at a time
        self._asking = True
        last, logged, db = self.last, self.logged, self.ctx.db

        def ask():
            stamp = db.change_stamp()
            if last is not None and stamp == last:
                return stamp, logged, None  # nothing new: no query
            from zkdesk.services.audit_log import logged_since

            with db.read_session() as session:
                newest, entries = logged_since(session, logged)
            if last is None:
                return stamp, newest, None  # the starting point
            return stamp, newest, bus.kinds_of_entries(entries) if entries else frozenset({bus.ALL})

        run_task(self, ask, self._answered, self._failed)

    def _answered(self, answer) -> None:
        stamp, logged, kinds = answer
        self._asking = False
        self.polls += 1
        self.last, self.logged = stamp, logged
        if kinds:
            self.announced = kinds
            self.ctx.bus.notify(*kinds)

    def _failed(self, _message: str) -> None:
        self._asking = False  # the server is away for now: the next save says so, the next poll retries

    def stop(self) -> None:
        self.timer.stop()
