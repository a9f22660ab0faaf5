"""Run as a script by test_window_size.py (display scaling is fixed when Qt starts, so each scale
is a process of its own): opens the window on a data directory, shows every page and every tab
of it, and prints as JSON the screen's scale and available area and the window's minimum size.

    python tests/ui/window_fits.py HOME USER   (the password on standard input)
"""

import json
import sys


def main() -> int:
    from PySide6.QtCore import QSettings
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
        hint = window.minimumSizeHint()
        needed[spec.key] = [hint.width(), hint.height()]
    screen = window.screen()
    area = screen.availableGeometry()
    print(json.dumps({"ratio": screen.devicePixelRatio(), "available": [area.width(), area.height()],
                      "needed": needed}))
    window.close_unasked()
    app.processEvents()
    db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
