"""What one save costs the window afterwards (issue 16: a save used to re-run 2,425 queries on
the GUI thread, most of them for pages nobody was looking at).

The pages have all been visited, the enterprise list is on screen, a clerk saves an enterprise
in its dialog. Every SQL statement run after the save is counted (SQLAlchemy's
before_cursor_execute) and put down to the page whose read (QueryOp) ran it, or else to the
window file whose code asked for it: the hidden pages run none, the page on screen a bounded
number, and the same number for a register ten times the size."""

from __future__ import annotations

import threading
import traceback
from collections import Counter
from pathlib import Path

from PySide6.QtWidgets import QDialogButtonBox, QLineEdit, QTabWidget
from sqlalchemy import event

from tests.conftest import make_office
from tests.databases import new_database
from tests.enterprise_helpers import MENGPENG, NANSAN, add_contract, add_enterprise
from tests.ui.settle import closed, error_text, settle
from tests.ui.test_no_session_on_gui_thread import STILL_ON_GUI_THREAD
from zkdesk.app import build_context
from zkdesk.config import Home
from zkdesk.ui.enterprises.enterprise_dialog import EnterpriseDialog
from zkdesk.ui import ops
from zkdesk.ui.main_window import MainWindow
from zkdesk.ui.pages import PAGES

# Where the machinery runs work for others: a statement is put down to the file that gave the work.
MACHINERY = ("ui/ops.py", "ui/refresh.py", "ui/tasks.py", "ui/bus.py")
# The enterprise page on screen: the page, and its own parts by file.
VISIBLE = ("page:enterprises", "ui/pages/enterprises.py", "ui/enterprises/")
MAX_STATEMENTS = 30  # the page on screen, whatever the register's size 


def _asker() -> str:
    """The window file whose code ran this statement ('' for none: the test's own)."""
    for frame in reversed(traceback.extract_stack()):
        path = frame.filename.replace("\\", "/")
        if "/zkdesk/ui/" in path:
            where = "ui/" + path.rsplit("/zkdesk/ui/", 1)[-1]
            if where not in MACHINERY:
                return where
    return ""


def _page_of(window, widget) -> str:
    pages = {id(page): key for key, page in window.pages.items()}
    while widget is not None:
        if id(widget) in pages:
            return "page:" + pages[id(widget)]
        widget = widget.parent()
    return "window"


def _county(folder: Path, enterprises: int):
    home = Home(folder).ensure()
    db = new_database(home.root, home.db_path.name)
    actor = make_office(db)
    with db.session() as s:
        ids = [add_enterprise(s, actor, f"测试企业{i:04d}有限公司", township=NANSAN if i % 2 else MENGPENG,
                              employees=80 + i % 150, year=2025) for i in range(enterprises)]
        for enterprise_id in ids[::3]:
            add_contract(s, actor, enterprise_id)
    return home, db, actor, ids[0]


def _statements_after_a_save(qtbot, monkeypatch, folder: Path, enterprises: int) -> Counter:
    home, db, actor, enterprise_id = _county(folder, enterprises)
    window = MainWindow(build_context(home, db, actor))
    reading = threading.local()  # the page whose read runs on this thread
    run = ops.QueryOp.run

    def run_named(op) -> None:  # every read carries the name of the page (or dialog's page) it is for
        page, work = _page_of(window, op.parent), op.work

        def named(session, actor):
            reading.page = page
            try:
                return work(session, actor)
            finally:
                reading.page = None

        op.work = named
        run(op)

    monkeypatch.setattr(ops.QueryOp, "run", run_named)
    qtbot.addWidget(window)
    window.show()
    settle(qtbot)
    for spec in PAGES:  # every page built, shown and read once: all of them could refresh now
        page = window.show_page(spec.key)
        settle(qtbot)
        for tabs in page.findChildren(QTabWidget):
            for index in range(tabs.count()):
                tabs.setCurrentIndex(index)
                settle(qtbot)
    page = window.show_page("enterprises")
    for tabs in page.findChildren(QTabWidget):
        tabs.setCurrentIndex(0)  # the enterprise list on screen
    settle(qtbot)
    dialog = EnterpriseDialog(window.ctx, enterprise_id, parent=page)
    dialog.open()
    settle(qtbot)
    name = dialog.findChild(QLineEdit, "entName")
    name.setText(name.text() + "（改）")  # a real change: the save writes and announces it

    counted: Counter = Counter()
    after_save = []
    window.ctx.bus.records_changed.connect(lambda _changes: after_save.append(True))

    def count(_conn, _cursor, _statement, _parameters, _context, _many) -> None:
        if after_save:
            counted[getattr(reading, "page", None) or _asker()] += 1

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
        settle(qtbot)
        assert closed(dialog), error_text(dialog)
        assert after_save, "the save announced nothing"
        qtbot.wait(300)  # anything scheduled late (a debounce) has its chance to run
        settle(qtbot)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
        window.close()
        settle(qtbot)
        db.dispose()
    counted.pop("ui/change_watch.py", None)  # the 3-second poll for other windows' writes, not a refresh
    return counted


def test_a_save_refreshes_only_the_page_on_screen_with_a_bounded_number_of_statements(qtbot, monkeypatch, tmp_path):
    small = _statements_after_a_save(qtbot, monkeypatch, tmp_path / "small", 12)
    large = _statements_after_a_save(qtbot, monkeypatch, tmp_path / "large", 120)
    for counted in (small, large):
        hidden = {where: n for where, n in counted.items()
                  if where and not where.startswith(VISIBLE) and where not in STILL_ON_GUI_THREAD}
        assert "" not in counted, counted  # every statement is some page's or window file's
        assert not hidden, f"hidden pages ran statements after the save: {hidden}"
        visible = sum(n for where, n in counted.items() if where.startswith(VISIBLE))
        assert 0 < visible <= MAX_STATEMENTS, counted
    shown = lambda counted: sum(n for where, n in counted.items() if where.startswith(VISIBLE))  # noqa: E731
    print(f"statements after a save: {dict(small)} at 12 enterprises, {dict(large)} at 120")
    assert shown(large) == shown(small), (small, large)  # ten times the enterprises, the same statements
