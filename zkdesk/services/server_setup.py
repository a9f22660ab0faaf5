"""Pointing an office at its unit's PostgreSQL server (the first-run dialog's 连接单位服务器):
build the address from its parts, test it without changing anything, and learn whether the
server already holds this office's data (another clerk's PC set it up) or is empty."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import URL

from zkdesk.services.office import is_initialised, office_unit
from zkdesk.store.engine import Database, shown_url
from zkdesk.store.migrate import DatabaseVersionError, inspect_server
from zkdesk.store.postgres import ServerError

EMPTY, READY, REFUSED = "empty", "ready", "refused"


@dataclass(frozen=True)
class ServerCheck:
    state: str  # empty: a new database to set up; ready: an office's data is there; refused
    message: str  # what the dialog shows, in Chinese
    url: str = ""  # without password
    office: str = ""  # the office whose data the server holds

    @property
    def ok(self) -> bool:
        return self.state != REFUSED


def server_url(host: str, port: int | str, database: str, username: str) -> URL:
    host, database, username = host.strip(), database.strip(), username.strip()
    if not host or not database or not username:
        raise ServerError("请填写服务器地址、数据库名和用户名")
    try:
        port = int(port or 5432)
    except ValueError:
        raise ServerError(f"端口“{port}”应为数字，一般是 5432") from None
    return URL.create("postgresql", username=username, host=host, port=port, database=database)


def check_server(url: URL, password: str | None) -> ServerCheck:
    """Connect, check the database's collation and version, read which office it holds.
    Creates nothing: a test can be run as often as the user likes."""
    shown = shown_url(url)
    try:
        db = Database(url, password or None)
    except ServerError as exc:
        return ServerCheck(REFUSED, str(exc), shown)
    try:
        has_tables, _version = inspect_server(db)
        if not has_tables:
            return ServerCheck(EMPTY, f"连接成功：{url.database} 是空数据库，完成设置后将在其中建立本单位的数据。", shown)
        with db.read_session() as s:
            unit = office_unit(s) if is_initialised(s) else None
        if unit is None:
            return ServerCheck(EMPTY, f"连接成功：{url.database} 中的 zkdesk 数据尚未设置单位，完成设置后建立。", shown)
        return ServerCheck(READY, f"连接成功：服务器上是{unit.name}的数据。完成后请用您在该单位的账号登录。", shown, unit.name)
    except (ServerError, DatabaseVersionError) as exc:
        return ServerCheck(REFUSED, str(exc), shown)
    finally:
        db.dispose()
