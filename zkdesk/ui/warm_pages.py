"""The pages not shown yet, imported while the window is idle.

A page is built when first shown (MainWindow.page); importing its module and what it imports was
the larger part of that first show (打印报表: about 50 ms of the GUI thread's time for the imports,
30 ms for the widgets). Shortly after the window is up, and whenever no operation or refresh is
running, the warmer imports one module per step on the GUI thread — for each page first the
program's modules it imports at its top (and theirs), then the page's own — so that no step holds
the GUI thread for long, and a page shown later only builds its widgets. Imports are not done in a
worker thread: one that imported a page module while the clerk opened that page would hold the GUI
thread on the import lock instead. Nothing is read from the database here."""

from __future__ import annotations

import ast
import importlib
import importlib.util
import logging
import sys
from pathlib import Path

from PySide6.QtCore import QObject, QTimer

from zkdesk.ui import ops
from zkdesk.ui.gc_pauses import keep_built

log = logging.getLogger("zkdesk")

START_MS = 1500  # after the window is up and its first page filled
STEP_MS = 20  # between two imports: the events waiting in between are handled
BUSY_RETRY_MS = 250  # an operation or refresh running: its result first


def top_imports(module_name: str) -> list[str]:
    """The program's modules that `module_name` imports at its top level (not inside functions)."""
    spec = importlib.util.find_spec(module_name)
    if spec is None or not spec.origin or not spec.origin.endswith(".py"):
        return []
    tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
    names: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("zkdesk."):
            names.append(node.module)
        elif isinstance(node, ast.Import):
            names += [alias.name for alias in node.names if alias.name.startswith("zkdesk.")]
    return names


DEPTH = 2  # a page's imports and theirs are imported one by one; deeper ones with them


class PageWarmer(QObject):
    """Each step does one thing: read one module's imports, or import one module (a depth-first
    walk: a module after the program's modules it imports)."""

    def __init__(self, parent: QObject, modules: list[str], start_ms: int = START_MS):
        super().__init__(parent)
        self.stack: list[tuple[str, int, bool]] = [(m, 0, False) for m in reversed(modules)]  # (module, depth, expanded)
        self.done = False
        QTimer.singleShot(start_ms, self, self._step)

    def stop(self) -> None:
        """No more modules (the one being imported finishes); `done` at the next step."""
        self.stack.clear()

    def _step(self) -> None:
        if ops.running():
            QTimer.singleShot(BUSY_RETRY_MS, self, self._step)
            return
        while self.stack and self.stack[-1][0] in sys.modules:
            self.stack.pop()
        if not self.stack:
            self.done = True
            keep_built()  # the modules live as long as the program
            return
        name, depth, expanded = self.stack.pop()
        try:
            if expanded or depth >= DEPTH:
                importlib.import_module(name)
            else:
                self.stack.append((name, depth, True))
                self.stack += [(part, depth + 1, False) for part in reversed(top_imports(name)) if part not in sys.modules]
        except Exception:  # a page that cannot be imported says so when it is shown
            log.exception("importing %s ahead of its page", name)
        QTimer.singleShot(STEP_MS, self, self._step)
