"""Keeping a view current without freezing the window or working for nobody.

    self.refresher = Refresher(self, query=self._query, apply=self._show, kinds=(bus.ENTERPRISES,))
    self.refresher.request()          # after a filter change; also called by the bus

    def _query(self):                 # on the GUI thread: read the filters, return the work
        year = self.year.value()
        return lambda session, actor: list_enterprises(session, actor, year)

`query()` is called on the GUI thread (widgets may only be read there) and returns the work:
`work(session, actor)` runs in a read-only session off the GUI thread and returns plain data;
`apply(result)` puts it on screen on the GUI thread. A view that is not visible is only marked
stale, and refreshes when it is next shown: hidden pages and tabs never recompute. Requests
that arrive while a query runs are folded into one more run after it, and only the newest
result is applied (a slow older query never overwrites a newer one).

Long work (a preview) stops early when it is superseded: `query()` takes `self.refresher.ticket`
(a ui.tasks.Ticket, the refresh about to run) into its work, which calls `ticket.check()` between
its steps; a request arriving meanwhile supersedes it, so the old work stops at its next step
instead of running to the end before the new one starts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

from zkdesk.ui import bus
from zkdesk.ui.messages import show_error
from zkdesk.ui import ops
from zkdesk.ui.ops import QueryOp, find_context
from zkdesk.ui.tasks import Latest, Ticket


class Refresher(QObject):
    def __init__(self, view: QWidget, query: Callable[[], Callable[[Any, Any], Any]], apply: Callable[[Any], None],
                 kinds: Iterable[str] = (), *, ctx=None, on_failure: Callable[[str], None] | None = None,
                 debounce_ms: int = 0):
        super().__init__(view)
        self.view, self.query, self.apply = view, query, apply
        self.ctx = ctx or find_context(view)
        self.kinds = frozenset(kinds)
        self.on_failure = on_failure
        self.stale = True  # nothing shown yet
        self.loading = False
        self._again = False
        self._latest = Latest()
        self.ticket: Ticket = self._latest.next()  # the refresh being started or running
        self._timer = QTimer(self, singleShot=True, interval=debounce_ms)
        self._timer.timeout.connect(self._start)
        view.installEventFilter(self)
        # a view closed with a refresh due (its window signed out) leaves nothing counted as running
        self.destroyed.connect(lambda *_: ops.release(self))
        if self.kinds:
            self.ctx.bus.records_changed.connect(self._on_changes)

    # ---- when to refresh ---------------------------------------------------------------------

    def _on_changes(self, changes: bus.Changes) -> None:
        if changes.touches(*self.kinds):
            self.request()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.view and event.type() == QEvent.Type.Show and self.stale:
            self._schedule()
        return False

    def _schedule(self) -> None:
        ops.hold(self)
        self._timer.start()

    def request(self) -> None:
        """Refresh now if the view is on screen, otherwise when it is next shown. A refresh
        running now is superseded: its result will not be shown, and long work stops early."""
        self.stale = True
        if self.loading:
            self._latest.supersede()
        if self.view.isVisible():
            self._schedule()

    # ---- running -----------------------------------------------------------------------------

    def _start(self) -> None:
        ops.release(self)
        if self.loading:
            self._again = True
            return
        self.stale = False
        self.loading = True
        ticket = self.ticket = self._latest.next()
        QueryOp(self.view, self.query(), ctx=self.ctx).success(lambda result: self._arrived(ticket, result)) \
            .failure(lambda message: self._broke(ticket, message)).dropped(self._dropped).run()

    def _arrived(self, ticket: Ticket, result: Any) -> None:
        self.loading = False
        if ticket.current and not self._again:
            self.apply(result)
        self._next()

    def _broke(self, ticket: Ticket, message: str) -> None:
        self.loading = False
        if ticket.current:
            (self.on_failure or (lambda text: show_error(self.view, text, "无法读取数据")))(message)
        self._next()

    def _dropped(self) -> None:
        self.loading = False
        self._next()

    def _next(self) -> None:
        if self._again:
            self._again = False
            self.stale = True
            if self.view.isVisible():
                self._start()
