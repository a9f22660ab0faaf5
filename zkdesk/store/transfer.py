"""Copy a whole office database to another engine: SQLite file → PostgreSQL server when one PC
is outgrown, and back (`zkdesk migrate-to`). Every row of every table, with its ids, revisions,
times and the audit chain exactly as they were.

The target must be empty. It gets the schema at the newest migration, then every table's rows
in foreign-key order, all in one transaction on a server (a failed copy leaves it empty), or
into a file written beside its final name and renamed when complete.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Integer, String, inspect, select, text, type_coerce
from sqlalchemy.engine import URL

from zkdesk.store import models  # noqa: F401  registers every table
from zkdesk.store.base import Base
from zkdesk.store.engine import Database, database_url, shown_url
from zkdesk.store.migrate import DatabaseVersionError, _create, alembic_config, current_revision, head_revision
from zkdesk.store.private_files import private_dir
from zkdesk.store.sealed import Sealed

CHUNK = 2000


class TransferError(Exception):
    """The copy cannot be made or did not come out equal. Chinese message; the target is untouched."""


@dataclass
class TransferReport:
    source: str
    target: str
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.rows.values())

    def as_dict(self) -> dict:
        return {"source": self.source, "target": self.target, "rows": self.rows, "total": self.total}


def tables_in_order():
    """Every table, parents before children (Base.metadata knows the foreign keys)."""
    return list(Base.metadata.sorted_tables)


def _self_parent(table) -> tuple[str, str] | None:
    """(child column, parent key column) of a table that refers to itself (org_unit.parent_code)."""
    for fk in table.foreign_keys:
        if fk.column.table is table:
            return fk.parent.name, fk.column.name
    return None


def _parents_first(rows: list[dict], child: str, key: str) -> list[dict]:
    placed: set = set()
    ordered: list[dict] = []
    pending = rows
    while pending:
        later = [r for r in pending if r[child] is not None and r[child] not in placed and r[child] != r[key]]
        now = [r for r in pending if r not in later] if later else pending
        if not now:  # a cycle: cannot happen with a tree of org units
            now = later
            later = []
        ordered.extend(now)
        placed.update(r[key] for r in now)
        pending = later
    return ordered


def read_rows(session, table) -> Iterator[list[dict]]:
    """The rows of `table` in primary-key order, in chunks; sealed numbers as stored (they are
    copied sealed, and need no key: store/sealed.py)."""
    columns = [type_coerce(c, String).label(c.name) if isinstance(c.type, Sealed) else c for c in table.columns]
    result = session.execute(select(*columns).order_by(*table.primary_key.columns)).mappings()
    chunk: list[dict] = []
    for row in result:
        chunk.append(dict(row))
        if len(chunk) >= CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _too_long(table, rows: list[dict]) -> list[str]:
    """Text longer than its column allows: SQLite keeps it, PostgreSQL would refuse it."""
    problems = []
    for column in table.columns:
        length = getattr(column.type, "length", None)
        if isinstance(column.type, String) and length:
            for row in rows:
                value = row.get(column.name)
                if isinstance(value, str) and len(value) > length:
                    key = ", ".join(str(row[c.name]) for c in table.primary_key.columns)
                    problems.append(f"{table.name}.{column.name}（{key}）长度 {len(value)} 超过 {length}")
    return problems


def _empty(db: Database) -> bool:
    with db.read_engine.connect() as conn:
        names = inspect(conn).get_table_names()
        conn.rollback()
    return not names


def _reset_sequences(conn, tables) -> None:
    """After rows were copied with their ids, a server's id counters continue after the largest."""
    for table in tables:
        pk = list(table.primary_key.columns)
        if len(pk) == 1 and isinstance(pk[0].type, Integer) and pk[0].autoincrement in (True, "auto"):
            conn.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', '{pk[0].name}'), "
                f"coalesce(max({pk[0].name}), 1), max({pk[0].name}) IS NOT NULL) FROM {table.name}"
            ))


def _copy_into(source: Database, target: Database, report: TransferReport) -> None:
    tables = tables_in_order()
    # one snapshot of the source; one transaction on the target (on a server: all or nothing)
    with source.read_session() as snapshot, target.engine.begin() as conn:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        _create(cfg)
        for table in tables:
            count = 0
            parent = _self_parent(table)
            chunks = read_rows(snapshot, table)
            if parent:  # all rows at once, parents first: a tree of org units is small
                chunks = iter([_parents_first([r for c in chunks for r in c], *parent)])
            for rows in chunks:
                problems = _too_long(table, rows) if target.is_server else []
                if problems:
                    raise TransferError("以下内容超过服务器数据库允许的长度，请先在原数据库中改短：" + "；".join(problems[:5]))
                if rows:
                    conn.execute(table.insert(), rows)
                    count += len(rows)
            report.rows[table.name] = count
        if target.is_server:
            _reset_sequences(conn, tables)


def row_counts(db: Database) -> dict[str, int]:
    with db.read_session() as s:
        return {t.name: s.execute(select(text("count(*)")).select_from(t)).scalar() for t in tables_in_order()}


def copy_office(source: Database, target_url: str | URL, password: str | None = None,
                check: Callable[[Database], None] | None = None) -> TransferReport:
    """Copy every table of `source` (at the newest schema) into the empty database at `target_url`
    (postgresql://… or sqlite:FILE). Row counts are compared; `check(copy)` may refuse the copy
    (raise) before a file copy gets its final name (services check the audit chain there)."""
    url = database_url(target_url)
    if current_revision(source) != head_revision():
        raise DatabaseVersionError("源数据库尚未升级到本版本，请先用本版本 zkdesk 打开它一次")
    report = TransferReport(source.shown, shown_url(url))
    if url.get_backend_name() == "sqlite":
        final = Path(url.database)
        if final.exists() and final.stat().st_size > 0:
            raise TransferError(f"目标文件 {final} 已存在：迁出只写入新文件，不会覆盖")
        private_dir(final.parent)
        partial = final.with_name(final.name + ".partial")
        partial.unlink(missing_ok=True)
        target = Database(partial)
    else:
        target = Database(url, password)
        final = partial = None
    try:
        if target.is_server:
            from zkdesk.store import postgres

            with target.read_engine.connect() as conn:
                problem = postgres.collation_problem(conn)
                conn.rollback()
            if problem:
                raise TransferError(problem)
            if not _empty(target):
                raise TransferError(f"目标数据库 {url.database} 不是空的：迁入只写入新建的空数据库，未作任何改动")
        _copy_into(source, target, report)
        copied = row_counts(target)
        if copied != row_counts(source):
            raise TransferError("复制后的记录数与原数据库不一致，已放弃")
        if check is not None:
            check(target)
    except BaseException:
        target.dispose()
        if partial is not None:
            for leftover in (partial, partial.with_name(partial.name + "-wal"), partial.with_name(partial.name + "-shm")):
                leftover.unlink(missing_ok=True)
        raise
    target.dispose()
    if partial is not None:
        os.replace(partial, final)
        for side in ("-wal", "-shm"):
            partial.with_name(partial.name + side).unlink(missing_ok=True)
    return report
