"""Helpers for the backup, restore and crash tests."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

from zkdesk.store.audit_head import CHAIN_KEYS


def checkpoint(db_path: Path) -> None:
    """Fold the WAL into the main file, as the program does when it closes."""
    con = sqlite3.connect(str(db_path))
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        con.close()


def damage_database(db_path: Path, seed: int = 7) -> int:
    """Overwrite one whole page in the middle of the file with random bytes; returns its number."""
    checkpoint(db_path)
    data = Path(db_path).read_bytes()
    page_size = int.from_bytes(data[16:18], "big") or 65536
    pages = len(data) // page_size
    page = pages // 2
    rng = random.Random(seed)
    with open(db_path, "r+b") as fh:
        fh.seek(page * page_size)
        fh.write(bytes(rng.randrange(256) for _ in range(page_size)))
    return page + 1


def table_dump(db_path: Path, skip: tuple[str, ...] = ("audit_log",)) -> dict[str, list[tuple]]:
    """Every row of every table (but `skip`), for comparing two databases."""
    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
        rows = {t: sorted(con.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables if t not in skip}
    finally:
        con.close()
    if "audit_log" in skip and "setting" in rows:  # the chain's head goes with the chain
        rows["setting"] = [r for r in rows["setting"] if r[0] not in CHAIN_KEYS]
    return rows
