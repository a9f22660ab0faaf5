"""Use case: preview and import packages (one transaction per package), with the checks that
refuse a package before anything is written: damage, signature, receiver, sender, trusted key.
"""

from __future__ import annotations

import json
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from zkdesk.domain.orgcodes import COUNTY_CODE, is_county
from zkdesk.domain.roles import Permission
from zkdesk.exchange.apply import apply_plan
from zkdesk.exchange.container import (
    MAX_FILE_BYTES,
    SUFFIX,
    PackageRefused,
    Sealed,
    claimed_sender,
    open_payload,
    unseal,
)
from zkdesk.exchange.forms import (
    FORMS_KEY,
    FormDecision,
    check_forms_shape,
    form_counts,
    plan_forms,
    record_forms,
    rejected_forms,
    write_forms,
)
from zkdesk.exchange.explain import RecordNote, explain
from zkdesk.exchange.incoming import plan_import
from zkdesk.exchange.ownership import COUNTY_TABLES
from zkdesk.exchange.plan import DELETION, ImportPlan, check_payload_shape
from zkdesk.exchange.refused import RefusedRecord, refused_records
from zkdesk.output.catalog import user_forms_dir
from zkdesk.services import audit
from zkdesk.services.actor import Actor
from zkdesk.services.errors import UserError
from zkdesk.services.record_labels import field_label
from zkdesk.services.exchange_keys import (
    accept_rotated_key,
    normalise_fingerprint,
    office_keys,
    rotated_key,
    trust_peer_key,
    unb64,
)
from zkdesk.services.settings import office_code
from zkdesk.store.bulk import paused_gc
from zkdesk.store.dumps import backup_into
from zkdesk.store.engine import LONG_WAIT_MS, Database
from zkdesk.store.models import ExchangeLogEntry, OrgUnit
from zkdesk.store.models.exchange import ExchangeInbound, ExchangePeer
from zkdesk.store.writer_lock import long_write

MAX_LISTED = 200  # rejected records / conflicts named in a receipt
# refused records named in a receipt: the sender takes the rest of that package as delivered only
# when every refusal is named (exchange/refused.py names_every_refusal)
MAX_REFUSALS_NAMED = 2000
MAX_NAMED = 10  # records named in a warning


@dataclass
class PackageResult:
    file: str
    path: Path
    sender: str = ""
    sender_name: str = ""
    sender_short: str = ""
    sequence: int | None = None
    created: datetime | None = None
    kind: str = ""
    counts: dict[str, int] = field(default_factory=lambda: dict(new=0, updated=0, unchanged=0, conflicts=0, rejected=0))
    error: str | None = None
    error_code: str = ""
    fingerprint: str = ""  # the sender's key, for the confirmation by phone
    applied: bool = False
    duplicate: bool = False
    skipped: bool = False  # found in a folder but not for this office
    warnings: list[str] = field(default_factory=list)
    rejected: list[dict] = field(default_factory=list)
    conflicts: list[dict] = field(default_factory=list)
    receipts: int = 0
    form_counts: dict[str, int] = field(default_factory=lambda: dict(new=0, updated=0, unchanged=0, rejected=0))
    rejected_forms: list[dict] = field(default_factory=list)
    form_decisions: list[FormDecision] = field(default_factory=list, repr=False)  # written once committed
    records: list[RecordNote] = field(default_factory=list, repr=False)  # what happens to each record, and why
    reject_reasons: dict[str, int] = field(default_factory=dict, repr=False)  # reason -> records refused for it
    # our records the sender refused and has not accepted since, once its receipts are written (a
    # preview: as the import will leave them)
    refused_by_peer: list[RefusedRecord] = field(default_factory=list, repr=False)

    def to_json(self) -> dict:
        return {
            "file": self.file, "sender": self.sender, "sequence": self.sequence, **self.counts, "error": self.error,
            "created": self.created.isoformat() if self.created else None, "applied": self.applied,
            "duplicate": self.duplicate, "skipped": self.skipped, "warnings": self.warnings,
            "rejected_records": self.rejected, "conflict_records": self.conflicts,
            "forms": self.form_counts, "rejected_forms": self.rejected_forms,
            "records": [n.to_json() for n in self.records],
            "refused_by_peer": [r.to_json() for r in self.refused_by_peer],
        }

    @property
    def note(self) -> str:
        """The 说明 of the package: what it will do (or did), why not, and what to look at."""
        if self.error:
            return self.error
        c = self.counts
        parts = []
        if not self.duplicate:
            done = "已" if self.applied else "将"
            what = [f"{done}新增{c['new']}条" if c["new"] else "", f"{done}更新{c['updated']}条" if c["updated"] else "",
                    f"{c['unchanged']}条与本机相同" if c["unchanged"] else ""]
            if any(what) or not (c["conflicts"] or c["rejected"]):
                parts.append("，".join(w for w in what if w) or "没有需要改动的记录")
            if c["conflicts"]:
                parts.append(f"{c['conflicts']}条两边都改过（冲突），导入后到“冲突”页选择保留哪一方")
            if c["rejected"]:
                top = "；".join(f"{why}（{n}条）" for why, n in
                               sorted(self.reject_reasons.items(), key=lambda kv: -kv[1])[:3])
                parts.append(f"拒收{c['rejected']}条：{top}")
        parts.extend(self.warnings)
        if not self.error and self.records:
            parts.append("双击下方的记录查看详情")
        return "；".join(parts)


