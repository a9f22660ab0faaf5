"""The 数据交换 page: export to a folder, import preview, key-fingerprint confirmation, apply,
conflicts, log — driven through the widgets."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialog, QLabel, QLineEdit, QPushButton, QTableWidget, QWidget
from sqlalchemy import select

from tests.ui.settle import settle
from tests.unit.exchange_world import COUNTY, Office, make_office_at
from zkdesk.exchange.export import export_packages
from zkdesk.store.models import Enterprise
from zkdesk.ui.widgets.record_view import RecordView

TOWN = "530924103"


def page_of(window):
    page = window.show_page("exchange")
    return page


def click(qtbot, page, name: str) -> None:
    qtbot.mouseClick(page.findChild(QPushButton, name), Qt.MouseButton.LeftButton)


def wait_idle(qtbot, page) -> None:
    qtbot.waitUntil(lambda: page.idle, timeout=60_000)


def cell(table: QTableWidget, row: int, col: int) -> str:
    return table.item(row, col).text()


def township_report(window, tmp_path) -> tuple[Office, str]:
    """南伞镇, set up from the window's county, with one new enterprise in a report."""
    ctx = window.ctx
    town = make_office_at(tmp_path / "offices", TOWN)
    (setup,) = export_packages(ctx.db, ctx.actor, _mkdir(tmp_path / "setup"), TOWN)
    with ctx.db.session() as s:
        from zkdesk.exchange.overview import keys_overview

        county_print = keys_overview(s, ctx.actor).fingerprint
    town.applied(setup.path, trust=[county_print])
    with town.db.session() as s:
        s.add(Enterprise(origin=TOWN, name="南伞制糖有限公司", township_code=TOWN, contact_phone="13800000000"))
    town.export(tmp_path / "stick")
    return town, town.fingerprint


def _mkdir(path):
    path.mkdir(parents=True, exist_ok=True)
    return path


def enterprises(window) -> list[str]:
    with window.ctx.db.session() as s:
        return s.scalars(select(Enterprise.name)).all()


