"""The 集体合同企业 page driven as a clerk would: dialogs filled with keys and clicks."""

import re
from datetime import date, timedelta

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QCheckBox, QComboBox, QLabel, QLineEdit, QListWidget, QPushButton, QSpinBox, QTabBar
from sqlalchemy import func, select

from tests.conftest import COUNTY
from tests.ui.settle import closed, error_text, settle
from tests.enterprise_helpers import add_enterprise
from zkdesk.domain.contract_rules import add_months, expiry_date
from zkdesk.services.derived import derive
from zkdesk.store.models import Enterprise
from zkdesk.ui.enterprises.contract_dialog import ContractDialog
from zkdesk.ui.enterprises.enterprise_dialog import EnterpriseDialog

LEFT = Qt.MouseButton.LeftButton


def _click(qtbot, parent, cls, name):
    widget = parent.findChild(cls, name)
    assert widget is not None, name
    # a check box reacts on its box and label, not on the empty stretch beside them
    pos = QPoint(8, widget.height() // 2) if isinstance(widget, QCheckBox) else widget.rect().center()
    qtbot.mouseClick(widget, LEFT, pos=pos)
    return widget


def _enter(qtbot, widget, text):
    """Type text: ASCII as key presses, Chinese as the input method delivers it (a commit)."""
    for run in re.findall(r"[\x00-\x7f]+|[^\x00-\x7f]+", text):
        if run.isascii():
            qtbot.keyClicks(widget, run)
        else:
            event = QInputMethodEvent()
            event.setCommitString(run)
            QApplication.sendEvent(widget, event)


def _type(qtbot, parent, name, text, cls=QLineEdit):
    widget = parent.findChild(cls, name)
    assert widget is not None, name
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)  # replace what is there
    _enter(qtbot, widget.lineEdit() if isinstance(widget, QSpinBox) else widget, text)
    return widget


def _choose(qtbot, combo: QComboBox, text: str) -> None:
    """Pick an item the way the keyboard does: focus, type its start, confirm."""
    index = combo.findText(text, Qt.MatchFlag.MatchStartsWith)
    assert index >= 0, text
    combo.setFocus()
    while combo.currentIndex() != index:
        qtbot.keyClick(combo, Qt.Key.Key_Down if combo.currentIndex() < index else Qt.Key.Key_Up)


def _rate_shown(qtbot, page, code):
    """The rate as the 指标测算 tab shows it (the tab is opened to look, as a user would)."""
    _switch_tab(qtbot, page, "指标测算")
    settle(qtbot)
    table = page.rates_table
    codes, values = table.column_texts(0), table.column_texts(5)
    assert code in codes, f"indicator {code} not on the page"
    return values[codes.index(code)]


def _derived(page, key, year):
    with page.ctx.db.session() as s:
        return derive(s, key, COUNTY, year)


def _switch_tab(qtbot, page, label):
    bar = page.tabs.findChild(QTabBar)
    index = [page.tabs.tabText(i) for i in range(page.tabs.count())].index(label)
    qtbot.mouseClick(bar, LEFT, pos=bar.tabRect(index).center())
    assert page.tabs.currentIndex() == index


