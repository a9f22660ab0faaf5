"""The window fits a 1366×768 office screen (1366×738 left by the taskbar) and comes back where
it was closed."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, QSettings, QSize

from tests.ui.settle import settle
from zkdesk.app import build_context
from zkdesk.ui.main_window import CLIENT_KEY, MainWindow, default_geometry, fitted
from zkdesk.ui.pages import PAGES

SMALL_SCREEN = QSize(1366, 738)


def test_every_page_fits_a_1366_by_738_window(main_window, qtbot):
    main_window.showNormal()
    main_window.resize(SMALL_SCREEN)
    qtbot.waitUntil(lambda: main_window.size() == SMALL_SCREEN)
    scroller = main_window.scroller
    for spec in PAGES:  # each page is built when first shown
        key = spec.key
        page = main_window.show_page(key)
        settle(qtbot)
        bars = scroller.horizontalScrollBar().maximum(), scroller.verticalScrollBar().maximum()
        assert bars == (0, 0), (key, bars, page.minimumSizeHint())  # nothing to scroll: the page fits


def test_a_window_smaller_than_a_page_scrolls_it(main_window, qtbot):
    """A small screen at a large scaling (1366×768 at 150% leaves 910×482): the page keeps the
    size it needs and scrolls, rather than be cut off or squeezed."""
    main_window.showNormal()
    main_window.resize(QSize(900, 480))
    page = main_window.show_page("indicators")
    settle(qtbot)
    qtbot.waitUntil(lambda: main_window.size() == QSize(900, 480))
    assert main_window.scroller.horizontalScrollBar().maximum() > 0
    assert page.width() >= page.minimumSizeHint().width() and page.height() >= page.minimumSizeHint().height()


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory):
    """A data directory with the demo county: real names and lists, wider than an empty office's."""
    folder = tmp_path_factory.mktemp("demo-window")
    subprocess.run([sys.executable, "-m", "zkdesk", "--home", str(folder), "demo"], check=True, capture_output=True,
                   env=os.environ | {"PYTHONPATH": str(Path(__file__).parents[2])})
    return folder


@pytest.mark.slow
@pytest.mark.parametrize("scale", [1.0, 1.5])
def test_every_page_of_the_demo_county_fits_1366_by_738_at_scale(scale, demo_home, tmp_path):
    """At 100% and at 150% display scaling (a 2049×1152 screen: 1366×768 once scaled), every
    page and tab of the demo county fits the area a taskbar leaves (1366×738)."""
    from zkdesk.services.demo import DEMO_ADMIN, DEMO_PASSWORD

    config = tmp_path / "screen.json"
    config.write_text(json.dumps({"screens": [{"name": "office", "x": 0, "y": 0, "width": round(1366 * scale),
                                               "height": round(768 * scale), "logicalDpi": 96, "dpr": 1}]}))
    env = os.environ | {"QT_QPA_PLATFORM": f"offscreen:configfile={config}", "QT_SCALE_FACTOR": str(scale),
                        "PYTHONPATH": str(Path(__file__).parents[2])}
    done = subprocess.run([sys.executable, str(Path(__file__).with_name("window_fits.py")), str(demo_home), DEMO_ADMIN],
                          input=DEMO_PASSWORD + "\n", capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["ratio"] == scale and found["available"] == [1366, 768]  # the scaling took effect
    assert found["window"] == [SMALL_SCREEN.width(), SMALL_SCREEN.height()]
    for key, seen in found["needed"].items():
        assert seen["scroll"] == [0, 0], (key, seen)  # nothing to scroll: the page fits


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
    assert QSettings("zkdesk", "zkdesk").value(CLIENT_KEY) == main_window.geometry()
    again = MainWindow(build_context(main_window.ctx.home, main_window.ctx.db, main_window.ctx.actor))
    qtbot.addWidget(again)
    # not the small screen's default (maximized): what was closed, fitted by Qt onto the screen
    assert not again.isMaximized()


def test_a_window_without_a_title_bar_comes_back_where_it_was(main_window, qtbot):
    """Without a window manager (a kiosk X session, Xvfb) the window has no title bar (here a
    frame of 2 px): Qt's restoreGeometry kept room for one of its own guess anyway, and the window
    came back 25 px lower at each start."""
    main_window.showNormal()
    available = main_window.screen().availableGeometry()
    corner = available.topLeft() + (main_window.geometry().topLeft() - main_window.frameGeometry().topLeft())
    main_window.setGeometry(QRect(corner, QSize(700, 500)))  # the frame in the screen's top left corner
    qtbot.waitUntil(lambda: not main_window.isMaximized() and main_window.geometry().topLeft() == corner)
    height = main_window.geometry().height()
    main_window.close_unasked()
    again = MainWindow(build_context(main_window.ctx.home, main_window.ctx.db, main_window.ctx.actor))
    qtbot.addWidget(again)
    assert again.geometry().topLeft() == corner and again.geometry().height() == height
    assert not again.isMaximized()


def test_a_remembered_place_is_fitted_onto_the_screen():
    screen = QRect(0, 0, 1366, 738)
    assert fitted(QRect(0, 0, 800, 600), screen) == QRect(0, 0, 800, 600)  # fits: not moved
    assert fitted(QRect(900, 500, 800, 600), screen) == QRect(566, 138, 800, 600)
    assert fitted(QRect(-50, -20, 1600, 900), screen) == screen
