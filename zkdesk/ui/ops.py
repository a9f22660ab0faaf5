"""User actions as small objects that run off the GUI thread: the one way a page touches the database.

    Op(self, lambda s, actor: delete_enterprise(s, actor, key), confirm="删除所选企业？").success(done).run()

`Op` is an action that may write: an optional question first, then `work(session, actor)` in a
write session on the single writer thread (actions keep their order), a busy dialog if it takes
longer than 200 ms (with progress and 取消 when the work reports them), and on the GUI thread
either `success(result)` or the failure: a UserError's Chinese text (or a bug's one plain line)
shown to the user unless a `failure` callback takes it. After a commit the bus announces which
kinds of records the session changed, so every view that shows them refreshes.

A save over someone else's newer change (services.records.RecordChanged: the form handed back
the revision it was loaded with) is not a plain failure: the user reads who changed what and
chooses 重新载入 (the `reload` callback, or the views of that record refresh), 仍然覆盖 (the
same work again, allowed over exactly the revision the user was shown) or 取消.

`QueryOp` is a read: `work(session, actor)` in a read-only session on a pool thread, then
`success(result)` on the GUI thread (or `dropped()` when the work stopped for a newer request:
ui.tasks.Superseded). Pages keep themselves current with ui.refresh.Refresher, which is built on it.

The widget given first owns the callbacks: closed meanwhile, its results are dropped.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QEventLoop, QObject, Qt, QThreadPool, QTimer
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from zkdesk.services.errors import UserError

if TYPE_CHECKING:  # the login dialog uses this module before SQLAlchemy is loaded
    from zkdesk.services.records import RecordChanged
from zkdesk.ui.messages import confirm as ask, show_error
from zkdesk.ui.tasks import Task, run_task

log = logging.getLogger("zkdesk")

BUSY_DELAY_MS = 200

_writer_pool: QThreadPool | None = None
_running: set[object] = set()


def writer_pool() -> QThreadPool:
    """One thread for every write: actions reach the database in the order they were made."""
    global _writer_pool
    if _writer_pool is None:
        _writer_pool = QThreadPool()
        _writer_pool.setMaxThreadCount(1)
        _writer_pool.setExpiryTimeout(-1)
    return _writer_pool


def running() -> int:
    """How many operations have started (or refreshes are due) and not yet delivered their
    result: tests wait for 0."""
    return len(_running)


def hold(token: object) -> None:
    """Count `token` as running work until release(token) (a refresh waiting for its timer)."""
    _running.add(token)


def release(token: object) -> None:
    _running.discard(token)


def in_background(work: Callable[[], Any], writer: bool = False) -> Any:
    """`work()` off the GUI thread, waited for while the GUI thread keeps handling events; its
    result. For the program's start and end, where no window is there to take a result later
    (before the login, after the last window closed). `writer`: on the writer thread, after every
    action still queued. A failure raises UserError with the message a page would have shown."""
    owner = QObject()
    outcome: dict[str, Any] = {}

    def done(result: Any) -> None:
        outcome["result"] = result

    def failed(message: str) -> None:
        outcome["error"] = message

    hold(owner)
    run_task(owner, work, done, failed, pool=writer_pool() if writer else None, on_settled=lambda: release(owner))
    while owner in _running:  # (also after the application's event loop has ended: at exit)
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents | QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
    if "error" in outcome:
        raise UserError(outcome["error"])
    return outcome.get("result")


def find_context(widget: QObject | None):
    """The UiContext of the page or dialog `widget` belongs to (its own or a parent's `ctx`)."""
    while widget is not None:
        ctx = getattr(widget, "ctx", None)
        if ctx is not None and hasattr(ctx, "db"):
            return ctx
        widget = widget.parent()
    raise LookupError("no UiContext above this widget")


class Progress:
    """Given to work that reports progress: `report(done, total, message)`; `cancelled()` turns
    true after 取消 — the work checks it between steps and stops by raising a UserError."""

    def __init__(self, report: Callable[[int, int, str], None], cancelled: Callable[[], bool]):
        self.report, self.cancelled = report, cancelled


class _Base:
    def __init__(self, parent: QWidget, work: Callable[..., Any], ctx=None):
        self.parent, self.work = parent, work
        self.ctx = ctx or find_context(parent)
        self._on_success: Callable[[Any], None] | None = None
        self._on_failure: Callable[[str], None] | None = None
        self._on_dropped: Callable[[], None] | None = None
        self.task: Task | None = None

    def success(self, callback: Callable[[Any], None]):
        self._on_success = callback
        return self

    def failure(self, callback: Callable[[str], None]):
        """Take the Chinese message of a failure instead of the default message box."""
        self._on_failure = callback
        return self

    def dropped(self, callback: Callable[[], None]):
        """What to do when the work stopped itself for a newer request (tasks.Superseded)."""
        self._on_dropped = callback
        return self

    def _dropped(self) -> None:
        if self._on_dropped is not None:
            self._on_dropped()

    def _done(self, result: Any) -> None:
        if self._on_success is not None:
            self._on_success(result)

    def _failed(self, message: str) -> None:
        if self._on_failure is not None:
            self._on_failure(message)
        else:
            show_error(self.parent, message)


class Op(_Base):
    """An action that may change data (see the module docstring)."""

    def __init__(self, parent: QWidget, work: Callable[..., Any], *, confirm: str | None = None,
                 busy: str = "正在保存…", progress: bool = False, ctx=None):
        super().__init__(parent, work, ctx)
        self.question, self.busy_text, self.reports_progress = confirm, busy, progress
        self.dialog: QProgressDialog | None = None
        self.conflict_box: QMessageBox | None = None
        self._on_reload: Callable[[], None] | None = None
        self._overwrite: dict[tuple[str, str], int] = {}

    def reload(self, callback: Callable[[], None]):
        """What 重新载入 does after a save over someone else's change (reload the form)."""
        self._on_reload = callback
        return self

    def run(self) -> bool:
        """Ask (if there is a question), then start. False when the user said no."""
        if self.question and not ask(self.parent, self.question):
            return False
        db, actor = self.ctx.db, self.ctx.actor
        changes: dict[str, set] = {}
        overwrite = dict(self._overwrite)

        from zkdesk.services.records import OVERWRITE, RecordChanged
        from zkdesk.store.engine import CHANGES

        def in_session(*progress_args):
            try:
                with db.session() as session:
                    session.info[OVERWRITE] = overwrite
                    args = (Progress(*progress_args),) if progress_args else ()
                    result = self.work(session, actor, *args)
                    session.flush()
                    changes.update(session.info.get(CHANGES, {}))
            except RecordChanged as exc:  # rolled back: nothing of this action was written
                return _Conflict(exc), {}
            return result, changes

        _running.add(self)
        self._start_busy()
        self.task = run_task(self.parent, in_session, self._finished, self._failed_op,
                             on_progress=self._progress if self.reports_progress else None, pool=writer_pool(),
                             on_settled=lambda: _running.discard(self))
        return True

    # ---- busy sign -------------------------------------------------------------------------

    def _start_busy(self) -> None:
        """A window-modal busy dialog, shown only if the work is still running after 200 ms."""
        dialog = QProgressDialog(self.busy_text, "取消", 0, 0, self.parent)
        dialog.setObjectName("opBusy")
        dialog.setWindowTitle("请稍候")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        if not self.reports_progress:
            dialog.setCancelButton(None)
        dialog.canceled.connect(self._cancel)
        dialog.hide()
        self.dialog = dialog
        QTimer.singleShot(BUSY_DELAY_MS, dialog, lambda: self.dialog is dialog and dialog.show())

    def _progress(self, done: int, total: int, message: str) -> None:
        if self.dialog is not None:
            if message:
                self.dialog.setLabelText(message)
            self.dialog.setMaximum(max(total, 0))
            self.dialog.setValue(min(done, total) if total else 0)

    def _cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()

    def _end_busy(self) -> None:
        if self.dialog is not None:
            self.dialog.canceled.disconnect(self._cancel)
            self.dialog.reset()
            self.dialog.hide()
            self.dialog.deleteLater()
            self.dialog = None

    # ---- results ---------------------------------------------------------------------------

    def _finished(self, outcome) -> None:
        result, changes = outcome
        self._end_busy()
        if isinstance(result, _Conflict):
            self._conflict(result.error)
            return
        if changes:
            self.ctx.bus.announce(changes)
        self._done(result)

    def _conflict(self, exc: RecordChanged) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, "数据已被他人修改", str(exc), QMessageBox.StandardButton.NoButton,
                          self.parent)
        box.setObjectName("conflictBox")
        reload = box.addButton("重新载入", QMessageBox.ButtonRole.AcceptRole)
        overwrite = box.addButton("仍然覆盖", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(reload)
        self.conflict_box = box
        box.exec()
        chosen = box.clickedButton()
        self.conflict_box = None
        if chosen is overwrite:
            self._overwrite[(exc.entity, exc.record_id)] = exc.current_revision
            self.question = None  # asked already
            self.run()
        elif chosen is reload:
            if self._on_reload is not None:
                self._on_reload()
            else:
                self.ctx.bus.announce({exc.entity: {exc.record_id}})
        elif self._on_failure is not None:
            self._on_failure(str(exc))

    def _failed_op(self, message: str) -> None:
        self._end_busy()
        self._failed(message)


class _Conflict:
    def __init__(self, error: RecordChanged):
        self.error = error


class QueryOp(_Base):
    """A read (see the module docstring). `work(session, actor)` runs in a read-only session."""

    def run(self) -> None:
        db, actor = self.ctx.db, self.ctx.actor

        def in_session():
            with db.read_session() as session:
                return self.work(session, actor)

        _running.add(self)
        self.task = run_task(self.parent, in_session, self._done, self._failed, on_settled=lambda: _running.discard(self),
                             on_dropped=self._dropped)
