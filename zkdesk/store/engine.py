"""The database engine and per-action sessions.

Two kinds of session, so that readers never wait for writers:
- `db.session()` is a unit of work that may write. On SQLite it starts with BEGIN IMMEDIATE,
  so it holds the write lock from its first statement: what it reads (the last audit hash, a
  failed-login counter) cannot change under it, and two writers never interleave.
- `db.read_session()` only reads (a page refresh, a report). It starts a deferred transaction,
  sees one consistent snapshot (WAL), never blocks on a writer and refuses to flush.

A writer that cannot get the lock within the busy timeout raises DatabaseBusy, whose message
the window and the command line show as is.

Every write session collects which tables and rows it changed (session.info[CHANGES]), so
the window can announce them without each service having to.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from zkdesk.store.base import Travelling, utcnow

# Set on a session while applying records received from another office: their revision and
# updated_at must be kept as they arrived, not bumped as for a local edit.
KEEP_REVISIONS = "keep_revisions"
# session.info key: {table name: set of primary keys} changed by the session (see _collect_changes).
CHANGES = "changes"
READ_ONLY = "read_only"

BUSY_TIMEOUT_MS = 8000
BUSY_MESSAGE = "另一个zkdesk窗口或命令正在写入数据，请稍后再试"


class DatabaseBusy(Exception):
    """Another process held the write lock for longer than the busy timeout. Chinese message."""

    def __init__(self, message: str = BUSY_MESSAGE):
        super().__init__(message)


class ReadOnlySession(Exception):
    """A bug: something tried to write through db.read_session()."""


def _is_busy(exc: OperationalError) -> bool:
    text = str(getattr(exc, "orig", exc)).lower()
    return "database is locked" in text or "database is busy" in text


# ---- SQLite ---------------------------------------------------------------------------------


def _sqlite_connect(dbapi_connection, _record) -> None:
    # Take transaction control away from the sqlite3 module (it would begin only before the
    # first INSERT/UPDATE, leaving earlier reads outside the transaction); _sqlite_begin
    # starts every transaction explicitly instead.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")  # offices lose power: durability over speed
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.close()


def _sqlite_begin(conn) -> None:
    mode = conn.get_execution_options().get("sqlite_begin", "IMMEDIATE")
    conn.exec_driver_sql(f"BEGIN {mode}")


def _make_sqlite_engine(url: URL) -> Engine:
    engine = create_engine(url, future=True)
    event.listen(engine, "connect", _sqlite_connect)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


# ---- every engine ------------------------------------------------------------------------------


def database_url(target: Path | str | URL) -> URL:
    """A URL for a path to an SQLite file, or a URL given as text ("postgresql://…", "sqlite:///…")."""
    if isinstance(target, URL):
        return target
    text = str(target)
    if "://" in text:
        return make_url(text)
    return make_url(f"sqlite:///{Path(text)}")


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
    there is nothing more to take; a server engine takes a transaction-scoped lock here."""
    if session.info.get(READ_ONLY):
        raise ReadOnlySession(f"a read session asked to write {name}")


class Database:
    """One office database: its engine and the two kinds of session.

    `target` is the path of an SQLite file (the default, embedded database) or a URL.
    """

    def __init__(self, target: Path | str | URL):
        self.url = database_url(target)
        self.dialect = self.url.get_backend_name()
        if self.dialect != "sqlite":
            raise ValueError(f"unsupported database: {self.dialect}")
        self.engine = _make_sqlite_engine(self.url)
        # path of the SQLite file (None for a server database): backups and integrity checks use it
        self.path = Path(self.url.database) if self.dialect == "sqlite" and self.url.database else None
        reader = self.engine.execution_options(sqlite_begin="DEFERRED")
        self._writer = sessionmaker(self.engine, expire_on_commit=False)
        self._reader = sessionmaker(reader, expire_on_commit=False, autoflush=False)
        for factory in (self._writer, self._reader):
            event.listen(factory, "before_flush", _bump_revisions)
        event.listen(self._writer, "after_flush", _collect_changes)

    @contextmanager
    def session(self, commit_on: tuple[type[BaseException], ...] = ()) -> Iterator[Session]:
        """A unit of work for one user action: commits on success, rolls back on error.

        `commit_on` lists errors after which the work done so far is still kept (a failed
        login must still count the attempt).
        """
        session = self._writer()
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
            if _is_busy(exc):
                raise DatabaseBusy() from exc
            raise
        finally:
            session.close()

    @contextmanager
    def read_session(self) -> Iterator[Session]:
        """A consistent read-only snapshot; never takes the write lock, never commits."""
        session = self._reader()
        session.info[READ_ONLY] = True
        try:
            yield session
        finally:
            session.close()  # ends the transaction; unlike rollback() it leaves loaded objects readable

    def dispose(self) -> None:
        self.engine.dispose()
