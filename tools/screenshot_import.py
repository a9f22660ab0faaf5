"""Screenshot the import dialog with a file's preview, on a real display (e.g. under xvfb-run):

    python tools/screenshot_import.py --home DIR --user NAME --kind enterprises FILE.xlsx out.png
The password is read from standard input.
"""

import argparse
import sys
from pathlib import Path

from PySide6.QtCore import QTimer

from zkdesk.app import build_context, make_application
from zkdesk.config import resolve_home
from zkdesk.services.auth import login_and_commit
from zkdesk.store.migrate import open_database
from zkdesk.ui.main_window import MainWindow
from zkdesk.ui.xlsx.import_dialog import ImportDialog


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--home", required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--kind", default="enterprises")
    parser.add_argument("file")
    parser.add_argument("out")
    args = parser.parse_args()
    app = make_application()
    home = resolve_home(args.home)
    db = open_database(home.db_path, home.backups_dir)
    actor = login_and_commit(db, args.user, sys.stdin.readline().rstrip("\n"))
    window = MainWindow(build_context(home, db, actor))
    window.resize(1280, 800)
    window.show()
    dialog = ImportDialog(window.ctx, window, kind=args.kind)
    dialog.show()
    dialog.open_file(Path(args.file))

    def shoot():
        window.screen().grabWindow(0).save(args.out)
        app.quit()

    QTimer.singleShot(3000, shoot)
    app.exec()
    db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
