"""The 指标台账 page driven like a clerk would: typing into the grid, saving, locking."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QInputDialog, QLabel, QPushButton, QTableWidget
from sqlalchemy import select

from tests.conftest import NANSAN
from tests.ui.settle import settle
from zkdesk.services.indicator_values import ValueEntry, save_values
from zkdesk.services.progress import plan_by_code
from zkdesk.store.models import Indicator, IndicatorValue
from zkdesk.ui.indicators.common import ERROR_COLOR, WARNING_COLOR
from zkdesk.ui.indicators.entry_model import COL_CHANGED, COL_COMPUTED, COL_DEN, COL_NOTE, COL_REGISTER, COL_TARGET, COL_VALUE
from zkdesk.ui.indicators.entry_table import EntryTable

FENGWEI = "530924101"


def _seed(window, org, year, **values):
    db, actor = window.ctx.db, window.ctx.actor
    with db.session() as s:
        plan = plan_by_code(s, "zk-2021-2025")
        ids = {i.code: i.id for i in s.scalars(select(Indicator).where(Indicator.plan_id == plan.id))}
        entries = [ValueEntry(ids[code.replace("_", ".")], **v) for code, v in values.items()]
        save_values(s, actor, plan.id, org, year, entries)


def _page(window, qtbot):
    page = window.show_page("indicators")
    settle(qtbot)
    return page, page.findChild(EntryTable, "entryTable")


def _choose(qtbot, combo: QComboBox, text: str) -> None:
    combo.setCurrentIndex(combo.findText(text))
    settle(qtbot)


def _press(qtbot, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    settle(qtbot)


def _click(qtbot, view, code, column):
    model = view.model()
    index = model.index(model.row_of(code), column)
    view.scrollTo(index)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center())
    assert view.currentIndex() == index


def _type(qtbot, view, text, key=Qt.Key.Key_Return):
    qtbot.keyClicks(view, text)
    qtbot.keyClick(view, key)


def _cell(view, code, column, role=Qt.ItemDataRole.DisplayRole):
    model = view.model()
    return model.data(model.index(model.row_of(code), column), role)


def _stored(window, org, year):
    with window.ctx.db.session() as s:
        query = select(Indicator.code, IndicatorValue).join(IndicatorValue, Indicator.id == IndicatorValue.indicator_id).where(
            IndicatorValue.org_code == org, IndicatorValue.year == year, IndicatorValue.deleted.is_(False))
        return {code: value for code, value in s.execute(query).all()}


def test_typing_values_errors_warnings_save_and_county_roll_up(main_window, qtbot):
    _seed(main_window, NANSAN, 2022, **{"01_1": dict(numerator="8", denominator="10")})
    _seed(main_window, FENGWEI, 2023, **{"04_2": dict(value="2")})
    page, view = _page(main_window, qtbot)
    _choose(qtbot, page.findChild(QComboBox, "yearCombo"), "2023年")
    _choose(qtbot, page.findChild(QComboBox, "entryOrg"), "南伞镇")
    save = page.findChild(QPushButton, "saveValuesButton")
    message = page.findChild(QLabel, "entryMessage")

    # a negative count: red, named in the message, and 保存 refuses
    _click(qtbot, view, "04.2", COL_VALUE)
    _type(qtbot, view, "-3")
    assert _cell(view, "04.2", COL_VALUE) == "-3"
    assert _cell(view, "04.2", COL_VALUE, Qt.ItemDataRole.BackgroundRole) == ERROR_COLOR
    assert "04.2 工会社会工作专业人才队伍人数：数值不能为负数" in message.text()
    assert not save.isEnabled()
    _press(qtbot, save)
    assert _stored(main_window, NANSAN, 2023) == {}
    _click(qtbot, view, "04.2", COL_VALUE)
    _type(qtbot, view, "3")
    assert _cell(view, "04.2", COL_VALUE, Qt.ItemDataRole.BackgroundRole) is None

    # a rate: numerator, Tab to the denominator, Enter; 50 % is fine alone but 30 points below 2022
    _click(qtbot, view, "01.1", COL_VALUE)
    _type(qtbot, view, "5", Qt.Key.Key_Tab)
    assert view.currentIndex().column() == COL_DEN
    _type(qtbot, view, "10")
    assert _cell(view, "01.1", COL_COMPUTED) == "50%"
    assert view.currentIndex().row() == view.model().row_of("01.2")  # Enter moved down past read-only cells
    assert _cell(view, "01.1", COL_VALUE, Qt.ItemDataRole.BackgroundRole) == WARNING_COLOR
    assert _cell(view, "01.1", COL_NOTE, Qt.ItemDataRole.BackgroundRole) == WARNING_COLOR
    assert "请在“说明”中写明原因" in message.text() and "下降超过10个百分点" in message.text()
    assert save.isEnabled()  # a warning does not block saving

    _press(qtbot, save)
    stored = _stored(main_window, NANSAN, 2023)
    assert (stored["04.2"].value, stored["04.2"].complete) == (3, True)
    assert (stored["01.1"].numerator, stored["01.1"].denominator, stored["01.1"].complete) == (5, 10, False)
    assert "尚未填写说明（01.1）" in message.text()
    assert _cell(view, "04.2", COL_CHANGED).startswith("admin ")  # who changed it last, and when

    # the 说明 makes it complete
    _click(qtbot, view, "01.1", COL_NOTE)
    _type(qtbot, view, "liangjia qiye chebing")  # QTest types ASCII only; an IME would commit 汉字
    assert _cell(view, "01.1", COL_NOTE, Qt.ItemDataRole.BackgroundRole) != WARNING_COLOR
    _press(qtbot, save)
    assert _stored(main_window, NANSAN, 2023)["01.1"].complete
    assert not save.isEnabled()

    # the county roll-up, in the grid and on the dashboard: 南伞 3 + 凤尾 2
    _choose(qtbot, page.findChild(QComboBox, "entryOrg"), "全县汇总（只读）")
    assert _cell(view, "04.2", COL_VALUE) == "5"
    assert not view.model().flags(view.model().index(view.model().row_of("04.2"), COL_VALUE)) & Qt.ItemFlag.ItemIsEditable
    page.tabs.setCurrentWidget(page.dashboard)  # the dashboard computes when it is seen
    settle(qtbot)
    table = page.findChild(QTableWidget, "progressTable")
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    row = next(r for r in range(table.rowCount()) if table.item(r, 0).text() == "04.2")
    assert table.item(row, headers.index("全县")).text() == "5"
    assert table.item(row, headers.index("南伞镇")).text() == "3"
    assert table.item(row, headers.index("凤尾镇")).text() == "2"


def test_cumulative_running_total_typed_below_last_year_is_refused(main_window, qtbot):
    _seed(main_window, NANSAN, 2022, **{"05_1": dict(value="100")})
    page, view = _page(main_window, qtbot)
    _choose(qtbot, page.findChild(QComboBox, "yearCombo"), "2023年")
    _choose(qtbot, page.findChild(QComboBox, "entryOrg"), "南伞镇")
    _click(qtbot, view, "05.1", COL_COMPUTED)
    _type(qtbot, view, "90")
    assert _cell(view, "05.1", COL_COMPUTED, Qt.ItemDataRole.BackgroundRole) == ERROR_COLOR
    assert "不能小于截至上年的累计数（100）" in page.findChild(QLabel, "entryMessage").text()
    _click(qtbot, view, "05.1", COL_COMPUTED)
    _type(qtbot, view, "130")
    assert _cell(view, "05.1", COL_VALUE) == "30"  # the year's own count
    _press(qtbot, page.findChild(QPushButton, "saveValuesButton"))
    assert _stored(main_window, NANSAN, 2023)["05.1"].value == 30


def test_derived_rows_are_read_only_and_say_so(main_window, qtbot):
    page, view = _page(main_window, qtbot)
    _choose(qtbot, page.findChild(QComboBox, "entryOrg"), "南伞镇")
    assert _cell(view, "14.1", COL_NOTE).startswith("由登记数据自动计算")
    before = _cell(view, "14.1", COL_VALUE)
    _click(qtbot, view, "14.1", COL_VALUE)
    qtbot.keyClicks(view, "7")
    assert _cell(view, "14.1", COL_VALUE) == before != "7"


def test_a_county_task_is_in_the_county_grid_only_and_township_strays_are_named(main_window, qtbot):
    """05.2 (县级职工职业技能竞赛, the county's own task): not in a township's grid; typed at 县本级;
    the roll-up shows the 县本级 entry alone and names a township's stray value without counting it."""
    with main_window.ctx.db.session() as s:  # a township's value of it, as older versions and the demo stored
        plan = plan_by_code(s, "zk-2021-2025")
        ind = s.scalars(select(Indicator).where(Indicator.plan_id == plan.id, Indicator.code == "05.2")).one()
        s.add(IndicatorValue(origin=NANSAN, indicator_id=ind.id, org_code=NANSAN, year=2023, value=7))
    page, view = _page(main_window, qtbot)
    _choose(qtbot, page.findChild(QComboBox, "yearCombo"), "2023年")
    _choose(qtbot, page.findChild(QComboBox, "entryOrg"), "南伞镇")
    with pytest.raises(StopIteration):
        view.model().row_of("05.2")
    assert view.model().row_of("05.1") >= 0
    _choose(qtbot, page.findChild(QComboBox, "entryOrg"), "县本级")
    _click(qtbot, view, "05.2", COL_VALUE)
    _type(qtbot, view, "4")
    assert _cell(view, "05.2", COL_TARGET, Qt.ItemDataRole.ToolTipRole) == "考核方式：每年达到"
    _press(qtbot, page.findChild(QPushButton, "saveValuesButton"))
    assert _stored(main_window, "530924", 2023)["05.2"].value == 4
    _choose(qtbot, page.findChild(QComboBox, "entryOrg"), "全县汇总（只读）")
    assert _cell(view, "05.2", COL_VALUE) == "4"  # not 4 + 7
    assert _cell(view, "05.2", COL_NOTE) == "该指标由县本级填报，南伞镇（2023年）录入的数值未计入"


def test_a_locked_year_cannot_be_typed_into_until_unlocked(main_window, qtbot, monkeypatch):
    _seed(main_window, NANSAN, 2023, **{"04_2": dict(value="3")})
    page, view = _page(main_window, qtbot)
    _choose(qtbot, page.findChild(QComboBox, "yearCombo"), "2023年")
    _choose(qtbot, page.findChild(QComboBox, "entryOrg"), "南伞镇")
    lock = page.findChild(QPushButton, "lockButton")
    assert lock.isVisible()
    _press(qtbot, lock)
    assert "已审核锁定" in page.findChild(QLabel, "lockLabel").text()
    _click(qtbot, view, "04.2", COL_VALUE)
    qtbot.keyClicks(view, "9")
    assert _cell(view, "04.2", COL_VALUE) == "3"
    assert not page.findChild(QPushButton, "saveValuesButton").isEnabled()

    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("更正录入错误", True))
    _press(qtbot, page.findChild(QPushButton, "unlockButton"))
    assert page.findChild(QLabel, "lockLabel").text() == ""
    _click(qtbot, view, "04.2", COL_VALUE)
    _type(qtbot, view, "9")
    _press(qtbot, page.findChild(QPushButton, "saveValuesButton"))
    assert _stored(main_window, NANSAN, 2023)["04.2"].value == 9


