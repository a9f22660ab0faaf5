"""The foundation every page stands on: operations off the GUI thread, refreshes only when seen,
and the one list component."""

from __future__ import annotations

import threading
import time
from types import SimpleNamespace

from openpyxl import load_workbook
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QProgressDialog, QTabWidget, QWidget
from sqlalchemy import select

from tests.ui.modal import answer_modal
from tests.ui.settle import settle
from zkdesk.app import build_context
from zkdesk.services.errors import UserError
from zkdesk.store.models import Setting
from zkdesk.ui import bus
from zkdesk.ui.ops import Op, QueryOp
from zkdesk.ui.refresh import Refresher
from zkdesk.ui.widgets.record_view import BATCH, Column, RecordView


class Page(QWidget):
    def __init__(self, ctx):
        super().__init__()
        self.ctx = ctx


def _page(qtbot, county_db, home):
    db, actor = county_db
    page = Page(build_context(home, db, actor))
    qtbot.addWidget(page)
    page.show()
    return page


def test_an_op_works_off_the_gui_thread_and_announces_what_it_changed(qtbot, county_db, home):
    page = _page(qtbot, county_db, home)
    seen: list[bus.Changes] = []
    page.ctx.bus.records_changed.connect(seen.append)
    threads = {}

    def work(s, actor):
        threads["work"] = threading.get_ident()
        s.add(Setting(key="note", value=actor.username))
        return "saved"

    results = []
    Op(page, work).success(results.append).run()
    settle(qtbot)
    assert results == ["saved"]
    assert threads["work"] != threading.get_ident()
    assert seen and bus.SETTINGS in seen[-1].kinds and seen[-1].rows["setting"] == {"note"}
    with page.ctx.db.read_session() as s:
        assert s.get(Setting, "note").value == "admin"


def test_moving_the_audit_chain_head_is_news_for_the_log_not_a_settings_change():
    assert bus.kinds_of_rows({"setting": {"audit_head"}, "audit_log": {7}}) == {bus.AUDIT}
    assert bus.kinds_of_rows({"setting": {"audit_head", "idle_lock_seconds"}}) == {bus.AUDIT, bus.SETTINGS}
    assert bus.kinds_of_rows({"enterprise": {"e1"}, "no_such_table": set()}) == {bus.ENTERPRISES, bus.ALL}


def test_a_refused_op_shows_its_chinese_reason_and_changes_nothing(qtbot, county_db, home):
    page = _page(qtbot, county_db, home)
    announced = []
    page.ctx.bus.records_changed.connect(announced.append)

    def work(s, actor):
        s.add(Setting(key="half", value="1"))
        s.flush()
        raise UserError("企业名称必须填写")

    messages = []
    Op(page, work).failure(messages.append).run()
    settle(qtbot)
    assert messages == ["企业名称必须填写"] and announced == []
    with page.ctx.db.read_session() as s:
        assert s.scalars(select(Setting).where(Setting.key == "half")).first() is None


def test_an_op_asks_first_and_does_nothing_when_told_no(qtbot, county_db, home):
    page = _page(qtbot, county_db, home)
    ran = []
    answer_modal(qtbot, "否", "confirmBox")
    started = Op(page, lambda s, actor: ran.append(1), confirm="删除所选企业？").run()
    settle(qtbot)
    assert started is False and ran == []


def test_a_slow_op_shows_a_busy_sign_and_the_window_keeps_ticking(qtbot, county_db, home):
    page = _page(qtbot, county_db, home)
    ticks = []
    timer = QTimer(page, interval=10)
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start()
    busy_seen = []

    def look_for_busy():
        busy = [w for w in QApplication.topLevelWidgets() if isinstance(w, QProgressDialog) and w.objectName() == "opBusy"]
        busy_seen.append(any(w.isVisible() for w in busy))

    span = {}

    def work(s, actor):
        span["start"] = time.monotonic()
        time.sleep(0.7)
        span["end"] = time.monotonic()

    QTimer.singleShot(450, look_for_busy)
    Op(page, work, busy="正在保存…").run()
    settle(qtbot)
    timer.stop()
    assert busy_seen == [True]
    during = [t for t in ticks if span["start"] < t < span["end"]]
    assert len(during) >= 5  # the GUI thread kept handling its timer while the work ran


def test_a_hidden_view_does_not_refresh_until_shown_and_the_newest_result_wins(qtbot, county_db, home):
    page = _page(qtbot, county_db, home)
    tabs = QTabWidget(page)
    first, second = QWidget(), QWidget()
    tabs.addTab(first, "一")
    tabs.addTab(second, "二")
    tabs.show()
    shown, queries = [], []

    def query():
        n = len(queries) + 1
        queries.append(n)

        def work(s, actor):
            time.sleep(0.3 if n == 1 else 0)  # the first, older query is the slow one
            return n
        return work

    refresher = Refresher(second, query, shown.append, kinds=(bus.ENTERPRISES,), ctx=page.ctx)
    page.ctx.bus.notify(bus.ENTERPRISES)
    settle(qtbot)
    assert queries == [] and refresher.stale  # hidden: nothing ran

    tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: refresher.loading)
    refresher.request()  # a second request while the first still runs
    settle(qtbot)
    assert queries == [1, 2] and shown == [2]


