"""GUI start-up: data directory, integrity check, database (migrated), daily backup, first-run
set-up or login, main window; a restore restarts onto the restored data; a backup on exit."""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QDialog, QInputDialog, QLineEdit, QMessageBox

from zkdesk.paths import resources_dir

from zkdesk.config import Home, database_target, remember_server, resolve_home
from zkdesk.services.actor import Actor
from zkdesk.services.errors import UserError
from zkdesk.ui.bus import ChangeBus
from zkdesk.ui.context import AppControl, UiContext
from zkdesk.ui.fonts import apply_cjk_font
from zkdesk.ui.login_dialog import LoginDialog
from zkdesk.ui.ops import in_background
from zkdesk.ui.translations import install_chinese
from zkdesk.ui.warm_up import WarmUp

# SQLAlchemy, the models and the services are imported where they are used: a start on an
# office that is set up shows its login dialog first and loads them meanwhile (`early_login`).
if TYPE_CHECKING:  # the window's modules are loaded while the login dialog waits (ui/warm_up.py)
    from zkdesk.store.engine import Database
    from zkdesk.ui.change_watch import ChangeWatcher
    from zkdesk.ui.main_window import MainWindow


log = logging.getLogger("zkdesk")


def make_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName("zkdesk")
    app.setApplicationDisplayName("产业工人队伍建设改革台账")
    apply_cjk_font(app)
    app.setWindowIcon(QIcon(str(resources_dir() / "icons" / "zkdesk.png")))
    install_chinese(app)  # Qt's own dialogs (buttons, file and print dialogs) in Chinese too
    return app


@dataclass(frozen=True)
class OfficeFacts:
    """The few office facts the pages' filters need, read once after login (off the GUI thread)."""

    office_name: str
    demo: bool
    work_year: int
    townships: list[tuple[str, str]]
    org_names: dict[str, str]


def read_office_facts(db: Database, actor: Actor) -> OfficeFacts:
    """One read session. The window's start runs it off the GUI thread: in the login's worker, or
    through `in_background` when a sign-in gave only the user."""
    from zkdesk.services import settings
    from zkdesk.services.office import DEMO_KEY, office_unit
    from zkdesk.services.orgs import org_names, township_choices
    from zkdesk.services.progress import working_year  # the year every page opens on

    with db.read_session() as s:
        unit = office_unit(s)
        return OfficeFacts(office_name=unit.name if unit else "", demo=bool(settings.value(s, DEMO_KEY)),
                           work_year=working_year(s, actor.office_code), townships=township_choices(s, actor),
                           org_names=org_names(s))


def build_context(home: Home, db: Database, actor: Actor, controller: AppControl | None = None,
                  facts: OfficeFacts | None = None) -> UiContext:
    """What every page is given. `facts` as the login read them; without them they are read here
    (on the caller's thread: tests and tools, not the window's start)."""
    facts = facts or read_office_facts(db, actor)
    return UiContext(
        home=home, db=db, actor=actor, bus=ChangeBus(), office_name=facts.office_name, demo=facts.demo,
        controller=controller, townships=facts.townships, org_names=facts.org_names, work_year=facts.work_year,
    )


@dataclass(frozen=True)
class SignedIn:
    """The login's answer: the user, and the office facts its worker read after the password."""

    actor: Actor
    facts: OfficeFacts


@dataclass(frozen=True)
class ServerChosen:
    """The first-run dialog chose the unit's server: the program remembers it and starts over on it."""

    url: str  # without password
    password: str | None


def _office_state(db: Database) -> tuple[bool, str]:
    """(set up already, the office's name): what the start needs before the login."""
    from zkdesk.services.office import is_initialised, office_unit

    with db.read_session() as s:
        unit = office_unit(s)
        return is_initialised(s), unit.name if unit else ""


@dataclass(frozen=True)
class _Opened:
    """What the early start's thread found: `usable` when the login may go on (the file healthy,
    opened at the current schema, the office set up, the day's backup made)."""

    db: Database | None = None
    office_name: str = ""
    usable: bool = False


