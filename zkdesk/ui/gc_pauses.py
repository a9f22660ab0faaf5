"""Short garbage-collection pauses for the window.

Python's cyclic collector, when it runs a full (oldest generation) collection, walks every object
the process holds while holding the interpreter lock: with Qt, SQLAlchemy, reportlab and the
pages built that is several hundred thousand objects and 60-200 ms, during which the GUI thread
cannot run a single Python line (the idle lock's event filter sees every event), whichever thread
triggered it — a preview built in the background froze the window as long as a slow query on the
GUI thread would (issue 16, the 打印报表 page's 评估报告 tab).

What the window builds once (the imported modules, the main window, each page when first shown)
lives as long as the window: `keep_built()` moves it out of the collector's sight (gc.freeze), so
later collections walk only what was made since. Plain reference counting still frees those
objects when they go; a reference cycle among them waits for the window to close
(`let_go_built`: signing out, or a test's window, gives them back to the collector)."""

from __future__ import annotations

import gc


def keep_built() -> None:
    """Everything alive now stays out of the collector's full collections (see the module)."""
    gc.freeze()


def let_go_built() -> None:
    """A window closed (signed out, or a test's window): what was kept may be collected again."""
    gc.unfreeze()