def test_import_preview_key_confirmation_and_apply(qtbot, main_window, tmp_path):
    town, town_print = township_report(main_window, tmp_path)
    page = page_of(main_window)
    page.tabs.setCurrentIndex(1)
    qtbot.keyClicks(page.findChild(QLineEdit, "importPathEdit"), str(tmp_path / "stick"))
    click(qtbot, page, "previewButton")
    wait_idle(qtbot, page)

    # First sight of 南伞镇's key: the dialog shows its fingerprint and wants it read back.
    qtbot.waitUntil(lambda: page.findChild(QDialog, "keyConfirmDialog") is not None)
    dialog = page.findChild(QDialog, "keyConfirmDialog")
    assert dialog.findChild(QLabel, "fingerprintLabel").text() == town_print
    preview = page.findChild(QTableWidget, "previewTable")
    assert "首次收到" in cell(preview, 0, 10) and not page.findChild(QPushButton, "applyButton").isEnabled()
    trust = dialog.findChild(QPushButton, "trustKeyButton")
    heard = dialog.findChild(QLineEdit, "heardFingerprintEdit")
    qtbot.keyClicks(heard, "0000-1111-2222-3333-4444")
    assert not trust.isEnabled() and "不一致" in dialog.findChild(QLabel, "fingerprintStatus").text()
    heard.clear()
    qtbot.keyClicks(heard, town_print.replace("-", " ").lower())  # read out in groups, typed loosely
    assert trust.isEnabled()
    qtbot.mouseClick(trust, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    wait_idle(qtbot, page)

    # The preview now counts the package; nothing is written until the user confirms.
    assert preview.rowCount() == 1
    assert [cell(preview, 0, c) for c in (1, 2, 4, 5, 6, 7, 8)] == ["南伞镇", "1", "1", "0", "0", "0", "0"]
    assert "预览" in page.findChild(QLabel, "importResult").text()
    assert enterprises(main_window) == []
    apply = page.findChild(QPushButton, "applyButton")
    assert apply.isEnabled()
    qtbot.mouseClick(apply, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, page)
    assert enterprises(main_window) == ["南伞制糖有限公司"]
    assert "已导入 1 个数据包" in page.findChild(QLabel, "importResult").text()
    assert not apply.isEnabled()
    page.tabs.setCurrentIndex(3)  # the log is read when its tab is shown
    settle(qtbot)
    log = page.findChild(QTableWidget, "logTable")
    assert [cell(log, 0, c) for c in (1, 2, 3)] == ["导入", "南伞镇", "1"]
    assert list((main_window.ctx.home.backups_dir).glob("*-import*.sqlite3"))
    town.db.dispose()


def test_export_to_a_folder_and_settle_a_conflict(qtbot, main_window, tmp_path):
    town, town_print = township_report(main_window, tmp_path)
    page = page_of(main_window)
    page.tabs.setCurrentIndex(1)
    path_edit = page.findChild(QLineEdit, "importPathEdit")
    qtbot.keyClicks(path_edit, str(tmp_path / "stick"))
    with main_window.ctx.db.session() as s:
        from zkdesk.exchange.importing import trust_package_sender

        trust_package_sender(s, main_window.ctx.actor, next((tmp_path / "stick").glob("*.zkx")), town_print)
    click(qtbot, page, "previewButton")
    wait_idle(qtbot, page)
    click(qtbot, page, "applyButton")
    wait_idle(qtbot, page)

    # Both sides change the same phone number.
    with main_window.ctx.db.session() as s:
        s.scalars(select(Enterprise)).one().contact_phone = "13900000002"
    with town.db.session() as s:
        s.scalars(select(Enterprise)).one().contact_phone = "13900000001"
    for old in (tmp_path / "stick").glob("*.zkx"):
        old.unlink()
    town.export(tmp_path / "stick")
    path_edit.clear()
    qtbot.keyClicks(path_edit, str(tmp_path / "stick"))
    click(qtbot, page, "previewButton")
    wait_idle(qtbot, page)
    assert cell(page.findChild(QTableWidget, "previewTable"), 0, 7) == "1"
    click(qtbot, page, "applyButton")
    wait_idle(qtbot, page)
    assert "1 条冲突" in page.findChild(QLabel, "importResult").text()

    page.tabs.setCurrentIndex(2)
    settle(qtbot)
    conflicts = page.findChild(RecordView, "conflictsTable")
    assert conflicts.row_count() == 1 and "冲突（1）" == page.tabs.tabText(2)
    assert (conflicts.column_texts(4), conflicts.column_texts(5)) == (["13900000002"], ["13900000001"])
    conflicts.selectRow(0)
    click(qtbot, page, "takeRemoteButton")
    settle(qtbot)
    assert conflicts.row_count() == 0 and page.tabs.tabText(2) == "冲突"
    with main_window.ctx.db.session() as s:
        assert s.scalars(select(Enterprise.contact_phone)).one() == "13900000001"

    # Export the county's package for 南伞镇 into a folder.
    page.tabs.setCurrentIndex(0)
    out = _mkdir(tmp_path / "out")
    edit = page.findChild(QLineEdit, "exportDirEdit")
    edit.clear()
    qtbot.keyClicks(edit, str(out))
    combo = page.findChild(QComboBox, "receiverCombo")
    combo.setCurrentIndex(combo.findData(TOWN))
    click(qtbot, page, "exportButton")
    wait_idle(qtbot, page)
    (written,) = out.glob("*.zkx")
    assert written.name.startswith(f"{COUNTY}-{TOWN}-") and written.name.endswith("-0002.zkx")
    assert written.name in page.findChild(QLabel, "exportResult").text()
    (res,) = town.applied(written)
    assert res.receipts == 2  # receipts for both of its reports
    town.db.dispose()


def test_a_township_is_told_to_import_the_countys_first_package_before_exporting(qtbot, home, tmp_path):
    from tests.conftest import make_office
    from zkdesk.app import build_context
    from zkdesk.store.migrate import open_database
    from zkdesk.ui.main_window import MainWindow

    db = open_database(home.db_path, home.backups_dir)
    town = Office(TOWN, home.root, db, make_office(db, TOWN))
    window = MainWindow(build_context(home, db, town.actor))
    qtbot.addWidget(window)
    window.show()
    try:
        page = page_of(window)
        settle(qtbot)
        box, export = page.findChild(QWidget, "firstStepBox"), page.findChild(QPushButton, "exportButton")
        assert box.isVisible() and not export.isEnabled()  # no county key yet: the first step is said, not refused later
        assert "导入县总工会的第一个数据包" in page.findChild(QLabel, "firstStepText").text()
        click(qtbot, page, "firstStepImportButton")
        assert page.tabs.currentIndex() == 1 and page.tabs.tabText(1) == "导入数据包"

        county = make_office_at(tmp_path / "offices", COUNTY)
        (setup,) = county.export(tmp_path / "setup", TOWN)
        town.applied(setup.path, trust=[county.fingerprint])
        county.db.dispose()
        window.ctx.bus.notify("exchange")
        page.tabs.setCurrentIndex(0)
        settle(qtbot)
        assert not box.isVisible() and export.isEnabled()  # the county's key is here: the report can go
    finally:
        window.close_unasked()
        settle(qtbot)
        db.dispose()


def test_the_county_sees_no_first_step(qtbot, main_window):
    page = page_of(main_window)
    settle(qtbot)
    assert page.findChild(QWidget, "firstStepBox").isHidden() and page.findChild(QPushButton, "exportButton").isEnabled()