def test_a_superseded_long_refresh_stops_at_its_next_step_and_only_the_newest_is_shown(qtbot, county_db, home):
    """A second request while a long refresh runs: the first stops at its next ticket.check()
    (it does not run to its end before the second starts), shows nothing, and the second shows."""
    page = _page(qtbot, county_db, home)
    gate = threading.Event()
    steps: dict[int, list[int]] = {}
    shown = []

    def query():
        n = len(steps) + 1
        steps[n] = []
        ticket = refresher.ticket

        def work(s, actor):
            for step in range(5):
                ticket.check()
                steps[n].append(step)
                if n == 1 and step == 0:
                    gate.wait(10)  # the first refresh is held here until the second is asked for
            return n
        return work

    refresher = Refresher(page, query, shown.append, ctx=page.ctx)
    refresher.request()
    qtbot.waitUntil(lambda: steps.get(1) == [0])
    refresher.request()  # the filters changed while the first still runs
    gate.set()
    settle(qtbot)
    assert steps == {1: [0], 2: [0, 1, 2, 3, 4]}  # the first stopped after its first step
    assert shown == [2] and not refresher.loading


def test_a_superseded_refresh_of_a_hidden_view_shows_nothing_and_runs_again_when_shown(qtbot, county_db, home):
    page = _page(qtbot, county_db, home)
    tabs = QTabWidget(page)
    first, second = QWidget(), QWidget()
    tabs.addTab(first, "一")
    tabs.addTab(second, "二")
    tabs.show()
    tabs.setCurrentIndex(1)
    gate, ran, shown = threading.Event(), [], []

    def query():
        n = len(ran) + 1
        ran.append(n)
        ticket = refresher.ticket

        def work(s, actor):
            if n == 1:
                gate.wait(10)
            ticket.check()
            return n
        return work

    refresher = Refresher(second, query, shown.append, ctx=page.ctx)
    refresher.request()
    qtbot.waitUntil(lambda: refresher.loading)
    tabs.setCurrentIndex(0)
    refresher.request()  # a change while the view was hidden: the running refresh is out of date
    gate.set()
    settle(qtbot)
    assert ran == [1] and shown == [] and refresher.stale
    tabs.setCurrentIndex(1)
    settle(qtbot)
    assert ran == [1, 2] and shown == [2]


def test_record_view_searches_sorts_keeps_selection_and_reveals_rows_in_batches(qtbot, tmp_path, county_db):
    _db, actor = county_db
    rows = [SimpleNamespace(id=i, name=f"企业{i:05d}", township="南伞镇" if i % 2 else "勐捧镇", employees=i % 997)
            for i in range(BATCH * 3)]
    view = RecordView([Column("企业名称", lambda r: r.name, stretch=True), Column("乡镇", lambda r: r.township),
                       Column("职工数", lambda r: r.employees, fmt="int")], key=lambda r: r.id, objectName="t")
    qtbot.addWidget(view)
    view.resize(600, 400)
    view.show()
    view.set_rows(rows)
    assert view.model().rowCount() == BATCH and view.row_count() == BATCH * 3  # the rest on scrolling
    qtbot.waitUntil(lambda: view.verticalScrollBar().maximum() > 0)
    view.verticalScrollBar().setValue(view.verticalScrollBar().maximum())
    qtbot.waitUntil(lambda: view.model().rowCount() > BATCH)

    assert view.select_key(BATCH * 3 - 2)  # a row not revealed yet is revealed to select it
    view.set_filter_text("南伞 企业0")
    assert view.row_count() == len([r for r in rows if r.township == "南伞镇" and r.name.startswith("企业0")])
    assert view.current_key() == BATCH * 3 - 2 or view.current_key() is None

    view.set_filter_text("")
    view.sortByColumn(2, Qt.SortOrder.DescendingOrder)
    employees = [r.employees for r in view.shown_rows()]
    assert employees == sorted(employees, reverse=True)
    view.select_key(7)
    view.set_rows(list(reversed(rows)))  # a refresh: the same record stays selected
    assert view.current_key() == 7

    view.set_filter_text("勐捧镇 企业0000")
    path = view.export_xlsx(tmp_path / "shown.xlsx", actor, title="企业名册")
    sheet = load_workbook(path).active
    exported = [row for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert [r[0] for r in exported] == [r.name for r in view.shown_rows()]
    assert len(exported) == 5  # 企业00000, 00002 … 00008


def test_a_new_record_view_keeps_the_order_the_rows_came_in_until_a_header_is_clicked(qtbot):
    view = RecordView([Column("用户名", lambda r: r)], key=lambda r: r)
    qtbot.addWidget(view)
    view.set_rows(["admin", "li_na", "bao"])  # the service's order (by id), not by name either way
    assert view.shown_rows() == ["admin", "li_na", "bao"]
    view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    assert view.shown_rows() == ["admin", "bao", "li_na"]
    view.record_model.sort(-1)
    assert view.shown_rows() == ["admin", "li_na", "bao"]


def test_an_empty_list_says_what_to_do(qtbot):
    view = RecordView([Column("企业名称", lambda r: r)], key=lambda r: r, empty="暂无企业：点击“新增企业”登记")
    qtbot.addWidget(view)
    view.resize(400, 200)
    view.show()
    view.set_rows([])
    image = view.viewport().grab().toImage()
    dark = sum(1 for x in range(image.width()) for y in range(0, image.height(), 2)
               if image.pixelColor(x, y).lightness() < 160)
    assert dark > 50  # the hint is painted in the empty table
    view.set_rows(["甲"])
    view.set_filter_text("乙")
    assert view.row_count() == 0


def test_a_query_op_refuses_to_write(qtbot, county_db, home):
    page = _page(qtbot, county_db, home)
    messages = []
    QueryOp(page, lambda s, actor: s.add(Setting(key="x", value="1")) or s.flush()).failure(messages.append).run()
    settle(qtbot)
    assert messages and messages[0].startswith("程序内部错误")
