"""At a township's window: the county's package preview counts its forms, and once imported the
new form is on the 打印报表 page without a restart."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QListWidget, QPushButton, QTableWidget

from tests.conftest import make_office
from tests.unit.exchange_world import COUNTY, Office, make_office_at
from tests.unit.test_exchange_forms import NAME, TOWN, form_text, put_form
from zkdesk.app import build_context
from zkdesk.store.migrate import open_database
from zkdesk.ui.main_window import MainWindow


@pytest.fixture
def town_window(qtbot, home, tmp_path):
    """南伞镇's window, set up by the county (an office beside it) and trusted both ways; the
    county has its own form and a package for the township waiting on the stick."""
    db = open_database(home.db_path, home.backups_dir)
    town = Office(TOWN, home.root, db, make_office(db, TOWN))
    county = make_office_at(tmp_path / "offices", COUNTY)
    (setup,) = county.export(tmp_path / "setup", TOWN)
    town.applied(setup.path, trust=[county.fingerprint])
    (report,) = town.export(tmp_path / "report")
    county.applied(report.path, trust=[town.fingerprint])
    put_form(county, NAME, form_text())
    county.export(tmp_path / "stick", TOWN)
    county.db.dispose()
    window = MainWindow(build_context(home, db, town.actor))
    qtbot.addWidget(window)
    window.show()
    yield window
    db.dispose()


def test_preview_counts_forms_and_the_print_page_lists_the_new_one(qtbot, town_window, tmp_path):
    printing = town_window.show_page("print")
    form_list = printing.findChild(QListWidget, "formList")
    listed = lambda: [form_list.item(i).text() for i in range(form_list.count())]  # noqa: E731
    qtbot.waitUntil(lambda: form_list.count() > 0)  # the form files are read off the GUI thread
    assert not any("镇工表9-1" in t for t in listed())

    page = town_window.show_page("exchange")
    page.tabs.setCurrentIndex(1)
    qtbot.keyClicks(page.findChild(QLineEdit, "importPathEdit"), str(tmp_path / "stick"))
    qtbot.mouseClick(page.findChild(QPushButton, "previewButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.idle, timeout=60_000)
    preview = page.findChild(QTableWidget, "previewTable")
    headers = [preview.horizontalHeaderItem(c).text() for c in range(preview.columnCount())]
    assert preview.rowCount() == 1 and preview.item(0, headers.index("报表定义")).text() == "新增1 更新0 未变0 拒收0"
    assert not (town_window.ctx.home.root / "forms" / NAME).exists()

    qtbot.mouseClick(page.findChild(QPushButton, "applyButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.idle, timeout=60_000)
    assert "已导入 1 个数据包" in page.findChild(QLabel, "importResult").text()
    assert (town_window.ctx.home.root / "forms" / NAME).read_text(encoding="utf-8") == form_text()
    qtbot.waitUntil(lambda: any("镇工表9-1" in t for t in listed()))  # the print page reloaded its forms on the change