def test_enterprise_with_union_and_contract_moves_items_4_and_14_and_reminds_of_expiry(main_window, qtbot):
    page = main_window.show_page("enterprises")
    year = date.today().year
    assert page.year.value() == year
    assert _rate_shown(qtbot, page, "04.1") == "—" and _rate_shown(qtbot, page, "14.2") == "—"
    assert _derived(page, "enterprises.union_coverage_100plus", year).denominator == 0

    # --- the enterprise, with a code that fails the check (a warning, not a block) and a union
    _click(qtbot, page, QPushButton, "newEnterprise")
    dialog = page.findChild(EnterpriseDialog, "enterpriseDialog")
    assert dialog.isVisible()
    _type(qtbot, dialog, "entName", "镇康县南伞测试制糖有限公司")
    _type(qtbot, dialog, "entUscc", "91530924MA6KXQ7T2R")
    assert "校验位不符（按规则应为Q）" in dialog.findChild(QLabel, "usccWarning").text()
    _choose(qtbot, dialog.findChild(QComboBox, "entTownship"), "南伞镇")
    _choose(qtbot, dialog.findChild(QComboBox, "entOwnership"), "国有")
    _choose(qtbot, dialog.findChild(QComboBox, "entIndustry"), "蔗糖")  # the plan's 糖, in full
    employees = dialog.findChild(QSpinBox, "employeesSpin0")
    _type(qtbot, dialog, "employeesSpin0", "150", QSpinBox)
    assert employees.value() == 150
    chair = dialog.findChild(QLineEdit, "unionChair")
    assert not chair.isEnabled()
    _click(qtbot, dialog, QCheckBox, "hasUnion")
    assert chair.isEnabled()
    _type(qtbot, dialog, "unionEstablished", "2019-05-01")
    _type(qtbot, dialog, "unionChair", "王芳")
    _type(qtbot, dialog, "unionMembers", "120", QSpinBox)
    _click(qtbot, dialog, QCheckBox, "congress")
    _click(qtbot, dialog, QPushButton, "saveButton")
    settle(qtbot)
    assert closed(dialog), error_text(dialog)
    _switch_tab(qtbot, page, "企业名录")
    settle(qtbot)

    assert page.enterprise_table.column_texts(0) == ["镇康县南伞测试制糖有限公司"]
    assert page.enterprise_table.column_texts(9) == ["校验不符"]
    assert page.enterprise_table.column_texts(3) == ["蔗糖"]
    with page.ctx.db.read_session() as s:
        assert s.scalars(select(Enterprise.industry)).all() == ["糖"]  # stored as the plan names it
    assert "百人以上 1 家，其中已建工会 1 家" in page.enterprise_counts.text()
    assert _rate_shown(qtbot, page, "04.1") == "100.00%"
    assert _rate_shown(qtbot, page, "13.1") == "100.00%"  # 国有 with a union and 职代会
    assert _rate_shown(qtbot, page, "14.2") == "0.00%"  # in the base now, no contract yet
    d = _derived(page, "contracts.negotiation_rate_100plus", year)
    assert (d.numerator, d.denominator) == (0, 1)
    assert not any("测试制糖" in page.reminders.item(i).text() for i in range(page.reminders.count()))

    # --- a one-year contract that ends in the middle of next month
    expires = add_months(date.today().replace(day=1), 1) + timedelta(days=14)
    signed = date(expires.year - 1, expires.month, expires.day) + timedelta(days=1)
    assert expiry_date(signed, 1) == expires
    filed = signed + timedelta(days=5)
    _switch_tab(qtbot, page, "集体合同")
    _click(qtbot, page, QPushButton, "newContract")
    cdialog = page.findChild(ContractDialog, "contractDialog")
    settle(qtbot)  # the enterprises to choose from arrive
    assert cdialog.isVisible()
    _choose(qtbot, cdialog.findChild(QComboBox, "contractKind"), "综合集体合同")
    enterprise = cdialog.findChild(QComboBox, "contractEnterprise")
    enterprise.setFocus()
    _enter(qtbot, enterprise.lineEdit(), "镇康县南伞测试制糖有限公司（南伞镇）")
    _type(qtbot, cdialog, "signedOn", f"{signed:%Y-%m-%d}")
    _type(qtbot, cdialog, "termYears", "1", QSpinBox)
    assert cdialog.findChild(QLabel, "expiresLabel").text() == f"{expires:%Y-%m-%d}"
    _type(qtbot, cdialog, "filedOn", f"{filed:%Y-%m-%d}")
    assert cdialog.findChild(QLabel, "effectiveLabel").text().startswith(f"{filed + timedelta(days=15):%Y-%m-%d}")
    _type(qtbot, cdialog, "wagePct", "5.5")
    _click(qtbot, cdialog, QPushButton, "saveButton")
    settle(qtbot)
    assert closed(cdialog), error_text(cdialog)
    _switch_tab(qtbot, page, "集体合同")
    settle(qtbot)

    assert page.contract_table.column_texts(0) == ["镇康县南伞测试制糖有限公司"]
    assert page.contract_table.column_texts(6) == [f"{expires:%Y-%m-%d}"]
    for code in ("14.1", "14.2", "14.3"):
        assert _rate_shown(qtbot, page, code) == "100.00%", code
    for key in ("contracts.negotiation_rate", "contracts.negotiation_rate_100plus", "contracts.signed_alone_rate"):
        d = _derived(page, key, year)
        assert (d.numerator, d.denominator, d.value) == (1, 1, 100.0), key
    assert _derived(page, "enterprises.union_coverage_100plus", year).value == 100.0

    reminders = page.findChild(QListWidget, "reminderList")
    assert reminders.isVisible()
    texts = [reminders.item(i).text() for i in range(reminders.count())]
    assert any(t.startswith("【合同即将到期】镇康县南伞测试制糖有限公司") and f"{expires:%Y-%m-%d}到期" in t for t in texts), texts


