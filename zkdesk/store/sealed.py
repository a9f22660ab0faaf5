"""Personal data at rest: ID and phone numbers encrypted column by column with the office's data key.

A sealed column (`Sealed("id")`, `Sealed("phone")`) stores

    zk1:<masked>:<base64 of nonce + AES-256-GCM ciphertext>

where <masked> is the number as `domain.idcard` masks it for every role (530924********1234,
138****5678), so a reader without the key still sees what a list shows to a clerk without
VIEW_PERSONAL — never the ciphertext, never an error. The data key is the one a login unlocks
(services/key_slots.py); this module keeps the unlocked keys of this process, by database, so the
column type can find them from the dialect of the engine it runs on (set when the engine
connects). Reads and writes through SQLAlchemy (ORM and Core) seal and open transparently:
packages, prints and exports see the plain value.

Without an unlocked key a write stores the plain value and its transaction leaves the setting
`personal_data_plain` (PLAIN_MARKER; `mark_plain_writes`, run before every write session
commits); `seal_plain_values` (at the next login that unlocks the key while the marker is there,
and in the migration 0010 when the key is at hand) seals what is still plain. A login where
nothing was written plain reads the marker only, never the registers.

Equality on a sealed column means nothing (each seal has its own nonce): duplicate checks,
natural keys and lookups use the keyed hash beside the value (`<column>_hmac`, `keyed_hash`:
HMAC-SHA256 under a key derived from the data key), kept by `Sealed.hmac_default` on inserts and
`keyed_hashes` on updates.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import os
import threading

from sqlalchemy import String, Text, event, or_, select, type_coerce, update
from sqlalchemy.engine import Engine
from sqlalchemy.types import TypeDecorator

from zkdesk.domain.idcard import mask_id_number, mask_phone

log = logging.getLogger(__name__)

PREFIX = "zk1:"
STORED_LENGTH = 200
_DIALECT_DATABASE = "zkdesk_database"

PLAIN_MARKER = "personal_data_plain"  # setting: some personal value may be stored plain

_unlocked: dict[str, bytes] = {}
_plain_written: set[str] = set()  # databases this process wrote a plain personal value to
_guard = threading.Lock()


def database_name(bind) -> str:
    """The name unlocked keys are kept under: the database's URL without its password."""
    return bind.url.render_as_string(hide_password=True)


@event.listens_for(Engine, "engine_connect")
def _name_the_dialect(connection) -> None:
    setattr(connection.dialect, _DIALECT_DATABASE, database_name(connection.engine))


def remember(name: str, data_key: bytes) -> None:
    """The key is unlocked here from now on; the caller seals what is still plain
    (services.key_slots), so this process's plain writes are accounted for."""
    with _guard:
        _unlocked[name] = data_key
        _plain_written.discard(name)


def key_for(name: str | None) -> bytes | None:
    if name is None:
        return None
    with _guard:
        return _unlocked.get(name)


def forget_all() -> None:
    with _guard:
        _unlocked.clear()
        _ciphers.clear()
        _hash_keys.clear()


def _note_plain(dialect) -> None:
    name = getattr(dialect, _DIALECT_DATABASE, None)
    if name is not None:
        with _guard:
            _plain_written.add(name)


def mark_plain_writes(session) -> None:
    """Before a write session commits: when this process has stored a personal value plain in
    this database (no key unlocked), the transaction also sets PLAIN_MARKER, so the next login
    that unlocks the key seals it. (Flushed first: the commit's own flush may be what writes it.)"""
    if not _plain_written:
        return
    session.flush()
    name = database_name(session.get_bind())
    with _guard:
        wrote_plain = name in _plain_written
    if wrote_plain:
        from zkdesk.store.models import Setting

        if session.get(Setting, PLAIN_MARKER) is None:
            session.add(Setting(key=PLAIN_MARKER, value="1"))
            session.flush()


def _dialect_key(dialect) -> bytes | None:
    return key_for(getattr(dialect, _DIALECT_DATABASE, None))


def _mask(kind: str, value: str) -> str:
    return mask_id_number(value) if kind == "id" else mask_phone(value)


_AAD = {"id": b"zkdesk personal id", "phone": b"zkdesk personal phone"}


def _aad(kind: str) -> bytes:
    return _AAD.get(kind) or f"zkdesk personal {kind}".encode("ascii")


# The AES-GCM object of each data key, made once: building one per value (and importing the
# cipher module per value) cost more than the encryption itself in an import of thousands of
# phone numbers. Same key, same algorithm, a fresh nonce per value: the stored form is unchanged.
# Cleared with the unlocked keys (forget_all).
_ciphers: dict[bytes, object] = {}
_hash_keys: dict[bytes, bytes] = {}
_CACHED_KEYS = 8  # a process holds the keys of one or two databases; more is a test run


def _cipher(data_key: bytes):
    data_key = bytes(data_key)  # (a key as bytes is itself; another buffer is made hashable)
    found = _ciphers.get(data_key)
    if found is None:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        found = AESGCM(data_key)
        with _guard:
            if len(_ciphers) >= _CACHED_KEYS:
                _ciphers.clear()
            _ciphers[data_key] = found
    return found


