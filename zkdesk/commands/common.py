"""What every subcommand shares: the data directory, the database, the user, errors, JSON.

Building the parser imports every command module, so they import SQLAlchemy, the services,
openpyxl and reportlab inside their handlers: a command pays for what it uses, and
`zkdesk -h` for nothing.
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from zkdesk.config import Home, database_target, resolve_home
from zkdesk.services.errors import UserError, user_message

if TYPE_CHECKING:
    from zkdesk.services.actor import Actor
    from zkdesk.store.engine import Database

log = logging.getLogger("zkdesk")


@dataclass
class Context:
    """The data directory and its open database; `with open_context(args) as ctx:` closes the
    database when the command is done, also when it fails."""

    home: Home
    db: Database

    def __enter__(self) -> Context:
        return self

    def __exit__(self, *_exc) -> None:
        self.db.dispose()


def server_password(url) -> str:
    """Ask for a server database's password on the terminal (not stdin, which may carry the
    zkdesk user's password). Kept in memory only."""
    import getpass

    try:
        with open("/dev/tty", encoding="utf-8"):
            pass
    except OSError:
        if sys.stdin.isatty():  # Windows: the console
            return getpass.getpass(f"数据库 {url.database} 的密码：")
        raise UserError(
            f"数据库服务器要求用户 {url.username or ''} 的密码，但这里无法询问。"
            "请在 pgpass 文件中保存它（Linux：~/.pgpass；Windows：%APPDATA%\\postgresql\\pgpass.conf），"
            "或在终端中运行本命令"
        ) from None
    return getpass.getpass(f"数据库 {url.database} 的密码：")


def open_target(target, backups_dir=None) -> Database:
    """open_database, asking for the server's password once when it wants one."""
    from zkdesk.store.migrate import open_database
    from zkdesk.store.postgres import PasswordRequired

    try:
        return open_database(target, backups_dir)
    except PasswordRequired as exc:
        from zkdesk.store.engine import database_url

        sys.stderr.write(f"{exc}\n")
        url = database_url(target)
        return open_database(url, backups_dir, server_password(url))


def open_context(args: argparse.Namespace, require_init: bool = True, logging_in: bool = False) -> Context:
    """The data directory and its database (`require_init`: set up). Start-up ends here
    (`started`), or, `logging_in`, after the login (`logged_in`)."""
    from zkdesk.services.office import is_initialised

    home = resolve_home(args.home).ensure()
    db = open_target(database_target(home, getattr(args, "database", None)), home.backups_dir)
    if require_init:
        with db.read_session() as s:
            if not is_initialised(s):
                db.dispose()
                raise UserError("数据库尚未初始化：请先运行 zkdesk init --org 单位代码 --admin 用户名 --password-stdin")
    if not logging_in:
        started()
    return Context(home, db)


def started() -> bool:
    """Start-up is over (cli.main paused the cyclic collector): what exists now lives as long as
    the command, so the collector leaves it out of its passes (gc.freeze) and runs again. True
    when this call did it."""
    if gc.isenabled():
        return False
    gc.freeze()
    gc.enable()
    return True


def add_user_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--user", required=True, help="用户名")
    parser.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码")


def read_password(args: argparse.Namespace, prompt: str = "密码：") -> str:
    if getattr(args, "password_stdin", False):
        line = sys.stdin.readline()
        return line.rstrip("\r\n")
    import getpass

    return getpass.getpass(prompt)


@contextmanager
def logged_in(args: argparse.Namespace, meanwhile: Callable[[], object] | None = None
              ) -> Iterator[tuple[Context, Actor]]:
    """The open database and the command's user (add_user_args), logged in; closed after.

    `meanwhile()` (the command importing the modules its work needs) runs on this thread while
    the login runs on another: the login's scrypt releases the GIL, so the two overlap on a PC
    with a second core instead of adding up. A refused login is raised after `meanwhile` ends."""
    from zkdesk.services.auth import login_and_commit

    with open_context(args, logging_in=True) as ctx:
        password = read_password(args)
        if meanwhile is None:
            actor = login_and_commit(ctx.db, args.user, password)
        else:
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(max_workers=1, thread_name_prefix="login") as pool:
                login = pool.submit(login_and_commit, ctx.db, args.user, password)
                try:
                    meanwhile()
                finally:
                    actor = login.result()  # waits; a refusal (UserError) is raised here
        started()
        yield ctx, actor


def print_json(obj: object) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, default=str) + "\n")


def run_safely(handler: Callable[[argparse.Namespace], int | None], args: argparse.Namespace) -> int:
    """Run a subcommand: a one-line Chinese message and exit 2 on bad input, never a traceback."""
    try:
        return int(handler(args) or 0)
    except KeyboardInterrupt:
        sys.stderr.write("已取消\n")
        return 130
    except Exception as exc:
        message = user_message(exc)
        if message is not None:
            sys.stderr.write(f"错误：{message}\n")
            return 2
        # a bug: keep the details in a log file, tell the user plainly
        detail = traceback.format_exc()
        try:
            home = resolve_home(getattr(args, "home", None)).ensure()
            with open(home.root / "error.log", "a", encoding="utf-8") as fh:
                fh.write(detail + "\n")
            where = f"，详细信息已写入 {home.root / 'error.log'}"
        except OSError:
            where = ""
        sys.stderr.write(f"错误：程序内部错误（{type(exc).__name__}）{where}\n")
        return 1
