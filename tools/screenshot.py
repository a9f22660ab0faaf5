"""Take a screenshot of the main window on a real display (e.g. under xvfb-run):

    python tools/screenshot.py --home DIR --user NAME --page indicators out.png
    python tools/screenshot.py --home DIR --user NAME --page admin --tab 操作日志 out.png
    python tools/screenshot.py --home DIR --user NAME --import-file FILE.xlsx --kind enterprises out.png
(the last: the 导入Excel dialog over the window, with the file's preview). The password is read from standard input. Used to look at screens as a person would.

    xvfb-run -s "-screen 0 2049x1152x24" python tools/screenshot.py ... --scale 1.5 out.png
(150% scaling: the window is laid out for 1366×768 and drawn at 1.5 pixels per pixel). Without
--size the window takes the place it takes on a first start (from the screen). The window's
remembered place is kept in a temporary folder, never the user's.
"""

import argparse
import os
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QTabWidget

from zkdesk.app import build_context, make_application
from zkdesk.config import resolve_home
from zkdesk.services.auth import login_and_commit
from zkdesk.store.migrate import open_database
from zkdesk.ui import ops
from zkdesk.ui.main_window import MainWindow
from zkdesk.ui.xlsx.import_dialog import ImportDialog


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--home", required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--page", default="indicators")
    parser.add_argument("--size", help="WxH of the window (default: as on a first start, from the screen)")
    parser.add_argument("--scale", type=float, help="display scaling, e.g. 1.5 for 150%% (QT_SCALE_FACTOR)")
    parser.add_argument("--tab", help="on a page with tabs, the tab to show (its label)")
    parser.add_argument("--import-file", help="show the import dialog checking this spreadsheet")
    parser.add_argument("--kind", default="enterprises", help="with --import-file: what the file holds")
    parser.add_argument("out")
    args = parser.parse_args()
    if args.scale:
        os.environ["QT_SCALE_FACTOR"] = str(args.scale)
    settings_dir = tempfile.TemporaryDirectory(prefix="zkdesk-screenshot-")
    from PySide6.QtCore import QSettings

    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, settings_dir.name)
    app = make_application()
    home = resolve_home(args.home)
    db = open_database(home.db_path, home.backups_dir)
    actor = login_and_commit(db, args.user, sys.stdin.readline().rstrip("\n"))
    window = MainWindow(build_context(home, db, actor))
    if args.size:
        w, h = (int(x) for x in args.size.split("x"))
        window.setWindowState(window.windowState() & ~Qt.WindowState.WindowMaximized)
        window.resize(w, h)
    window.show()
    page = window.show_page(args.page)
    if args.tab:
        for tabs in page.findChildren(QTabWidget):
            for i in range(tabs.count()):
                if tabs.tabText(i) == args.tab:
                    tabs.setCurrentIndex(i)
    if args.import_file:
        dialog = ImportDialog(window.ctx, window, kind=args.kind)
        dialog.show()
        dialog.open_file(Path(args.import_file))

    def shoot():
        if ops.running():  # lists still loading in the background: wait for them as a user would
            QTimer.singleShot(100, shoot)
            return
        window.screen().grabWindow(0).save(args.out)
        app.quit()

    QTimer.singleShot(3000 if args.import_file else 800, shoot)  # a check takes a moment
    app.exec()
    db.dispose()
    settings_dir.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