def seal(data_key: bytes, kind: str, value: str) -> str:
    nonce = os.urandom(12)
    sealed = _cipher(data_key).encrypt(nonce, value.encode("utf-8"), _aad(kind))
    return f"{PREFIX}{_mask(kind, value)}:{base64.b64encode(nonce + sealed).decode('ascii')}"


def is_sealed(stored: str | None) -> bool:
    return bool(stored) and stored.startswith(PREFIX)


def open_sealed(data_key: bytes | None, kind: str, stored: str) -> str:
    """The plain value, or the masked one when there is no key or it does not open."""
    masked, _, body = stored[len(PREFIX):].rpartition(":")
    if data_key is None:
        return masked
    from cryptography.exceptions import InvalidTag

    try:
        raw = base64.b64decode(body.encode("ascii"), validate=True)
        return _cipher(data_key).decrypt(raw[:12], raw[12:], _aad(kind)).decode("utf-8")
    except (InvalidTag, ValueError):
        log.warning("a sealed %s value does not open with this office's data key", kind)
        return masked


def keyed_hash(data_key: bytes, value: str) -> str:
    """HMAC-SHA256 of a number under a key derived from the data key: equal numbers, equal hashes,
    in this office only (another office hashes with its own key)."""
    hash_key = _hash_keys.get(data_key)
    if hash_key is None:  # derived once per data key, not per value
        hash_key = hmac.new(data_key, b"zkdesk personal data hash key", hashlib.sha256).digest()
        with _guard:
            if len(_hash_keys) >= _CACHED_KEYS:
                _hash_keys.clear()
            _hash_keys[data_key] = hash_key
    return hmac.new(hash_key, value.strip().upper().encode("utf-8"), hashlib.sha256).hexdigest()


class Sealed(TypeDecorator):
    """A personal number sealed with the data key ("id" or "phone"; see the module)."""

    impl = String(STORED_LENGTH)
    cache_ok = True

    def __init__(self, kind: str):
        super().__init__()
        self.kind = kind

    def process_bind_param(self, value, dialect):
        if not value or is_sealed(value):
            return value
        data_key = _dialect_key(dialect)
        if data_key is None:
            _note_plain(dialect)
            return value
        return seal(data_key, self.kind, value)

    def process_result_value(self, value, dialect):
        if not is_sealed(value):
            return value
        return open_sealed(_dialect_key(dialect), self.kind, value)


class SealedJSON(TypeDecorator):
    """JSON text of a whole record (an exchange conflict's local and remote rows, the values it
    sends back): the personal numbers in it, found by their column's name at any depth, are
    sealed like a Sealed column's and opened on reading (masked without the key); the rest of
    the text stays as written."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if not value or not _mentions_personal(value):
            return value
        data_key = _dialect_key(dialect)
        changed = _seal_json(data_key, value)
        if data_key is None and changed is None and json_has_plain(value):
            _note_plain(dialect)
        return value if changed is None else changed

    def process_result_value(self, value, dialect):
        if not value or PREFIX not in value:
            return value
        try:
            data = json.loads(value)
        except ValueError:
            return value
        data_key = _dialect_key(dialect)
        return json.dumps(_walk(data, None, lambda kind, v: open_sealed(data_key, kind, v) if is_sealed(v) else v),
                          ensure_ascii=False)


def _personal_kinds() -> dict[str, str]:
    return {column: kind for columns in SEALED_COLUMNS.values() for column, kind in columns.items()}


def _mentions_personal(text: str) -> bool:
    return any(f'"{column}"' in text for column in _personal_kinds())


def _walk(value, kind, change):
    """`value` with change(kind, text) applied to every string under a personal column's name."""
    if isinstance(value, dict):
        kinds = _personal_kinds()
        return {k: _walk(v, kinds.get(k) if isinstance(k, str) else None, change) for k, v in value.items()}
    if isinstance(value, list):
        return [_walk(v, kind, change) for v in value]
    if kind and isinstance(value, str) and value:
        return change(kind, value)
    return value


def json_has_plain(text: str) -> bool:
    """Whether JSON text holds a personal number in the clear (under its column's name)."""
    found = []
    try:
        _walk(json.loads(text), None, lambda kind, v: found.append(v) or v if not is_sealed(v) else v)
    except ValueError:
        return False
    return bool(found)


def _seal_json(data_key: bytes | None, text: str) -> str | None:
    """The JSON text with its plain personal numbers sealed; None when nothing changes."""
    if data_key is None:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    sealed_any = []

    def seal_one(kind: str, v: str) -> str:
        if is_sealed(v):
            return v
        sealed_any.append(v)
        return seal(data_key, kind, v)

    out = _walk(data, None, seal_one)
    return json.dumps(out, ensure_ascii=False) if sealed_any else None


