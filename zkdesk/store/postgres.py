"""What only a PostgreSQL office database needs: the driver, the connection settings, the write
lock, change notifications, and the checks that make it behave like the SQLite file.

Kept out of engine.py so that a township's SQLite install never imports the driver: psycopg
(`pip install 'zkdesk[postgresql]'`) is optional and not in the offline installer.

How the two engines are made to agree (DESIGN: services behave the same on both):
- Writers: a write session takes one transaction-scoped advisory lock at BEGIN, the server's
  equivalent of SQLite's BEGIN IMMEDIATE: one writer at a time, readers never wait (MVCC).
  A writer kept waiting longer than the busy timeout gets DatabaseBusy, as on SQLite.
- Readers: REPEATABLE READ, READ ONLY: one consistent snapshot per read session.
- Times: the session time zone is UTC; UTCDateTime stores naive UTC on both engines.
- Text order: the database must sort text by code point (collation "C"), as SQLite's BINARY
  does, so lists and printed forms come out in the same order (check_collation).
- Changes: a write transaction that wrote anything sends NOTIFY zkdesk_changes; ChangeWatch
  counts them (SQLite's equivalent is PRAGMA data_version).
"""

from __future__ import annotations

import threading
import zlib

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, OperationalError

DRIVER_MISSING = (
    "连接 PostgreSQL 服务器数据库需要 psycopg 驱动（离线安装包不带它）。"
    "请在联网的电脑上运行：pip install \"zkdesk[postgresql]\"（或 pip install \"psycopg[binary]\"）后再试。"
)
CHANNEL = "zkdesk_changes"
LOCK_SPACE = 0x7A6B  # "zk": first key of every zkdesk advisory lock
WRITE_LOCK = 0  # second key of the one-writer-at-a-time lock
SORTS_LIKE_SQLITE = {"c", "posix", "c.utf8", "c.utf-8", "ucs_basic"}


class ServerError(Exception):
    """The server cannot be used (driver missing, unreachable, refused). Chinese message."""


class PasswordRequired(ServerError):
    """The server asks for a password that neither the URL nor a pgpass file gave."""


def require_driver():
    try:
        import psycopg
    except ImportError:
        raise ServerError(DRIVER_MISSING) from None
    return psycopg


def lock_key(name: str) -> int:
    """A stable 32-bit key for a named lock (the audit chain's tail, a counter)."""
    return zlib.crc32(name.encode("utf-8")) & 0x7FFFFFFF


def driver_url(url: URL, password: str | None = None) -> URL:
    url = url.set(drivername="postgresql+psycopg")
    return url.set(password=password) if password else url


def make_engine(url: URL, password: str | None, busy_timeout_ms) -> Engine:
    """An engine whose connections speak UTC, wait at most the busy timeout for a lock, and
    whose transactions take the write lock unless they are read sessions."""
    require_driver()
    engine = create_engine(
        driver_url(url, password),
        pool_pre_ping=True,  # a server restarted overnight: the pool reconnects instead of failing
        connect_args={"application_name": "zkdesk", "connect_timeout": 10},
    )

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):
        dbapi_connection.autocommit = True
        with dbapi_connection.cursor() as cur:
            cur.execute("SET TIME ZONE 'UTC'")
            cur.execute(f"SET lock_timeout = {int(busy_timeout_ms())}")
        dbapi_connection.autocommit = False

    @event.listens_for(engine, "begin")
    def _begin(conn):
        options = conn.get_execution_options()
        if not options.get("zkdesk_reader"):
            wait_ms = options.get("zkdesk_wait_ms")
            if wait_ms:  # a long import waits longer for the lock; SET LOCAL ends with the transaction
                conn.exec_driver_sql(f"SET LOCAL lock_timeout = {int(wait_ms)}")
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({LOCK_SPACE}, {WRITE_LOCK})")

    return engine


def reader_engine(engine: Engine) -> Engine:
    return engine.execution_options(zkdesk_reader=True, isolation_level="REPEATABLE READ", postgresql_readonly=True)


def take_lock(session, name: str) -> None:
    """serialize() on a server: a transaction-scoped lock on `name`, released at commit."""
    session.connection().exec_driver_sql(f"SELECT pg_advisory_xact_lock({LOCK_SPACE}, {lock_key(name)})")


