"""The peer's settling of conflicts on our records (`resolutions` in the payload): values it kept
(exchange/conflicts.py `resolutions_for` at its end) and the county's deletions of a township's
records (exchange/deletions.py), planned for apply.py like the records (incoming.py).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from zkdesk.exchange.matching import Matcher
from zkdesk.exchange.ownership import owned_fields
from zkdesk.exchange.plan import DELETED, DELETION, ImportPlan
from zkdesk.exchange.tables import tables_by_name


def take_resolutions(session: Session, plan: ImportPlan, matcher: Matcher, by_county: bool,
                     items: list[dict]) -> None:
    """The peer settled conflicts by keeping its values: take them onto our record, field by
    field, where ours is still the value it saw (a field changed here since goes on as usual)."""
    by_name = tables_by_name()
    skipped = 0
    for item in items:
        tt = by_name.get(item.get("table")) if isinstance(item.get("table"), str) else None
        values, expected = item.get("values"), item.get("expected")
        if tt is None or not isinstance(values, dict) or not isinstance(expected, dict):
            skipped += 1
            continue
        candidates = [i for i in (item.get("remote_id"), item.get("id")) if isinstance(i, str) and i]
        candidates = [*candidates, *(matcher.aliases(tt.name).get(i) for i in candidates)]
        row = None
        for rid in filter(None, candidates):
            row = session.execute(select(tt.table).where(tt.table.c.id == rid)).mappings().first()
            if row is not None:
                break
        if row is None:
            skipped += 1
            continue
        ours = tt.encode_row(row)
        mine = owned_fields(tt.name, row["origin"], tt.columns, not by_county)  # fields we decide
        write, old, new = {}, {}, {}
        for f, v in values.items():
            if f in mine and ours.get(f) == expected.get(f) and ours.get(f) != v and tt.decodes(f, v):
                write[f], old[f], new[f] = tt.decode_value(f, v), ours[f], v
        if write:
            kind = DELETION if item.get("kind") == DELETION and write == {DELETED: True} else ""
            plan.resolutions.append({"table": tt.name, "id": row["id"], "revision": row["revision"],
                                  "write": write, "old": old, "new": new, "by": str(item.get("by") or ""),
                                  "kind": kind})
    deletions = sum(1 for r in plan.resolutions if r["kind"] == DELETION)
    if len(plan.resolutions) > deletions:
        plan.warnings.append(
            f"对方处理冲突时保留了其版本：{len(plan.resolutions) - deletions}条记录将照此修改")
    if skipped:
        plan.warnings.append(f"对方处理过的{skipped}条冲突在本机找不到对应记录，已忽略")