# table -> {sealed column: its kind}; and sealed column -> its keyed hash column
SEALED_COLUMNS: dict[str, dict[str, str]] = {
    "nomination": {"id_number": "id", "phone": "phone"},
    "studio": {"lead_id_number": "id", "lead_phone": "phone"},
    "enterprise": {"contact_phone": "phone"},
}
HMAC_COLUMNS: dict[str, dict[str, str]] = {"nomination": {"id_number": "id_number_hmac"}}
# table -> its SealedJSON columns
SEALED_JSON_COLUMNS: dict[str, tuple[str, ...]] = {"exchange_conflict": ("local_json", "remote_json", "send_back")}


def hmac_column(table: str, column: str) -> str | None:
    return HMAC_COLUMNS.get(table, {}).get(column)


def hmac_columns() -> frozenset[tuple[str, str]]:
    """(table, column) of every keyed hash: local only, they never travel."""
    return frozenset((t, h) for t, cols in HMAC_COLUMNS.items() for h in cols.values())


def hash_for(bind_or_dialect, value: str | None) -> str:
    """The keyed hash of `value` on this database ("" for an empty value or without a key)."""
    if not value or not value.strip():
        return ""
    dialect = getattr(bind_or_dialect, "dialect", bind_or_dialect)
    data_key = _dialect_key(dialect)
    if data_key is None and hasattr(bind_or_dialect, "url"):
        data_key = key_for(database_name(bind_or_dialect))
    return "" if data_key is None else keyed_hash(data_key, value)


def hmac_default(source: str):
    """A column default computing the keyed hash of `source` in the same INSERT (ORM or Core)."""
    def default(context) -> str:
        if context is None:  # a bulk insert filling the hash itself (keyed_hashes)
            return ""
        return hash_for(context.dialect, context.get_current_parameters().get(source))
    return default


def keyed_hashes(bind, table: str, values: dict) -> dict:
    """`values` of an UPDATE with the keyed hashes of the sealed columns it sets."""
    extra = {h: hash_for(bind, values[c]) for c, h in HMAC_COLUMNS.get(table, {}).items() if c in values}
    return values | extra if extra else values


def seal_plain_values(connection, data_key: bytes, tables) -> int:
    """Seal the values still stored plain (written before the key was at hand) and fill their
    keyed hashes; the same for a conflict's rows; and key the exchange state's hashes of personal
    fields an older zkdesk left unkeyed (store/state_hashes.py). `tables`: table name -> Table.
    Returns how many values or rows were changed."""
    sealed = 0
    for name, kinds in SEALED_COLUMNS.items():
        t = tables.get(name)
        if t is None:
            continue
        for column, kind in kinds.items():
            raw = type_coerce(t.c[column], String)
            rows = connection.execute(select(t.c.id, raw).where(raw != "", ~raw.startswith(PREFIX))).all()
            hashed = hmac_column(name, column)
            for row_id, plain in rows:
                values = {column: seal(data_key, kind, plain)}
                if hashed:
                    values[hashed] = keyed_hash(data_key, plain)
                connection.execute(update(t).where(t.c.id == row_id).values(values))
                sealed += 1
    for name, columns in SEALED_JSON_COLUMNS.items():
        t = tables.get(name)
        if t is None:
            continue
        for column in columns:
            raw = type_coerce(t.c[column], Text)
            mentions = or_(*(raw.contains(f'"{c}"') for c in _personal_kinds()))
            for row_id, text in connection.execute(select(t.c.id, raw).where(mentions)).all():
                changed = _seal_json(data_key, text)
                if changed is not None:
                    connection.execute(update(t).where(t.c.id == row_id).values({column: type_coerce(changed, Text)}))
                    sealed += 1
    from zkdesk.store.state_hashes import rekey_state_hashes

    def read_plain(table: str, column: str, stored: str) -> str:
        return open_sealed(data_key, SEALED_COLUMNS[table][column], stored) if is_sealed(stored) else stored

    return sealed + rekey_state_hashes(connection, data_key, tables, SEALED_COLUMNS, read_plain)


def _opens(data_key: bytes, kind: str, stored: str) -> bool:
    from cryptography.exceptions import InvalidTag

    body = stored[len(PREFIX):].rpartition(":")[2]
    try:
        raw = base64.b64decode(body.encode("ascii"), validate=True)
        _cipher(data_key).decrypt(raw[:12], raw[12:], _aad(kind))
        return True
    except (InvalidTag, ValueError):
        return False


def sealed_value_report(connection, data_key: bytes | None, tables) -> tuple[int, int, int]:
    """(sealed, plain, not opening) counts of the personal values, for `zkdesk verify`: without
    a key only how many are sealed and how many still plain; with it, also how many do not open
    with it (changed behind the program's back, or sealed under another office's key)."""
    sealed = plain = broken = 0
    for name, kinds in SEALED_COLUMNS.items():
        t = tables.get(name)
        if t is None:
            continue
        for column, kind in kinds.items():
            raw = type_coerce(t.c[column], String)
            for (stored,) in connection.execute(select(raw).where(raw != "")):
                if not is_sealed(stored):
                    plain += 1
                    continue
                sealed += 1
                if data_key is not None and not _opens(data_key, kind, stored):
                    broken += 1
    return sealed, plain, broken
