"""What the exchange page and `zkdesk keys show` list: this office's key, peers, the log."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from zkdesk.domain.roles import Permission
from zkdesk.services.actor import Actor
from zkdesk.services.exchange_keys import PeerRow, list_peers, office_fingerprint, office_keys
from zkdesk.services.settings import office_code
from zkdesk.store.models import ExchangeLogEntry, OrgUnit
from zkdesk.store.models.exchange import ExchangeReceipt

STATUS_LABELS = {
    "exported": "已导出", "applied": "已导入", "duplicate": "重复，未改动",
    "accepted": "全部接收", "accepted_with_issues": "部分接收（有冲突或拒收）",
}


@dataclass(frozen=True)
class KeysOverview:
    office_code: str
    fingerprint: str
    peers: list[PeerRow]

    def to_json(self) -> dict:
        return {
            "office": self.office_code, "fingerprint": self.fingerprint,
            "peers": [{"code": p.code, "name": p.name, "fingerprint": p.fingerprint,
                       "trusted_at": p.trusted_at.isoformat() if p.trusted_at else None, "trusted_by": p.trusted_by,
                       "last_sent": p.last_out_seq, "last_confirmed": p.acked_out_seq} for p in self.peers],
        }


def keys_overview(session: Session, actor: Actor) -> KeysOverview:
    actor.require(Permission.VIEW)
    code = office_code(session)
    if not office_fingerprint(session):
        office_keys(session)  # an office without keys yet gets them now
    return KeysOverview(code, office_fingerprint(session), list_peers(session, actor))


@dataclass(frozen=True)
class LogRow:
    at: datetime
    direction: str  # out | in
    peer_code: str
    peer_name: str
    sequence: int
    file_name: str
    status: str
    summary: dict
    username: str
    receipt: str  # for packages sent: the peer's receipt, if it came back


def exchange_log(session: Session, actor: Actor, limit: int = 300) -> list[LogRow]:
    actor.require(Permission.VIEW)
    names = dict(session.execute(select(OrgUnit.code, OrgUnit.short_name)).all())
    receipts = {(r.peer_code, r.sequence): r.status for r in session.scalars(select(ExchangeReceipt))}
    rows = session.scalars(select(ExchangeLogEntry).order_by(ExchangeLogEntry.id.desc()).limit(limit))
    out = []
    for e in rows:
        receipt = receipts.get((e.peer_code, e.sequence), "") if e.direction == "out" else ""
        out.append(LogRow(e.at, e.direction, e.peer_code, names.get(e.peer_code, e.peer_code), e.sequence, e.file_name,
                          e.status, json.loads(e.summary or "{}"), e.username, receipt))
    return out
