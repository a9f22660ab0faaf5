"""Values typed into the grid are never thrown away without a question: switching the unit asks
保存 / 放弃 / 取消."""

import pytest
from PySide6.QtWidgets import QComboBox

from tests.conftest import NANSAN
from tests.ui.modal import answer_modal
from tests.ui.test_indicator_grid import FENGWEI, _cell, _choose, _click, _page, _stored, _type
from zkdesk.ui.indicators.entry_model import COL_CHANGED, COL_VALUE

SAVE, DISCARD, CANCEL = "保存", "放弃", "取消"


def _typed(main_window, qtbot, org="南伞镇", value="7"):
    page, view = _page(main_window, qtbot)
    _choose(qtbot, page.findChild(QComboBox, "yearCombo"), "2023年")
    _choose(qtbot, page.findChild(QComboBox, "entryOrg"), org)
    _click(qtbot, view, "04.2", COL_VALUE)
    _type(qtbot, view, value)
    assert _cell(view, "04.2", COL_CHANGED) == "（未保存）"
    return page, view


def _value(main_window, org, year=2023, code="04.2"):
    stored = _stored(main_window, org, year).get(code)
    return stored.value if stored else None


@pytest.mark.parametrize("answer", [SAVE, DISCARD, CANCEL])
def test_switching_the_unit_asks(main_window, qtbot, answer):
    page, view = _typed(main_window, qtbot)
    org = page.findChild(QComboBox, "entryOrg")
    answer_modal(qtbot, answer, "unsavedBox")
    _choose(qtbot, org, "凤尾镇")
    if answer == CANCEL:
        assert org.currentText() == "南伞镇"
        assert _cell(view, "04.2", COL_VALUE) == "7" and _cell(view, "04.2", COL_CHANGED) == "（未保存）"
        assert _value(main_window, NANSAN) is None
        return
    assert org.currentText() == "凤尾镇"
    assert _cell(view, "04.2", COL_VALUE) == ""  # 凤尾镇's own (empty) values
    assert _value(main_window, NANSAN) == (7 if answer == SAVE else None)
    assert _value(main_window, FENGWEI) is None