def test_a_register_part_is_shown_read_only_and_the_other_part_is_typed(main_window, qtbot):
    from datetime import date

    from zkdesk.services.studio_results import ResultInput, save_result
    from zkdesk.services.studios import MemberInput, StudioInput, register_studio
    from zkdesk.ui.indicators.common import READ_ONLY_COLOR

    db, actor = main_window.ctx.db, main_window.ctx.actor
    with db.session() as s:
        for name in ("甲", "乙", "丙"):
            studio = register_studio(s, actor, StudioInput(name=f"{name}工作室", kind="劳模创新工作室", township_code=NANSAN,
                                                           lead_name=name, applied_on=date(2021, 3, 1), level="县级"),
                                     [MemberInput("张三"), MemberInput("李四"), MemberInput("王五")])
            save_result(s, actor, studio, 2022, ResultInput(proposals=1))
    page, view = _page(main_window, qtbot)
    _choose(qtbot, page.findChild(QComboBox, "yearCombo"), "2022年")
    _choose(qtbot, page.findChild(QComboBox, "entryOrg"), "南伞镇")
    model = view.model()
    register = model.index(model.row_of("06.1"), COL_REGISTER)
    assert _cell(view, "06.1", COL_REGISTER) == "3"  # the three studios' 合理化建议
    assert not model.flags(register) & Qt.ItemFlag.ItemIsEditable
    assert _cell(view, "06.1", COL_REGISTER, Qt.ItemDataRole.BackgroundRole) == READ_ONLY_COLOR
    assert "三室一站登记" in _cell(view, "06.1", COL_REGISTER, Qt.ItemDataRole.ToolTipRole)
    assert _cell(view, "06.6", COL_REGISTER) == ""  # wholly from the register: no parts
    assert _cell(view, "06.1", COL_COMPUTED) == "3"

    _click(qtbot, view, "06.1", COL_VALUE)
    _type(qtbot, view, "5")
    assert _cell(view, "06.1", COL_COMPUTED) == "8"  # both parts to date, as typed
    assert "其他" in _cell(view, "06.1", COL_VALUE, Qt.ItemDataRole.ToolTipRole)
    _press(qtbot, page.findChild(QPushButton, "saveValuesButton"))
    assert _stored(main_window, NANSAN, 2022)["06.1"].value == 5  # only the typed part is stored
    assert (_cell(view, "06.1", COL_REGISTER), _cell(view, "06.1", COL_VALUE), _cell(view, "06.1", COL_COMPUTED)) == (
        "3", "5", "8")


