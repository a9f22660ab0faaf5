"""The database engine and per-action sessions.

Two kinds of session, so that readers never wait for writers:
- `db.session()` is a unit of work that may write. On SQLite it starts with BEGIN IMMEDIATE,
  so it holds the write lock from its first statement: what it reads (the last audit hash, a
  failed-login counter) cannot change under it, and two writers never interleave.
- `db.read_session()` only reads (a page refresh, a report). It starts a deferred transaction,
  sees one consistent snapshot (WAL), never blocks on a writer and refuses to flush.

A writer that cannot get the lock within the busy timeout raises DatabaseBusy, whose message
the window and the command line show as is.

The database is an SQLite file (a township's PC, the default) or a PostgreSQL server database
(a county or city office with several clerks); what only the server needs is in postgres.py,
and the services see the same behaviour on both.

Every write session collects which tables and rows it changed (session.info[CHANGES]), so
the window can announce them without each service having to.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
import sqlite3
import threading
import uuid

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from zkdesk.store.base import Travelling, utcnow
from zkdesk.store.private_files import create_private, private_dir, tighten

# Set on a session while applying records received from another office: their revision and
# updated_at must be kept as they arrived, not bumped as for a local edit.
KEEP_REVISIONS = "keep_revisions"
# session.info key: {table name: set of primary keys} changed by the session (see _collect_changes).
CHANGES = "changes"
READ_ONLY = "read_only"

BUSY_TIMEOUT_MS = 8000
# A long write the user already waits for behind a progress dialog (an import, a package) waits
# this long for another writer before giving up: eight clerks importing at once all get through.
LONG_WAIT_MS = 180_000
WAIT_OPTION = "zkdesk_wait_ms"
BUSY_MESSAGE = "另一个zkdesk窗口或命令正在写入数据，请稍后再试"


# Called with "write" or "read" each time a session opens (None: nothing). The window's tests set
# it to check that no session is opened on the GUI thread (tests/ui/conftest.py).
session_hook = None


class DatabaseBusy(Exception):
    """Another process held the write lock for longer than the busy timeout. Chinese message."""

    def __init__(self, message: str = BUSY_MESSAGE):
        super().__init__(message)


class ReadOnlySession(Exception):
    """A bug: something tried to write through db.read_session()."""


class UnsupportedDatabase(Exception):
    """A --database URL naming an engine zkdesk does not speak. Chinese message."""


def _is_busy(exc: OperationalError) -> bool:
    text = str(getattr(exc, "orig", exc)).lower()
    if "database is locked" in text or "database is busy" in text:
        return True
    from zkdesk.store import postgres

    return postgres.is_busy(exc)


# ---- SQLite ---------------------------------------------------------------------------------


def _sqlite_connect(dbapi_connection, _record, path: Path | None = None) -> None:
    # Take transaction control away from the sqlite3 module (it would begin only before the
    # first INSERT/UPDATE, leaving earlier reads outside the transaction); _sqlite_begin
    # starts every transaction explicitly instead.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")  # offices lose power: durability over speed
    cursor.execute("PRAGMA secure_delete=ON")  # what is deleted or replaced (a key, a person) is zeroed, not left in free pages
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.close()
    if path is not None:  # one made by an older zkdesk; SQLite gives the WAL and its index the file's mode
        for name in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            tighten(name)


def _sqlite_begin(conn) -> None:
    options = conn.get_execution_options()
    mode = options.get("sqlite_begin", "IMMEDIATE")
    if mode == "IMMEDIATE":  # how long this writer waits for another (a long import waits longer)
        conn.exec_driver_sql(f"PRAGMA busy_timeout={int(options.get(WAIT_OPTION) or BUSY_TIMEOUT_MS)}")
    conn.exec_driver_sql(f"BEGIN {mode}")


def _make_sqlite_engine(url: URL, path: Path | None) -> Engine:
    if path is not None:  # created owner-only before SQLite opens it (store/private_files.py)
        private_dir(path.parent)
        create_private(path)
    engine = create_engine(url, future=True)
    event.listen(engine, "connect", lambda con, record: _sqlite_connect(con, record, path))
    event.listen(engine, "begin", _sqlite_begin)
    return engine


# ---- every engine ------------------------------------------------------------------------------


def database_url(target: Path | str | URL) -> URL:
    """A URL for a path to an SQLite file, or a URL given as text ("postgresql://…",
    "sqlite:///…", or "sqlite:FILE" as `migrate-to` takes it)."""
    if isinstance(target, URL):
        return target
    text = str(target)
    if "://" in text:
        url = make_url(text)
        if url.get_backend_name() in ("postgres", "postgresql"):
            url = url.set(drivername="postgresql")
        return url
    if text.startswith("sqlite:"):
        text = text[len("sqlite:"):]
    return make_url(f"sqlite:///{Path(text).expanduser().resolve()}")


def shown_url(url: URL) -> str:
    """The URL as the user may see and zkdesk may remember it: never with a password."""
    return url._replace(password=None).render_as_string(hide_password=False)  # set(password=None) keeps it


class _SqliteWatch:
    """PRAGMA data_version on a connection of its own: it changes when any other connection
    commits. This program's own write sessions are left out (absorb_own_commit): their changes
    are announced by the window that made them."""

    def __init__(self, path: Path):
        self.path = path
        self.count = 0
        self._lock = threading.Lock()  # the poller's thread and the writer thread both use it
        self._con = sqlite3.connect(str(path), check_same_thread=False)
        self._last = self._version()

    def _version(self) -> int:
        with self._lock:
            return self._con.execute("PRAGMA data_version").fetchone()[0]

    def stamp(self) -> int:
        version = self._version()
        if version != self._last:
            self._last = version
            self.count += 1
        return self.count

    def before_own_commit(self) -> None:
        """Called while the write lock is held: a change by someone else that came before ours is
        counted now, so that absorbing ours afterwards cannot hide it."""
        self.stamp()

    def after_own_commit(self) -> None:
        self._last = self._version()

    def close(self) -> None:
        self._con.close()


def _bump_revisions(session: Session, _flush_context, _instances) -> None:
    """Every local change of a travelling record bumps its revision and updated_at."""
    if session.info.get(READ_ONLY) and (session.new or session.dirty or session.deleted):
        raise ReadOnlySession("a read session tried to write")
    if session.info.get(KEEP_REVISIONS):
        return
    now = utcnow()
    for obj in session.dirty:
        if isinstance(obj, Travelling) and session.is_modified(obj, include_collections=False):
            state = inspect(obj)
            if state.attrs.revision.history.has_changes():
                continue  # the caller set it on purpose
            obj.revision = (obj.revision or 0) + 1
            obj.updated_at = now


def _collect_changes(session: Session, _flush_context) -> None:
    """Remember which rows this flush wrote, by table, for the window's change announcements."""
    changes = session.info.setdefault(CHANGES, {})
    dirty = [obj for obj in session.dirty if session.is_modified(obj, include_collections=False)]
    for obj in (*session.new, *dirty, *session.deleted):
        table = getattr(obj, "__tablename__", None)
        if table is None:
            continue
        key = inspect(obj).mapper.primary_key_from_instance(obj)
        changes.setdefault(table, set()).add(key[0] if len(key) == 1 else tuple(key))


