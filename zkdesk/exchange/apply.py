"""Writing an ImportPlan in the caller's transaction: records in foreign-key order with bulk
statements, the per-record exchange state, conflicts for the reviewer, receipts received.

Nothing here commits: the caller's one transaction per package makes it all or nothing.
"""

from __future__ import annotations

import json
import os
import time
from collections import defaultdict
from operator import itemgetter
from pathlib import Path

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from zkdesk.exchange.conflicts import acknowledge_resolutions
from zkdesk.exchange.forms import acknowledge_forms
from zkdesk.exchange.plan import ORG_FIELD_TYPES, Decision, ImportPlan
from zkdesk.exchange.refused import names_every_refusal, refused_in
from zkdesk.exchange.state import acknowledge, chunks, upsert_states
from zkdesk.exchange.tables import tables_by_name, travelling_tables
from zkdesk.services import audit
from zkdesk.store.base import utcnow
from zkdesk.store.bulk import execute_many
from zkdesk.store.engine import KEEP_REVISIONS
from zkdesk.store.models import OrgUnit
from zkdesk.store.models.exchange import ExchangeAlias, ExchangeConflict, ExchangePeer, ExchangeReceipt
from zkdesk.store.sealed import keyed_hashes

# Tests set this to a file path: once half the tables are written, the import writes the file
# and sleeps inside its transaction, so a test can kill the process at that point.
PAUSE_ENV = "ZKDESK_TEST_PAUSE_IMPORT"


def _pause_for_tests() -> None:
    marker = os.environ.get(PAUSE_ENV)
    if marker:
        Path(marker).write_text("paused", encoding="utf-8")
        time.sleep(600)


def _apply_org_units(session: Session, units: list[dict]) -> None:
    for unit in sorted(units, key=lambda u: (len(u["code"]), u["code"])):
        row = session.get(OrgUnit, unit["code"])
        if row is None:
            row = OrgUnit(code=unit["code"])
            session.add(row)
        for key in ORG_FIELD_TYPES:
            setattr(row, key, unit[key])
        session.flush()


def _write_records(session: Session, decisions: list[Decision]) -> None:
    by_table: dict[str, list[Decision]] = defaultdict(list)
    for d in decisions:
        if d.write and d.action in ("new", "update", "conflict"):
            by_table[d.table].append(d)
    names = tables_by_name()
    order = [tt.name for tt in travelling_tables() if tt.name in by_table]
    for n, name in enumerate(order, start=1):
        t = names[name].table
        new = [d.write for d in by_table[name] if d.action == "new"]
        execute_many(session, t.insert(), new)
        groups: dict[tuple, list[dict]] = defaultdict(list)
        for d in by_table[name]:
            if d.action != "new":
                write = keyed_hashes(session.get_bind(), name, d.write)  # a sealed value's hash, with our key
                groups[tuple(sorted(write))].append({"_id": d.id, **{f"v_{c}": v for c, v in write.items()}})
        for columns, params in groups.items():
            stmt = update(t).where(t.c.id == bindparam("_id")).values({c: bindparam(f"v_{c}") for c in columns})
            execute_many(session, stmt, params)
        if n == (len(order) + 1) // 2:
            _pause_for_tests()


def _write_aliases(session: Session, plan: ImportPlan) -> None:
    """Link the sender's UUIDs to our records found by natural key, so later packages from
    either side name the same record; a link is the sender's only (ExchangeAlias)."""
    links = {(d.table, d.remote_id): d.id for d in plan.decisions if d.remote_id and d.action != "reject"}
    if not links:
        return
    known = set()
    for table in {t for t, _ in links}:
        remote = [r for t, r in links if t == table]
        for part in chunks(remote):
            known.update((table, r) for r in session.scalars(select(ExchangeAlias.remote_id).where(
                ExchangeAlias.peer_code.in_(("", plan.sender)), ExchangeAlias.table_name == table,
                ExchangeAlias.remote_id.in_(part))))
    session.add_all(ExchangeAlias(table_name=t, remote_id=r, local_id=local, peer_code=plan.sender, created_at=utcnow())
                    for (t, r), local in links.items() if (t, r) not in known)


_encode_json = json.JSONEncoder(sort_keys=True, separators=(",", ":")).encode


def _base_way(keys: tuple) -> tuple | None:
    """How a base with these keys (in this order) is written: a getter of its values in key order
    and the JSON around them; None when a key needs escaping (the JSON encoder writes it)."""
    order = sorted(keys)
    if not all(isinstance(k, str) and '"' not in k and "\\" not in k and k.isprintable() for k in order):
        return None
    get = itemgetter(*order) if len(order) > 1 else (lambda base: (base[order[0]],))
    return get, '{"' + '","'.join(k.replace("%", "%%") + '":"%s' for k in order) + '"}'


_BASE_WAYS: dict[tuple, tuple | None] = {}


