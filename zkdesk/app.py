"""GUI start-up: data directory, integrity check, database (migrated), daily backup, first-run
set-up or login, main window; a restore restarts onto the restored data; a backup on exit."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from zkdesk.paths import resources_dir

from zkdesk.config import Home, resolve_home
from zkdesk.services.actor import Actor
from zkdesk.services.backups import backup_now, daily_backup_if_due
from zkdesk.services.errors import UserError
from zkdesk.services import settings
from zkdesk.services.office import DEMO_KEY, is_initialised, office_unit
from zkdesk.services.orgs import org_names, township_choices
from zkdesk.services.restore import check_startup, restore_after_damage, restore_backup
from zkdesk.store.backup_file import BackupError
from zkdesk.store.engine import Database
from zkdesk.store.migrate import DatabaseVersionError, open_database
from zkdesk.store.seed import CatalogError
from zkdesk.ui.bus import ChangeBus
from zkdesk.ui.context import AppControl, UiContext
from zkdesk.ui.damaged_dialog import DamagedDialog
from zkdesk.ui.fonts import apply_cjk_font
from zkdesk.ui.login_dialog import LoginDialog
from zkdesk.ui.main_window import MainWindow
from zkdesk.ui.setup_dialog import SetupDialog
from zkdesk.ui.translations import install_chinese


def make_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName("zkdesk")
    app.setApplicationDisplayName("产业工人队伍建设改革台账")
    apply_cjk_font(app)
    app.setWindowIcon(QIcon(str(resources_dir() / "icons" / "zkdesk.png")))
    install_chinese(app)  # Qt's own dialogs (buttons, file and print dialogs) in Chinese too
    return app


def build_context(home: Home, db: Database, actor: Actor, controller: AppControl | None = None) -> UiContext:
    """What every page is given; the few office facts the pages' filters need are read here, once."""
    with db.read_session() as s:
        unit = office_unit(s)
        demo = settings.value(s, DEMO_KEY)
        work_year = settings.value(s, "work_year")
        choices = township_choices(s, actor)
        names = org_names(s)
    return UiContext(
        home=home, db=db, actor=actor, bus=ChangeBus(), office_name=unit.name if unit else "", demo=demo,
        controller=controller, townships=choices, org_names=names, work_year=work_year,
    )


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


OPEN_ERRORS = (DatabaseVersionError, BackupError, CatalogError, UserError, OSError)


def ask_restore(health) -> bool:
    """The damaged-database dialog: True when the user chose to restore."""
    return DamagedDialog(health).exec() == QDialog.DialogCode.Accepted


class AppRunner:
    """The running program: owns the database and the main window, and can start over.

    `sign_in` and `ask_restore` are the dialogs by default; tests may pass their own.
    """

    def __init__(
        self,
        app: QApplication,
        home: Home,
        sign_in: Callable[[Database], Actor | None] = sign_in,
        ask_restore: Callable[..., bool] = ask_restore,
    ):
        self.app, self.home = app, home
        self.sign_in, self.ask_restore = sign_in, ask_restore
        self.db: Database | None = None
        self.window: MainWindow | None = None

    def start(self) -> bool:
        """Check and open the database, sign in, show the window. False: the program ends."""
        if not self._open():
            return False
        actor = self.sign_in(self.db)
        if actor is None:
            self._close_db()
            return False
        self.window = MainWindow(build_context(self.home, self.db, actor, controller=self))
        self.window.show()
        return True

    def _open(self) -> bool:
        home = self.home
        try:
            home.ensure()
            health = check_startup(home, home.db_path)  # PRAGMA quick_check, before opening
            if not health.ok:
                if not self.ask_restore(health):
                    return False
                restore_after_damage(home, home.db_path)
            self.db = open_database(home.db_path, home.backups_dir)
        except OPEN_ERRORS as exc:
            QMessageBox.critical(None, "无法打开数据库", str(exc))
            return False
        try:
            daily_backup_if_due(home, home.db_path)
        except (BackupError, OSError) as exc:
            QMessageBox.warning(None, "自动备份失败", f"今天的自动备份没有成功：{exc}\n\n程序可以继续使用，请尽快检查磁盘空间。")
        return True

    def _close_window(self) -> None:
        if self.window is not None:
            self.window.idle_lock.stop()
            self.window.close()
            self.window.deleteLater()
            self.window = None

    def _close_db(self) -> None:
        if self.db is not None:
            self.db.dispose()
            self.db = None

    def restore_and_restart(self, backup: Path) -> None:
        """Close the window and the engine, restore `backup`, then start again at the login."""
        actor = self.window.ctx.actor
        self.app.setQuitOnLastWindowClosed(False)  # no window for a moment: not a reason to quit
        try:
            self._close_window()
            self._close_db()
            try:
                restore_backup(self.home, self.home.db_path, backup, actor)
            except (UserError, BackupError, DatabaseVersionError, OSError) as exc:
                QMessageBox.critical(None, "恢复失败", f"{exc}\n\n数据没有被替换，程序将回到原来的数据。")
            if not self.start():
                self.app.quit()
        finally:
            self.app.setQuitOnLastWindowClosed(True)

    def shutdown(self) -> None:
        """On exit: a backup of the day's work, then close the database."""
        self._close_window()
        if self.db is not None:
            try:
                with self.db.session() as s:
                    ready = is_initialised(s)
                if ready:
                    backup_now(self.home, self.home.db_path, "exit")
            except (BackupError, OSError) as exc:
                QMessageBox.warning(None, "退出时备份失败", str(exc))
            self._close_db()


def run_gui(home_arg: str | None = None) -> int:
    app = make_application()
    runner = AppRunner(app, resolve_home(home_arg))
    if not runner.start():
        return 0
    code = app.exec()
    runner.shutdown()
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
