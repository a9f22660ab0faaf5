"""数据交换: the preview names every record and opens it on a double-click; the 冲突 tab settles
conflicts one by one, in bulk and field by field, each decision audited."""

from __future__ import annotations

import json

from PySide6.QtWidgets import QComboBox, QDialog, QLabel, QLineEdit, QTableWidget
from sqlalchemy import select

from tests.ui.modal import answer_modal
from tests.ui.settle import settle
from tests.ui.test_exchange_page import TOWN, click, page_of, township_report, wait_idle
from zkdesk.exchange.importing import import_packages, trust_package_sender
from zkdesk.store.models import AuditEntry, Enterprise
from zkdesk.ui.widgets.record_view import RecordView


def county_import(window, folder):
    ctx = window.ctx
    return import_packages(ctx.db, ctx.actor, [folder], ctx.home.backups_dir, forms_dir=ctx.home.root / "forms")


def two_conflicts(window, tmp_path):
    """南伞镇 reports two enterprises; then both offices change each one's contact and phone."""
    town, town_print = township_report(window, tmp_path)
    with town.db.session() as s:
        s.add(Enterprise(origin=TOWN, name="南伞茶厂", township_code=TOWN, contact_person="甲", contact_phone="1"))
    stick = tmp_path / "stick"
    for old in stick.glob("*.zkx"):
        old.unlink()
    town.export(stick)
    with window.ctx.db.session() as s:
        trust_package_sender(s, window.ctx.actor, next(stick.glob("*.zkx")), town_print)
    (res,) = county_import(window, stick)
    assert res.applied and res.counts["new"] == 2
    for office, person, phone in ((town, "李四", "13900000001"), (window.ctx, "王五", "13900000002")):
        with office.db.session() as s:
            for e in s.scalars(select(Enterprise)):
                e.contact_person, e.contact_phone = person, phone
                e.touch()
    for old in stick.glob("*.zkx"):
        old.unlink()
    town.export(stick)
    return town, stick


def enterprise_contacts(window) -> dict[str, tuple[str, str]]:
    with window.ctx.db.session() as s:
        return {e.name: (e.contact_person, e.contact_phone) for e in s.scalars(select(Enterprise))}


def test_preview_lists_records_with_reasons_and_opens_one(qtbot, main_window, tmp_path):
    town, stick = two_conflicts(main_window, tmp_path)
    page = page_of(main_window)
    page.tabs.setCurrentIndex(1)
    qtbot.keyClicks(page.findChild(QLineEdit, "importPathEdit"), str(stick))
    click(qtbot, page, "previewButton")
    wait_idle(qtbot, page)
    preview = page.findChild(QTableWidget, "previewTable")
    note = preview.item(0, 10).text()
    assert "2条两边都改过（冲突）" in note and "双击" in note
    records = page.findChild(RecordView, "previewRecords")
    assert records.row_count() == 2
    assert sorted(records.column_texts(2)) == ["南伞制糖有限公司", "南伞茶厂"]
    assert records.column_texts(3) == ["冲突", "冲突"]
    assert all("本机和对方都改了联系人、联系电话" in r for r in records.column_texts(4))

    records.selectRow(0)
    name = records.current_row().label
    records.doubleClicked.emit(records.model().index(0, 0))
    dialog = page.findChild(QDialog, "recordDetailDialog")
    assert dialog is not None and dialog.isVisible()
    assert name in dialog.findChild(QLabel, "recordDetailHead").text()
    fields = dialog.findChild(QTableWidget, "recordDetailFields")
    shown = {fields.item(r, 0).text(): [fields.item(r, c).text() for c in (1, 2, 3)] for r in range(fields.rowCount())}
    assert shown["联系电话"] == ["13900000002", "13900000001", "冲突"]
    dialog.reject()
    page.findChild(QLineEdit, "recordSearchEdit").setText("茶厂")
    assert records.column_texts(2) == ["南伞茶厂"]
    town.db.dispose()


