"""What an import will do to each record, and why, in words a clerk reads: the record's Chinese
name (enterprise, person, indicator 编号 + name + year), the action, the reason, where it came
from, and per field 本地值 / 对方值. The preview lists these; `package import --json` carries them.
Reads only (names of referenced records are looked up); never a column or table name.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from zkdesk.exchange.conflicts import FieldDiff, deletion_diff, display_value
from zkdesk.exchange.ownership import META_FIELDS
from zkdesk.exchange.plan import DELETION, Decision, ImportPlan
from zkdesk.exchange.state import chunks
from zkdesk.exchange.tables import tables_by_name
from zkdesk.services.orgs import org_names
from zkdesk.services.record_labels import field_label, table_label, travelling_titles
from zkdesk.store.natural_keys import keys_for

ACTION_LABELS = {"new": "新增", "update": "更新", "unchanged": "未变", "conflict": "冲突", "reject": "拒收",
                 "delete": "删除"}  # delete: the county's deletion of our own record (exchange/deletions.py)
HIDDEN_FIELDS = META_FIELDS | {"deleted"}


@dataclass(frozen=True)
class RecordNote:
    """One record of a package as the preview shows it."""

    package: str  # the file it came in
    sender: str  # the sending office's short name
    table: str
    table_label: str
    id: str  # our record's id (the sender's when new or refused)
    remote_id: str  # the sender's id when it differs from ours
    action: str  # new | update | unchanged | conflict | reject
    label: str  # the record's Chinese name
    reason: str  # what will happen and why, in Chinese
    origin: str  # the office the record belongs to (short name)
    deleted: bool  # the sender deleted it
    fields: tuple[FieldDiff, ...] = ()  # per field: label, 本地值, 对方值, and what happens to it
    deleting: bool = False  # the import deletes our live record (the sender's deletion, or the county's)

    @property
    def action_label(self) -> str:
        if self.action == "update" and self.deleted and self.deleting:
            return ACTION_LABELS["delete"]
        return ACTION_LABELS.get(self.action, self.action)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.package, self.table, self.id)

    def to_json(self) -> dict:
        return {
            "table": self.table, "table_label": self.table_label, "id": self.id, "remote_id": self.remote_id,
            "action": self.action, "action_label": self.action_label, "label": self.label, "reason": self.reason,
            "origin": self.origin, "deleted": self.deleted,
            "fields": [{"field": d.field, "label": d.label, "local": d.local, "remote": d.remote, "note": d.note}
                       for d in self.fields],
        }


def _labels(table: str, fields) -> str:
    return "、".join(field_label(table, f) for f in fields)


def _changed(d: Decision) -> list[str]:
    return [f for f in d.write if f not in HIDDEN_FIELDS]


def _matched_by(d: Decision) -> str:
    """The fields by which the sender's record was found to be ours ("" when by an earlier link)."""
    tt = tables_by_name().get(d.table)
    if tt is None:
        return ""
    for key in keys_for(d.table, tt.unique_sets):
        if key.of(d.incoming) is not None and d.local is not None and key.of(d.local) == key.of(d.incoming):
            return _labels(d.table, key.fields)
    return ""


def reason_of(d: Decision, holder_title: str = "") -> str:
    """What happens to the record and why."""
    kind = table_label(d.table)
    deleting = bool(d.incoming.get("deleted")) and not (d.local or {}).get("deleted")
    same = ""
    if d.remote_id and d.local is not None:
        by = _matched_by(d)
        same = f"本机已有同一{kind}（{by}相同）" if by else f"本机已有同一{kind}（以前的数据包已对应过）"
    if d.action == "new":
        return "对方已删除，本机没有这条记录，仅作记录" if d.incoming.get("deleted") else "本机没有这条记录，将新增"
    if d.action == "unchanged":
        if same:
            return f"{same}，内容一致，两条合为一条，以后对方的修改会找到它"
        return "本机已有这条记录，内容相同或已经导入过，不改动"
    if d.action == "update":
        if deleting:
            return (same + "，" if same else "") + "对方已删除这条记录，本机也将删除"
        what = _labels(d.table, _changed(d)) or "版本信息"
        if same:
            return f"{same}，将按对方的内容更新：{what}"
        return f"对方修改了{what}，本机在上次交换后没有改动这些项，将更新"
    if d.action == "conflict" and "deleted" in d.conflict_fields:
        return (same + "，" if same else "") + "对方已删除这条记录，但本机在上次交换后改过它；导入后列在“冲突”页，" \
            "由您选择保留本地（不删除）或采用对方（删除）；选择前本机的记录不变"
    if d.action == "conflict":
        text = (same + "，" if same else "") + f"本机和对方都改了{_labels(d.table, d.conflict_fields)}，" \
            "导入后列在“冲突”页，由您选择保留哪一方；选择前本机的这些值不变"
        others = [f for f in _changed(d) if f not in d.conflict_fields]
        if others:
            text += f"；{_labels(d.table, others)}将更新"
        return text
    reason = d.reason + (f"（本机记录：{holder_title}）" if holder_title else "")
    return f"{reason}，未接收" if not reason.endswith("未接收") else reason


