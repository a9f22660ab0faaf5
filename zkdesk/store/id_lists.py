"""Lists of ids in SQL. `column IN (…)` binds one parameter per id and engines cap them: SQLite at
32,766 (999 on builds before 3.32), PostgreSQL at 65,535 — a county's registers pass both. A list
that grows with a register therefore never goes into one statement whole:

- `chunks(ids)`: parts of CHUNK ids, one statement each (a few hundred ids per part);
- `id_parts(ids)`: the same, except that beyond `whole_above` ids it yields one None: read the
  rows without the IN and keep the wanted ones in memory — one statement whatever the size,
  for lists that are most of a table anyway (every contract in force, every enterprise shown).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence

CHUNK = 500  # ids per IN (…): well under every engine's limit on bound parameters


def chunks(items: Sequence, size: int = CHUNK) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield list(items[i:i + size])


def id_parts(ids: Collection | None, whole_above: int = CHUNK) -> Iterator[list | None]:
    """The id lists to put in IN (…), one statement each; None (once): no IN, filter in memory.
    `ids` None: the whole table was asked for."""
    if ids is None or len(ids) > whole_above:
        yield None
        return
    yield from chunks(list(ids))
