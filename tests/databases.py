"""Where the tests' office databases live: SQLite files by default; with
ZKDESK_TEST_DATABASE=postgresql://user@host:port/postgres (tools/test_on_postgresql.sh) each
one is a fresh database on that server, copied from a migrated template, so it takes a
fraction of a second. Tests that open an office database call new_database."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url

from zkdesk.store.audit_head import CHAIN_KEYS
from zkdesk.store.engine import Database
from zkdesk.store.migrate import open_database

SERVER = os.environ.get("ZKDESK_TEST_DATABASE", "").strip()
ON_SERVER = SERVER.startswith("postgres")


class _Server:
    """Creates and drops the test databases on the server named by ZKDESK_TEST_DATABASE."""

    def __init__(self, url: str):
        self.url = make_url(url).set(drivername="postgresql")
        self.admin = create_engine(self.url.set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
        self.prefix = f"zkt{os.getpid()}"
        self.counter = itertools.count(1)
        self.template: str | None = None
        self.made: list[str] = []

    def _execute(self, sql: str) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(sql))

    def url_of(self, name: str) -> URL:
        return self.url.set(database=name)

    def _ensure_template(self) -> str:
        if self.template is None:
            name = f"{self.prefix}_template"
            self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            self._execute(f'CREATE DATABASE "{name}" TEMPLATE template0 ENCODING \'UTF8\' LC_COLLATE \'C\' LC_CTYPE \'C\'')
            open_database(self.url_of(name)).dispose()  # every table, stamped at the newest migration
            self.template = name
        return self.template

    def empty(self) -> URL:
        """A new database with nothing in it (for migrations and migrate-to)."""
        name = f"{self.prefix}_{next(self.counter)}"
        self._execute(f'CREATE DATABASE "{name}" TEMPLATE template0 ENCODING \'UTF8\' LC_COLLATE \'C\' LC_CTYPE \'C\'')
        self.made.append(name)
        return self.url_of(name)

    def fresh(self) -> URL:
        """A new database at the newest schema, with no office in it yet."""
        name = f"{self.prefix}_{next(self.counter)}"
        self._execute(f'CREATE DATABASE "{name}" TEMPLATE "{self._ensure_template()}"')
        self.made.append(name)
        return self.url_of(name)

    def drop_made(self, keep: int = 0) -> None:
        """Drop the databases made since the first `keep` (those of wider-scoped fixtures stay)."""
        while len(self.made) > keep:
            self._execute(f'DROP DATABASE IF EXISTS "{self.made.pop()}" WITH (FORCE)')

    def close(self) -> None:
        self.drop_made()
        if self.template:
            self._execute(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)')
        self.admin.dispose()


server = _Server(SERVER) if ON_SERVER else None


def new_database(folder: Path, name: str = "zkdesk.sqlite3") -> Database:
    """An office database for a test: the SQLite file `folder/name`, or on the PostgreSQL pass a
    fresh server database, which `folder` (as a data directory) then remembers as its server, so
    a `zkdesk --home folder …` command opens the same database. The folder keeps backups/."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    if server is not None:
        from zkdesk.config import Home, remember_server

        url = server.fresh()
        remember_server(Home(folder), url.render_as_string(hide_password=False))
        return open_database(url, folder / "backups")
    return open_database(folder / name, folder / "backups")


def new_empty_target(folder: Path, name: str = "target.sqlite3") -> str | URL:
    """Where an empty database can be made: a new SQLite file, or an empty server database."""
    if server is not None:
        return server.empty()
    return Path(folder) / name


def load_fixture(fixture: Path, folder: Path) -> str | URL | Path:
    """A released database (tests/fixtures) at its own schema version, to be upgraded: a copy of
    the file, or on the PostgreSQL pass an empty server database migrated to that version and
    filled with the file's rows (so data migrations are tested on the server too)."""
    import shutil
    import sqlite3

    from alembic import command
    from sqlalchemy import MetaData, insert, select

    from zkdesk.store.migrate import _run

    copy = Path(folder) / fixture.name  # never opened in place: opening sets WAL in its header
    shutil.copy(fixture, copy)
    if server is None:
        return copy
    with sqlite3.connect(copy) as con:
        version = con.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    url = server.empty()
    db = Database(url)
    source = Database(copy)
    try:
        _run(db, command.upgrade, version)
        old = MetaData()
        old.reflect(source.engine)
        with source.engine.connect() as src, db.engine.begin() as dst:
            dst.exec_driver_sql("SET CONSTRAINTS ALL DEFERRED")
            for table in old.sorted_tables:
                if table.name == "alembic_version":
                    continue
                rows = [dict(r) for r in src.execute(select(table)).mappings()]
                if rows:
                    dst.execute(insert(table), rows)
            from zkdesk.store.transfer import _reset_sequences

            _reset_sequences(dst, old.sorted_tables)
    finally:
        db.dispose()
        source.dispose()
    return url


def table_rows(db: Database, skip: tuple[str, ...] = ()) -> dict[str, list[tuple]]:
    """Every row of every table as Python values, each table's rows sorted: a picture of the
    data to compare before and after, on either engine."""
    from sqlalchemy import MetaData, select

    meta = MetaData()
    meta.reflect(db.engine)
    with db.read_session() as s:
        rows = {t.name: sorted((tuple(r) for r in s.execute(select(t))), key=repr)
                for t in meta.sorted_tables if t.name not in skip}
    if "audit_log" in skip and "setting" in rows:  # the chain's head (and its HMAC) goes with the chain
        rows["setting"] = [r for r in rows["setting"] if r[0] not in CHAIN_KEYS]
    return rows