def encode_base(base: dict[str, str]) -> str:
    """The agreed per-field hashes as JSON, sorted by field: written for every record of a
    package, whose records of one table share their fields, so the JSON around the values is
    made once per set of fields and the usual values (hex hashes, nothing to escape) are put
    in directly; anything else goes through the JSON encoder."""
    if not base:
        return "{}"
    keys = tuple(base)
    way = _BASE_WAYS.get(keys, False)
    if way is False:
        if len(_BASE_WAYS) > 1000:  # a few per table in practice
            _BASE_WAYS.clear()
        way = _BASE_WAYS[keys] = _base_way(keys)
    if way is not None:
        values = way[0](base)
        try:
            joined = "".join(values)
        except TypeError:  # a value that is not text
            joined = '"'
        if '"' not in joined and "\\" not in joined and joined.isprintable():
            return way[1] % values
    return _encode_json(base)


def _write_states(session: Session, plan: ImportPlan) -> None:
    """One state row per record judged: its remote revision and agreed hashes; the revision the
    peer has of ours only where it is known (else an existing row keeps its own)."""
    sender = plan.sender
    with_ack, without = [], []
    for d in plan.decisions:
        if d.base is None:
            continue
        # every column (as upsert_states would fill them), so the rows are written as they are
        row = {"peer_code": sender, "table_name": d.table, "record_id": d.id, "remote_revision": d.remote_revision,
               "base_hashes": encode_base(d.base), "sent_revision": 0, "sent_seq": 0, "acked_revision": 0}
        if d.acked is None:
            without.append(row)
        else:
            row["acked_revision"] = d.acked
            with_ack.append(row)
    upsert_states(session, with_ack, ("remote_revision", "base_hashes", "acked_revision"))
    upsert_states(session, without, ("remote_revision", "base_hashes"))


def _write_conflicts(session: Session, plan: ImportPlan, sequence: int) -> None:
    for d in plan.decisions:
        if d.action != "conflict":
            continue
        older = session.scalars(
            select(ExchangeConflict).where(
                ExchangeConflict.peer_code == plan.sender, ExchangeConflict.table_name == d.table,
                ExchangeConflict.record_id == d.id, ExchangeConflict.status == "open",
            )
        )
        for c in older:
            c.status = "superseded"
        session.add(ExchangeConflict(
            peer_code=plan.sender, sequence=sequence, table_name=d.table, record_id=d.id,
            remote_revision=d.remote_revision, local_json=json.dumps(d.local, ensure_ascii=False),
            remote_json=json.dumps(d.incoming, ensure_ascii=False), fields=json.dumps(d.conflict_fields), status="open",
        ))


def _write_receipts(session: Session, plan: ImportPlan) -> int:
    """Store the peer's receipts for our packages and mark what they confirmed; returns how
    many were new to us."""
    peer = session.get(ExchangePeer, plan.sender)
    fresh = 0
    for receipt in plan.receipts:
        seq = receipt["sequence"]
        details = json.dumps(receipt, ensure_ascii=False, sort_keys=True)
        row = session.get(ExchangeReceipt, (plan.sender, seq))
        if row is None:
            session.add(ExchangeReceipt(peer_code=plan.sender, sequence=seq, status=receipt.get("status", ""),
                                        details=details, received_at=utcnow()))
            fresh += 1
        elif row.details != details:
            row.status, row.details = receipt.get("status", ""), details
        if names_every_refusal(receipt):  # else the whole package goes again (exchange/refused.py)
            acknowledge(session, plan.sender, seq, refused_in(session, plan.sender, receipt))
        acknowledge_resolutions(session, plan.sender, seq)
        if "forms" in receipt:  # a receiver that knows forms took or rejected them; an older one ignored them
            acknowledge_forms(session, plan.sender, seq)
        if peer is not None and seq > peer.acked_out_seq:
            peer.acked_out_seq = seq
    return fresh


def _write_resolutions(session: Session, plan: ImportPlan, username: str) -> None:
    names = tables_by_name()
    for r in plan.resolutions:
        t = names[r["table"]].table
        session.execute(update(t).where(t.c.id == r["id"]).values(
            r["write"] | {"revision": r["revision"] + 1, "updated_at": utcnow()}))
        audit.record(session, username, "exchange_deletion" if r.get("kind") == "delete" else "exchange_resolution",
                     r["table"], r["id"],
                     {"old": r["old"], "new": r["new"], "peer": plan.sender, "by": r["by"]})


def apply_plan(session: Session, plan: ImportPlan, sequence: int, username: str = "") -> int:
    """Write the plan; returns the number of receipts new to us."""
    session.info[KEEP_REVISIONS] = True  # records keep the revisions they arrived with
    try:
        _apply_org_units(session, plan.org_units)
        _write_records(session, plan.decisions)
        _write_aliases(session, plan)
        fresh = _write_receipts(session, plan)  # before the states: they may confirm more
        _write_states(session, plan)
        _write_conflicts(session, plan, sequence)
        _write_resolutions(session, plan, username)
        session.flush()
    finally:
        session.info.pop(KEEP_REVISIONS, None)
    return fresh
