"""Run as a script by test_window_size.py (display scaling is fixed when Qt starts, so each scale
is a process of its own): opens the window on a data directory, shows every page and every tab
of it in a window of 1366×738, and prints as JSON the screen's scale and available area, the
window's size and, per page, the page's minimum size and how far its scroll bars reach (0: none).

    python tests/ui/window_fits.py HOME USER   (the password on standard input)
"""

import json
import sys


def main() -> int:
    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtWidgets import QApplication, QTabWidget

    from zkdesk.app import build_context, make_application
    from zkdesk.config import resolve_home
    from zkdesk.services.auth import login_and_commit
    from zkdesk.store.migrate import open_database
    from zkdesk.ui import ops
    from zkdesk.ui.main_window import MainWindow
    from zkdesk.ui.pages import PAGES

    home_dir, user = sys.argv[1], sys.argv[2]
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, f"{home_dir}/qsettings")
    app = make_application()
    home = resolve_home(home_dir)
    db = open_database(home.db_path, home.backups_dir)
    window = MainWindow(build_context(home, db, login_and_commit(db, user, sys.stdin.readline().rstrip("\n"))))
    window.setWindowState(window.windowState() & ~Qt.WindowState.WindowMaximized)
    window.resize(1366, 738)
    window.show()

    def settle() -> None:
        while ops.running():
            QApplication.processEvents()
        for _ in range(10):
            QApplication.processEvents()

    needed = {}
    for spec in PAGES:
        page = window.show_page(spec.key)
        settle()
        for tabs in page.findChildren(QTabWidget):
            for i in range(tabs.count()):
                tabs.setCurrentIndex(i)
                settle()
        hint = window.stack.minimumSizeHint()
        bars = window.scroller.horizontalScrollBar().maximum(), window.scroller.verticalScrollBar().maximum()
        needed[spec.key] = {"page": [hint.width(), hint.height()], "scroll": list(bars)}
    screen = window.screen()
    area = screen.availableGeometry()
    print(json.dumps({"ratio": screen.devicePixelRatio(), "available": [area.width(), area.height()],
                      "window": [window.width(), window.height()], "needed": needed}))
    window.close_unasked()
    app.processEvents()
    db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
