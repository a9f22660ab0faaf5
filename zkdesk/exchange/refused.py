"""Records of ours a peer refused: named, with the peer's reason, until it accepts them.

A receipt lists the records the receiver refused (`rejected_records`: table, its id, the sender's
id as `yours`, the reason; and `rejected_forms`). Such a record is not confirmed by the receipt
(`state.acknowledge` leaves it out): it goes again with the next package to that peer, and stays
listed here (数据交换 → 上级拒收 / 乡镇拒收, `package status --json`'s `refused_records`, the
import result) until a receipt for a later package that carried it does not refuse it. The list
is read from the stored receipts and the exchange state; nothing else is kept.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from zkdesk.domain.orgcodes import is_county
from zkdesk.domain.roles import Permission
from zkdesk.exchange.state import STATE, chunks
from zkdesk.exchange.tables import tables_by_name
from zkdesk.services.actor import Actor
from zkdesk.services.record_labels import table_label, travelling_titles
from zkdesk.store.models import OrgUnit
from zkdesk.store.models.exchange import ExchangeAlias, ExchangeFormState, ExchangeReceipt

FORM = "form"  # a form definition file the township refused (the table column of a RefusedRecord)


@dataclass(frozen=True)
class RefusedRecord:
    peer_code: str
    peer_name: str  # the peer's short name
    table: str  # a travelling table, or FORM
    table_label: str
    id: str  # our record's id (a form's file name)
    label: str  # the record's Chinese name
    reason: str  # the peer's reason, in its words
    sequence: int  # our package the peer refused it in
    resent_in: int  # a later package of ours carrying it again (waiting for its receipt), else 0
    will_resend: bool  # it goes with our next package to the peer

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.peer_code, self.table, self.id)

    @property
    def status_text(self) -> str:
        if self.resent_in:
            return f"已随第{self.resent_in}号数据包重新报送，等待对方回执"
        if self.table == FORM:
            return "修改该报表定义后随下一个数据包重新下发"
        if self.will_resend:
            return "将随下一个数据包重新报送；如内容有误，请先更正"
        return "请更正后重新报送"

    def to_json(self) -> dict:
        return {"peer": self.peer_code, "peer_name": self.peer_name, "table": self.table,
                "table_label": self.table_label, "id": self.id, "label": self.label, "reason": self.reason,
                "refused_in": self.sequence, "resent_in": self.resent_in or None, "will_resend": self.will_resend,
                "status": self.status_text}


def _items(receipt: dict, key: str) -> list[dict]:
    items = receipt.get(key)
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def refused_in(session: Session, peer: str, receipt: dict) -> dict[str, dict[str, str]]:
    """{table: {our id: reason}} of the records `receipt` (from `peer`) says it refused. A receipt
    names the sender's id as `yours`; an older zkdesk's names only its own, found through the
    links learnt from that peer."""
    out: dict[str, dict[str, str]] = {}
    names = tables_by_name()
    for item in _items(receipt, "rejected_records"):
        table, rid, yours = item.get("table"), item.get("id"), item.get("yours")
        if table not in names or not isinstance(rid, str):
            continue
        ours = yours if isinstance(yours, str) and yours else None
        if ours is None:
            ours = session.scalar(select(ExchangeAlias.local_id).where(
                ExchangeAlias.table_name == table, ExchangeAlias.remote_id == rid,
                ExchangeAlias.peer_code == peer)) or rid
        reason = item.get("reason")
        out.setdefault(table, {})[ours] = reason if isinstance(reason, str) else ""
    return out


def _stored_receipts(session: Session, peer: str | None) -> dict[tuple[str, int], dict]:
    stmt = select(ExchangeReceipt)
    if peer is not None:
        stmt = stmt.where(ExchangeReceipt.peer_code == peer)
    out: dict[tuple[str, int], dict] = {}
    for row in session.scalars(stmt):
        try:
            receipt = json.loads(row.details or "{}")
        except ValueError:
            continue
        if isinstance(receipt, dict):
            out[(row.peer_code, row.sequence)] = receipt
    return out


def refused_records(session: Session, actor: Actor, peer: str | None = None,
                    pending: list[dict] | tuple = ()) -> list[RefusedRecord]:
    """Our records (and, at the county, forms) a peer refused and has not accepted since, in the
    order refused; `peer` limits it to one peer. `pending` are receipts from `peer` in a package
    not imported yet (its preview): the list is the one the import will leave, as if they were
    stored and had confirmed what they confirm (apply.py), nothing being written."""
    actor.require(Permission.VIEW)
    receipts = _stored_receipts(session, peer)
    confirmed: set[tuple[str, int]] = set()  # packages of ours a pending receipt confirms
    forms_confirmed: set[tuple[str, int]] = set()  # and whose forms it confirms (forms.acknowledge_forms)
    if pending:
        if peer is None:
            raise ValueError("pending receipts come from one peer: name it")
        for receipt in pending:
            receipts[(peer, receipt["sequence"])] = receipt
            if names_every_refusal(receipt):
                confirmed.add((peer, receipt["sequence"]))
            if "forms" in receipt:
                forms_confirmed.add((peer, receipt["sequence"]))
    latest: dict[tuple[str, str, str], tuple[int, str]] = {}  # (peer, table, our id) -> (package, reason)
    forms: dict[tuple[str, str], tuple[int, str]] = {}
    for (peer_code, sequence), receipt in sorted(receipts.items()):
        for table, ids in refused_in(session, peer_code, receipt).items():
            for rid, reason in ids.items():
                latest[(peer_code, table, rid)] = (sequence, reason)
        if is_county(actor.office_code):
            for f in _items(receipt, "rejected_forms"):
                if isinstance(f.get("name"), str):
                    forms[(peer_code, f["name"])] = (sequence, str(f.get("reason") or ""))
    if not latest and not forms:
        return []
    peers = dict(session.execute(select(OrgUnit.code, OrgUnit.short_name)).all())
    out: list[RefusedRecord] = []
    names = tables_by_name()
    for table in sorted({k[1] for k in latest}):
        tt = names[table]
        keys = [k for k in latest if k[1] == table]
        ids = sorted({k[2] for k in keys})
        rows: dict[str, dict] = {}
        states: dict[tuple[str, str], dict] = {}
        for part in chunks(ids):
            rows.update((r["id"], tt.encode_row(r)) for r in session.execute(
                select(tt.table).where(tt.table.c.id.in_(part))).mappings())
            states.update(((r["peer_code"], r["record_id"]), dict(r)) for r in session.execute(
                select(STATE).where(STATE.c.table_name == table, STATE.c.record_id.in_(part))).mappings())
        keys = [k for k in keys if k[2] in rows]
        titles = dict(zip([k[2] for k in keys], travelling_titles(session, table, [rows[k[2]] for k in keys]),
                          strict=True))
        for peer_code, _, rid in keys:
            refused_seq, reason = latest[(peer_code, table, rid)]
            state = states.get((peer_code, rid))
            if state is None:
                continue
            sent_later = state["sent_seq"] > refused_seq
            acked = state["acked_revision"]
            if sent_later and (peer_code, state["sent_seq"]) in confirmed:
                acked = max(acked, state["sent_revision"])  # the pending receipt takes it (state.acknowledge)
            if sent_later and acked >= state["sent_revision"]:
                continue  # a later package carried it and the peer took it
            out.append(RefusedRecord(
                peer_code, peers.get(peer_code, peer_code), table, table_label(table), rid, titles[rid], reason,
                refused_seq, state["sent_seq"] if sent_later else 0, rows[rid]["revision"] > acked))
    if forms:
        form_states = {(s.peer_code, s.name): s for s in session.scalars(select(ExchangeFormState))}
        for (peer_code, name), (refused_seq, reason) in forms.items():
            s = form_states.get((peer_code, name))
            if s is not None and s.sent_seq > refused_seq and (
                    s.acked_sha256 == s.sent_sha256 or (peer_code, s.sent_seq) in forms_confirmed):
                continue
            resent = s.sent_seq if s is not None and s.sent_seq > refused_seq else 0
            out.append(RefusedRecord(peer_code, peers.get(peer_code, peer_code), FORM, "报表定义", name, name, reason,
                                     refused_seq, resent, False))
    out.sort(key=lambda r: (r.peer_code, r.sequence, r.table_label, r.label))
    return out


def names_every_refusal(receipt: dict) -> bool:
    """Whether the receipt lists every record it refused (it names at most MAX_LISTED of them,
    exchange/importing.py): when it does not, nothing of that package is taken as confirmed, so
    no refused record passes for delivered; what the peer took is found unchanged next time."""
    count = receipt.get("rejected")
    return not isinstance(count, int) or count <= len(_items(receipt, "rejected_records"))