def _diffs(session: Session, d: Decision, towns: dict[str, str]) -> tuple[FieldDiff, ...]:
    tt = tables_by_name().get(d.table)
    columns = tt.columns if tt is not None else tuple(d.incoming)
    local = d.local or {}
    out = []
    for f in columns:
        if (f in HIDDEN_FIELDS and f not in d.conflict_fields) or f not in d.incoming:
            continue
        theirs, ours = d.incoming.get(f), local.get(f)
        if d.local is None and theirs in (None, ""):
            continue
        if d.local is not None and theirs == ours:
            continue
        if f in d.conflict_fields:
            note = "冲突"
        elif f in d.write and d.action in ("update", "conflict"):
            note = "将更新"
        elif d.action in ("new", "reject"):
            note = ""
        else:
            note = "保留本地"  # the sender does not decide this field
        if f == "deleted":
            out.append(deletion_diff(note))
            continue
        out.append(FieldDiff(f, field_label(d.table, f),
                             display_value(session, d.table, f, ours, towns) if d.local is not None else "（本机没有）",
                             display_value(session, d.table, f, theirs, towns), note))
    return tuple(out)


def explain(session: Session, plan: ImportPlan, *, package: str = "", sender: str = "",
            everything: bool = True) -> list[RecordNote]:
    """The records worth a line: every new, updated, conflicting or refused one, and those found
    to be ours under another id; `everything=False`: only the conflicting and refused ones."""
    wanted = [d for d in plan.decisions
              if d.action in ("conflict", "reject") or (everything and (d.action != "unchanged" or d.remote_id))]
    towns = org_names(session)
    by_table: dict[str, list[Decision]] = {}
    for d in wanted:
        by_table.setdefault(d.table, []).append(d)
    titles: dict[int, str] = {}
    holders: dict[tuple[str, str], str] = {}
    for table, ds in by_table.items():
        for d, title in zip(ds, travelling_titles(session, table, [(d.local or {}) | d.incoming for d in ds]),
                            strict=True):
            titles[id(d)] = title
        tt = tables_by_name().get(table)
        ids = sorted({d.holder for d in ds if d.holder})
        if tt is not None and ids:
            rows = []
            for part in chunks(ids):
                rows.extend(tt.encode_row(r) for r in session.execute(
                    select(tt.table).where(tt.table.c.id.in_(part))).mappings())
            for row, title in zip(rows, travelling_titles(session, table, rows), strict=True):
                holders[(table, row["id"])] = title
    out = []
    for d in wanted:
        origin = d.incoming.get("origin")
        out.append(RecordNote(
            package=package, sender=sender, table=d.table, table_label=table_label(d.table), id=d.id,
            remote_id=d.remote_id, action=d.action, label=titles[id(d)],
            reason=reason_of(d, holders.get((d.table, d.holder), "")),
            origin=towns.get(origin, str(origin or "")) if isinstance(origin, str) else "",
            deleted=bool(d.incoming.get("deleted")), fields=_diffs(session, d, towns),
            deleting=d.action == "update" and d.write.get("deleted") is True,
        ))
    return out + county_deletion_notes(session, plan, package=package, sender=sender, towns=towns)


def county_deletion_notes(session: Session, plan: ImportPlan, *, package: str = "", sender: str = "",
                          towns: dict[str, str] | None = None) -> list[RecordNote]:
    """A line 删除 for each record of ours the county deleted (its decision, `resolutions` of kind
    delete): the record's name, who deleted it at the county, and that it is deleted here too."""
    items = [r for r in plan.resolutions if r.get("kind") == DELETION]
    if not items:
        return []
    towns = towns if towns is not None else org_names(session)
    by_name = tables_by_name()
    rows: dict[tuple[str, str], dict] = {}
    for table in sorted({r["table"] for r in items}):
        tt = by_name[table]
        for part in chunks(sorted({r["id"] for r in items if r["table"] == table})):
            rows.update(((table, r["id"]), tt.encode_row(r)) for r in session.execute(
                select(tt.table).where(tt.table.c.id.in_(part))).mappings())
    titles: dict[tuple[str, str], str] = {}
    for table in sorted({r["table"] for r in items}):
        mine = [rows[k] for k in rows if k[0] == table]
        titles.update(((table, row["id"]), title) for row, title in zip(mine, travelling_titles(session, table, mine),
                                                                         strict=True))
    out = []
    for r in items:
        row = rows.get((r["table"], r["id"]), {})
        by = f"（操作人：{r['by']}）" if r.get("by") else ""
        out.append(RecordNote(
            package=package, sender=sender, table=r["table"], table_label=table_label(r["table"]), id=r["id"],
            remote_id="", action=DELETION, label=titles.get((r["table"], r["id"]), ""),
            reason=f"县总工会删除了这条记录{by}，本机将一并删除",
            origin=towns.get(row.get("origin"), str(row.get("origin") or "")), deleted=True,
            fields=(FieldDiff("deleted", "县总工会已删除", "未删除", "删除", "将更新"),), deleting=True,
        ))
    return out
