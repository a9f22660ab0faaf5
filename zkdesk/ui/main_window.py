"""The main window: a navigation list, one page per feature, the office and user below.

Nothing typed is lost by leaving it: switching page, 注销/切换用户 and closing the window (also
from the idle lock's 退出程序) ask 保存 / 放弃 / 取消 (`ui.unsaved.guard`) about every editor on the
page shown, dialogs opened from it included. Since leaving a page settles its work, only the page on
screen can hold unsaved work. Locking keeps what is typed behind the overlay, untouched.

A page is built when it is first shown (`page(key)`): the window starts with the first page only,
the others' modules are imported and their widgets made when the clerk goes there, so a hidden
page never reads nor computes anything. `pages` holds the pages built so far.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QEvent, QRect, QSettings, QSize, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QGuiApplication
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QScrollArea,
    QStackedWidget,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from zkdesk.ui import unsaved
from zkdesk.ui.context import UiContext
from zkdesk.ui.gc_pauses import keep_built, let_go_built
from zkdesk.ui.idle_lock import IdleLock
from zkdesk.ui.pages import PAGES, load_page_class
from zkdesk.ui.menus import attach_to_page, install_menus
from zkdesk.ui.warm_pages import PageWarmer


GEOMETRY_KEY = "window/geometry"  # Qt's saveGeometry, as an older zkdesk remembered the window
CLIENT_KEY = "window/client"  # the client area when not maximized
FRAME_KEY = "window/frame"  # the frame around it: left, top, right, bottom (0 without a window manager)
MAXIMIZED_KEY = "window/maximized"
LARGE = QSize(1600, 1000)  # larger screens: at most this, centred


def default_geometry(available: QRect) -> tuple[QRect, bool]:
    """(geometry, maximized) for a first start on a screen with this available area: a small
    screen (a 1366×768 office PC) gets all of it, a larger one 90% of it up to LARGE."""
    if available.width() <= 1440 or available.height() <= 900:
        return QRect(available), True
    size = QSize(min(LARGE.width(), int(available.width() * 0.9)), min(LARGE.height(), int(available.height() * 0.9)))
    return QStyle.alignedRect(Qt.LayoutDirection.LeftToRight, Qt.AlignmentFlag.AlignCenter, size, available), False


def fitted(rect: QRect, available: QRect) -> QRect:
    """`rect` moved (and, if it must, shrunk) into `available`; unchanged when it fits."""
    size = rect.size().boundedTo(available.size())
    x = min(max(rect.x(), available.left()), available.right() - size.width() + 1)
    y = min(max(rect.y(), available.top()), available.bottom() - size.height() + 1)
    return QRect(x, y, size.width(), size.height())


class PageScroller(QScrollArea):
    """Holds the pages: fills the window with the page shown, and scrolls it only where the window
    is smaller than the pages' minimum size. (QScrollArea's own widgetResizable gives a page
    whose height depends on its width its preferred height, and scrolls it when it would fit.)"""

    def __init__(self, pages: QWidget):
        super().__init__(objectName="pageScroller", frameShape=QFrame.Shape.NoFrame)
        self.setWidget(pages)
        pages.installEventFilter(self)

    def eventFilter(self, watched, event):  # noqa: N802 (Qt's name)
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.fit()
        return super().eventFilter(watched, event)

    def resizeEvent(self, event):  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self.fit()

    def fit(self) -> None:
        pages = self.widget()
        need = pages.minimumSizeHint().expandedTo(pages.minimumSize())
        room = self.maximumViewportSize()  # without scroll bars
        width, height = max(need.width(), room.width()), max(need.height(), room.height())
        if width > room.width():  # the horizontal bar takes its height from the page
            height = max(need.height(), room.height() - self.horizontalScrollBar().sizeHint().height())
        if height > room.height():
            width = max(need.width(), room.width() - self.verticalScrollBar().sizeHint().width())
        if pages.size() != QSize(width, height):
            pages.resize(width, height)


class MainWindow(QMainWindow):
    def __init__(self, ctx: UiContext):
        super().__init__()
        self.ctx = ctx
        # Qt adds the program's name (applicationDisplayName) after the title: not repeated here
        self.setWindowTitle(ctx.office_name + ("（演示数据）" if ctx.demo else ""))

        self.nav = QListWidget(objectName="navList")
        self.nav.setFixedWidth(150)
        self.nav.setIconSize(QSize(20, 20))
        self.nav.setStyleSheet(
            "QListWidget { font-size: 11pt; background: #f3f5f8; border: none; }"
            "QListWidget::item { padding: 10px 8px; }"
            "QListWidget::item:selected { background: #c62f2f; color: white; }"
        )
        self.stack = QStackedWidget(objectName="pageStack")
        self.pages: dict[str, QWidget] = {}  # built so far (see page())
        for spec in PAGES:
            self.stack.addWidget(QWidget(objectName=f"unbuilt_{spec.key}"))  # replaced when first shown
            self.nav.addItem(QListWidgetItem(spec.label))
        self.page(PAGES[0].key)
        self.nav.currentRowChanged.connect(self._nav_changed)
        self.nav.setCurrentRow(0)
        self.may_close = False  # set once unsaved work is settled (or by the program, which settled it)

        body = QWidget()
        layout = QHBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.nav)
        right = QVBoxLayout()
        if ctx.demo:
            banner = QLabel("演示数据：本数据库中的企业、人员和数值均为虚构，仅供试用。", objectName="demoBanner")
            banner.setStyleSheet("background: #fff3cd; color: #7a5b00; padding: 4px 10px;")
            right.addWidget(banner)
        # a window smaller than a page needs (a small screen at a large scaling) scrolls the page
        # rather than cut it off; at 1366×738 and above no scroll bar shows
        self.scroller = PageScroller(self.stack)
        right.addWidget(self.scroller, 1)
        layout.addLayout(right, 1)
        self.setCentralWidget(body)

        office = QLabel(f"本单位：{ctx.office_name}（{ctx.actor.office_code}）", objectName="officeStatus")
        user = QLabel(f"用户：{ctx.actor.display_name}（{ctx.actor.role.label}）", objectName="userStatus")
        self.statusBar().addWidget(office)
        self.statusBar().addPermanentWidget(user)
        self.idle_lock = IdleLock(self, ctx)
        install_menus(self)
        attach_to_page(self, self.pages[PAGES[0].key])
        self.place()
        keep_built()  # the window lives as long as the program: no collection walks it again
        self.warmer = PageWarmer(self, [spec.target.partition(":")[0] for spec in PAGES])

    def page(self, key: str) -> QWidget:
        """The page `key`, built now if it has not been shown yet (not shown by this)."""
        page = self.pages.get(key)
        if page is not None:
            return page
        index = [spec.key for spec in PAGES].index(key)
        spec = PAGES[index]
        page = load_page_class(spec)(self.ctx, spec)
        page.setObjectName(f"page_{spec.key}")
        self.pages[key] = page
        stand_in = self.stack.widget(index)
        was_current = self.stack.currentWidget() is stand_in
        self.stack.insertWidget(index, page)
        self.stack.removeWidget(stand_in)
        stand_in.deleteLater()
        if was_current:
            self.stack.setCurrentWidget(page)
        attach_to_page(self, page)  # (the first page: once the menus exist, below)
        keep_built()  # the page stays built: no collection walks it again
        return page

    def show_page(self, key: str) -> QWidget:
        """Go to a page (asking about unsaved work on the page shown, like a click in the list)."""
        index = [spec.key for spec in PAGES].index(key)
        self.nav.setCurrentRow(index)
        return self.page(key)

    # -- size and place -------------------------------------------------------------------
    def place(self) -> None:
        """Where the window was last closed (QSettings), fitted onto the screen it was on (or
        the primary one); otherwise from the screen's available area (default_geometry)."""
        settings = QSettings("zkdesk", "zkdesk")
        client, margins = settings.value(CLIENT_KEY), settings.value(FRAME_KEY)
        if isinstance(client, QRect) and client.isValid() and isinstance(margins, list) and len(margins) == 4:
            # not Qt's restoreGeometry: it keeps room for a title bar of its own guess, so a window
            # with none (no window manager: a kiosk X session, Xvfb) came back 25 px lower each start
            left, top, right, bottom = (int(m) for m in margins)
            frame = client.adjusted(-left, -top, right, bottom)
            screen = QGuiApplication.screenAt(frame.center()) or self.screen() or QGuiApplication.primaryScreen()
            frame = fitted(frame, screen.availableGeometry())
            self.setGeometry(frame.adjusted(left, top, -right, -bottom))
            if settings.value(MAXIMIZED_KEY) in (True, "true"):
                self.setWindowState(self.windowState() | Qt.WindowState.WindowMaximized)
            return
        saved = settings.value(GEOMETRY_KEY)  # written by an older zkdesk
        if isinstance(saved, QByteArray) and not saved.isEmpty() and self.restoreGeometry(saved):
            return  # restoreGeometry moves a window whose screen has gone back onto one
        screen = self.screen() or QGuiApplication.primaryScreen()
        geometry, maximized = default_geometry(screen.availableGeometry())
        self.setGeometry(geometry)
        if maximized:
            self.setWindowState(self.windowState() | Qt.WindowState.WindowMaximized)

    def remember_geometry(self) -> None:
        """The client area when not maximized, the frame's width on each side, maximized or not."""
        settings = QSettings("zkdesk", "zkdesk")
        client, frame = self.geometry(), self.frameGeometry()
        normal = self.normalGeometry()
        settings.setValue(CLIENT_KEY, normal if normal.isValid() else client)
        settings.setValue(FRAME_KEY, [max(0, client.left() - frame.left()), max(0, client.top() - frame.top()),
                                      max(0, frame.right() - client.right()), max(0, frame.bottom() - client.bottom())])
        settings.setValue(MAXIMIZED_KEY, self.isMaximized())

    # -- unsaved work -----------------------------------------------------------------------
    def unsaved_editors(self) -> list:
        """Editors on the page shown, and in dialogs opened from it."""
        return unsaved.editors_in(self.stack.currentWidget())

    def leave(self, proceed) -> None:
        """`proceed()` once nothing typed would be lost (at once when nothing is unsaved)."""
        unsaved.guard(self, self.unsaved_editors(), proceed)

    def _nav_changed(self, row: int) -> None:
        if row < 0 or row == self.stack.currentIndex():
            return
        if unsaved.dirty(self.unsaved_editors()):
            # the page with the typed values stays on screen until they are settled
            self._set_nav_row(self.stack.currentIndex())
            self.leave(lambda: self._show_row(row))
            return
        self._show_row(row)

    def _set_nav_row(self, row: int) -> None:
        self.nav.blockSignals(True)
        self.nav.setCurrentRow(row)
        self.nav.blockSignals(False)

    def _show_row(self, row: int) -> None:
        self._set_nav_row(row)
        self.page(PAGES[row].key)
        self.stack.setCurrentIndex(row)

    def sign_out(self) -> None:
        """注销/切换用户: asks about unsaved work first."""
        self.leave(self._sign_out)

    def _sign_out(self) -> None:
        if self.ctx.controller is not None:
            self.ctx.controller.sign_out()  # closes this window and shows the login
        else:
            self.close_unasked()

    def close_unasked(self) -> bool:
        """Close when the caller has already settled unsaved work (or means to throw it away)."""
        self.may_close = True
        return self.close()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt's name)
        if not self.may_close and unsaved.dirty(self.unsaved_editors()):
            event.ignore()
            # asked after this event: Qt ignores a close() called while a close is being handled
            QTimer.singleShot(0, self, lambda: self.leave(self.close_unasked))
            return
        self.may_close = True
        self.remember_geometry()
        self.idle_lock.stop()
        let_go_built()  # a window closed (signed out): what it kept may be collected again
        super().closeEvent(event)
