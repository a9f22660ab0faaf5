"""One statement run for thousands of rows at the driver's speed (package imports).

SQLAlchemy's executemany builds and converts a parameter set per row in Python, which cost
more than SQLite's own work for a package of 10,000 records. On SQLite the statement is
compiled once here and the rows go to the driver as tuples, converted by the same type
processors SQLAlchemy would use; anything else (PostgreSQL, a statement with fixed values)
takes the general way.
"""

from __future__ import annotations

from operator import itemgetter

from sqlalchemy.orm import Session
from sqlalchemy.sql import Executable


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
        process = compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None:
            converters.append((i, process))
    if not converters:
        params = [pick(row) for row in rows]
    else:
        params = []
        for row in rows:
            values = list(pick(row))
            for i, process in converters:
                values[i] = process(values[i])
            params.append(tuple(values))
    connection.exec_driver_sql(compiled.string, params)
