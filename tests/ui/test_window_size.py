"""The window fits a 1366×768 office screen (1366×738 left by the taskbar) and comes back where
it was closed."""

from PySide6.QtCore import QRect, QSettings, QSize

from tests.ui.settle import settle
from zkdesk.app import build_context
from zkdesk.ui.main_window import GEOMETRY_KEY, MainWindow, default_geometry
from zkdesk.ui.pages import PAGES

SMALL_SCREEN = QSize(1366, 738)


def test_every_page_fits_a_1366_by_738_window(main_window, qtbot):
    for spec in PAGES:  # each page is built when first shown
        key = spec.key
        page = main_window.show_page(key)
        settle(qtbot)
        needed = main_window.minimumSizeHint()
        assert needed.width() <= SMALL_SCREEN.width() and needed.height() <= SMALL_SCREEN.height(), (key, needed, page.minimumSizeHint())


def test_the_first_size_comes_from_the_screen():
    small = QRect(0, 0, 1366, 738)
    assert default_geometry(small) == (small, True)  # the whole screen: nothing essential off it
    geometry, maximized = default_geometry(QRect(0, 0, 1920, 1040))
    assert not maximized and geometry.size() == QSize(1600, 936)
    assert geometry.center() == QRect(0, 0, 1920, 1040).center()


def test_the_window_comes_back_as_it_was_closed(main_window, qtbot):
    main_window.showNormal()  # the test screen is small: the first start was maximized
    main_window.setGeometry(40, 30, 1100, 640)
    qtbot.waitUntil(lambda: not main_window.isMaximized())
    main_window.close_unasked()
    assert QSettings("zkdesk", "zkdesk").value(GEOMETRY_KEY) == main_window.saveGeometry()
    again = MainWindow(build_context(main_window.ctx.home, main_window.ctx.db, main_window.ctx.actor))
    qtbot.addWidget(again)
    # not the small screen's default (maximized): what was closed, fitted by Qt onto the screen
    assert not again.isMaximized()