def notify_if_written(session, token: str) -> None:
    """Before a write session commits: tell the other clerks' windows, if it wrote anything
    (a transaction gets an id only when it writes). Delivered at commit, never before.
    `token` names the sender, so that its own watch leaves it out."""
    session.flush()
    session.connection().exec_driver_sql(
        f"SELECT pg_notify('{CHANNEL}', '{token}') WHERE txid_current_if_assigned() IS NOT NULL"
    )


def sqlstate(exc: BaseException) -> str:
    return getattr(getattr(exc, "orig", None), "sqlstate", None) or ""


def is_busy(exc: OperationalError) -> bool:
    return sqlstate(exc) == "55P03"  # lock_not_available: lock_timeout expired


def connection_problem(exc: BaseException, url: URL) -> ServerError | None:
    """A Chinese ServerError for a connection that failed, or None when `exc` is something else."""
    if not isinstance(exc, DBAPIError):
        return None
    text = str(getattr(exc, "orig", exc))
    where = f"{url.host or '本机'}:{url.port or 5432}/{url.database}"
    lowered = text.lower()
    if "no password supplied" in lowered or ("password authentication failed" in lowered and not url.password):
        return PasswordRequired(f"服务器 {where} 要求输入用户 {url.username or ''} 的密码")
    if "password authentication failed" in lowered:
        return ServerError(f"服务器 {where} 拒绝了用户 {url.username or ''} 的密码，请检查后重试")
    if "does not exist" in lowered and "database" in lowered:
        return ServerError(f"服务器上没有数据库 {url.database}：请服务器管理员先创建（见使用说明“单位服务器”一节）")
    if "role" in lowered and "does not exist" in lowered:
        return ServerError(f"服务器上没有用户 {url.username}：请服务器管理员先创建")
    if any(w in lowered for w in ("connection refused", "could not connect", "timeout expired", "could not translate host")):
        return ServerError(f"无法连接数据库服务器 {where}：请检查网络和服务器地址（{text.strip().splitlines()[0]}）")
    if isinstance(exc, OperationalError) and sqlstate(exc).startswith("08"):
        return ServerError(f"与数据库服务器 {where} 的连接中断：{text.strip().splitlines()[0]}")
    return None


def database_collation(conn) -> str:
    return conn.exec_driver_sql(
        "SELECT CASE WHEN d.datlocprovider = 'i' THEN 'icu:' || coalesce(d.daticulocale, '') ELSE d.datcollate END "
        "FROM pg_database d WHERE d.datname = current_database()"
    ).scalar() or ""


def collation_problem(conn) -> str | None:
    """A Chinese message when the database would sort text differently from SQLite, else None."""
    collation = database_collation(conn)
    if collation.lower() in SORTS_LIKE_SQLITE:
        return None
    name = conn.exec_driver_sql("SELECT current_database()").scalar()
    return (
        f"服务器数据库 {name} 的排序规则是 {collation}，与单机版不同，名单和报表的排列顺序会不一致。"
        f"请服务器管理员按 C 排序规则新建数据库：CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' "
        "LC_COLLATE 'C' LC_CTYPE 'C';"
    )


class ChangeWatch:
    """Counts the notifications of committed writes, on a connection of its own (LISTEN)."""

    def __init__(self, url: URL, password: str | None, own_token: str):
        self.url, self.password, self.own_token = url, password, own_token
        self.count = 0
        self._lock = threading.Lock()
        self._conn = self._connect()

    def _connect(self):
        psycopg = require_driver()
        conninfo = driver_url(self.url, self.password).set(drivername="postgresql").render_as_string(hide_password=False)
        conn = psycopg.connect(conninfo, autocommit=True, application_name="zkdesk-watch", connect_timeout=10)
        conn.add_notify_handler(self._heard)
        conn.execute(f"LISTEN {CHANNEL}")
        return conn

    def _heard(self, notify) -> None:
        if notify.payload != self.own_token:
            self.count += 1

    def stamp(self) -> int:
        """A number that changes when another session has committed a write since the last call."""
        with self._lock:
            try:
                if self._conn is None or self._conn.closed:
                    self._conn = self._connect()
                    self.count += 1  # while not listening, anything may have changed
                self._conn.execute("SELECT 1")  # delivers the notifications waiting on the socket
            except Exception:  # the server went away: the next call reconnects and reports a change
                self._drop()
            return self.count

    def _drop(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except Exception:
                pass
            self._conn = None

    def close(self) -> None:
        with self._lock:
            self._drop()
