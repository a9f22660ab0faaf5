"""Open a zkdesk database: create and stamp a new one, back up and upgrade an old one,
refuse one written by a newer zkdesk.

alembic is imported only when a database is created or upgraded: a start at the current
schema (nearly every start) only compares the file's revision with the newest one, read
from the migration files themselves (`revisions`), which costs a millisecond, not alembic's
third of a second.
"""

from __future__ import annotations

import re
import sqlite3
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect
from sqlalchemy.engine import URL
from sqlalchemy.exc import OperationalError

from zkdesk.store import models  # noqa: F401  registers every table
from zkdesk.store.backup_file import copy_database, free_backup_path
from zkdesk.store.base import Base
from zkdesk.store.engine import Database, database_url
from zkdesk.store.private_files import private_dir
from zkdesk.store.writer_lock import writer_lock

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


class DatabaseVersionError(Exception):
    """The file belongs to a newer zkdesk, or is not a zkdesk database. Chinese message."""


def alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


_REVISION_LINE = re.compile(r"^(down_revision|revision)\b[^=\n]*=\s*(.+)$", re.MULTILINE)
_QUOTED = re.compile(r"""["']([^"']+)["']""")


def read_revisions(folder: Path) -> tuple[frozenset[str], frozenset[str]]:
    """(every revision the migration files in `folder` name, the heads: those no other file
    names as its down_revision), read from the files as text, as alembic reads the same
    module-level `revision = "..."` / `down_revision = ...` lines."""
    known, parents = set(), set()
    for path in sorted(folder.glob("*.py")):
        found = {name: _QUOTED.findall(value) for name, value in _REVISION_LINE.findall(path.read_text("utf-8"))}
        if found.get("revision"):
            known.add(found["revision"][0])
            parents.update(found.get("down_revision", ()))
    return frozenset(known), frozenset(known - parents)


@cache
def revisions() -> tuple[frozenset[str], str]:
    """(every revision of this zkdesk's migrations, the newest one). tests/migrations checks
    that alembic agrees; a chain with several heads is broken, and alembic says why."""
    known, heads = read_revisions(MIGRATIONS_DIR / "versions")
    if len(heads) != 1:
        from alembic.script import ScriptDirectory

        return known, ScriptDirectory.from_config(alembic_config()).get_current_head()
    return known, next(iter(heads))


def head_revision() -> str:
    return revisions()[1]


def is_known_revision(revision: str) -> bool:
    """Whether this zkdesk's migrations know `revision` (else a newer zkdesk wrote the file)."""
    return revision in revisions()[0]


def current_revision(db: Database) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _inspect_file(db_path: Path) -> tuple[bool, str | None]:
    """(has tables, alembic revision), read without changing a byte of the file."""
    if not db_path.exists() or db_path.stat().st_size == 0:
        return False, None
    try:
        con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        try:
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            version = None
            if "alembic_version" in tables:
                row = con.execute("SELECT version_num FROM alembic_version").fetchone()
                version = row[0] if row else None
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise DatabaseVersionError(f"数据库文件 {db_path.name} 无法读取（可能已损坏）：{exc}") from exc
    return bool(tables), version


def check_openable(db_path: Path) -> None:
    """Raise DatabaseVersionError unless `db_path` is a zkdesk database this version can open
    (possibly after upgrading it). Reads the file without changing it."""
    has_tables, current = _inspect_file(Path(db_path))
    if not has_tables or current is None:
        raise DatabaseVersionError(f"文件 {Path(db_path).name} 不是 zkdesk 数据库。")
    if not is_known_revision(current):
        raise DatabaseVersionError(
            f"文件 {Path(db_path).name} 由更新版本的 zkdesk 创建（版本标记 {current}），本程序无法使用。"
        )


def _run(db: Database, fn, *args) -> None:
    cfg = alembic_config()
    if db.is_server:
        with db.engine.begin() as conn:  # holds the write lock; DDL is transactional there
            cfg.attributes["connection"] = conn
            fn(cfg, *args)
        return
    # SQLite changes a column by copying its table (batch mode); dropping the old table must not
    # trip the foreign keys of the rows pointing at it. SQLite's own procedure: foreign keys off
    # outside the transaction, foreign_key_check before commit, on again afterwards.
    with db.engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with conn.begin():
                cfg.attributes["connection"] = conn
                fn(cfg, *args)
                broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise DatabaseVersionError(f"升级后外键检查未通过（{broken[:3]}），已放弃升级，数据未改动")
        finally:
            raw.execute("PRAGMA foreign_keys=ON")


