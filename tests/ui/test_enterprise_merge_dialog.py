"""集体合同企业 → 合并重复企业: offered on a row flagged 代码重复, the survivor chosen in a dialog,
the other's rows moved onto it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel, QPushButton
from sqlalchemy import select

from tests.ui.settle import closed, settle
from tests.unit.test_enterprise_merge import USCC, live_children, typed_twice
from zkdesk.store.models import Enterprise
from zkdesk.ui.widgets.record_view import RecordView


class _Office:  # what typed_twice / live_children need of an office
    def __init__(self, db):
        self.db = db


def test_merge_offered_on_a_duplicate_code_and_done_in_a_dialog(qtbot, main_window):
    office = _Office(main_window.ctx.db)
    keep, other = typed_twice(office)
    with office.db.session() as s:
        s.add(Enterprise(origin="530924103", name="南伞茶厂", uscc="", township_code="530924103"))
    page = main_window.show_page("enterprises")
    settle(qtbot)
    table = page.findChild(RecordView, "enterpriseTable")
    button = page.findChild(QPushButton, "mergeEnterprise")
    flags = dict(zip(table.column_texts(0), table.column_texts(table.columns.index(
        next(c for c in table.columns if c.title == "信用代码"))), strict=True))
    assert flags["南伞糖厂"] == flags["南伞糖业有限公司"] == "代码重复"
    table.select_key(next(r.enterprise_id for r in table.shown_rows() if r.name == "南伞茶厂"))
    assert not button.isEnabled()
    table.select_key(keep)
    assert button.isEnabled()

    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = page.findChild(QDialog, "mergeDialog")
    settle(qtbot)
    candidates = dialog.findChild(RecordView, "mergeCandidates")
    assert sorted(candidates.column_texts(0)) == ["南伞糖业有限公司", "南伞糖厂"]
    assert set(candidates.column_texts(2)) == {USCC}
    assert candidates.current_key() == other  # the one with more figures is proposed
    candidates.select_key(keep)
    assert "保留“南伞糖厂”" in dialog.findChild(QLabel, "mergeChoice").text()
    qtbot.mouseClick(dialog.findChild(QPushButton, "mergeButton"), Qt.MouseButton.LeftButton)
    settle(qtbot)
    qtbot.waitUntil(lambda: closed(dialog))
    assert "已将“南伞糖业有限公司”合并到“南伞糖厂”" in page.findChild(QLabel, "mergeResult").text()
    assert live_children(office, keep)["enterprise_year"] == 2
    settle(qtbot)
    assert sorted(table.column_texts(0)) == ["南伞糖厂", "南伞茶厂"]
    with office.db.session() as s:
        assert s.get(Enterprise, other).deleted
        assert s.scalars(select(Enterprise.name).where(Enterprise.deleted.is_(False))).all()
