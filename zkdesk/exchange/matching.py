"""Our records for a package's, read in bulk: found by UUID, by a link learnt before
(`exchange_alias`) or by natural key (`store/natural_keys.py`), for the decisions of incoming.py;
and a record as the import will leave it, for the field rules that read it beside another.
Reads the database, writes nothing; the links found in a package are kept for its import.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from zkdesk.exchange.state import chunks, present_ids
from zkdesk.exchange.tables import TravellingTable, tables_by_name
from zkdesk.services.record_rules import ORG_UNIT, READ_BESIDE
from zkdesk.store.models import OrgUnit
from zkdesk.store.models.exchange import ExchangeAlias
from zkdesk.store.natural_keys import NaturalKey, keys_for
from zkdesk.store.sealed import hash_for, hmac_column


class Matcher:
    """One package's reads of our records, for one sender (whose links are read)."""

    def __init__(self, session: Session, sender: str):
        self.s = session
        self.sender = sender
        self._aliases: dict[str, dict[str, str]] = {}
        self._natural: dict[str, list] = {}
        self._after: dict[str, dict[str, dict]] = {t: {} for t in READ_BESIDE}  # the package's accepted records
        self._stored: dict[tuple[str, str], dict | None] = {}
        self._org_units: dict[str, dict] | None = None  # by code, as the import leaves them (record_after)
        self._incoming_units: list[dict] = []

    # -- the sender's UUIDs read as ours ---------------------------------------------------
    def aliases(self, table: str) -> dict[str, str]:
        """remote UUID -> our UUID for one table: the links learnt from this sender and the
        merges made here (the sender's own winning), plus those found in this package. A link
        learnt from another office is not read: its UUIDs are not this sender's."""
        if table not in self._aliases:
            rows = self.s.execute(
                select(ExchangeAlias.remote_id, ExchangeAlias.local_id)
                .where(ExchangeAlias.table_name == table, ExchangeAlias.peer_code.in_(("", self.sender)))
                .order_by(ExchangeAlias.peer_code)).all()  # "" first: the sender's links override
            self._aliases[table] = dict(rows)
        return self._aliases[table]

    def translate(self, tt: TravellingTable, rows: list[dict]) -> None:
        """Read UUIDs we know under another name (the record's own and its references) as ours."""
        own = self.aliases(tt.name)
        parents = [(column, self.aliases(parent)) for column, parent in tt.parents]
        for row in rows:
            inc, dec = row["inc"], row["dec"]
            if inc["id"] in own:
                inc["id"] = dec["id"] = own[inc["id"]]
            for column, known in parents:
                ref = inc.get(column)
                if ref is not None and ref in known:
                    inc[column] = dec[column] = known[ref]

    def natural_index(self, tt: TravellingTable) -> list[tuple[NaturalKey, dict[tuple, str]]]:
        """Per natural key: key value -> our record, a live one before a tombstone."""
        if tt.name in self._natural:
            return self._natural[tt.name]
        out = []
        t = tt.table
        for key in keys_for(tt.name, tt.unique_sets):
            cols = tuple(dict.fromkeys(key.fields + key.unless_set))
            read = {c: hmac_column(tt.name, c) if c in key.keyed else c for c in cols}  # keyed: the hash, not the value
            found: dict[tuple, str] = {}
            rows = self.s.execute(select(t.c.id, t.c.deleted, *(t.c[read[c]] for c in cols)).order_by(t.c.deleted.desc(), t.c.id))
            for r in rows:
                value = key.of({c: tt.encode_value(read[c], v) for c, v in zip(cols, r[2:], strict=True)})
                if value is not None:
                    found[value] = r[0]  # live rows come last and win
            out.append((key, found))
        self._natural[tt.name] = out
        return out

    def match(self, tt: TravellingTable, rows: list[dict], local: dict[str, dict]) -> None:
        """A record new to us by UUID but matching one of ours by natural key is that record."""
        missing = [r for r in rows if r["inc"]["id"] not in local]
        if not missing or not keys_for(tt.name, tt.unique_sets):
            return
        index = self.natural_index(tt)
        bind = self.s.get_bind()

        def hasher(value):  # the sender's plain value, hashed with our key
            return hash_for(bind, value)

        if not any(values for _, values in index):
            return  # nothing here to match (a first package into an empty register)
        claimed = {r["inc"]["id"] for r in rows if r["inc"]["id"] in local}
        found: dict[int, str] = {}
        for n, row in enumerate(missing):
            for key, values in index:
                value = key.of(row["inc"], hasher)
                ours = values.get(value) if value is not None else None
                if ours is not None and ours not in claimed:
                    found[n] = ours
                    claimed.add(ours)
                    break
        local.update(self.load_local(tt, sorted(set(found.values()))))
        own = self.aliases(tt.name)
        for n, ours in found.items():
            row = missing[n]
            row["inc"]["id"] = row["dec"]["id"] = ours
            own[row["remote"]] = ours

    # -- a record as the import leaves it --------------------------------------------------
    def keeps_after(self, table: str) -> bool:
        """Whether the field rules read this table's records beside another's (record_after)."""
        return table in self._after

    def taking(self, table: str, rid: str, final: dict) -> None:
        """The import takes this record of such a table (encoded, as it will be stored)."""
        self._after[table][rid] = final

    def taking_org_units(self, units: list[dict]) -> None:
        """The org units the package adds or changes (the county's list), for record_after."""
        self._incoming_units = list(units)
        self._org_units = None

    def record_after(self, table: str, rid: str) -> dict | None:
        """A record of a table the field rules read beside another (a nomination's 届次) as the
        import leaves it: the package's accepted one, else ours (encoded), or None; an org unit
        (ORG_UNIT) by its code."""
        if table == ORG_UNIT:
            if self._org_units is None:
                self._org_units = {u["code"]: dict(u) for u in self.s.execute(select(OrgUnit.__table__)).mappings()}
                self._org_units.update((u["code"], u) for u in self._incoming_units)
            return self._org_units.get(rid)
        found = self._after[table].get(rid)
        if found is None:
            if (table, rid) not in self._stored:
                self._stored[table, rid] = self.load_local(tables_by_name()[table], [rid]).get(rid)
            found = self._stored[table, rid]
        return found

    # -- bulk reads -----------------------------------------------------------------------
    def load_local(self, tt: TravellingTable, ids: list[str]) -> dict[str, dict]:
        out = {}
        ids = present_ids(self.s, tt.table.c.id, ids)
        for part in chunks(ids):
            for r in self.s.execute(select(tt.table).where(tt.table.c.id.in_(part))).mappings():
                out[r["id"]] = tt.encode_row(r)
        return out

    def load_parent_ids(self, tt: TravellingTable, rows: list[dict]) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        by_name = tables_by_name()
        for column, parent in tt.parents:
            refs = sorted({r["inc"].get(column) for r in rows} - {None})
            found = out.setdefault(parent, set())
            p = by_name[parent].table
            for part in chunks(refs):
                found.update(self.s.scalars(select(p.c.id).where(p.c.id.in_(part))))
        return out

    def load_unique_keys(self, tt: TravellingTable) -> dict[tuple, dict[tuple, str]]:
        out = {}
        for cols in tt.unique_sets:
            t = tt.table
            rows = self.s.execute(select(t.c.id, *(t.c[c] for c in cols))).all()
            out[cols] = {
                tuple(tt.encode_value(c, v) for c, v in zip(cols, r[1:], strict=True)): r[0]
                for r in rows
                if None not in r[1:]
            }
        return out
