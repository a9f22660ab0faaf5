"""The short per-field hashes of the exchange state (`exchange_record_state.base_hashes`): what
this office and a peer last agreed about each field a peer decides, kept as a hash so the value
itself is not stored twice.

A plain hash of an ID or phone number lets whoever holds the file test guesses against it (an
ID number has few enough possibilities), so the fields that are sealed columns (store/sealed.py)
are hashed with a key derived from the office's data key (`keyed`, marked "k:"). Hashes an older
zkdesk wrote unkeyed are still understood (`agrees`) and replaced at the first login that
unlocks the key (`rekey_state_hashes`).

Kept in store/ because that replacement runs with the sealing of plain values at login
(services.key_slots), below the exchange.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from functools import lru_cache

from sqlalchemy import String, select, type_coerce, update

KEYED_PREFIX = "k:"
UNKNOWN = KEYED_PREFIX + "?"  # an old unkeyed hash no longer matching the local value: agrees with nothing


def _hash(value) -> str:
    body = f"{type(value).__name__}:{value!r}"  # repr: exact for the JSON types it sees
    return hashlib.blake2b(body.encode("utf-8"), digest_size=6).hexdigest()


_remembered_hash = lru_cache(maxsize=1 << 16, typed=True)(_hash)  # typed: 1, 1.0 and True differ


def value_hash(value) -> str:
    """A short hash of one encoded value: enough to tell whether a field changed since.
    A package repeats most values (origin, township, year, status…): each is hashed once."""
    try:
        return _remembered_hash(value)
    except TypeError:  # unhashable (a list): hashed every time
        return _hash(value)


def value_hashes(fields, record: dict) -> dict[str, str]:
    """`value_hash` of each of `fields` of `record` (a package's thousands of records: one call)."""
    try:
        return {f: _remembered_hash(record[f]) for f in fields}
    except TypeError:  # an unhashable value among them
        return {f: value_hash(record[f]) for f in fields}


def _hash_key(data_key: bytes) -> bytes:
    return hmac.new(data_key, b"zkdesk exchange state hash key", hashlib.sha256).digest()


def keyed(hash_key: bytes, value) -> str:
    """The keyed hash of a personal field's encoded value (`hash_key`: from `FieldHasher`)."""
    body = f"{type(value).__name__}:{value!r}".encode("utf-8")
    return KEYED_PREFIX + hmac.new(hash_key, body, hashlib.sha256).hexdigest()[:24]


class FieldHasher:
    """Hashes the fields of one table's records: `value_hash`, or `keyed` for its personal fields
    when the data key is at hand (without it they are hashed plainly, and agree with no keyed hash)."""

    def __init__(self, personal_fields, data_key: bytes | None):
        self.personal = frozenset(personal_fields)
        self._key = _hash_key(data_key) if data_key is not None and self.personal else None

    def of(self, field: str, value) -> str:
        if self._key is not None and field in self.personal:
            return keyed(self._key, value)
        return value_hash(value)

    def agrees(self, field: str, value, agreed: str, hashed: str | None = None) -> bool:
        """Whether `value` is the agreed one (`hashed`: its hash when already computed)."""
        if field in self.personal and not agreed.startswith(KEYED_PREFIX):
            return value_hash(value) == agreed  # written unkeyed, before the upgrade
        return (hashed if hashed is not None else self.of(field, value)) == agreed


def rekey_state_hashes(connection, data_key: bytes, tables, personal: dict[str, dict[str, str]], read_plain) -> int:
    """Replace the unkeyed hashes of personal fields in the exchange state by keyed ones: the
    local value's keyed hash when the old hash was of it, else UNKNOWN (the field changed here
    since; the next package that differs there is a conflict for the clerk, nothing is taken
    silently). `read_plain(table, column, stored)` opens a stored (raw) value. Returns rows changed."""
    state = tables.get("exchange_record_state")
    if state is None:
        return 0
    hash_key = _hash_key(data_key)
    changed = 0
    for table_name, fields in personal.items():
        t = tables.get(table_name)
        if t is None:
            continue
        rows = connection.execute(select(state.c.peer_code, state.c.record_id, state.c.base_hashes)
                                  .where(state.c.table_name == table_name)).all()
        for peer, record_id, text in rows:
            try:
                base = json.loads(text or "{}")
            except ValueError:
                continue
            old = {f: h for f, h in base.items() if f in fields and isinstance(h, str) and not h.startswith(KEYED_PREFIX)}
            if not old:
                continue
            local = connection.execute(select(*(type_coerce(t.c[f], String) for f in old)).where(t.c.id == record_id)).first()
            for (f, h), stored in zip(old.items(), local or [None] * len(old), strict=True):
                plain = read_plain(table_name, f, stored) if stored is not None else None
                base[f] = keyed(hash_key, plain) if plain is not None and value_hash(plain) == h else UNKNOWN
            connection.execute(update(state).where(state.c.peer_code == peer, state.c.table_name == table_name,
                                                   state.c.record_id == record_id)
                               .values(base_hashes=json.dumps(base, sort_keys=True)))
            changed += 1
    return changed