def _open_for_login(home: Home) -> _Opened:
    """The start's database work, on a plain thread while the login dialog is already shown:
    SQLAlchemy and the models are imported here, the file checked, opened (upgraded if due), the
    day's backup made, the office read. Anything unusual — damage, a newer file, an office not
    set up, a failed backup, an error — is not handled here: the start closes the dialog and takes
    the ordinary way (AppRunner._open, sign_in), which asks and says what is wrong."""
    from zkdesk.services.backups import daily_backup_if_due
    from zkdesk.services.restore import check_startup
    from zkdesk.store.migrate import open_database

    db = None
    try:
        if not check_startup(home, home.db_path).ok:
            return _Opened()
        db = open_database(home.db_path, home.backups_dir)
        ready, office_name = _office_state(db)
        if not ready:
            db.dispose()
            return _Opened()
        daily_backup_if_due(home, home.db_path)
        return _Opened(db, office_name, True)
    except Exception:  # the ordinary way meets it again and says it in Chinese
        log.info("early start: taking the ordinary way", exc_info=True)
        if db is not None:
            db.dispose()
        return _Opened()


OPEN_POLL_MS = 10
FALLBACK = 2  # the early login dialog's result: take the ordinary way


def sign_in(db: Database) -> SignedIn | ServerChosen | None:
    """First-run set-up if needed, then the login dialog. None if the user quit. The database is
    read off the GUI thread: what the start needs first, then, in the login's own worker right
    after the password, the office facts the window opens with."""
    try:
        ready, office_name = in_background(lambda: _office_state(db))
    except UserError as exc:
        QMessageBox.critical(None, "无法读取数据库", str(exc))
        return None
    if not ready:  # the first run: its dialogs are loaded only then
        from zkdesk.ui.recovery_code_dialog import RecoveryCodeDialog
        from zkdesk.ui.setup_dialog import SetupDialog

        setup = SetupDialog(db)
        if setup.exec() != QDialog.DialogCode.Accepted:
            return None
        if setup.recovery_code:
            RecoveryCodeDialog(setup.recovery_code, office_name=setup.office.currentText()).exec()
        if setup.chosen_server is not None:
            return ServerChosen(*setup.chosen_server)
        username = setup.username.text().strip()
        try:
            _ready, office_name = in_background(lambda: _office_state(db))
        except UserError as exc:
            QMessageBox.critical(None, "无法读取数据库", str(exc))
            return None
    else:
        username = ""
    warm_up: WarmUp | None = None

    def then(actor: Actor) -> OfficeFacts:  # in the login's worker, after the password
        if warm_up is not None:
            warm_up.wait_background()  # its imports, not two threads importing one module
        return read_office_facts(db, actor)

    login = LoginDialog(db, office_name, username=username, then=then)
    # while the clerk types: the window's modules and the mappers (ui/warm_up.py)
    login.warm_up = warm_up = WarmUp(login).start()
    if login.exec() != QDialog.DialogCode.Accepted:
        return None
    return SignedIn(login.actor, login.prepared)


def open_errors() -> tuple[type[BaseException], ...]:
    """What opening a database may raise that the user is told about in Chinese."""
    from zkdesk.store.backup_file import BackupError
    from zkdesk.store.engine import UnsupportedDatabase
    from zkdesk.store.migrate import DatabaseVersionError
    from zkdesk.store.postgres import ServerError
    from zkdesk.store.seed import CatalogError

    return (DatabaseVersionError, BackupError, CatalogError, UserError, OSError, ServerError, UnsupportedDatabase)


SERVER_HINT = "\n\n如需改用本机的数据，请删除数据目录中的 database.toml 后重新启动。"


def ask_password(url) -> str | None:
    """The server's password for this session (never written down). None: the user cancelled."""
    text, ok = QInputDialog.getText(None, "连接单位服务器", f"数据库服务器 {url.host or '本机'} 上用户 {url.username or ''} 的密码：",
                                    QLineEdit.EchoMode.Password)
    return text if ok else None


def ask_restore(health) -> bool:
    """The damaged-database dialog: True when the user chose to restore."""
    from zkdesk.ui.damaged_dialog import DamagedDialog

    return DamagedDialog(health).exec() == QDialog.DialogCode.Accepted