def read_package(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise PackageRefused(f"文件 {path.name} 超过数据包大小上限，未导入。", "too_large")
        return path.read_bytes()
    except FileNotFoundError:
        raise PackageRefused(f"找不到文件 {path}", "missing") from None
    except OSError as exc:
        raise PackageRefused(f"无法读取 {path.name}（{exc.strerror or exc}）：U盘是否已拔出？", "unreadable") from None


def _unit_name(session: Session, code: str, short: bool = False) -> str:
    unit = session.get(OrgUnit, code)
    return (unit.short_name if short else unit.name) if unit else code


def _check_parties(session: Session, sealed: Sealed, me: str, name: str) -> None:
    sender, receiver = sealed.sender, sealed.receiver
    if sender == me:
        raise PackageRefused(f"{name} 是本单位自己导出的数据包，应交给{_unit_name(session, receiver)}导入。", "own_package")
    if receiver != me:
        raise PackageRefused(
            f"{name} 是{_unit_name(session, sender)}发给{_unit_name(session, receiver)}的数据包，"
            f"不是发给本单位（{_unit_name(session, me)}）的，未导入。", "other_office")
    unit = session.get(OrgUnit, sender)
    allowed = (unit is not None and unit.level == "township" and unit.parent_code == COUNTY_CODE) if is_county(me) \
        else sender == COUNTY_CODE
    if not allowed:
        raise PackageRefused(f"{name} 的发送单位 {sender} 不是本单位的交换对象，未导入。", "sender")
    if not sealed.header["encrypted"] and not (sealed.kind == "setup" and sender == COUNTY_CODE):
        raise PackageRefused(f"{name} 没有加密，未导入。", "unencrypted")


def _check_key(session: Session, sealed: Sealed, trust: set[str], name: str) -> bool | str:
    """True when the sender's key still has to be stored as trusted (first sight, confirmed);
    "rotated" when it replaces the trusted one, vouched for by it (`keys rotate`)."""
    peer = session.get(ExchangePeer, sealed.sender)
    sender = f"{_unit_name(session, sealed.sender)}（{sealed.sender}）"
    if peer is not None and peer.sign_key:
        if peer.fingerprint != sealed.fingerprint and _rotated_from(peer.sign_key, sealed):
            return "rotated"
        if peer.fingerprint != sealed.fingerprint:
            raise PackageRefused(
                f"{name} 的密钥与已信任的{sender}密钥不一致（已信任 {peer.fingerprint}，数据包 {sealed.fingerprint}），"
                "可能是伪造的数据包，未导入。如对方确实重装了 zkdesk，请电话核实后由管理员删除旧密钥再导入。",
                "key_changed", fingerprint=sealed.fingerprint)
        return False
    if sealed.fingerprint not in trust:
        raise PackageRefused(
            f"首次收到{sender}的数据包，其密钥尚未被信任。请打电话与对方核对密钥指纹 {sealed.fingerprint}，"
            "一致后再确认信任并导入（命令行：--trust-new-key 指纹）。未作任何改动。",
            "untrusted_key", fingerprint=sealed.fingerprint, sender=sealed.sender)
    return True


def _rotated_from(trusted_sign_key: str, sealed: Sealed) -> bool:
    return rotated_key(unb64(trusted_sign_key), sealed.key_changes, sealed.sign_key, sealed.box_key)


def _gaps(session: Session, sender: str, sequence: int) -> list[int]:
    seen = set(session.scalars(select(ExchangeInbound.sequence).where(ExchangeInbound.peer_code == sender))) | {sequence}
    return sorted(set(range(1, max(seen) + 1)) - seen)


def gap_message(missing: list[int]) -> str:
    shown = "、".join(str(n) for n in missing[:10]) + ("等" if len(missing) > 10 else "")
    return f"缺少第{shown}号数据包"


def _receipt(plan: ImportPlan, forms: list[FormDecision], file_name: str) -> dict:
    counts = plan.counts
    rejected = [{"table": d.table, "id": d.id, "yours": d.remote_id or d.id, "reason": d.reason}
                for d in plan.decisions if d.action == "reject"]
    conflicts = [{"table": d.table, "id": d.id, "fields": d.conflict_fields} for d in plan.decisions if d.action == "conflict"]
    bad_forms = rejected_forms(forms)
    status = "accepted" if not rejected and not conflicts and not bad_forms else "accepted_with_issues"
    return {"status": status, "file": file_name, **counts, "rejected_records": rejected[:MAX_REFUSALS_NAMED],
            "conflict_records": conflicts[:MAX_LISTED], "forms": form_counts(forms), "rejected_forms": bad_forms}


def import_package(session: Session, actor: Actor, path: Path, *, forms_dir: Path, dry_run: bool = False,
                   trust: set[str] | None = None, data: bytes | None = None, backup: str = "") -> PackageResult:
    """Preview (dry_run) or import one package in the caller's transaction (see _import_package)."""
    with paused_gc():
        return _import_package(session, actor, path, forms_dir=forms_dir, dry_run=dry_run, trust=trust, data=data,
                               backup=backup)


def _import_package(session: Session, actor: Actor, path: Path, *, forms_dir: Path, dry_run: bool = False,
                    trust: set[str] | None = None, data: bytes | None = None, backup: str = "") -> PackageResult:
    """Preview (dry_run) or import one package in the caller's transaction.

    Raises PackageRefused (a Chinese message) before anything is written when the package is
    refused; the caller rolls back. `trust` holds fingerprints the user confirmed by phone.
    Form files the package brings are only planned here (result.form_decisions): the caller
    writes them into `forms_dir` with write_forms once the transaction has committed.
    """
    actor.require(Permission.EXCHANGE)
    path = Path(path)
    name = path.name
    data = read_package(path) if data is None else data
    sealed = unseal(data, name)
    keys = office_keys(session)
    _check_parties(session, sealed, keys.code, name)
    new_key = _check_key(session, sealed, {normalise_fingerprint(t) for t in (trust or ())}, name)
    payload = open_payload(sealed, keys, name)
    check_payload_shape(payload, name)
    check_forms_shape(payload, name)
    if sealed.kind == "setup" and (set(payload.get("records", {})) - COUNTY_TABLES or payload.get("receipts")
                                   or payload.get(FORMS_KEY)):
        raise PackageRefused(f"{name} 是未加密的设置数据包，却含有规划目录以外的内容，未导入。", "content")
    if new_key == "rotated" and not dry_run:
        accept_rotated_key(session, actor, sealed.sender, sealed.sign_key, sealed.box_key)
    elif new_key and not dry_run:
        trust_peer_key(session, actor, sealed.sender, sealed.sign_key, sealed.box_key)

    result = PackageResult(file=name, path=path, sender=sealed.sender, sender_name=_unit_name(session, sealed.sender),
                           sender_short=_unit_name(session, sealed.sender, short=True),
                           sequence=sealed.sequence, created=sealed.created, kind=sealed.kind, fingerprint=sealed.fingerprint)
    plan = plan_import(session, payload, sealed.sender, keys.code)
    result.counts = counts = plan.counts  # counted once: thousands of decisions
    result.warnings = list(plan.warnings)
    result.records = explain(session, plan, package=name, sender=result.sender_short, everything=dry_run)
    deleted_by_county = [n for n in result.records if n.action == DELETION]
    if deleted_by_county:
        names = "、".join(f"{n.table_label}“{n.label}”" for n in deleted_by_county[:MAX_NAMED])
        more = "等" if len(deleted_by_county) > MAX_NAMED else ""
        result.warnings.insert(0, f"县总工会删除了本单位的{len(deleted_by_county)}条记录：{names}{more}，"
                                  "将照此删除（可在操作日志中查看）")
    notes = {(n.table, n.id): n for n in result.records}
    for d in plan.decisions:
        if d.action == "reject":
            result.reject_reasons[d.reason] = result.reject_reasons.get(d.reason, 0) + 1
    result.rejected = [{"table": d.table, "id": d.id, "reason": notes[d.table, d.id].reason,
                        "label": notes[d.table, d.id].label, "table_label": notes[d.table, d.id].table_label}
                       for d in plan.decisions if d.action == "reject"]
    result.conflicts = [{"table": d.table, "id": d.id, "fields": d.conflict_fields, "label": notes[d.table, d.id].label,
                         "reason": notes[d.table, d.id].reason, "table_label": notes[d.table, d.id].table_label,
                         "field_labels": [field_label(d.table, f) for f in d.conflict_fields]}
                        for d in plan.decisions if d.action == "conflict"]
    forms = plan_forms(session, payload.get(FORMS_KEY, []), sealed.sender, sealed.sequence, Path(forms_dir))
    result.form_counts, result.rejected_forms = form_counts(forms), rejected_forms(forms)
    result.warnings.extend(f"{f['reason']}（未接收）" for f in result.rejected_forms)
    before = session.scalars(select(ExchangeInbound).where(
        ExchangeInbound.peer_code == sealed.sender, ExchangeInbound.sequence == sealed.sequence)).all()
    result.duplicate = any(r.digest == sealed.digest for r in before)
    if result.duplicate:
        result.warnings.insert(0, f"该数据包（第{sealed.sequence}号）已经导入过，不会重复改动")
    elif before:
        result.warnings.append(f"此前已导入过另一份第{sealed.sequence}号数据包（对方可能恢复过备份），已按版本号逐条比较")
    missing = _gaps(session, sealed.sender, sealed.sequence)
    if missing:
        result.warnings.append(gap_message(missing))
    if dry_run:
        if plan.receipts and not result.duplicate:  # what the import will leave listed, its receipts read
            result.refused_by_peer = refused_records(session, actor, peer=sealed.sender, pending=plan.receipts)
        return result

    summary = {**counts, "forms": result.form_counts, "warnings": result.warnings, "kind": sealed.kind,
               "backup": backup}
    # Forms are recorded even for a package seen before: importing it again rewrites a form
    # file lost after the first import committed (a crash, a deleted file).
    record_forms(session, actor.username, sealed.sender, sealed.sequence, forms)
    result.form_decisions = forms
    if result.duplicate:
        status = "duplicate"
    else:
        result.receipts = apply_plan(session, plan, sealed.sequence, actor.username)
        session.add(ExchangeInbound(peer_code=sealed.sender, sequence=sealed.sequence, digest=sealed.digest,
                                    created=sealed.created, receipt=json.dumps(_receipt(plan, forms, name), ensure_ascii=False)))
        status = "applied"
        summary["receipts"] = result.receipts
        if plan.receipts:
            result.refused_by_peer = refused_records(session, actor, peer=sealed.sender)
        audit.record(session, actor.username, "exchange_import", "package", f"{sealed.sender}#{sealed.sequence}", {
            "new": {"file": name, **counts, "forms": result.form_counts, "backup": backup,
                    "changed": [[d.table, d.id, "delete" if d.action == "update" and d.write.get("deleted") is True else d.action,
                                 (d.local or {}).get("revision"), d.write.get("revision", d.remote_revision)]
                                for d in plan.decisions if d.action in ("new", "update", "conflict")]},
        })
        result.applied = True
    summary["rejected_records"] = result.rejected[:MAX_LISTED]
    summary["conflict_records"] = result.conflicts[:MAX_LISTED]
    session.add(ExchangeLogEntry(direction="in", peer_code=sealed.sender, sequence=sealed.sequence, file_name=name,
                                 status=status, summary=json.dumps(summary, ensure_ascii=False, default=str),
                                 username=actor.username))
    session.flush()
    return result


def collect_files(paths: list[Path]) -> list[tuple[Path, bool]]:
    """(file, found in a folder) for each package named or inside a named folder."""
    out: list[tuple[Path, bool]] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend((f, True) for f in sorted(p.glob(f"*{SUFFIX}")) if f.is_file() and not f.name.startswith("."))
        else:
            out.append((p, False))
    return out


def backup_before_import(db: Database, backups_dir: Path) -> Path:
    # named like every other backup, so 备份与恢复 lists it and rotation keeps it tidy
    return backup_into(db, Path(backups_dir), "import")


def import_packages(db: Database, actor: Actor, paths: list[Path], backups_dir: Path, *, dry_run: bool = False,
                    trust: set[str] | None = None, forms_dir: Path | None = None) -> list[PackageResult]:
    """Import many packages, older first per sender, each in its own transaction, after one
    backup of the database (only when something will be applied). The form files a package
    brings are written into `forms_dir` (by default the forms folder of the database's data
    directory) after its transaction commits."""
    actor.require(Permission.EXCHANGE)
    if forms_dir is None:
        if db.path is None:
            raise ValueError("a server database has no data directory of its own: pass forms_dir")
        forms_dir = user_forms_dir(Path(db.path).parent)
    forms_dir = Path(forms_dir)
    items = []
    for path, in_folder in collect_files(paths):
        data = None
        try:
            data = read_package(path)
            sealed = unseal(data, path.name)
            items.append((path, in_folder, data, sealed, None))
        except PackageRefused as exc:
            items.append((path, in_folder, data, None, exc))
    if not items:
        raise UserError("没有找到数据包文件（.zkx）")
    items.sort(key=lambda it: (it[3] is not None, it[3].sender if it[3] else "", it[3].sequence if it[3] else 0))
    trust = {normalise_fingerprint(t) for t in (trust or ())}
    # one long writer per data directory: the backup and every package's transaction together
    with nullcontext() if dry_run else long_write(db):
        return _import_items(db, actor, items, backups_dir, dry_run, trust, forms_dir)


def _import_items(db: Database, actor: Actor, items: list, backups_dir: Path, dry_run: bool, trust: set[str],
                  forms_dir: Path) -> list[PackageResult]:
    with db.session(wait_ms=LONG_WAIT_MS) as s:
        me = office_code(s)
        seen = set(s.scalars(select(ExchangeInbound.digest)))
        peers = {p.code: (p.fingerprint, p.sign_key) for p in s.scalars(select(ExchangePeer))}
        trusted = {code: fp for code, (fp, _sign) in peers.items()}
        units = {u.code: (u.name, u.short_name) for u in s.scalars(select(OrgUnit))}  # a refused package's sender by name
    backup_path = ""
    results = []
    for path, in_folder, data, sealed, error in items:
        known = trusted.get(sealed.sender) if sealed else None
        key_ok = sealed is not None and (known == sealed.fingerprint or (not known and sealed.fingerprint in trust)
                                         or (bool(known) and _rotated_from(peers[sealed.sender][1], sealed)))
        worth_a_backup = key_ok and sealed.receiver == me and sealed.digest not in seen
        if worth_a_backup and not dry_run and not backup_path:
            backup_path = str(backup_before_import(db, backups_dir) or "")
        try:
            if error is not None:
                raise error
            with db.session(wait_ms=LONG_WAIT_MS) as s:
                result = import_package(s, actor, path, forms_dir=forms_dir, dry_run=dry_run, trust=trust, data=data,
                                        backup=backup_path)
            if not dry_run:  # committed: now the files
                result.warnings.extend(write_forms(forms_dir, result.form_decisions))
            results.append(result)
        except PackageRefused as exc:
            skipped = in_folder and exc.code in ("other_office", "own_package")
            if not skipped:  # rolled back: only the refusal itself is written, to the audit trail
                with db.session(wait_ms=LONG_WAIT_MS) as s:
                    record_refusal(s, actor, path.name, data, sealed, exc, dry_run=dry_run)
            results.append(PackageResult(
                file=path.name, path=path, sender=sealed.sender if sealed else "", sequence=sealed.sequence if sealed else None,
                sender_name=units.get(sealed.sender, ("", ""))[0] if sealed else "",
                sender_short=units.get(sealed.sender, ("", ""))[1] if sealed else "",
                created=sealed.created if sealed else None, kind=sealed.kind if sealed else "", error=str(exc),
                error_code=exc.code, fingerprint=exc.info.get("fingerprint", ""), skipped=skipped,
            ))
    return results


def record_refusal(session: Session, actor: Actor, file_name: str, data: bytes | None, sealed: Sealed | None,
                   exc: PackageRefused, *, dry_run: bool = False) -> None:
    """One audit entry for a refused or forged package: file, sender, reason. The sender is the
    verified one when the signature held, else the one the file claims (marked unverified)."""
    details = {"file": file_name, "reason": exc.code, "message": str(exc), "dry_run": dry_run}
    if sealed is not None:
        details.update(sender=sealed.sender, sequence=sealed.sequence, fingerprint=sealed.fingerprint)
    else:
        details.update(sender=claimed_sender(data) if data else "", sender_verified=False)
    if exc.info.get("fingerprint"):
        details["fingerprint"] = exc.info["fingerprint"]
    audit.record(session, actor.username, "package_refused", "package", file_name, details)


def trust_package_sender(session: Session, actor: Actor, path: Path, heard_fingerprint: str) -> str:
    """Trust the key a package was signed with, after the user compared its fingerprint by phone."""
    path = Path(path)
    sealed = unseal(read_package(path), path.name)
    _check_parties(session, sealed, office_code(session), path.name)
    if normalise_fingerprint(heard_fingerprint) != sealed.fingerprint:
        raise UserError(f"核对的指纹与数据包的密钥指纹 {sealed.fingerprint} 不一致，未信任")
    trust_peer_key(session, actor, sealed.sender, sealed.sign_key, sealed.box_key)
    return sealed.sender
