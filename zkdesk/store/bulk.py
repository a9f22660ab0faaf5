"""One statement run for thousands of rows at the driver's speed (package imports).

SQLAlchemy's executemany builds and converts a parameter set per row in Python, which cost
more than SQLite's own work for a package of 10,000 records. On SQLite the statement is
compiled once here and the rows go to the driver as tuples, converted by the same type
processors SQLAlchemy would use (a UTC time by `_utc_text`, checked to write the same text);
anything else (PostgreSQL, a statement with fixed values) takes the general way.

The conversion goes column by column: a column holding a few distinct values (one updated_at
for a whole chunk, booleans, dates, a default) has each distinct value converted once, where
the conversion gives equal values equal text (`_REPEATABLE`); a sealed column never (each
value is sealed with its own nonce).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from operator import itemgetter

from sqlalchemy.orm import Session
from sqlalchemy.sql import Executable
from sqlalchemy.types import TypeDecorator

from zkdesk.store.base import UTCDateTime

SAMPLE = 20  # values a faster conversion is checked on before it replaces SQLAlchemy's


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection while thousands of rows are checked and written (an Excel
    import, a package): their tens of thousands of short-lived dicts would set off full
    collections over them (a sixth of a roster's import, a fifth of a package's) and hold no
    cycles worth collecting meanwhile."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _utc_text(value: datetime | None) -> str | None:
    """A UTC column's value as SQLite stores it (naive UTC with microseconds), in one C call
    instead of SQLAlchemy's formatting: a package brings one per record."""
    if value is None:
        return None
    if value.tzinfo is UTC:  # the usual case: "…+00:00" without its zone
        return value.isoformat(" ", "microseconds")[:-6]
    if value.tzinfo is None:
        raise ValueError("naive datetime given to a UTC column")
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def _faster_utc(process, sample: list):
    """`_utc_text` where it writes exactly what `process` (SQLAlchemy's conversion) writes for
    the sample and a fixed value; else `process`."""
    probe = [datetime(2021, 1, 2, 3, 4, 5, tzinfo=UTC), datetime(2021, 1, 2, 3, 4, 5, 6, tzinfo=UTC), *sample]
    try:
        same = all(_utc_text(v) == process(v) for v in probe)
    except (TypeError, ValueError, AttributeError):
        same = False
    return _utc_text if same else process


# Value classes whose equal values a plain type's conversion turns into equal text (no two
# classes here have values equal to each other's: 1 == True, date vs datetime, are kept apart
# by the column holding one class only). Our own column types may do more (Sealed: a nonce per
# value): only UTCDateTime's, which writes an instant's text, is taken, for its datetimes.
_REPEATABLE = frozenset({bool, int, str, date})
_NONE = type(None)


def _repeatable(kind) -> frozenset:
    if isinstance(kind, UTCDateTime):
        return frozenset({datetime})
    return frozenset() if isinstance(kind, TypeDecorator) else _REPEATABLE


def _converted(process, column: tuple, repeatable: frozenset) -> list:
    """`column`'s values converted by `process`: each distinct one once when the column holds
    one class of `repeatable` values (and None) and repeats them."""
    if repeatable:
        classes = set(map(type, column))
        classes.discard(_NONE)
        if len(classes) == 1 and classes <= repeatable:
            distinct = set(column)
            if len(distinct) * 4 <= len(column):
                done = {value: process(value) for value in distinct}
                return list(map(done.__getitem__, column))
    return list(map(process, column))


def execute_many(session: Session, statement: Executable, rows: list[dict]) -> None:
    """Run `statement` once per row (every row with the same keys) in the session's transaction."""
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    if dialect.paramstyle != "qmark" or len(rows) < 2:
        connection.execute(statement, rows)
        return
    compiled = statement.compile(dialect=dialect, column_keys=list(rows[0]))
    names = compiled.positiontup or []
    if not names or compiled.escaped_bind_names or any(n not in rows[0] for n in names):
        connection.execute(statement, rows)
        return
    pick = itemgetter(*names) if len(names) > 1 else (lambda row: (row[names[0]],))
    converters = []
    for i, name in enumerate(names):
        kind = compiled.binds[name].type
        process = kind.dialect_impl(dialect).bind_processor(dialect)
        if process is not None and isinstance(kind, UTCDateTime):
            process = _faster_utc(process, [row[name] for row in rows[:SAMPLE]])
        if process is not None:
            converters.append((i, process, _repeatable(kind)))
    if not converters:
        params = list(map(pick, rows))
    else:
        columns = list(zip(*map(pick, rows)))
        for i, process, repeatable in converters:
            columns[i] = _converted(process, columns[i], repeatable)
        params = list(zip(*columns))
    connection.exec_driver_sql(compiled.string, params)