@pytest.mark.parametrize("points", [10, 12])
def test_the_grid_fits_a_1366_by_768_screen(main_window, qtbot, points):
    """The 登记 column made the grid wider: at 1366×768 every column fits without a horizontal
    scrollbar, at the usual font and a larger one, no header is cut short, the indicator's name
    keeps a readable width, and the short headers say in full what they hold on hover."""
    from PySide6.QtWidgets import QApplication, QHeaderView

    from zkdesk.ui.indicators.entry_model import COL_CODE, COL_NAME, HEADERS

    app = QApplication.instance()
    before = app.font()
    font = app.font()
    font.setPointSize(points)
    app.setFont(font)
    try:
        main_window.resize(1366, 768)
        _seed(main_window, NANSAN, 2022, **{"04_2": dict(value="3", note="年底调整后的人数")})
        page, view = _page(main_window, qtbot)  # the page is built now, at this font
        _choose(qtbot, page.findChild(QComboBox, "entryOrg"), "南伞镇")
        _choose(qtbot, page.findChild(QComboBox, "yearCombo"), "2022年")
        assert main_window.width() == 1366
        header = view.horizontalHeader()
        widths = [header.sectionSize(c) for c in range(len(HEADERS))]
        assert sum(widths) <= view.viewport().width()
        assert not view.horizontalScrollBar().isVisible()
        assert widths[COL_NAME] >= view.fontMetrics().horizontalAdvance("有3名以上党员的非公有制企业党组织")
        for col in range(len(HEADERS)):  # no header cut short
            assert header.fontMetrics().horizontalAdvance(HEADERS[col]) < widths[col], HEADERS[col]
        assert view.fontMetrics().horizontalAdvance("admin 2022-12-31") < widths[COL_CHANGED]
    finally:
        app.setFont(before)
    assert header.sectionResizeMode(COL_NAME) == QHeaderView.ResizeMode.Stretch
    assert header.sectionResizeMode(COL_CODE) == QHeaderView.ResizeMode.Interactive
    model = view.model()
    tip = model.headerData(COL_REGISTER, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert HEADERS[COL_REGISTER] == "登记" and "登记部分" in tip and "只读" in tip
    # the last change shows its date; who and when in full on hover, and a long 说明 too
    assert _cell(view, "04.2", COL_CHANGED).startswith("admin 20") and len(_cell(view, "04.2", COL_CHANGED)) == 16
    assert ":" in _cell(view, "04.2", COL_CHANGED, Qt.ItemDataRole.ToolTipRole)
    assert _cell(view, "04.2", COL_NOTE, Qt.ItemDataRole.ToolTipRole) == "年底调整后的人数"


def test_a_cumulative_with_nothing_entered_shows_no_total(main_window, qtbot):
    """县本级's sheet (01.2 and every other typed cumulative) and a township's: an empty 累计, not 0,
    until a year is entered; an entered 0 is a total of 0, and a later year carries it."""
    from zkdesk.domain.progress import CUMULATIVE

    page, view = _page(main_window, qtbot)
    _choose(qtbot, page.findChild(QComboBox, "yearCombo"), "2022年")
    combo = page.findChild(QComboBox, "entryOrg")
    orgs = [combo.itemText(i) for i in range(combo.count()) if "汇总" not in combo.itemText(i)]
    assert len(orgs) == 8 and "县本级" in orgs  # 县本级 and the seven townships
    for org in orgs:
        _choose(qtbot, combo, org)
        lines = [line for line in view.model().lines() if line.row.kind == CUMULATIVE and not line.row.derived
                 and not line.row.partial]
        assert lines, org
        assert {line.row.code: _cell(view, line.row.code, COL_COMPUTED) for line in lines} == {
            line.row.code: "" for line in lines}, org
    _choose(qtbot, page.findChild(QComboBox, "entryOrg"), "县本级")
    assert "尚无填报" in _cell(view, "01.2", COL_COMPUTED, Qt.ItemDataRole.ToolTipRole)
    _click(qtbot, view, "01.2", COL_VALUE)
    _type(qtbot, view, "0")
    assert _cell(view, "01.2", COL_COMPUTED) == "0"  # typed: a total of 0
    _click(qtbot, view, "01.2", COL_VALUE)
    _type(qtbot, view, "3")
    assert _cell(view, "01.2", COL_COMPUTED) == "3"
    _press(qtbot, page.findChild(QPushButton, "saveValuesButton"))
    assert _stored(main_window, "530924", 2022)["01.2"].value == 3
    _choose(qtbot, page.findChild(QComboBox, "yearCombo"), "2023年")
    assert (_cell(view, "01.2", COL_VALUE), _cell(view, "01.2", COL_COMPUTED)) == ("", "3")  # carried from 2022
    assert "截至上年 3" in _cell(view, "01.2", COL_COMPUTED, Qt.ItemDataRole.ToolTipRole)
