"""At 1366×738 (a 1366×768 screen less its taskbar) the lists that used to scroll sideways fit:
the 进度看板 grid (columns measured with the font, the figure columns giving way, the name elided
with the whole on hover) and the 打印报表 form list (a long title wraps)."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QListWidget, QTableWidget

from tests.ui.settle import settle
from zkdesk.ui.fonts import apply_cjk_font


def _sized(window, qtbot) -> None:
    window.setWindowState(window.windowState() & ~Qt.WindowState.WindowMaximized)
    window.resize(1366, 738)
    settle(qtbot)


def _dashboard(window, qtbot) -> QTableWidget:
    page = window.show_page("indicators")
    settle(qtbot)
    page.tabs.setCurrentIndex(1)  # 进度看板
    settle(qtbot)
    table = page.findChild(QTableWidget, "progressTable")
    qtbot.waitUntil(lambda: table.rowCount() > 0)
    return table


def _fits(table: QTableWidget) -> bool:
    bar = table.horizontalScrollBar()
    return not bar.isVisible() and bar.maximum() == 0 and \
        sum(table.columnWidth(c) for c in range(table.columnCount())) <= table.viewport().width()


def test_the_progress_grid_fits_1366_by_738_without_a_sideways_scroll_bar(main_window, qtbot):
    _sized(main_window, qtbot)
    table = _dashboard(main_window, qtbot)
    assert table.columnCount() == 4 + 8  # 编号 指标 单位 目标, 全县 and its seven townships
    assert _fits(table)
    name = table.columnWidth(1)
    assert name >= table.fontMetrics().horizontalAdvance("中" * 12)  # the name keeps room to be read
    header = [table.horizontalHeaderItem(c) for c in range(table.columnCount())]
    assert header[3].text() == "目标" and header[3].toolTip() == "全县目标"  # short header, meaning on hover
    assert all(item.toolTip() for item in header)


def test_with_a_large_font_the_figure_columns_give_way_and_the_grid_still_does_not_scroll(main_window, qtbot):
    app = QApplication.instance()
    before = app.font()
    apply_cjk_font(app)  # the program's own font (make_application's), whatever an earlier test left
    try:
        _grid_at_a_large_font(main_window, qtbot)
    finally:
        app.setFont(before)


def _grid_at_a_large_font(main_window, qtbot) -> None:
    _sized(main_window, qtbot)
    table = _dashboard(main_window, qtbot)
    normal = table.columnWidth(5)
    font = QFont(QApplication.font())
    font.setPointSizeF(font.pointSizeF() * 1.5)  # a clerk's display at 150%
    table.setFont(font)
    table.horizontalHeader().setFont(font)
    settle(qtbot)
    qtbot.waitUntil(lambda: table.columnWidth(5) != normal)
    assert _fits(table)
    # the figure columns shrank so that the name stays readable (measured with its new font)...
    assert table.columnWidth(1) >= table.fontMetrics().horizontalAdvance("中" * 8)
    # ...and a figure still shows four digits
    assert table.columnWidth(5) >= table.fontMetrics().horizontalAdvance("9999")


def test_the_form_list_wraps_a_long_title_instead_of_scrolling_sideways(main_window, qtbot):
    _sized(main_window, qtbot)
    page = main_window.show_page("print")
    settle(qtbot)
    forms = page.findChild(QListWidget, "formList")
    qtbot.waitUntil(lambda: forms.count() > 0)
    font = forms.font()
    font.setPointSizeF(font.pointSizeF() * 1.4)  # as the program's CJK font draws them: the longest title is wider than the list
    forms.setFont(font)
    settle(qtbot)
    forms.doItemsLayout()  # the items laid out again for the new font, now
    assert not forms.horizontalScrollBar().isVisible()
    width = forms.viewport().width()
    metrics = forms.fontMetrics()
    heights = {}
    for i in range(forms.count()):
        item = forms.item(i)
        rect = forms.visualItemRect(item)
        assert rect.left() >= 0 and rect.right() <= width, item.text()
        # the whole text, wrapped to the item's width, is within the item: nothing cut off
        needed = metrics.boundingRect(QRect(0, 0, rect.width() - 8, 10_000), Qt.TextFlag.TextWordWrap, item.text())
        assert needed.height() <= rect.height(), item.text()
        heights[item.text()] = rect.height()
    longest = max(heights, key=lambda text: metrics.horizontalAdvance(text.split("\n")[0]))
    assert metrics.horizontalAdvance(longest.split("\n")[0]) > width  # a title longer than the list is wide...
    assert heights[longest] > min(heights.values())  # ...takes more lines
