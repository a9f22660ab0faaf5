"""Use case: write a package for a peer (township → county report; county → township)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from zkdesk.domain.orgcodes import COUNTY_CODE, is_county
from zkdesk.domain.roles import Permission
from zkdesk.exchange.conflicts import RESOLUTIONS_KEY, mark_resolutions_sent, resolutions_for
from zkdesk.exchange.container import package_file_name, seal, unseal
from zkdesk.exchange.deletions import county_deletions
from zkdesk.exchange.forms import FORMS_KEY, forms_to_send, mark_forms_sent
from zkdesk.exchange.outgoing import mark_sent, org_units, receipts_for, select_records
from zkdesk.exchange.safefile import write_verified
from zkdesk.output.catalog import user_forms_dir
from zkdesk.services import audit
from zkdesk.services.actor import Actor
from zkdesk.services.errors import UserError
from zkdesk.services.exchange_keys import get_peer, office_keys, unb64
from zkdesk.services.settings import office_code
from zkdesk.store.base import utcnow
from zkdesk.store.engine import Database
from zkdesk.store.models import ExchangeLogEntry, OrgUnit

MAX_NAMED = 10  # records named in a warning


@dataclass
class ExportResult:
    path: Path
    receiver: str
    receiver_name: str
    sequence: int
    kind: str  # report | county | setup
    counts: dict[str, int] = field(default_factory=dict)  # records per table
    receipts: int = 0
    forms: list[str] = field(default_factory=list)  # form files carried (county → township)
    warnings: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def to_json(self) -> dict:
        return {"file": self.path.name, "path": str(self.path), "receiver": self.receiver, "sequence": self.sequence,
                "kind": self.kind, "records": self.total, "tables": self.counts, "receipts": self.receipts,
                "forms": self.forms, "warnings": self.warnings}


def townships(session: Session) -> list[OrgUnit]:
    return list(session.scalars(
        select(OrgUnit).where(OrgUnit.level == "township", OrgUnit.parent_code == COUNTY_CODE, OrgUnit.active.is_(True))
        .order_by(OrgUnit.sort_order)
    ))


def _receiver(session: Session, me: str, wanted: str | None) -> OrgUnit:
    if is_county(me):
        if not wanted:
            raise UserError("县总工会导出时请用 --for 指定乡镇代码")
        unit = session.get(OrgUnit, wanted)
        if unit is None or unit.level != "township" or unit.parent_code != COUNTY_CODE:
            raise UserError(f"{wanted} 不是本县所属乡镇的统计用区划代码")
        return unit
    if wanted and wanted != COUNTY_CODE:
        raise UserError(f"乡镇只能向县总工会（{COUNTY_CODE}）报送数据包，不能发给 {wanted}")
    return session.get(OrgUnit, COUNTY_CODE)


def export_package(session: Session, actor: Actor, to_dir: Path, receiver: str | None = None, full: bool = False,
                   now: datetime | None = None, forms_dir: Path | None = None) -> ExportResult:
    """Write one package for `receiver` into `to_dir`; the counters advance with the session.

    From the county, the package carries the office's own form files in `forms_dir` that the
    township has not confirmed (never in the clear set-up package: see exchange/forms.py).
    """
    actor.require(Permission.EXCHANGE)
    keys = office_keys(session)
    me = keys.code
    unit = _receiver(session, me, receiver)
    peer = get_peer(session, unit.code)
    if not is_county(me) and not peer.box_key:
        raise UserError("尚未导入过县总工会发来的数据包（其中含县总工会的公钥），无法加密报送。请先导入县总工会的数据包。")
    setup = not peer.box_key  # county → a township it has no key for yet: catalog only, in clear
    kind = "setup" if setup else ("county" if is_county(me) else "report")
    records = select_records(session, me, unit.code, full, setup)
    receipts = [] if setup else receipts_for(session, unit.code)
    payload = {"records": records, "receipts": receipts}
    resolutions, settled = ([], []) if setup else resolutions_for(session, unit.code)
    if is_county(me) and not setup:  # the county's deletions of the township's own records
        resolutions = resolutions + county_deletions(session, unit.code)
    if resolutions:
        payload[RESOLUTIONS_KEY] = resolutions
    forms, warnings = [], []
    if is_county(me):
        payload["org_units"] = org_units(session)
        if not setup and forms_dir is not None:
            forms, warnings = forms_to_send(session, unit.code, Path(forms_dir), full)
            payload[FORMS_KEY] = [f.to_payload() for f in forms]
    if not setup:
        warnings.extend(resent_refused(session, actor, unit, records))
    now = now or utcnow()
    peer.last_out_seq += 1
    seq = peer.last_out_seq
    data = seal(keys, receiver=unit.code, sequence=seq, kind=kind, created=now,
                payload=json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8"),
                receiver_box_key=None if setup else unb64(peer.box_key))
    mark_sent(session, unit.code, seq, records)
    mark_forms_sent(session, unit.code, seq, forms)
    mark_resolutions_sent(session, settled, seq)
    name = package_file_name(me, unit.code, now.astimezone(), seq, is_county(me))
    path = write_verified(Path(to_dir) / name, data, lambda back: unseal(back, name))
    counts = {table: len(block["rows"]) for table, block in records.items()}
    summary = {"records": sum(counts.values()), "tables": counts, "receipts": len(receipts), "kind": kind, "full": full,
               "forms": [f.name for f in forms]}
    session.add(ExchangeLogEntry(direction="out", peer_code=unit.code, sequence=seq, file_name=name, status="exported",
                                 summary=json.dumps(summary, ensure_ascii=False), username=actor.username))
    audit.record(session, actor.username, "exchange_export", "package", f"{unit.code}#{seq}", {"new": summary | {"file": name}})
    return ExportResult(path, unit.code, unit.name, seq, kind, counts, len(receipts), [f.name for f in forms], warnings)


def resent_refused(session: Session, actor: Actor, unit: OrgUnit, records: dict[str, dict]) -> list[str]:
    """A warning naming the records this package carries again because the receiver refused
    them last time, with its reason (exchange/refused.py)."""
    from zkdesk.exchange.refused import refused_records

    carried = {(table, row[block["columns"].index("id")]) for table, block in records.items() for row in block["rows"]}
    again = [r for r in refused_records(session, actor, peer=unit.code) if (r.table, r.id) in carried]
    if not again:
        return []
    named = "；".join(f"{r.table_label}“{r.label}”（第{r.sequence}号数据包被拒收：{r.reason}）" for r in again[:MAX_NAMED])
    more = f"等{len(again)}条" if len(again) > MAX_NAMED else ""
    county = unit.code == COUNTY_CODE
    tab, who = ("上级拒收", "县总工会") if county else ("乡镇拒收", unit.short_name or unit.name)
    return [f"重新报送上次被{who}拒收的记录：{named}{more}。未更正的记录会再次被拒收，"
            f"请在“数据交换 → {tab}”中查看"]


def export_packages(db: Database, actor: Actor, to_dir: Path, for_code: str | None = None,
                    full: bool = False, forms_dir: Path | None = None) -> list[ExportResult]:
    """The county without --for writes one package per township; each is its own transaction.

    `forms_dir`: the office's own forms folder; by default the one in the database's data directory.
    """
    to_dir = Path(to_dir)
    if forms_dir is None:
        if db.path is None:
            raise ValueError("a server database has no data directory of its own: pass forms_dir")
        forms_dir = user_forms_dir(Path(db.path).parent)
    forms_dir = Path(forms_dir)
    if not to_dir.is_dir():
        raise UserError(f"导出目录不存在：{to_dir}")
    with db.session() as s:
        me = office_code(s)
        targets = [u.code for u in townships(s)] if is_county(me) and not for_code else [for_code]
    results = []
    for code in targets:
        with db.session() as s:
            results.append(export_package(s, actor, to_dir, code, full, forms_dir=forms_dir))
    return results
