"""While the login dialog waits for the clerk, load what the window opens with.

A clerk takes a second or more to type a password; the program spends it importing the modules
the window and its first page need, so that what follows the password (the scrypt check, the
office facts, the window) finds them loaded:

- the modules without Qt (services, output helpers, the data key's cipher) and SQLAlchemy's
  mapper configuration on a plain thread: nothing of Qt is touched there, and Python's import
  locks make a module imported there and on the GUI thread at once load only once;
- then the window's own modules (they define widgets) on the GUI thread, one module per step,
  by the same walk as the pages' modules after the window is up (ui/warm_pages.PageWarmer), so
  typing is never kept waiting for more than one module.

Once the password is entered the warm-up stops after the module it is loading (`stop()`): the
login's statements would otherwise wait for the interpreter behind it, and what is left is
loaded where it is used. Nothing here is needed for correctness: a module not loaded yet is loaded where it is first
used, as without the warm-up, and a failure here is only logged (the same import fails again
where it is used, with its ordinary message).
"""

from __future__ import annotations

import importlib
import logging
import threading

from PySide6.QtCore import QObject, QTimer

from zkdesk.ui.warm_pages import PageWarmer

log = logging.getLogger("zkdesk")

# Modules without Qt that the login, the office facts and the first page (指标台账) use.
BACKGROUND = (
    "sqlalchemy.orm",
    "zkdesk.store.models",
    "cryptography.exceptions",  # the data key's slot is opened after the password
    "cryptography.hazmat.primitives.ciphers.aead",
    "zkdesk.services.key_slots",
    "zkdesk.services.progress",
    "zkdesk.services.catalog",
    "zkdesk.services.orgs",
    "zkdesk.services.indicator_values",
    "zkdesk.services.baselines",
    "zkdesk.services.milestones",
    "zkdesk.services.departments",
    "zkdesk.output.path_chart",
)
POLL_MS = 20


def window_modules() -> tuple[str, ...]:
    """The Qt modules of the window and its first page, loaded on the GUI thread."""
    from zkdesk.ui.pages import PAGES

    return ("zkdesk.ui.main_window", "zkdesk.ui.change_watch", PAGES[0].target.partition(":")[0])


def _configure_mappers() -> None:
    from sqlalchemy.orm import configure_mappers

    configure_mappers()


class WarmUp(QObject):
    """Started when the login dialog is shown; `finished()` once everything is loaded."""

    def __init__(self, parent: QObject | None = None, background: tuple[str, ...] = BACKGROUND,
                 gui: tuple[str, ...] | None = None):
        super().__init__(parent)
        self._background = background
        self._gui = list(window_modules() if gui is None else gui)
        self._thread = threading.Thread(target=self._load_background, name="zkdesk-warm-up", daemon=True)
        self._timer = QTimer(self, interval=POLL_MS)
        self._timer.timeout.connect(self._step)
        self._pages: PageWarmer | None = None  # the GUI thread's part, once the thread is done
        self._done = False
        self._stopped = False

    def start(self) -> WarmUp:
        self._thread.start()
        self._timer.start()
        return self

    def finished(self) -> bool:
        return self._done

    def stop(self) -> None:
        """The password is entered: no more modules (the one being loaded finishes)."""
        self._stopped = True
        self._gui.clear()
        if self._pages is not None:
            self._pages.stop()

    def wait_background(self) -> None:
        """Until the thread's imports are done (the window's start needs them next anyway)."""
        if self._thread.is_alive():
            self._thread.join()

    def _load_background(self) -> None:
        for name in self._background:
            if self._stopped:
                return
            _load(name)
        try:
            _configure_mappers()
        except Exception:  # reported where the mappers are next used
            log.warning("warm-up: mapper configuration failed", exc_info=True)

    def _step(self) -> None:
        if self._thread.is_alive():
            return  # the GUI thread's imports wait for the thread's: never two at once
        if self._pages is None and self._gui:
            self._pages = PageWarmer(self, self._gui, start_ms=0)
            self._gui = []
        if self._pages is not None and not self._pages.done:
            return
        self._timer.stop()
        self._done = True


def _load(name: str) -> None:
    try:
        importlib.import_module(name)
    except Exception:  # loaded again, with its error, where it is used
        log.warning("warm-up: could not import %s", name, exc_info=True)