def test_conflicts_settled_in_bulk_and_field_by_field(qtbot, main_window, tmp_path):
    town, stick = two_conflicts(main_window, tmp_path)
    (res,) = county_import(main_window, stick)
    assert res.counts["conflicts"] == 2
    page = page_of(main_window)
    settle(qtbot)
    assert page.tabs.tabText(2) == "冲突（2）"
    page.tabs.setCurrentIndex(2)
    settle(qtbot)
    view = page.findChild(RecordView, "conflictsTable")
    assert view.row_count() == 2 and set(view.column_texts(3)) == {"联系人、联系电话"}
    assert set(view.column_texts(4)) == {"联系人：王五；联系电话：13900000002"}

    # field by field on the current conflict: keep our person, take their phone
    view.select_key(view.shown_rows()[0].id)
    first = view.current_row().title
    fields = page.findChild(QTableWidget, "conflictFields")
    assert [fields.item(r, 0).text() for r in range(fields.rowCount())] == ["联系人", "联系电话"]
    phone = fields.cellWidget(1, 3)
    assert isinstance(phone, QComboBox) and phone.currentText() == "保留本地"
    phone.setCurrentIndex(phone.findData("theirs"))
    click(qtbot, page, "perFieldButton")
    settle(qtbot)
    assert enterprise_contacts(main_window)[first] == ("王五", "13900000001")
    assert view.row_count() == 1 and page.tabs.tabText(2) == "冲突（1）"

    # the rest: select all, keep ours (asked first when more than one; here one)
    view.selectAll()
    assert page.findChild(QLabel, "conflictSelection").text() == "已选 1 条"
    click(qtbot, page, "keepLocalButton")
    settle(qtbot)
    assert view.row_count() == 0 and page.tabs.tabText(2) == "冲突"
    other = next(n for n in enterprise_contacts(main_window) if n != first)
    assert enterprise_contacts(main_window)[other] == ("王五", "13900000002")
    with main_window.ctx.db.session() as s:
        entries = s.scalars(select(AuditEntry).where(AuditEntry.action == "resolve_conflict")).all()
        choices = sorted(json.loads(e.details)["choice"] for e in entries)
    assert choices == ["fields", "local"]
    town.db.dispose()


def test_bulk_take_theirs_asks_once_for_all_selected(qtbot, main_window, tmp_path):
    town, stick = two_conflicts(main_window, tmp_path)
    county_import(main_window, stick)
    page = page_of(main_window)
    page.tabs.setCurrentIndex(2)
    settle(qtbot)
    view = page.findChild(RecordView, "conflictsTable")
    view.selectAll()
    answer_modal(qtbot, "是")
    click(qtbot, page, "takeRemoteButton")
    settle(qtbot)
    assert view.row_count() == 0
    assert set(enterprise_contacts(main_window).values()) == {("李四", "13900000001")}
    town.db.dispose()


def test_submissions_tab_shows_each_township(qtbot, main_window, tmp_path):
    town, stick = two_conflicts(main_window, tmp_path)
    county_import(main_window, stick)
    page = page_of(main_window)
    page.tabs.setCurrentIndex(4)
    assert page.tabs.tabText(4) == "报送情况"
    settle(qtbot)
    view = page.findChild(RecordView, "submissionsTable")
    assert view.row_count() == 7
    rows = {r.name: r for r in view.shown_rows()}
    titles = [c.title for c in view.columns]
    row = view.shown_rows().index(rows["南伞镇"])
    texts = {t: view.column_texts(i)[row] for i, t in enumerate(titles)}
    assert texts["最近数据包"] == "第3号" and texts["未处理冲突"] == "2" and texts["缺号"] == "缺第1号"
    assert any(t.endswith("年指标") for t in titles)
    assert view.column_texts(1)[view.shown_rows().index(rows["凤尾镇"])] == "尚未收到"
    town.db.dispose()
