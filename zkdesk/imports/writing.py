"""Writing a decision in chunks inside the caller's transaction: new records in one bulk
statement per chunk, changed ones through the ORM (its flush hook bumps revision and
updated_at); a roster part's stand-in ids replaced by the records just created."""

from __future__ import annotations

import os

from sqlalchemy import select
from sqlalchemy.orm import Session

from zkdesk.imports.matching import Decision
from zkdesk.imports.plan import (
    PENDING,
    Cancel,
    ImportCancelled,
    ParsedRow,
    Progress,
    match_key,
    record_key,
)
from zkdesk.imports.spec import KindSpec
from zkdesk.services.actor import Actor
from zkdesk.services.errors import UserError
from zkdesk.store.base import utcnow
from zkdesk.store.bulk import execute_many
from zkdesk.store.sealed import HMAC_COLUMNS, keyed_hashes

WRITE_CHUNK = 2000


_VERSION_4 = bytes((b & 0x0F) | 0x40 for b in range(256))  # byte 6 of a version 4 UUID
_VARIANT = bytes((b & 0x3F) | 0x80 for b in range(256))  # byte 8: the RFC 4122 variant


def new_ids(count: int) -> list[str]:
    """`count` random (version 4) UUIDs as str(uuid.uuid4()) writes them, made in one go (the
    version and variant bits set in every 16 bytes at once, one hex text sliced): one uuid4()
    call per row was a tenth of a large import."""
    raw = bytearray(os.urandom(16 * count))
    raw[6::16] = raw[6::16].translate(_VERSION_4)
    raw[8::16] = raw[8::16].translate(_VARIANT)
    h = raw.hex()
    return [f"{h[i:i + 8]}-{h[i + 8:i + 12]}-{h[i + 12:i + 16]}-{h[i + 16:i + 20]}-{h[i + 20:i + 32]}"
            for i in range(0, 32 * count, 32)]


def column_defaults(kind: KindSpec) -> dict:
    """Every column of the kind's table with the value the ORM would give a new record that
    leaves it out (one updated_at for a whole chunk): a new row is these updated by its own."""
    now = utcnow()
    base: dict = {}
    for column in kind.model.__table__.columns:
        default = column.default
        if column.key == "updated_at":
            base[column.key] = now
        elif default is None:
            base[column.key] = None
        elif default.is_callable:
            base[column.key] = default.arg(None)
        else:
            base[column.key] = default.arg
    return base


def insert_chunk(session: Session, kind: KindSpec, values: list[dict]) -> None:
    """One bulk statement for the chunk (store.bulk.execute_many), inside the session's transaction.

    The ORM's per-row bookkeeping cost more than SQLite's own work for tens of thousands of
    rows; new records need none of it (no flush hook applies to an insert). Every row names
    every column (write_rows starts each from `column_defaults`); the keyed hashes of sealed
    columns are filled in here, as the ORM would write them.
    """
    if not values:
        return
    table = kind.model.__table__
    if HMAC_COLUMNS.get(table.name):
        connection = session.connection()
        values = [keyed_hashes(connection, table.name, attrs) for attrs in values]
    execute_many(session, table.insert(), values)


def update_chunk(session: Session, kind: KindSpec, chunk: list[tuple[ParsedRow, str, dict]]) -> None:
    model = kind.model
    records = {r.id: r for r in session.scalars(select(model).where(model.id.in_([rid for _, rid, _ in chunk])))}
    for _row, rid, changes in chunk:
        record = records[rid]
        extra = {}
        for name, (_old, new) in changes.items():
            if name in kind.extras:
                extra[name] = new
            else:
                setattr(record, name, new)
        if extra:
            kind.write_extras(session, rid, record.origin, extra)
        if kind.after_update:
            kind.after_update(session, record, changes)
    session.flush()  # the before_flush hook bumps revision and updated_at


def write_rows(session: Session, actor: Actor, kind: KindSpec, decision: Decision, progress: Progress, cancel: Cancel) -> tuple[list, list]:
    if kind.written_by:
        for _row, _rid, changes in decision.updated:
            changes[kind.written_by] = (None, actor.username)
    total = len(decision.new) + len(decision.updated)
    done = 0
    created = []
    for start in range(0, len(decision.new), WRITE_CHUNK):
        if cancel():
            raise ImportCancelled()
        values = []
        stamp = {kind.written_by: actor.username} if kind.written_by else {}
        chunk = decision.new[start : start + WRITE_CHUNK]
        base = column_defaults(kind)
        for row, record_id in zip(chunk, new_ids(len(chunk))):  # every column named, one dict per row
            values.append({**base, "origin": row.attrs[kind.scope], **row.attrs, "id": record_id, **stamp})
            created.append((record_id, row.row, row.key))
        insert_chunk(session, kind, values)
        if kind.write_extras:
            for row, record in zip(chunk, values):
                if row.extra:
                    kind.write_extras(session, record["id"], record["origin"], row.extra)
        done += len(values)
        progress(done, total, "正在写入")
    updated = []
    for start in range(0, len(decision.updated), WRITE_CHUNK):
        if cancel():
            raise ImportCancelled()
        chunk = decision.updated[start : start + WRITE_CHUNK]
        update_chunk(session, kind, chunk)
        for row, rid, changes in chunk:
            updated.append({
                "id": rid, "row": row.row,
                "old": {k: v[0] for k, v in changes.items()}, "new": {k: v[1] for k, v in changes.items()},
            })
        done += len(chunk)
        progress(done, total, "正在写入")
    return created, updated


def with_ids(kind: KindSpec, rows: list[ParsedRow], ids: dict[str, str]) -> list[ParsedRow]:
    """A part's rows with the stand-in ids of records the import just created replaced by
    theirs; UserError when one of them was not created (the data changed since the dry run).

    A stand-in names a record, so it is in a column referring to another table (a row's attrs
    are the model's columns) or in the row's extras; the match key changes only where a
    replaced column is one of the key's."""

    def real(value):
        if value.__class__ is str and value.startswith(PENDING):
            if value not in ids:
                raise UserError(f"检查文件后数据已有变化，第{value.removeprefix(PENDING)}行的记录现在不是新增，"
                                "请重新检查文件；数据库没有改动")
            return ids[value]
        if value.__class__ is list:
            return sorted(real(v) for v in value)
        return value

    linking = [c.key for c in kind.model.__table__.columns if c.foreign_keys]
    at = None if kind.key else {name: i for i, name in enumerate(kind.match)}
    out = []
    for row in rows:
        attrs = row.attrs
        named = [k for k in linking if (v := attrs.get(k)).__class__ is str and v.startswith(PENDING)]
        if not named and not row.extra:
            out.append(row)
            continue
        attrs = dict(attrs)
        for k in named:
            attrs[k] = real(attrs[k])
        extra = {k: real(v) for k, v in row.extra.items()} if row.extra else row.extra
        if at is None:
            key = record_key(kind, attrs)
        elif named:
            key = list(row.key)
            for k in named:
                if k in at:
                    key[at[k]] = match_key(attrs[k])
            key = tuple(key)
        else:
            key = row.key
        out.append(ParsedRow(row.row, attrs, key, extra))
    return out
