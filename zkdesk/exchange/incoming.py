"""Deciding, record by record, what an opened package would change: new, updated, unchanged,
conflicting or rejected (with a reason). Reads the database, writes nothing (see apply.py).

Rules (docs/architecture.md "Data that travels"):
  - only the fields the sender decides are taken (ownership.py);
  - a revision not newer than the one last taken from this peer changes nothing, so an older
    package after a newer one rolls nothing back and the same package twice is a no-op;
  - a field changed here and there since the last exchange (per-field hashes of the agreed
    value, kept in ExchangeRecordState) is a conflict; fields changed on one side only merge.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from operator import itemgetter

from sqlalchemy import select
from sqlalchemy.orm import Session

from zkdesk.domain.orgcodes import COUNTY_CODE
from zkdesk.exchange.matching import Matcher
from zkdesk.exchange.ownership import META_FIELDS, county_owns_record, owned_fields, staged_fields, takes_staged
from zkdesk.exchange.peer_resolutions import take_resolutions
from zkdesk.exchange.plan import DELETED, ORG_FIELD_TYPES, Decision, ImportPlan
from zkdesk.exchange.refused import names_every_refusal, refused_in
from zkdesk.exchange.state import load_states
from zkdesk.exchange.tables import BadValue, TravellingTable, field_hasher, tables_by_name, travelling_tables, value_hashes
from zkdesk.services.indicator_values import level_problem
from zkdesk.services.record_labels import field_label, table_label
from zkdesk.services.record_rules import package_record_problem
from zkdesk.store.base import utcnow
from zkdesk.store.models import Indicator, OrgUnit
from zkdesk.store.state_hashes import FieldHasher

_SAME = {"str": (str,), "int": (int,), "bool": (bool,), "float": (float,)}  # types a column's decoder keeps as they are
_NONE: frozenset[str] = frozenset()


def _column_default(tt: TravellingTable, name: str):
    default = tt.table.c[name].default
    if default is not None and default.is_scalar:
        return default.arg
    return None


@dataclass(frozen=True)
class _NewWay:
    """What taking a new record of one table from one origin involves (_Planner._new_way)."""

    defaults: tuple[tuple[str, object, object], ...]  # (column, value, encoded): fields not taken
    staged: tuple[tuple[str, frozenset[str], object, object], ...]  # taken only by their value, else default
    plain: tuple[str, ...]  # fields the sender decides, hashed plainly for the agreed state
    personal: tuple[str, ...]  # those hashed with our key (personal numbers)
    may_be_stale: bool  # the county decides something of it: the township's copy may need it back


class _Planner:
    def __init__(self, session: Session, sender: str, receiver: str):
        self.s = session
        self._indicators: dict | None = None  # the plans' indicators, read when a value is judged
        self.sender = sender
        self.receiver = receiver
        self.by_county = sender == COUNTY_CODE
        self.plan = ImportPlan(sender, receiver)
        self.org_codes = set(session.scalars(select(OrgUnit.code)))
        self.accepted: dict[str, set[str]] = {}  # table -> ids present after the import
        self.refused_new: dict[str, set[str]] = {}
        # our packages the package's receipts confirm -> {table: our ids} each refused (not confirmed)
        self.receipt_refusals: dict[int, dict[str, dict[str, str]]] = {}
        self._owned: dict[tuple, tuple[tuple[str, ...], frozenset[str]]] = {}
        self.matcher = Matcher(session, sender)  # our records for the package's (matching.py)
        self._new_ways: dict[str, _NewWay] = {}
        self._hashers: dict[str, FieldHasher] = {}

    def hasher(self, table: str) -> FieldHasher:
        """The agreed state's field hashes for `table` (personal numbers keyed), made once."""
        if table not in self._hashers:
            self._hashers[table] = field_hasher(self.s, table)
        return self._hashers[table]

    def owned(self, table: str, origin: str, columns: tuple[str, ...], by_county: bool) -> frozenset[str]:
        key = (table, origin, by_county)  # `columns` is the table's known columns (self.known): one set per table
        found = self._owned.get(key)
        if found is None or found[0] is not columns:
            found = self._owned[key] = (columns, owned_fields(table, origin, columns, by_county))
        return found[1]

    def reject(self, table: str, rid: str, reason: str, incoming: dict | None = None) -> None:
        self.plan.decisions.append(Decision(table, rid, "reject", reason, incoming or {}))

    # -- checks of one row --------------------------------------------------------------
    def _origin_problem(self, table: str, origin: str) -> str:
        if origin not in self.org_codes:
            return f"来源单位 {origin} 不存在"
        if not self.by_county:
            if origin != self.sender:
                return f"记录属于 {origin}，不能由 {self.sender} 报送"
            if county_owns_record(table, origin):
                return "由县总工会决定的记录，不接受乡镇报送"
            return ""
        if origin not in (COUNTY_CODE, self.receiver):
            return f"记录属于 {origin}，不是本单位的"
        return ""

    def _reference_problem(self, tt: TravellingTable, values: dict, ref_ok) -> str:
        for column in tt.org_columns:
            code = values.get(column)
            if code is not None and code not in self.org_codes:
                return f"{field_label(tt.name, column)}填的单位代码 {code} 在本机不存在"
            if code is not None and not self.by_county and code != self.sender:
                return f"{field_label(tt.name, column)}为 {code}：乡镇只能报送本乡镇的记录"
        for column, parent in tt.parents:
            ref = values.get(column)
            if ref is not None and not ref_ok(parent, ref):
                return f"所引用的{field_label(tt.name, column)}在本机没有，数据包里也没有或未被接收"
        return ""

    def _level_problem(self, table: str, record: dict) -> str:
        """A value of an indicator the org unit does not report (a township's value of a county
        task, services.indicator_values.level_problem): refused with the reason; its tombstone is not."""
        if table != "indicator_value" or record.get("deleted") in (True, 1):
            return ""
        if self._indicators is None:
            self._indicators = {i.id: i for i in self.s.scalars(select(Indicator))}
        ind = self._indicators.get(record.get("indicator_id"))
        refusal = level_problem(ind, record.get("org_code") or "") if ind is not None else ""
        return f"{ind.code} {ind.name}：{refusal}" if refusal else ""

    # -- one table ----------------------------------------------------------------------
    def table(self, tt: TravellingTable, block: dict) -> None:
        cols = block["columns"]
        known = [c for c in cols if c in tt.kinds]
        unknown = [c for c in cols if c not in tt.kinds]
        if unknown:
            self.plan.warnings.append(
                f"{table_label(tt.name)}中有{len(unknown)}项本程序不认识的内容，已忽略（对方的 zkdesk 较新？）")
        missing = [c for c in tt.columns if c not in known]
        required = [c for c in missing if c not in tt.nullable and _column_default(tt, c) is None]
        idx = {c: i for i, c in enumerate(cols)}
        whole = not unknown  # every column known: a row is read in one step
        # a value already of its column's own type is its own decoding (text, whole numbers,
        # flags: most of a package); the others go through their column's decoder
        as_is = {c: _SAME.get(tt.kinds[c], ()) + ((type(None),) if c in tt.nullable else ()) for c in known}
        raw_rows = block["rows"]
        # only the columns holding a value of another type somewhere are decoded row by row
        # (dates, times; the rest is found in one pass over the column)
        decoders = [(c, tt.decoder(c), as_is[c]) for c in known
                    if not set(map(type, map(itemgetter(idx[c]), raw_rows))).issubset(as_is[c])]
        rows: list[dict] = []
        origin_problems: dict[str, str] = {}  # the same few origins in every row
        for raw in raw_rows:
            inc = dict(zip(cols, raw, strict=True)) if whole else {c: raw[idx[c]] for c in known}
            rid = inc.get("id")
            if not isinstance(rid, str) or not 0 < len(rid) <= 36:
                self.reject(tt.name, str(rid)[:36], "记录编号无效", inc)
                continue
            if not isinstance(inc.get("origin"), str) or isinstance(inc.get("revision"), bool) \
                    or not isinstance(inc.get("revision"), int) or inc["revision"] < 1:
                self.reject(tt.name, rid, "记录的来源或版本号无效", inc)
                continue
            origin = inc["origin"]
            problem = origin_problems.get(origin)
            if problem is None:
                problem = origin_problems[origin] = self._origin_problem(tt.name, origin)
            if problem:
                self.reject(tt.name, rid, problem, inc)
                continue
            try:
                decoded = dict(inc) if whole else {c: inc[c] for c in known}
                for c, decode, same in decoders:
                    if decoded[c].__class__ not in same:
                        decoded[c] = decode(decoded[c])
            except (BadValue, ValueError, TypeError):
                bad = next(c for c in known if not tt.decodes(c, inc[c]))
                self.reject(tt.name, rid, f"{field_label(tt.name, bad)}的值无效（{str(inc[bad])[:40]}）", inc)
                continue
            rows.append({"inc": inc, "dec": decoded, "remote": rid})
        self.known = tuple(known)
        self.required = required  # only a new record needs them
        self._new_ways = {}  # per origin, for this table and its known columns

        self.matcher.translate(tt, rows)
        local = self.matcher.load_local(tt, [r["inc"]["id"] for r in rows])
        self.matcher.match(tt, rows, local)
        ids = [r["inc"]["id"] for r in rows]
        states = load_states(self.s, self.sender, tt.name, ids)
        uniques = self.matcher.load_unique_keys(tt)
        parent_ids = self.matcher.load_parent_ids(tt, rows)

        def ref_ok(parent: str, ref: str) -> bool:
            return ref in self.accepted.get(parent, _NONE) or (
                ref in parent_ids.get(parent, _NONE) and ref not in self.refused_new.get(parent, _NONE)
            )

        all_columns = frozenset(tt.columns)
        accepted = self.accepted.setdefault(tt.name, set())
        refused = self.refused_new.setdefault(tt.name, set())
        kept_after = self.matcher.keeps_after(tt.name)  # read beside another table's records by its field rules
        for row in rows:
            inc, dec = row["inc"], row["dec"]
            rid = inc["id"]
            loc = local.get(rid)
            matched = row["remote"] != rid
            d = self._decide_new(tt, inc, dec) if loc is None else self._decide_existing(
                tt, inc, dec, loc, states.get(rid), matched)
            if d.action in ("new", "update", "conflict"):
                final = d.final if loc is None else loc | {c: tt.encode_value(c, v) for c, v in d.write.items()}
                touched = all_columns if loc is None else set(d.write)
                checked = final if loc is None else {c: final.get(c) for c in touched}
                problem, holder = self._reference_problem(tt, checked, ref_ok), ""
                if not problem:  # the form's and the Excel import's field rules (services/record_rules.py)
                    problem = package_record_problem(tt.name, d.write, loc, {f: dec[f] for f in d.conflict_fields}
                                                     if d.conflict_fields else None, self.matcher.record_after)
                if not problem:
                    problem = self._level_problem(tt.name, final)
                if not problem:
                    problem, holder = self._unique_problem(tt, rid, final, uniques, touched)
                if problem:
                    d = Decision(tt.name, rid, "reject", problem, inc, loc, holder=holder)
            if matched:
                d.remote_id = row["remote"]
            if d.action == "reject" and loc is None:
                refused.add(rid)
            elif d.action != "reject":
                accepted.add(rid)
                if kept_after and d.action != "unchanged":
                    self.matcher.taking(tt.name, rid, final)
            self.plan.decisions.append(d)

    def _decide_new(self, tt: TravellingTable, inc: dict, dec: dict) -> Decision:
        origin, rid, rev = inc["origin"], inc["id"], inc["revision"]
        if self.required:
            return Decision(tt.name, rid, "reject",
                            f"缺少必填项：{'、'.join(field_label(tt.name, c) for c in self.required)}", inc)
        way = self._new_way(tt, origin)
        write, final = dec, inc  # decoded to write, encoded to compare (the row's own: copied to change)
        if way.defaults or way.staged:
            write, final = dict(dec), dict(inc)
        for c, default, encoded in way.defaults:
            # a field the sender does not decide, or does not know
            write[c], final[c] = default, encoded
        for c, stages, default, encoded in way.staged:
            if not (c in inc and takes_staged(stages, None, inc[c], self.by_county)):
                write[c], final[c] = default, encoded
        base = value_hashes(way.plain, inc)  # most fields: a plain hash, remembered per value
        if way.personal:
            hasher = self.hasher(tt.name)
            base.update((f, hasher.of(f, inc[f])) for f in way.personal)
        acked = 0 if way.may_be_stale and self._township_is_stale(tt, origin, inc, final) else rev
        return Decision(tt.name, rid, "new", incoming=inc, write=write, base=base, remote_revision=rev, acked=acked,
                        final=final)

    def _new_way(self, tt: TravellingTable, origin: str) -> _NewWay:
        """How a new record of `tt` from `origin` is taken: the same for every such record of the
        table, found once (a package brings thousands)."""
        way = self._new_ways.get(origin)  # of this table, with its known columns (table() starts afresh)
        if way is not None:
            return way
        owned = self.owned(tt.name, origin, self.known, self.by_county)
        staged = staged_fields(tt.name, origin)
        # A record under our own code that we never had: the county typed it in for us (from a
        # paper report, as counties do), or it was made here after the backup we restored. The
        # county's copy is the only one: it is taken whole, not just the county's fields.
        if self.by_county and origin == self.receiver:
            skipped, conditional = [c for c in tt.columns if c not in self.known], []
        else:
            not_taken = self._not_taken(tt, origin, owned, staged)
            skipped = [c for c in not_taken if not (c in staged and c in self.known)]
            conditional = [c for c in not_taken if c in staged and c in self.known]

        def default(c):
            value = _column_default(tt, c)
            return value, tt.encode_value(c, value)

        personal = self.hasher(tt.name).personal
        way = self._new_ways[origin] = _NewWay(
            defaults=tuple((c, *default(c)) for c in skipped),
            staged=tuple((c, staged[c], *default(c)) for c in conditional),
            plain=tuple(sorted(owned - personal)), personal=tuple(sorted(owned & personal)),
            may_be_stale=not self.by_county and bool(self.owned(tt.name, origin, self.known, True)
                                                     or staged_fields(tt.name, origin)))
        return way

    def _not_taken(self, tt: TravellingTable, origin: str, owned: frozenset[str], staged: dict) -> tuple[str, ...]:
        """Columns a new record from `origin` may not take from the package (a staged one
        only by its value)."""
        present = set(self.known)
        return tuple(c for c in tt.columns if c not in present or c in staged or not (c in META_FIELDS or c in owned))

    def _township_is_stale(self, tt: TravellingTable, origin: str, inc: dict, ours: dict) -> bool:
        """At the county: the township's copy disagrees with a county decision on this record,
        so the record must go back to it (even though its revision here may be confirmed)."""
        if self.by_county:
            return False
        county_fields = self.owned(tt.name, origin, self.known, True)
        staged = staged_fields(tt.name, origin)
        if not county_fields and not staged:  # the county decides nothing of it (most tables)
            return False
        if any(inc[f] != ours.get(f) for f in county_fields):
            return True
        return any(
            f in inc and ours.get(f) not in stages and inc[f] != ours.get(f)
            for f, stages in staged.items()
        )

    def _decide_existing(self, tt: TravellingTable, inc: dict, dec: dict, loc: dict, state: dict | None,
                         matched: bool = False) -> Decision:
        """`matched`: the sender's record has another UUID and was found by its natural key.
        Without a shared history it is the sender's to update when the record is the sender's
        (same origin); made here under another origin, every differing field is a conflict."""
        rid, rev, origin = inc["id"], inc["revision"], inc["origin"]
        same_origin = loc["origin"] == origin
        if not same_origin and not matched:
            return Decision(tt.name, rid, "reject", f"来源单位不一致（本地 {loc['origin']}，数据包 {origin}）", inc, loc)
        if state is not None and rev <= state["remote_revision"]:
            return Decision(tt.name, rid, "unchanged", incoming=inc, local=loc)  # same or older: roll nothing back
        owned = self.owned(tt.name, origin, self.known, self.by_county)
        base = json.loads(state["base_hashes"]) if state else {}
        if matched:
            local_newer = state is None and not same_origin
        else:
            local_newer = state is None and loc["revision"] > rev  # no shared history: trust revisions
        hasher = self.hasher(tt.name)
        hashes = {f: hasher.of(f, inc[f]) for f in owned}  # the sender's values, hashed once per record
        changes, conflicts = {}, []
        for f in sorted(owned):
            theirs, ours = inc[f], loc[f]
            if theirs == ours:
                continue
            agreed = base.get(f)
            changed_there = agreed is None or not hasher.agrees(f, theirs, agreed, hashes[f])
            changed_here = not hasher.agrees(f, ours, agreed) if agreed is not None else local_newer
            if changed_there and changed_here:
                conflicts.append(f)
            elif changed_there:
                changes[f] = dec[f]
        if changes.get(DELETED) is True and (conflicts or self._edited_here(owned, inc, loc, base, local_newer, hasher)):
            # 对方已删除 a record changed here since the last exchange: nothing of it is taken
            # until the clerk keeps ours or takes the deletion, every differing field with it
            conflicts = [DELETED, *sorted(f for f in owned if f != DELETED and inc[f] != loc[f])]
            changes = {}
        for f, stages in staged_fields(tt.name, origin).items():
            if f in inc and inc[f] != loc[f] and takes_staged(stages, loc[f], inc[f], self.by_county):
                changes[f] = dec[f]
        new_base = dict(base) | {f: h for f, h in hashes.items() if f not in conflicts}
        acked = None
        if changes:
            new_rev = max(loc["revision"] + 1, rev)
            nothing_pending = state is None or loc["revision"] <= self._acked(tt.name, rid, state)
            changes["revision"] = new_rev
            changes["updated_at"] = dec["updated_at"] if new_rev == rev and "updated_at" in dec else utcnow()
            acked = new_rev if nothing_pending else None
        if self._township_is_stale(tt, origin, inc, loc):
            acked = 0
        action = "conflict" if conflicts else ("update" if changes else "unchanged")
        return Decision(tt.name, rid, action, incoming=inc, local=loc, write=changes, base=new_base,
                        remote_revision=rev, acked=acked, conflict_fields=conflicts)

    @staticmethod
    def _edited_here(owned: frozenset[str], inc: dict, loc: dict, base: dict, local_newer: bool, hasher) -> bool:
        """Whether a field the sender decides was changed here since the last exchange, to a
        value the sender does not have."""
        for f in owned:
            if f == DELETED or inc[f] == loc[f]:
                continue
            agreed = base.get(f)
            if (not hasher.agrees(f, loc[f], agreed)) if agreed is not None else local_newer:
                return True
        return False

    def _acked(self, table: str, rid: str, state: dict) -> int:
        """Our revision the peer has, counting the receipts in this very package as apply.py
        writes them (state.acknowledge): a record its receipt refused is not confirmed by it,
        nor is anything of a package whose receipt does not name every refusal."""
        refused = self.receipt_refusals.get(state["sent_seq"])
        if refused is not None and rid not in refused.get(table, _NONE):
            return max(state["acked_revision"], state["sent_revision"])
        return state["acked_revision"]

    def _unique_problem(self, tt: TravellingTable, rid: str, final: dict, uniques,
                        touched: set[str]) -> tuple[str, str]:
        """(reason, our record it duplicates) when the record would break a unique constraint."""
        for cols, keys in uniques.items():
            if touched.isdisjoint(cols):
                continue
            key = tuple(map(final.get, cols))
            if None in key:
                continue
            holder = keys.get(key)
            if holder is not None and holder != rid:
                same = "、".join(field_label(tt.name, c) for c in cols)
                return f"与本机已有的另一条记录重复（{same}相同）", holder
            keys[key] = rid
        return "", ""

    # -- the rest of the payload ---------------------------------------------------------------
    def org_units(self, units: list[dict]) -> None:
        if not self.by_county:
            return  # org units are the county's
        for unit in units:
            local = self.s.get(OrgUnit, unit["code"])
            if local is None or any(getattr(local, k) != unit[k] for k in ORG_FIELD_TYPES):
                self.plan.org_units.append(unit)
            self.org_codes.add(unit["code"])
        self.matcher.taking_org_units(self.plan.org_units)  # a studio's township is read as they will be


def plan_import(session: Session, payload: dict, sender: str, receiver: str) -> ImportPlan:
    planner = _Planner(session, sender, receiver)
    planner.receipt_refusals = {r["sequence"]: refused_in(session, sender, r) for r in payload.get("receipts", [])
                                if names_every_refusal(r)}
    planner.org_units(payload.get("org_units", []))
    records = payload.get("records", {})
    by_name = tables_by_name()
    for tt in travelling_tables():
        if tt.name in records:
            planner.table(tt, records[tt.name])
    for name in sorted(set(records) - set(by_name)):
        for raw in records[name]["rows"]:
            rid = raw[records[name]["columns"].index("id")]
            planner.reject(name, str(rid)[:36], "本程序不认识的数据类别（对方的 zkdesk 较新？）")
    planner.plan.receipts = list(payload.get("receipts", []))
    take_resolutions(session, planner.plan, planner.matcher, planner.by_county, payload.get("resolutions", []))
    return planner.plan