def _create(cfg: Config) -> None:
    """A new database: the tables as the models declare them, stamped at the newest migration,
    in one transaction (two clerks' PCs starting at once on an empty server create it once)."""
    from alembic import command

    conn = cfg.attributes["connection"]
    if not inspect(conn).has_table("alembic_version"):
        Base.metadata.create_all(conn)
        command.stamp(cfg, "head")


def inspect_server(db: Database) -> tuple[bool, str | None]:
    """(has tables, alembic revision) of a server database; refuses one that sorts text
    differently from SQLite."""
    from zkdesk.store import postgres

    try:
        return _inspect_connected(db)
    except OperationalError as exc:
        problem = postgres.connection_problem(exc, db.url)
        if problem is None:
            raise
        raise problem from None


def _inspect_connected(db: Database) -> tuple[bool, str | None]:
    from zkdesk.store import postgres

    with db.read_engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
        problem = postgres.collation_problem(conn)
        version = None
        if "alembic_version" in tables:
            version = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        conn.rollback()
    if problem:
        raise DatabaseVersionError(problem)
    return bool(tables), version


def open_database(target: Path | str | URL, backups_dir: Path | None = None, password: str | None = None) -> Database:
    """Return a Database at the current schema, migrating (after a backup) if needed.

    `target` is an SQLite file or a server URL (engine.database_url). The file is inspected
    read-only first: one that is refused is left byte for byte as it was. A server database is
    upgraded in one transaction (PostgreSQL's DDL is transactional), after a pg_dump backup
    when pg_dump is available.
    """
    url = database_url(target)
    if url.get_backend_name() != "sqlite":
        return _open_server(url, backups_dir, password)
    db_path = Path(url.database)
    private_dir(db_path.parent)
    head = head_revision()
    has_tables, current = _checked_file(db_path)
    if has_tables and current == head:
        return Database(db_path)
    # Creating or upgrading is a long write: one per data directory (store/writer_lock.py). What
    # another process did meanwhile (it may have upgraded the file already) is looked at again.
    with writer_lock(db_path.parent):
        has_tables, current = _checked_file(db_path)
        if has_tables and current != head:
            target_dir = backups_dir or db_path.parent / "backups"
            copy_database(db_path, free_backup_path(target_dir, datetime.now(), "migration", current))
        db = Database(db_path)
        try:
            if not has_tables:
                _run(db, _create)
            elif current != head:
                from alembic import command

                _run(db, command.upgrade, "head")
            return db
        except BaseException:
            db.dispose()
            raise


def _checked_file(db_path: Path) -> tuple[bool, str | None]:
    """(has tables, revision) of a file this zkdesk can open; refuses others untouched."""
    has_tables, current = _inspect_file(db_path)
    if has_tables:
        if current is None:
            raise DatabaseVersionError(f"文件 {db_path.name} 不是 zkdesk 数据库，或已损坏，未作任何改动。")
        if not is_known_revision(current):
            raise DatabaseVersionError(
                f"数据库 {db_path.name} 由更新版本的 zkdesk 创建（版本标记 {current}），"
                "本程序无法读取。请安装新版本 zkdesk 后再打开，数据未作任何改动。"
            )
    return has_tables, current


def _open_server(url: URL, backups_dir: Path | None, password: str | None) -> Database:
    db = Database(url, password)
    try:
        has_tables, current = inspect_server(db)
        head = head_revision()
        name = url.database
        if has_tables:
            if current is None:
                raise DatabaseVersionError(f"服务器数据库 {name} 中已有其他数据，不是 zkdesk 数据库，未作任何改动。")
            if not is_known_revision(current):
                raise DatabaseVersionError(
                    f"服务器数据库 {name} 由更新版本的 zkdesk 升级过（版本标记 {current}），"
                    "本程序无法使用。请安装新版本 zkdesk，数据未作任何改动。"
                ) from None
        if not has_tables:
            _run(db, _create)
        elif current != head:
            if backups_dir is not None:
                from zkdesk.store.dumps import backup_into

                backup_into(db, Path(backups_dir), "migration", extra=current, required=False)
            from alembic import command

            _run(db, command.upgrade, "head")
        return db
    except BaseException:
        db.dispose()
        raise
