"""The window never opens a database session on the GUI thread: building the main window,
showing every page and every tab in it, reads and refreshes all run off it (ui/ops.py,
ui/refresh.py). The hook in store.engine sees every session opened."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget

from tests.ui.settle import settle
from zkdesk.app import build_context
from zkdesk.ui.main_window import MainWindow
from zkdesk.ui.pages import PAGES


# Files that still read on the GUI thread while the pages are driven (issue 16: each goes into a
# QueryOp/Refresher and leaves this list; a new one anywhere fails the test).
STILL_ON_GUI_THREAD = {
    "ui/idle_lock.py",
    "ui/pages/admin/audit_tab.py",
    "ui/pages/admin/overview.py",
    "ui/pages/admin/users_tab.py",
    "ui/pages/printing.py",
}


def _visit_every_page(qtbot, window) -> None:
    for spec in PAGES:
        page = window.show_page(spec.key)
        settle(qtbot)
        for tabs in page.findChildren(QTabWidget):
            for index in range(tabs.count()):
                tabs.setCurrentIndex(index)
                settle(qtbot)


def test_driving_every_page_opens_no_session_on_the_gui_thread(qtbot, home, gui_thread_sessions):
    from tests.conftest import make_office
    from tests.databases import new_database

    db = new_database(home.root, home.db_path.name)
    actor = make_office(db)
    ctx = build_context(home, db, actor)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    settle(qtbot)
    _visit_every_page(qtbot, window)
    ctx.bus.notify("all")  # after an import: every page is stale, the one on screen refreshes
    _visit_every_page(qtbot, window)
    settle(qtbot)
    window.close()
    db.dispose()
    opened = sorted({where for _kind, where in gui_thread_sessions if where.split(":")[0] not in STILL_ON_GUI_THREAD})
    assert not opened, "sessions opened on the GUI thread:\n" + "\n".join(opened)
