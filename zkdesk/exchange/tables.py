"""The travelling tables, found from the mapper registry (not listed by hand), in foreign-key
order, with a JSON codec per column chosen from the column's type.

Features added later (new tables, new columns) travel without changes here.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache

from sqlalchemy import Boolean, Date, DateTime, Float, Integer, LargeBinary, Numeric, Table, TypeDecorator, UniqueConstraint

from zkdesk.services.record_labels import TABLE_LABELS as _TABLE_LABELS
from zkdesk.store import models  # noqa: F401  registers every table
from zkdesk.store.base import Base, Travelling
from zkdesk.store.sealed import SEALED_COLUMNS, hmac_columns
from zkdesk.store.state_hashes import FieldHasher, value_hash, value_hashes  # noqa: F401  for callers here

ORG_TABLE = "org_unit"


class BadValue(ValueError):
    """A value in a package does not fit its column."""


def _kind(column) -> str:
    t = column.type
    if isinstance(t, TypeDecorator):
        t = t.impl if not isinstance(t.impl, type) else t.impl()
    for cls, kind in ((Boolean, "bool"), (DateTime, "datetime"), (Date, "date"), (LargeBinary, "bytes"),
                      (Integer, "int"), (Float, "float"), (Numeric, "float")):
        if isinstance(t, cls):
            return kind
    return "str"


def _enc_datetime(v):
    return None if v is None else (v.astimezone(UTC).isoformat() if v.tzinfo else v.isoformat())


def _enc_date(v):
    return None if v is None else v.isoformat()


def _enc_bytes(v):
    return None if v is None else base64.b64encode(bytes(v)).decode("ascii")


def _enc_plain(v):
    return v


ENCODERS: dict[str, Callable] = {"datetime": _enc_datetime, "date": _enc_date, "bytes": _enc_bytes}


def _dec_datetime(v):
    if not isinstance(v, str):
        raise BadValue
    out = datetime.fromisoformat(v)
    return out if out.tzinfo else out.replace(tzinfo=UTC)


def _dec_date(v):
    if not isinstance(v, str):
        raise BadValue
    return date.fromisoformat(v)


def _dec_bytes(v):
    if not isinstance(v, str):
        raise BadValue
    return base64.b64decode(v.encode("ascii"), validate=True)


def _dec_bool(v):
    if not isinstance(v, bool):
        raise BadValue
    return v


def _dec_int(v):
    if isinstance(v, bool) or not isinstance(v, int):
        raise BadValue
    return v


def _dec_float(v):
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise BadValue
    return float(v)


def _dec_str(v):
    if not isinstance(v, str):
        raise BadValue
    return v


DECODERS: dict[str, Callable] = {
    "datetime": _dec_datetime, "date": _dec_date, "bytes": _dec_bytes, "bool": _dec_bool,
    "int": _dec_int, "float": _dec_float, "str": _dec_str,
}


@dataclass(frozen=True)
class TravellingTable:
    name: str
    table: Table
    columns: tuple[str, ...]
    kinds: dict[str, str]
    nullable: frozenset[str]
    org_columns: tuple[str, ...]  # columns naming an org unit, besides origin
    parents: tuple[tuple[str, str], ...]  # (column, travelling table it refers to)
    unique_sets: tuple[tuple[str, ...], ...]  # unique constraints besides the id

    def encode_row(self, row) -> dict:
        """A database row (mapping) as JSON-ready values, keyed by column name."""
        return {name: ENCODERS.get(self.kinds[name], _enc_plain)(row[name]) for name in self.columns}

    def encode_value(self, name: str, value):
        """One column's value as JSON-ready (as encode_row gives it)."""
        return ENCODERS.get(self.kinds[name], _enc_plain)(value)

    def decode_value(self, name: str, value):
        return self.decoder(name)(value)

    def decodes(self, name: str, value) -> bool:
        """Whether `value` is one of the column's (decode_value would not raise)."""
        try:
            self.decode_value(name, value)
            return True
        except (BadValue, ValueError, TypeError):
            return False

    def decoder(self, name: str) -> Callable:
        """The decoder of one column (raises BadValue), for reading thousands of rows."""
        decode, nullable = DECODERS[self.kinds[name]], name in self.nullable

        def column_decoder(value):
            if value is None:
                if not nullable:
                    raise BadValue
                return None
            return decode(value)

        return column_decoder


@cache
def travelling_tables() -> tuple[TravellingTable, ...]:
    """Every table mapped by a Travelling class, parents before children."""
    names = {m.local_table.name for m in Base.registry.mappers if issubclass(m.class_, Travelling)}
    out = []
    for table in Base.metadata.sorted_tables:
        if table.name not in names:
            continue
        org_columns, parents = [], []
        for fk in table.foreign_keys:
            target = fk.column.table.name
            if target == ORG_TABLE and fk.parent.name != "origin":
                org_columns.append(fk.parent.name)
            elif target in names and target != table.name:
                parents.append((fk.parent.name, target))
        uniques = tuple(dict.fromkeys(
            [tuple(c.name for c in con.columns) for con in table.constraints if isinstance(con, UniqueConstraint)]
            + [(c.name,) for c in table.columns if c.unique]
        ))
        local_only = {h for t, h in hmac_columns() if t == table.name}  # keyed hashes: each office its own key
        out.append(
            TravellingTable(
                name=str(table.name),  # a plain str: the driver adapts a subclass slowly, per row
                table=table,
                columns=tuple(c.name for c in table.columns if c.name not in local_only),
                kinds={c.name: _kind(c) for c in table.columns},
                nullable=frozenset(c.name for c in table.columns if c.nullable),
                org_columns=tuple(sorted(org_columns)),
                parents=tuple(sorted(parents)),
                unique_sets=uniques,
            )
        )
    return tuple(out)


@cache
def tables_by_name() -> dict[str, TravellingTable]:
    return {t.name: t for t in travelling_tables()}


def field_hasher(session, table: str) -> FieldHasher:
    """The exchange state's hashes of one table's fields: its personal numbers keyed with this
    office's data key (store/state_hashes.py), the rest `value_hash`."""
    from zkdesk.services.key_slots import key_at_hand

    personal = SEALED_COLUMNS.get(table, {})
    return FieldHasher(personal, key_at_hand(session) if personal else None)


# Display names: services/record_labels.py (kept here under the old name for callers).
TABLE_LABELS = _TABLE_LABELS
