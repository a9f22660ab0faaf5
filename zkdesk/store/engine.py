"""The SQLite engine (foreign keys, WAL, synchronous=FULL) and per-action sessions."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.orm import Session, sessionmaker

from zkdesk.store.base import Travelling, utcnow

# Set on a session while applying records received from another office: their revision and
# updated_at must be kept as they arrived, not bumped as for a local edit.
KEEP_REVISIONS = "keep_revisions"


def _set_sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")  # offices lose power: durability over speed
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def make_engine(db_path: Path | str) -> Engine:
    engine = create_engine(f"sqlite:///{Path(db_path)}", future=True)
    event.listen(engine, "connect", _set_sqlite_pragmas)
    return engine


def _bump_revisions(session: Session, _flush_context, _instances) -> None:
    """Every local change of a travelling record bumps its revision and updated_at."""
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


class Database:
    """One database file: its engine and a session factory."""

    def __init__(self, db_path: Path | str):
        self.path = Path(db_path)
        self.engine = make_engine(self.path)
        self._factory = sessionmaker(self.engine, expire_on_commit=False)
        event.listen(self._factory, "before_flush", _bump_revisions)

    @contextmanager
    def session(self, commit_on: tuple[type[BaseException], ...] = ()) -> Iterator[Session]:
        """A unit of work for one user action: commits on success, rolls back on error.

        `commit_on` lists errors after which the work done so far is still kept (a failed
        login must still count the attempt).
        """
        session = self._factory()
        try:
            yield session
            session.commit()
        except commit_on:
            session.commit()
            raise
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()
