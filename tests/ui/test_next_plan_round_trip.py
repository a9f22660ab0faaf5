"""十五五 start (issue 20): the county makes the 十五五 plan in 规划与目标 (copy of 十四五, a target
edited in the grid) and marks it 当前规划 (confirmed, audited); the next package takes it to a township, which enters a 2026 value against
it; the township's package brings the value back; the 2025 final figure is its baseline."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialog, QPushButton, QTableWidget

import json

from sqlalchemy import select

from tests.conftest import NANSAN
from tests.ui.settle import settle
from tests.unit.exchange_world import COUNTY, Office, make_office_at
from zkdesk.services.catalog import default_plan, marked_current_plan
from zkdesk.services.indicator_values import ValueEntry, save_values
from zkdesk.services.progress import plan_by_code, progress_for
from zkdesk.store.models import AuditEntry
from zkdesk.ui import ops
from zkdesk.ui.indicators.plan_tab import COL_TARGET, CopyPlanDialog


def _row(table, code):
    return next(r for r in range(table.rowCount()) if table.item(r, 0).text() == code)


def test_a_plan_made_in_the_window_travels_to_a_township_and_back_with_2026_values(
        main_window, qtbot, monkeypatch, tmp_path):
    county = Office(COUNTY, main_window.ctx.home.root, main_window.ctx.db, main_window.ctx.actor)
    town = make_office_at(tmp_path, NANSAN)
    # 南伞镇's 2025 figure of 04.2 (a stock) under 十四五 (it reaches the county with its next package)
    with town.db.session() as s:
        old = plan_by_code(s, "zk-2021-2025")
        stock = next(i for i in old.indicators if i.code == "04.2")
        save_values(s, town.actor, old.id, NANSAN, 2025, [ValueEntry(stock.id, value="6")])

    page = main_window.show_page("indicators")
    settle(qtbot)
    page.tabs.setCurrentIndex(2)
    settle(qtbot)
    monkeypatch.setattr(CopyPlanDialog, "exec", lambda self: QDialog.DialogCode.Accepted)  # its proposed 十五五
    qtbot.mouseClick(page.findChild(QPushButton, "copyPlanButton"), Qt.MouseButton.LeftButton)
    settle(qtbot)
    plans = page.findChild(QComboBox)
    qtbot.waitUntil(lambda: "十五五" in plans.currentText(), timeout=30_000)
    settle(qtbot)
    table = page.findChild(QTableWidget, "planIndicatorTable")
    table.item(_row(table, "04.2"), COL_TARGET).setText("15")  # the new period's own target
    qtbot.mouseClick(page.findChild(QPushButton, "saveIndicatorsButton"), Qt.MouseButton.LeftButton)
    settle(qtbot)
    with county.db.read_session() as s:
        new = plan_by_code(s, "zk-2026-2030")
        assert (new.start_year, new.end_year) == (2026, 2030)
        assert next(i for i in new.indicators if i.code == "04.2").target == 15.0
        assert plan_by_code(s, "zk-2021-2025").end_year == 2025  # both plans stay

    # 设为当前规划: asked first (否 leaves it), then marked and audited; the page's plan list says so
    questions = []
    monkeypatch.setattr(ops, "ask", lambda parent, text: questions.append(text) or len(questions) > 1)
    for _ in range(2):
        qtbot.mouseClick(page.findChild(QPushButton, "setCurrentPlanButton"), Qt.MouseButton.LeftButton)
        settle(qtbot)
        with county.db.read_session() as s:
            marked = marked_current_plan(s)
            assert (marked.code if marked else None) == (None if len(questions) == 1 else "zk-2026-2030")
    assert "当前规划" in questions[0]
    with county.db.read_session() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "set_current")).one()
        assert json.loads(entry.details)["new"]["code"] == "zk-2026-2030"
    qtbot.waitUntil(lambda: "【当前规划】" in plans.currentText(), timeout=30_000)

    # county → township: the new plan in the next package
    county.export(tmp_path / "usb1", NANSAN)
    town.applied(tmp_path / "usb1", trust=[county.fingerprint])
    with town.db.session() as s:
        new = plan_by_code(s, "zk-2026-2030")
        assert default_plan(s, 2025).code == "zk-2026-2030"  # marked current there too
        ind = next(i for i in new.indicators if i.code == "04.2")
        assert ind.target == 15.0
        save_values(s, town.actor, new.id, NANSAN, 2026, [ValueEntry(ind.id, value="8")])
        ind_id = ind.id

    # township → county: the 2026 value against 十五五, judged from the 2025 final figure
    (res,) = county.applied(*[p.path for p in town.export(tmp_path / "usb2")], trust=[town.fingerprint])
    assert res.counts["rejected"] == 0 and res.counts["conflicts"] == 0, res.rejected
    with county.db.read_session() as s:
        new = plan_by_code(s, "zk-2026-2030")
        row = next(r for r in progress_for(s, new.id, NANSAN, 2026) if r.indicator_id == ind_id)
        old_row = next(r for r in progress_for(s, plan_by_code(s, "zk-2021-2025").id, NANSAN, 2025) if r.code == "04.2")
    assert row.actual == 8.0 and row.baseline == 6.0
    assert old_row.actual == 6.0  # 十四五 still reads as it was
    settle(qtbot)
    town.db.dispose()
