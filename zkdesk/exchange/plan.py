"""What an opened package would change, as the import plan's types (decided in incoming.py,
written by apply.py, told by explain.py), and the check that refuses a payload not shaped like ours.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from zkdesk.exchange.container import PackageRefused

DELETED = "deleted"  # the tombstone flag every travelling record has
DELETION = "delete"  # a resolution item carrying the county's deletion of our record (exchange/deletions.py)
TABLE_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
ORG_FIELD_TYPES = {"code": str, "name": str, "short_name": str, "level": str, "parent_code": (str, type(None)),
                   "sort_order": int, "active": bool}


@dataclass
class Decision:
    table: str
    id: str
    action: str  # new | update | unchanged | conflict | reject
    reason: str = ""
    incoming: dict = field(default_factory=dict)  # encoded, as sent
    local: dict | None = None  # encoded local row before the import
    write: dict = field(default_factory=dict)  # decoded column values to write
    base: dict | None = None  # per-field hashes to keep as the agreed state (None: keep state)
    remote_revision: int = 0
    acked: int | None = None  # our revision the peer now has, or None to leave it
    conflict_fields: list[str] = field(default_factory=list)
    final: dict | None = None  # a new record as it will be stored, encoded
    remote_id: str = ""  # the sender's UUID when it differs from ours (natural key or alias), else ""
    holder: str = ""  # a reject as a duplicate: our record it duplicates
    package: str = ""  # the package file it came in (filled by the caller, for lists of many packages)


@dataclass
class ImportPlan:
    sender: str
    receiver: str
    decisions: list[Decision] = field(default_factory=list)
    org_units: list[dict] = field(default_factory=list)  # to add or update (from the county)
    receipts: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # the peer's decisions on conflicts, to write onto our records: table, id, revision, write, old, new, by
    resolutions: list[dict] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for d in self.decisions if d.action == action)

    @property
    def counts(self) -> dict[str, int]:
        by_action = Counter(d.action for d in self.decisions)  # one pass over thousands of decisions
        return {
            "new": by_action["new"],
            "updated": by_action["update"],
            "unchanged": by_action["unchanged"],
            "conflicts": by_action["conflict"],
            "rejected": by_action["reject"],
        }

    @property
    def changes_anything(self) -> bool:
        return any(d.action in ("new", "update", "conflict") or d.base is not None for d in self.decisions) or bool(
            self.org_units or self.receipts or self.resolutions
        )


def _invalid(name: str, why: str) -> PackageRefused:
    return PackageRefused(f"数据包 {name} 的内容格式无效（{why}），未作任何改动。", "content")


def check_payload_shape(payload: dict, name: str) -> None:
    """Refuse the whole package when its payload is not shaped like ours: odd table names
    (path tricks), rows that are not lists of the stated width, and so on."""
    records = payload.get("records", {})
    if not isinstance(records, dict):
        raise _invalid(name, "records")
    for table, block in records.items():
        if not isinstance(table, str) or not TABLE_NAME.match(table):
            raise _invalid(name, f"不合法的数据表名 {str(table)[:40]!r}")
        if not isinstance(block, dict) or not isinstance(block.get("columns"), list) or not isinstance(block.get("rows"), list):
            raise _invalid(name, f"数据表 {table}")
        cols = block["columns"]
        if len(set(cols)) != len(cols) or not all(isinstance(c, str) and TABLE_NAME.match(c) for c in cols):
            raise _invalid(name, f"数据表 {table} 的字段名")
        if not {"id", "origin", "revision"} <= set(cols):
            raise _invalid(name, f"数据表 {table} 缺少 id/origin/revision")
        if not all(isinstance(r, list) and len(r) == len(cols) for r in block["rows"]):
            raise _invalid(name, f"数据表 {table} 的行宽度不符")
    for key, kind in (("org_units", dict), ("receipts", dict), ("resolutions", dict)):
        value = payload.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, kind) for v in value):
            raise _invalid(name, key)
    for unit in payload.get("org_units", []):
        if not all(isinstance(unit.get(k), t) for k, t in ORG_FIELD_TYPES.items()) or not unit["code"].isdigit():
            raise _invalid(name, "单位列表")
    for receipt in payload.get("receipts", []):
        if not isinstance(receipt.get("sequence"), int) or not isinstance(receipt.get("status", ""), str):
            raise _invalid(name, "回执")
