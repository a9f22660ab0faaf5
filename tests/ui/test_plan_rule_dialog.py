"""规划与目标 → 考核方式…: the county changes an indicator's terms and level in the dialog; a bad year is
said under the table with what was typed kept; a save raises the catalog version once."""

import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QPushButton, QTableWidget
from sqlalchemy import select

from tests.ui.settle import closed, settle
from zkdesk.services.progress import plan_by_code
from zkdesk.store.models import Indicator
from zkdesk.ui.indicators.rule_dialog import IndicatorRuleDialog


def _row(table, code):
    return next(r for r in range(table.rowCount()) if table.item(r, 0).text() == code)


def _open_rule(qtbot, page, monkeypatch, code):
    shown = []

    def exec_(dialog):  # shown without a nested event loop, driven below as a user would
        dialog.show()
        shown.append(dialog)
        return 0

    monkeypatch.setattr(IndicatorRuleDialog, "exec", exec_)
    table = page.findChild(QTableWidget, "planIndicatorTable")
    table.setCurrentCell(_row(table, code), 1)
    settle(qtbot)
    qtbot.mouseClick(page.findChild(QPushButton, "ruleButton"), Qt.MouseButton.LeftButton)
    (dialog,) = shown
    return dialog


def _save(qtbot, dialog):
    qtbot.mouseClick(dialog.findChild(QPushButton, "saveRuleButton"), Qt.MouseButton.LeftButton)
    settle(qtbot)


def _catalog(window, code):
    with window.ctx.db.read_session() as s:
        plan = plan_by_code(s, "zk-2021-2025")
        ind = s.scalars(select(Indicator).where(Indicator.plan_id == plan.id, Indicator.code == code)).one()
        return plan.catalog_version, ind.level, json.loads(ind.terms), ind.target_kind


def test_terms_and_level_edited_in_the_rule_dialog(main_window, qtbot, monkeypatch):
    page = main_window.show_page("indicators")
    settle(qtbot)
    page.tabs.setCurrentIndex(2)
    settle(qtbot)
    version = _catalog(main_window, "12.1")[0]
    table = page.findChild(QTableWidget, "planIndicatorTable")
    assert table.item(_row(table, "05.2"), 3).text() == "每年·县本级"
    assert table.item(_row(table, "12.1"), 3).text() == "比率·不低于上一届"

    dialog = _open_rule(qtbot, page, monkeypatch, "12.1")
    terms = dialog.findChild(QTableWidget, "ruleTerms")
    assert terms.isVisible() and [terms.item(r, 1).text() for r in range(terms.rowCount())] == ["2016", "2021"]
    terms.item(1, 1).setText("2016")
    _save(qtbot, dialog)
    error = dialog.findChild(QLabel, "ruleError")
    assert error.text() == "指标 12.1 的届次年份重复：2016年" and not closed(dialog)
    assert terms.item(1, 1).text() == "2016"  # what was typed stays
    terms.item(1, 1).setText("1900")
    _save(qtbot, dialog)
    assert error.text() == "指标 12.1 的本届年份1900不合理：须在1949—2025年之间"
    terms.item(1, 1).setText("2022")
    dialog.findChild(QComboBox, "ruleLevel").setCurrentIndex(0)  # 县本级
    _save(qtbot, dialog)
    assert closed(dialog)
    assert _catalog(main_window, "12.1") == (version + 1, "county_only",
                                             [{"label": "上一届", "year": 2016}, {"label": "本届", "year": 2022}],
                                             "per_term")

    dialog = _open_rule(qtbot, page, monkeypatch, "04.2")  # a stock: no terms to show
    assert not dialog.findChild(QTableWidget, "ruleTerms").isVisible()
    kinds = dialog.findChild(QComboBox, "ruleKind")
    assert [kinds.itemText(i) for i in range(kinds.count())] == ["存量", "每年保持", "比基期增加"]
    kinds.setCurrentIndex(1)
    _save(qtbot, dialog)
    assert closed(dialog)
    assert _catalog(main_window, "04.2")[0] == version + 2 and _catalog(main_window, "04.2")[3] == "threshold_every_year"
