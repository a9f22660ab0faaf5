"""Reading and writing the per-record exchange state in bulk (thousands of rows per package)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import and_, select, update
from sqlalchemy.orm import Session

from zkdesk.store.bulk import execute_many
from zkdesk.store.id_lists import CHUNK, chunks  # noqa: F401 - the exchange's modules take them from here
from zkdesk.store.models.exchange import ExchangeRecordState

STATE = ExchangeRecordState.__table__
_KEY = ("peer_code", "table_name", "record_id")


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection while a package is planned and written: its tens of
    thousands of short-lived dicts would set off full collections over them (a fifth of an
    import's time) and hold no cycles worth collecting meanwhile."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def load_states(session: Session, peer: str, table: str, ids: list[str]) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for part in chunks(ids):
        rows = session.execute(
            select(STATE).where(STATE.c.peer_code == peer, STATE.c.table_name == table, STATE.c.record_id.in_(part))
        ).mappings()
        out.update((r["record_id"], dict(r)) for r in rows)
    return out


def upsert_states(session: Session, rows: list[dict], columns: tuple[str, ...]) -> None:
    """Insert or update state rows; each row has the key columns and `columns`."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    stmt = insert(STATE)
    stmt = stmt.on_conflict_do_update(index_elements=list(_KEY), set_={c: stmt.excluded[c] for c in columns})
    defaults = {"remote_revision": 0, "base_hashes": "{}", "sent_revision": 0, "sent_seq": 0, "acked_revision": 0}
    execute_many(session, stmt, [defaults | r for r in rows])


def acknowledge(session: Session, peer: str, sequence: int) -> int:
    """The peer confirmed our package `sequence`: what it carried need not be sent again."""
    result = session.execute(
        update(STATE)
        .where(and_(STATE.c.peer_code == peer, STATE.c.sent_seq == sequence, STATE.c.acked_revision < STATE.c.sent_revision))
        .values(acked_revision=STATE.c.sent_revision)
    )
    return result.rowcount or 0
