"""One app-wide broadcast of what changed, so views refresh themselves and never reach
into one another.

An operation (ui/ops.py) announces the rows its session wrote, by table; the bus turns them
into kinds of records. `changed(kind)` is emitted once per kind, `records_changed(Changes)`
once per announcement with the ids as well.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Signal

# Kinds of records, as carried by the `changed` signal.
INDICATORS = "indicators"
NOMINATIONS = "nominations"
STUDIOS = "studios"
ENTERPRISES = "enterprises"
PLANS = "plans"
USERS = "users"
SETTINGS = "settings"
EXCHANGE = "exchange"
AUDIT = "audit"
NARRATIVES = "narratives"  # the typed words of evaluation reports
ALL = "all"  # after an import or a restore; also for a table not listed below

# Which kind each table's rows belong to. A new table is listed here; until it is, a change
# to it is announced as ALL (every view refreshes when next seen: slower, never stale).
TABLE_KINDS: dict[str, str] = {
    "indicator_value": INDICATORS, "indicator_target": INDICATORS, "year_lock": INDICATORS,
    "indicator_baseline": INDICATORS, "milestone": INDICATORS,
    "plan": PLANS, "plan_item": PLANS, "indicator": PLANS, "department": PLANS, "indicator_duty": PLANS,
    "award_session": NOMINATIONS, "nomination": NOMINATIONS, "nomination_step": NOMINATIONS,
    "studio": STUDIOS, "studio_member": STUDIOS, "studio_result": STUDIOS,
    "enterprise": ENTERPRISES, "enterprise_year": ENTERPRISES, "enterprise_union": ENTERPRISES,
    "collective_contract": ENTERPRISES, "contract_coverage": ENTERPRISES, "quality_evaluation": ENTERPRISES,
    "app_user": USERS, "setting": SETTINGS, "audit_log": AUDIT, "org_unit": ALL,
    "exchange_peer": EXCHANGE, "exchange_record_state": EXCHANGE, "exchange_inbound": EXCHANGE,
    "exchange_receipt": EXCHANGE, "exchange_conflict": EXCHANGE, "exchange_form_state": EXCHANGE,
    "exchange_log": EXCHANGE, "exchange_alias": EXCHANGE, "evaluation_narrative": NARRATIVES,
}


# Rows whose kind is not their table's: the audit chain's head (store/audit_head.py) is a setting
# (with its HMAC) that every logged change moves, which is news for the log, not a change of the settings.
ROW_KINDS: dict[tuple[str, object], str] = {("setting", key): AUDIT for key in ("audit_head", "audit_head_mac")}


# What another window's or PC's write touched, read from the audit entries it logged (ui/change_watch.py):
# an entry's entity is mostly its table's name; these are the others. An entity not known here (an
# import of a package, a restore, a backup) is announced as ALL.
ENTITY_KINDS: dict[str, str] = {
    "contract": ENTERPRISES, "user": USERS, "exchange_key": EXCHANGE, "form": EXCHANGE,
    "personal_data": AUDIT, "audit_log": AUDIT,
}
# Actions that also write the exchange's own tables, whatever record they name.
ACTION_KINDS: dict[str, str] = {
    "resolve_conflict": EXCHANGE, "exchange_deletion": EXCHANGE, "exchange_resolution": EXCHANGE,
}


def kinds_of_entries(entries) -> frozenset[str]:
    """The kinds of the (entity, action) pairs of audit entries: ALL for an entity not known, AUDIT
    always (the entries themselves are news for the log)."""
    kinds = {AUDIT}
    for entity, action in entries:
        kinds.add(ENTITY_KINDS.get(entity) or TABLE_KINDS.get(entity) or ALL)
        if action in ACTION_KINDS:
            kinds.add(ACTION_KINDS[action])
    return frozenset(kinds)


@dataclass(frozen=True)
class Changes:
    kinds: frozenset[str]
    rows: dict[str, set] = field(default_factory=dict)  # table -> primary keys

    def touches(self, *kinds: str) -> bool:
        return ALL in self.kinds or any(k in self.kinds for k in kinds)


def kinds_of(tables) -> frozenset[str]:
    return frozenset(TABLE_KINDS.get(t, ALL) for t in tables)


def kinds_of_rows(rows: dict[str, set]) -> frozenset[str]:
    """The kinds of the rows a session wrote: by table, except the rows listed in ROW_KINDS."""
    kinds: set[str] = set()
    for table, keys in rows.items():
        for key in keys or (None,):
            kinds.add(ROW_KINDS.get((table, key)) or TABLE_KINDS.get(table, ALL))
    return frozenset(kinds)


class ChangeBus(QObject):
    changed = Signal(str)
    records_changed = Signal(object)  # Changes

    def notify(self, *kinds: str) -> None:
        """Announce kinds of records as changed (an import, a restore, a file written)."""
        if kinds:
            self._emit(Changes(frozenset(kinds)))

    def announce(self, rows: dict[str, set]) -> None:
        """Announce the rows a session wrote, by table (store.engine.CHANGES)."""
        kinds = kinds_of_rows(rows)
        if kinds:
            self._emit(Changes(kinds, dict(rows)))

    def _emit(self, changes: Changes) -> None:
        self.records_changed.emit(changes)
        for kind in sorted(changes.kinds):
            self.changed.emit(kind)