def note_change(session: Session, table: str, *keys) -> None:
    """For writes made with Core statements (bulk imports), which the ORM events do not see."""
    session.info.setdefault(CHANGES, {}).setdefault(table, set()).update(keys or {None})


def serialize(session: Session, name: str) -> None:
    """Make `session` the only writer of `name` until its transaction ends (the audit chain's
    tail, a counter). On SQLite a write session already holds the database's write lock, so
    there is nothing more to take; on PostgreSQL a transaction-scoped advisory lock is taken."""
    if session.info.get(READ_ONLY):
        raise ReadOnlySession(f"a read session asked to write {name}")
    if session.get_bind().dialect.name == "postgresql":
        from zkdesk.store import postgres

        postgres.take_lock(session, name)


def _raise_for_user(exc: OperationalError, url: URL) -> None:
    """Turn a busy database or a lost server into the error whose Chinese message the user reads."""
    if _is_busy(exc):
        raise DatabaseBusy() from exc
    if url.get_backend_name() == "postgresql":
        from zkdesk.store import postgres

        problem = postgres.connection_problem(exc, url)
        if problem is not None:
            raise problem from exc


class Database:
    """One office database: its engine and the two kinds of session.

    `target` is the path of an SQLite file (the default, embedded database) or a URL
    (postgresql://user@host/db). `password` is for a server that asks for one and has no
    pgpass entry; it is kept in memory only.
    """

    def __init__(self, target: Path | str | URL, password: str | None = None):
        self.url = database_url(target)
        self.dialect = self.url.get_backend_name()
        self.password = password or self.url.password
        file = Path(self.url.database) if self.dialect == "sqlite" and self.url.database not in (None, "", ":memory:") else None
        if self.dialect == "sqlite":
            self.engine = _make_sqlite_engine(self.url, file)
            reader = self.engine.execution_options(sqlite_begin="DEFERRED")
        elif self.dialect == "postgresql":
            from zkdesk.store import postgres

            self.engine = postgres.make_engine(self.url, self.password, lambda: BUSY_TIMEOUT_MS)
            reader = postgres.reader_engine(self.engine)
        else:
            raise UnsupportedDatabase(f"不支持的数据库类型 {self.dialect}：zkdesk 使用 SQLite 文件或 PostgreSQL 服务器（postgresql://用户@服务器/数据库）")
        self.read_engine = reader
        # path of the SQLite file (None for a server database): backups and integrity checks use it
        self.path = Path(self.url.database) if self.dialect == "sqlite" and self.url.database else None
        self._writer = sessionmaker(self.engine, expire_on_commit=False)
        self._reader = sessionmaker(reader, expire_on_commit=False, autoflush=False)
        for factory in (self._writer, self._reader):
            event.listen(factory, "before_flush", _bump_revisions)
        event.listen(self._writer, "after_flush", _collect_changes)
        from zkdesk.store.sealed import mark_plain_writes

        event.listen(self._writer, "before_commit", mark_plain_writes)  # before the notify/watch hooks
        self._watch = None
        self.token = uuid.uuid4().hex[:16]  # names this Database's own change notifications
        if self.is_server:
            from zkdesk.store import postgres

            event.listen(self._writer, "before_commit", lambda s: postgres.notify_if_written(s, self.token))
        else:
            event.listen(self._writer, "before_commit", self._before_own_commit)
            event.listen(self._writer, "after_commit", self._after_own_commit)

    def _before_own_commit(self, _session) -> None:
        if self._watch is not None:
            self._watch.before_own_commit()

    def _after_own_commit(self, _session) -> None:
        if self._watch is not None:
            self._watch.after_own_commit()

    @property
    def is_server(self) -> bool:
        """A PostgreSQL server database (several clerks), not this PC's SQLite file."""
        return self.dialect == "postgresql"

    @property
    def shown(self) -> str:
        """Where the data is, for messages and the title bar: the file, or the URL without password."""
        return str(self.path) if self.path else shown_url(self.url)

    def change_stamp(self) -> int:
        """A cheap count of the writes committed by others since the first call: another
        window or command on this PC, another clerk's PC on a server. This Database's own write
        sessions do not move it (the window that made them announces them). Pages poll it and
        refresh when it moves. The first call starts watching and returns 0."""
        if self._watch is None:
            if self.is_server:
                from zkdesk.store import postgres

                self._watch = postgres.ChangeWatch(self.url, self.password, self.token)
            else:
                self._watch = _SqliteWatch(self.path)
        return self._watch.stamp()

    @contextmanager
    def session(self, commit_on: tuple[type[BaseException], ...] = (), wait_ms: int | None = None) -> Iterator[Session]:
        """A unit of work for one user action: commits on success, rolls back on error.

        `commit_on` lists errors after which the work done so far is still kept (a failed
        login must still count the attempt). `wait_ms`: how long to wait for another writer
        before DatabaseBusy (default BUSY_TIMEOUT_MS; LONG_WAIT_MS for imports).
        """
        if session_hook is not None:
            session_hook("write")
        bind = self.engine.execution_options(**{WAIT_OPTION: wait_ms}) if wait_ms else None
        session = self._writer(bind=bind) if bind is not None else self._writer()
        try:
            try:
                yield session
                session.commit()
            except commit_on:
                session.commit()
                raise
            except BaseException:
                session.rollback()
                raise
        except OperationalError as exc:
            _raise_for_user(exc, self.url)
            raise
        finally:
            session.close()

    @contextmanager
    def read_session(self) -> Iterator[Session]:
        """A consistent read-only snapshot; never takes the write lock, never commits."""
        if session_hook is not None:
            session_hook("read")
        session = self._reader()
        session.info[READ_ONLY] = True
        try:
            yield session
        except OperationalError as exc:
            _raise_for_user(exc, self.url)
            raise
        finally:
            session.close()  # ends the transaction; unlike rollback() it leaves loaded objects readable

    def dispose(self) -> None:
        if self._watch is not None:
            self._watch.close()
            self._watch = None
        self.engine.dispose()