class AppRunner:
    """The running program: owns the database and the main window, and can start over.

    `sign_in` and `ask_restore` are the dialogs by default; tests may pass their own.
    """

    def __init__(
        self,
        app: QApplication,
        home: Home,
        sign_in: Callable[[Database], SignedIn | Actor | ServerChosen | None] = sign_in,
        ask_restore: Callable[..., bool] = ask_restore,
        database: str | None = None,
        ask_password: Callable[..., str | None] = ask_password,
        early_login: bool = False,
    ):
        self.app, self.home = app, home
        self.sign_in, self.ask_restore, self.ask_password = sign_in, ask_restore, ask_password
        self.database = database  # --database; otherwise ZKDESK_DATABASE, database.toml, the SQLite file
        self.password: str | None = None  # a server's, typed this session
        self.db: Database | None = None
        self.window: MainWindow | None = None
        self.watch: ChangeWatcher | None = None
        self.early_login = early_login

    def start(self) -> bool:
        """Check and open the database, sign in, show the window. False: the program ends."""
        if self.early_login and self.sign_in is sign_in and self._local_office_exists():
            signed = self._start_early()
            if signed is not FALLBACK:
                if signed is None:
                    return False
                self._show_window(signed)
                return True
        if not self._open():
            return False
        actor = self.sign_in(self.db)
        if isinstance(actor, ServerChosen):  # first run chose the unit's server: continue there
            remember_server(self.home, actor.url)
            self._close_db()
            self.password = actor.password
            if not self._open():
                return False
            actor = self.sign_in(self.db)
        if actor is None or isinstance(actor, ServerChosen):
            self._close_db()
            return False
        self._show_window(actor)
        return True

    def _local_office_exists(self) -> bool:
        target = database_target(self.home, self.database)
        return isinstance(target, Path) and target.exists()

    def _start_early(self) -> SignedIn | int | None:
        """The login dialog at once, the database opened meanwhile (`_open_for_login`, on a plain
        thread), then the warm-up while the clerk types; a password entered before the database
        is open is checked when it is. The signed-in user, None when the clerk quit, or FALLBACK:
        the file needs the ordinary way (damaged, not set up, …)."""
        home = self.home.ensure()
        found: dict[str, _Opened] = {}
        opening = threading.Thread(target=lambda: found.setdefault("opened", _open_for_login(home)),
                                   name="zkdesk-open", daemon=True)
        login = LoginDialog(None, "")
        login.warm_up = None

        def then(actor: Actor) -> OfficeFacts:  # in the login's worker, after the password
            if login.warm_up is not None:
                login.warm_up.wait_background()  # its imports, not two threads importing one module
            return read_office_facts(opened.db, actor)

        def poll() -> None:
            nonlocal opened
            if opening.is_alive():
                return
            timer.stop()
            opened = found.get("opened", _Opened())
            if not opened.usable:
                login.done(FALLBACK)
                return
            self.db = opened.db
            if not login.submit_when_open:  # (entered already: the check goes first, nothing to warm)
                login.warm_up = WarmUp(login).start()
            login.open_on(opened.db, opened.office_name, then)

        opened = _Opened()
        timer = QTimer(login, interval=OPEN_POLL_MS)
        timer.timeout.connect(poll)

        def begin() -> None:  # once the dialog is on the screen
            opening.start()
            timer.start()

        login.when_shown(begin)
        code = login.exec()
        timer.stop()
        if opening.is_alive():  # (quit while the database was being opened: let that finish first)
            opening.join()
        elif not opening.ident:  # quit before the dialog was painted
            return None
        if code == QDialog.DialogCode.Accepted:
            return SignedIn(login.actor, login.prepared)
        db = found.get("opened", _Opened()).db
        if db is not None and found["opened"].usable:
            db.dispose()
        self.db = None
        return FALLBACK if code == FALLBACK else None

    def _show_window(self, signed: SignedIn | Actor) -> None:
        from zkdesk.ui.change_watch import ChangeWatcher
        from zkdesk.ui.main_window import MainWindow

        if isinstance(signed, SignedIn):
            actor, facts = signed.actor, signed.facts
        else:  # a sign-in that gave only the user (tests stand in for the login so)
            actor, db = signed, self.db
            facts = in_background(lambda: read_office_facts(db, actor))
        ctx = build_context(self.home, self.db, actor, controller=self, facts=facts)
        self.window = MainWindow(ctx)
        self.watch = ChangeWatcher(self.window, ctx)
        self.window.show()

    def _open(self) -> bool:
        from zkdesk.store.engine import database_url

        url = database_url(database_target(self.home, self.database))
        if url.get_backend_name() != "sqlite":
            return self._open_server(url)
        return self._open_file()

    def _open_server(self, url) -> bool:
        """The unit's server: its health and backups are its administrator's; zkdesk asks for the
        password when there is no pgpass entry, and backs up daily when pg_dump is at hand."""
        from zkdesk.services.backups import daily_backup_if_due
        from zkdesk.store.migrate import open_database
        from zkdesk.store.postgres import PasswordRequired

        home = self.home
        try:
            home.ensure()
            try:
                self.db = open_database(url, home.backups_dir, self.password)
            except PasswordRequired:
                self.password = self.ask_password(url)
                if self.password is None:
                    return False
                self.db = open_database(url, home.backups_dir, self.password)
        except open_errors() as exc:
            QMessageBox.critical(None, "无法连接单位服务器", str(exc) + SERVER_HINT)
            return False
        db = self.db
        try:
            in_background(lambda: daily_backup_if_due(home, db), writer=True)
        except UserError as exc:  # a file or backup problem, in Chinese
            QMessageBox.warning(None, "自动备份失败", f"今天的自动备份没有成功：{exc}")
        return True

    def _open_file(self) -> bool:
        from zkdesk.services.backups import daily_backup_if_due
        from zkdesk.services.restore import check_startup, restore_after_damage
        from zkdesk.store.migrate import open_database

        home = self.home
        try:
            home.ensure()
            health = check_startup(home, home.db_path)  # PRAGMA quick_check, before opening
            if not health.ok:
                if not self.ask_restore(health):
                    return False
                restore_after_damage(home, home.db_path)
            self.db = open_database(home.db_path, home.backups_dir)
        except open_errors() as exc:
            QMessageBox.critical(None, "无法打开数据库", str(exc))
            return False
        try:
            in_background(lambda: daily_backup_if_due(home, home.db_path), writer=True)
        except UserError as exc:  # a file or backup problem, in Chinese
            QMessageBox.warning(None, "自动备份失败", f"今天的自动备份没有成功：{exc}\n\n程序可以继续使用，请尽快检查磁盘空间。")
        return True

    def _close_window(self) -> None:
        if self.watch is not None:
            self.watch.stop()
            self.watch = None
        if self.window is not None:
            self.window.idle_lock.stop()
            self.window.close_unasked()  # whoever closes it here has settled unsaved work
            self.window.deleteLater()
            self.window = None

    def _close_db(self) -> None:
        if self.db is not None:
            self.db.dispose()
            self.db = None

    def restore_and_restart(self, backup: Path) -> None:
        """Close the window and the engine, restore `backup`, then start again at the login."""
        from zkdesk.services.restore import restore_backup
        from zkdesk.store.backup_file import BackupError
        from zkdesk.store.migrate import DatabaseVersionError

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

    def sign_out(self) -> None:
        """注销/切换用户: the window goes (its unsaved work settled by the caller), the login comes
        back on the same database; quitting the login ends the program."""
        self.app.setQuitOnLastWindowClosed(False)
        try:
            self._close_window()
            actor = self.sign_in(self.db)
            if actor is None or isinstance(actor, ServerChosen):
                self.app.quit()
                return
            self._show_window(actor)
        finally:
            self.app.setQuitOnLastWindowClosed(True)

    def shutdown(self) -> None:
        """On exit: a backup of the day's work, then close the database."""
        self._close_window()
        if self.db is not None:
            home, db = self.home, self.db

            def back_up() -> None:  # on the writer thread: after every write still queued
                from zkdesk.services.backups import backup_now
                from zkdesk.services.office import is_initialised

                with db.read_session() as s:
                    ready = is_initialised(s)
                if ready:
                    backup_now(home, db, "exit", required=False)

            try:
                in_background(back_up, writer=True)
            except UserError as exc:  # a file or backup problem, in Chinese
                QMessageBox.warning(None, "退出时备份失败", str(exc))
            self._close_db()


def run_gui(home_arg: str | None = None, database: str | None = None) -> int:
    app = make_application()
    runner = AppRunner(app, resolve_home(home_arg), database=database, early_login=True)
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
    parser.add_argument("--database")
    args, _ = parser.parse_known_args()
    from zkdesk.store.private_files import restrict_umask

    restrict_umask()
    return run_gui(args.home, args.database)


if __name__ == "__main__":
    raise SystemExit(main())
