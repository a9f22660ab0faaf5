"""Matching checked rows against the register: which are new, which change a record (and
how), which leave it as it is, and which the register's own rules refuse."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from zkdesk.imports.plan import ParsedRow, record_key
from zkdesk.imports.spec import KindSpec, RowError


@dataclass
class Decision:
    new: list[ParsedRow]
    updated: list[tuple[ParsedRow, str, dict]]  # row, record id, {attr: (old, new)}
    unchanged: int
    refused: list[tuple[ParsedRow, RowError]] = field(default_factory=list)  # by the register's rules


def existing_records(session: Session, kind: KindSpec, cache: dict | None = None) -> dict[tuple, dict]:
    """Every record of the kind by match key; a live record wins over a tombstone.

    `cache`: the records read once per dry run (kind name -> records), shared by the kind's
    lookups and its matching; applying reads them again inside its transaction."""
    if cache is not None and kind.name in cache:
        return cache[kind.name]
    # every column but the time of the last change, which no row sets or compares (its
    # conversion to an aware datetime was a tenth of reading a register)
    result = session.execute(select(*[c for c in kind.model.__table__.columns if c.key != "updated_at"]))
    names = list(result.keys())
    found: dict[tuple, dict] = {}
    for values in result.all():
        row = dict(zip(names, values))
        key = record_key(kind, row)
        if key not in found or (found[key]["deleted"] and not row["deleted"]):
            found[key] = row
    if cache is not None:
        cache[kind.name] = found
    return found


def decide(session: Session, kind: KindSpec, rows: list[ParsedRow], cache: dict | None = None) -> Decision:
    existing = existing_records(session, kind, cache)
    decision = Decision([], [], 0)
    stored_extras: dict[str, dict] = {}
    if kind.extras:
        matched = [existing[row.key]["id"] for row in rows if row.extra and row.key in existing]
        stored_extras = kind.load_extras(session, matched) if matched else {}
    accepted: list[dict] = []  # earlier rows of the file that will be written (or stay as they are)
    for row in rows:
        current = existing.get(row.key)
        values = row.attrs | row.extra if row.extra else row.attrs
        if row.attrs.get("deleted") is True and (current is None or current["deleted"]):
            decision.unchanged += 1  # no such record, and the row says there is none
            continue
        if current is None:
            refusal = kind.refuse(session, None, values, {}, accepted) if kind.refuse else None
            if refusal is not None:
                decision.refused.append((row, refusal))
            else:
                decision.new.append(row)
                accepted.append(values)
            continue
        changes = {
            name: (current[name], value)
            for name, value in row.attrs.items()
            if name in current and name != "origin" and current[name] != value
        }
        if row.extra:
            before = stored_extras.get(current["id"], {})
            changes.update((name, (before.get(name), value)) for name, value in row.extra.items() if before.get(name) != value)
        if current["deleted"] and "deleted" not in row.attrs:
            changes["deleted"] = (True, False)  # imported again: the record comes back
        refusal = kind.refuse(session, current, values, changes, accepted) if kind.refuse else None
        if refusal is not None:
            decision.refused.append((row, refusal))
            continue
        accepted.append(values)
        if changes:
            decision.updated.append((row, current["id"], changes))
        else:
            decision.unchanged += 1
    return decision
