"""Reading and writing the per-record exchange state in bulk (thousands of rows per package)."""

from __future__ import annotations

from sqlalchemy import and_, func, select, update
from sqlalchemy.orm import Session

from zkdesk.store.bulk import execute_many
from zkdesk.store.id_lists import CHUNK, chunks  # noqa: F401 - the exchange's modules take them from here
from zkdesk.store.models.exchange import ExchangeRecordState

STATE = ExchangeRecordState.__table__
_KEY = ("peer_code", "table_name", "record_id")
STATE_DEFAULTS = {"remote_revision": 0, "base_hashes": "{}", "sent_revision": 0, "sent_seq": 0, "acked_revision": 0}
STATE_COLUMNS = (*_KEY, *STATE_DEFAULTS)  # a row with all of them is written as it is


def present_ids(session: Session, column, ids: list[str], *where) -> list[str]:
    """Those of `ids` found in `column` (under `where`), set-based: a package's thousands of ids
    are looked up by one read of the column's index when that is no longer than the ids (a first
    package, a small register), and kept for looking up part by part otherwise."""
    if len(ids) <= CHUNK:
        return ids
    stmt = select(column).where(*where)
    if session.scalar(select(func.count()).select_from(stmt.limit(2 * len(ids) + 1).subquery())) > 2 * len(ids):
        return ids
    known = set(session.scalars(stmt))
    return [i for i in ids if i in known]


def load_states(session: Session, peer: str, table: str, ids: list[str]) -> dict[str, dict]:
    out: dict[str, dict] = {}
    ids = present_ids(session, STATE.c.record_id, ids, STATE.c.peer_code == peer, STATE.c.table_name == table)
    for part in chunks(ids):
        rows = session.execute(
            select(STATE).where(STATE.c.peer_code == peer, STATE.c.table_name == table, STATE.c.record_id.in_(part))
        ).mappings()
        out.update((r["record_id"], dict(r)) for r in rows)
    return out


def upsert_states(session: Session, rows: list[dict], columns: tuple[str, ...]) -> None:
    """Insert or update state rows; each row has the key columns and `columns` (a new row takes
    STATE_DEFAULTS for the others; rows that carry every column are written as they are)."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    stmt = insert(STATE)
    stmt = stmt.on_conflict_do_update(index_elements=list(_KEY), set_={c: stmt.excluded[c] for c in columns})
    execute_many(session, stmt, rows if all(len(r) == len(STATE_COLUMNS) for r in rows) else
                 [STATE_DEFAULTS | r for r in rows])


def acknowledge(session: Session, peer: str, sequence: int, refused: dict[str, set[str]] | None = None) -> int:
    """The peer confirmed our package `sequence`: what it carried need not be sent again, except
    the records its receipt says it refused ({table: ids}): those stay unconfirmed and go again
    with the next package (exchange/refused.py lists them)."""
    where = [STATE.c.peer_code == peer, STATE.c.sent_seq == sequence, STATE.c.acked_revision < STATE.c.sent_revision]
    where.extend(~and_(STATE.c.table_name == table, STATE.c.record_id.in_(sorted(ids)))
                 for table, ids in (refused or {}).items() if ids)
    result = session.execute(update(STATE).where(and_(*where)).values(acked_revision=STATE.c.sent_revision))
    return result.rowcount or 0
