"""Another PC's (or window's, or command's) write reaches this window through the change watch
(ui/change_watch.py): only the pages showing the kinds of records it wrote go stale. Two Database
objects on one target stand for two PCs; on the PostgreSQL pass they are two clients of a server."""

from __future__ import annotations

from tests.enterprise_helpers import add_enterprise
from tests.ui.settle import settle
from zkdesk.store.engine import Database
from zkdesk.store.models import Setting
from zkdesk.ui import bus
from zkdesk.ui.change_watch import ChangeWatcher

HOUR_MS = 3_600_000  # the test polls by hand


def _pages_seen_then_left(qtbot, window):
    """The enterprise and nomination pages filled once, then the clerk on the indicators page."""
    for key in ("enterprises", "nominations", "indicators"):
        window.show_page(key)
        settle(qtbot)
    enterprises, nominations = window.page("enterprises"), window.page("nominations")
    listed = enterprises.refreshers[0]  # the enterprise list's (the page's other tabs were never shown)
    assert listed.view is enterprises.enterprise_table
    assert not listed.stale and not nominations.refresher.stale
    return enterprises, nominations


def _watching(qtbot, window) -> ChangeWatcher:
    watch = ChangeWatcher(window, window.ctx, interval_ms=HOUR_MS)
    qtbot.waitUntil(lambda: watch.polls == 1)
    return watch


def _poll(qtbot, watch: ChangeWatcher) -> None:
    polls = watch.polls
    watch.poll()
    qtbot.waitUntil(lambda: watch.polls == polls + 1)


def test_an_enterprise_written_on_another_pc_makes_the_enterprise_page_stale_not_the_nominations(qtbot, main_window):
    window = main_window
    enterprises, nominations = _pages_seen_then_left(qtbot, window)
    watch = _watching(qtbot, window)
    _poll(qtbot, watch)
    assert watch.announced == frozenset()  # nothing written: nothing announced

    other = Database(window.ctx.db.url, window.ctx.db.password)
    try:
        with other.session() as s:
            add_enterprise(s, window.ctx.actor, "邻县来的测试企业")
    finally:
        other.dispose()
    _poll(qtbot, watch)

    assert bus.ENTERPRISES in watch.announced and bus.ALL not in watch.announced
    assert bus.NOMINATIONS not in watch.announced
    assert enterprises.refreshers[0].stale
    assert not nominations.refresher.stale

    window.show_page("enterprises")  # the page seen again shows the other PC's enterprise
    settle(qtbot)
    table = enterprises.enterprise_table
    names = {table.model().index(row, col).data() for row in range(table.model().rowCount())
             for col in range(table.model().columnCount())}
    assert "邻县来的测试企业" in names
    assert not enterprises.refreshers[0].stale
    watch.stop()


def test_a_write_that_logged_nothing_makes_every_page_stale(qtbot, main_window):
    window = main_window
    enterprises, nominations = _pages_seen_then_left(qtbot, window)
    watch = _watching(qtbot, window)
    other = Database(window.ctx.db.url, window.ctx.db.password)
    try:
        with other.session() as s:
            s.add(Setting(key="written_behind_the_trail", value="1"))  # no audit entry says what changed
    finally:
        other.dispose()
    _poll(qtbot, watch)

    assert watch.announced == frozenset({bus.ALL})
    assert enterprises.refreshers[0].stale and nominations.refresher.stale
    watch.stop()


def test_the_kinds_of_audit_entries():
    assert bus.kinds_of_entries({("enterprise", "update"), ("contract", "create")}) == {bus.ENTERPRISES, bus.AUDIT}
    assert bus.kinds_of_entries({("nomination", "create")}) == {bus.NOMINATIONS, bus.AUDIT}
    assert bus.kinds_of_entries({("user", "login")}) == {bus.USERS, bus.AUDIT}
    assert bus.kinds_of_entries({("enterprise", "resolve_conflict")}) == {bus.ENTERPRISES, bus.EXCHANGE, bus.AUDIT}
    assert bus.ALL in bus.kinds_of_entries({("package", "exchange_import")})
