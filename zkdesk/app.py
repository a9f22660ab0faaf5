"""GUI start-up: data directory, database (migrated), first-run set-up or login, main window."""

from __future__ import annotations

import sys

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from zkdesk.paths import resources_dir

from zkdesk.config import Home, resolve_home
from zkdesk.services.actor import Actor
from zkdesk.services.office import DEMO_KEY, get_setting, is_initialised, office_unit
from zkdesk.store.backup_file import BackupError
from zkdesk.store.engine import Database
from zkdesk.store.migrate import DatabaseVersionError, open_database
from zkdesk.store.seed import CatalogError
from zkdesk.ui.bus import ChangeBus
from zkdesk.ui.context import UiContext
from zkdesk.ui.fonts import apply_cjk_font
from zkdesk.ui.login_dialog import LoginDialog
from zkdesk.ui.main_window import MainWindow
from zkdesk.ui.setup_dialog import SetupDialog


def make_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName("zkdesk")
    app.setApplicationDisplayName("产业工人队伍建设改革台账")
    apply_cjk_font(app)
    app.setWindowIcon(QIcon(str(resources_dir() / "icons" / "zkdesk.png")))
    # Qt's own dialogs (buttons, file dialogs) in Chinese too
    translator = QTranslator(app)
    if translator.load(QLocale(QLocale.Language.Chinese, QLocale.Country.China), "qtbase", "_",
                       QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(translator)
    return app


def build_context(home: Home, db: Database, actor: Actor) -> UiContext:
    with db.session() as s:
        unit = office_unit(s)
        demo = get_setting(s, DEMO_KEY) == "1"
    return UiContext(home=home, db=db, actor=actor, bus=ChangeBus(), office_name=unit.name if unit else "", demo=demo)


def sign_in(db: Database) -> Actor | None:
    """First-run set-up if needed, then the login dialog. None if the user quit."""
    with db.session() as s:
        ready = is_initialised(s)
    if not ready:
        setup = SetupDialog(db)
        if setup.exec() != QDialog.DialogCode.Accepted:
            return None
        username = setup.username.text().strip()
    else:
        username = ""
    with db.session() as s:
        unit = office_unit(s)
    login = LoginDialog(db, unit.name if unit else "", username=username)
    if login.exec() != QDialog.DialogCode.Accepted:
        return None
    return login.actor


def run_gui(home_arg: str | None = None) -> int:
    app = make_application()
    home = resolve_home(home_arg)
    try:
        home.ensure()
        db = open_database(home.db_path, home.backups_dir)
    except (DatabaseVersionError, BackupError, CatalogError, OSError) as exc:
        QMessageBox.critical(None, "无法打开数据库", str(exc))
        return 2
    actor = sign_in(db)
    if actor is None:
        db.dispose()
        return 0
    window = MainWindow(build_context(home, db, actor))
    window.show()
    code = app.exec()
    db.dispose()
    return code


def main() -> int:
    """GUI entry point (zkdesk-gui): accepts --home like the command line."""
    import argparse

    parser = argparse.ArgumentParser(prog="zkdesk-gui")
    parser.add_argument("--home")
    args, _ = parser.parse_known_args()
    return run_gui(args.home)


if __name__ == "__main__":
    raise SystemExit(main())