def test_bad_input_keeps_the_dialog_open_and_the_database_unchanged(main_window, qtbot):
    page = main_window.show_page("enterprises")
    _click(qtbot, page, QPushButton, "newEnterprise")
    dialog = page.findChild(EnterpriseDialog, "enterpriseDialog")
    _type(qtbot, dialog, "entName", "某公司")
    _click(qtbot, dialog, QCheckBox, "hasUnion")
    _type(qtbot, dialog, "unionEstablished", "2020-13-01")
    _click(qtbot, dialog, QPushButton, "saveButton")
    settle(qtbot)
    assert dialog.isVisible()
    assert "工会成立日期“2020-13-01”不存在" in dialog.findChild(QLabel, "errorLabel").text()
    with page.ctx.db.session() as s:
        assert s.scalar(select(func.count(Enterprise.id))) == 0


def test_duplicate_code_warns_live_and_regional_contract_covers_ticked_enterprises(main_window, qtbot):
    page = main_window.show_page("enterprises")
    with page.ctx.db.session() as s:
        first = add_enterprise(s, page.ctx.actor, "甲糖厂", uscc="91530924MA6KXQ7T2Q", employees=150)
        second = add_enterprise(s, page.ctx.actor, "乙茶厂", employees=130, year=date.today().year)
    page.ctx.bus.notify("enterprises")

    _click(qtbot, page, QPushButton, "newEnterprise")
    dialog = page.findChild(EnterpriseDialog, "enterpriseDialog")
    _type(qtbot, dialog, "entUscc", "91530924ma6kxq7t2q")
    qtbot.waitUntil(lambda: dialog.findChild(QLabel, "usccWarning").text().startswith("统一"))
    assert dialog.findChild(QLabel, "usccWarning").text().startswith("统一社会信用代码与“甲糖厂”（南伞镇）重复")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert closed(dialog)

    _click(qtbot, page, QPushButton, "newContract")
    cdialog = page.findChild(ContractDialog, "contractDialog")
    settle(qtbot)  # the enterprises to choose from arrive
    _choose(qtbot, cdialog.findChild(QComboBox, "contractKind"), "区域性集体合同")
    assert not cdialog.findChild(QCheckBox, "signedAlone").isEnabled()
    _choose(qtbot, cdialog.findChild(QComboBox, "contractTownship"), "南伞镇")
    covered = cdialog.findChild(QListWidget, "coveredList")
    covered.setFocus()
    for row in range(covered.count()):  # tick both with the space bar
        covered.setCurrentRow(row)
        qtbot.keyClick(covered, Qt.Key.Key_Space)
    assert cdialog.findChild(QLabel, "coveredCount").text() == "已选 2 家企业"
    _type(qtbot, cdialog, "signedOn", f"{date.today() - timedelta(days=3):%Y-%m-%d}")
    _click(qtbot, cdialog, QPushButton, "saveButton")
    settle(qtbot)
    assert closed(cdialog), error_text(cdialog)
    _switch_tab(qtbot, page, "集体合同")
    settle(qtbot)
    assert page.contract_table.column_texts(0) == ["2家企业"]
    d = _derived(page, "contracts.negotiation_rate_100plus", date.today().year)
    assert (d.numerator, d.denominator) == (2, 2)  # the regional contract counts for each
    assert _derived(page, "contracts.signed_alone_rate", date.today().year).numerator == 0
    assert {first, second} == set(d.record_ids)
