"""`zkdesk verify` and the 校验 button: SQLite's integrity check plus the audit chain.

A server database's pages are the server's to check (its administrator runs amcheck and keeps
its backups); zkdesk verifies what is its own there: that the database answers and the
audit chain is whole."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from zkdesk.domain.roles import Permission
from zkdesk.services.actor import Actor
from zkdesk.services import key_slots
from zkdesk.domain.backup_names import SQLITE_SUFFIX
from zkdesk.services.audit import ChainReport, entries_with_plain_personal_data, verify_chain
from zkdesk.store.backup_file import exposure_of, integrity_ok
from zkdesk.store.engine import Database
from zkdesk.store.private_files import mode_problems


@dataclass(frozen=True)
class VerifyReport:
    integrity_ok: bool
    integrity_problem: str
    chain: ChainReport | None  # None when the file is too damaged to read the log
    key_problems: tuple[str, ...] = ()  # key material that is wrong (a private key in the clear)
    loose_files: tuple[str, ...] = ()  # files and folders others than the owner may read (Linux)
    notes: tuple[str, ...] = ()  # not wrong, still to do (users yet to log in once, no 恢复码)
    skipped: tuple[str, ...] = ()  # checks that need the data key, not done without a login
    exposed_backups: tuple[str, ...] = ()  # backup files holding private keys or personal numbers in the clear
    plain_audit_entries: int = 0  # older audit entries holding personal numbers unmasked

    @property
    def ok(self) -> bool:
        return (self.integrity_ok and self.chain is not None and self.chain.ok and not self.key_problems
                and not self.loose_files)

    @property
    def broken_audit_id(self) -> int | None:
        return self.chain.broken_id if self.chain else None

    @property
    def message(self) -> str:
        if not self.integrity_ok:
            return f"数据库文件已损坏：{self.integrity_problem}"
        if self.chain is None:
            return "无法读取操作日志"
        if not self.chain.ok:
            return f"{self.chain.message}，此前{self.chain.checked}条记录完好"
        if self.key_problems:
            return f"密钥：{self.key_problems[0]}"
        if self.loose_files:
            more = f"等{len(self.loose_files)}处" if len(self.loose_files) > 1 else ""
            return f"文件权限过宽（其他用户可读）：{self.loose_files[0]}{more}"
        text = f"校验通过：数据库完好，操作日志{self.chain.checked}条记录链条完整"
        return text + "".join(f"\n{line}" for line in self.remarks)

    @property
    def remarks(self) -> list[str]:
        """What the report adds to a pass: still to do, exposures, and the checks not done."""
        lines = [f"提示：{note}" for note in self.notes]
        if self.exposed_backups:
            lines.append(f"提示：以下备份仍含明文的私钥或个人信息（多为升级前所做）：{'；'.join(self.exposed_backups)}。"
                         "不再需要的请删除；要保留的请移到安全的地方（如加密U盘、上锁的柜子）保存，不要留在这台电脑上")
        if self.plain_audit_entries:
            lines.append(f"提示：操作日志中有{self.plain_audit_entries}条较早的记录含未遮盖的身份证号或电话"
                         "（加密个人信息之前写入）。为保证链条完整不改写它们；查看和导出时已遮盖显示")
        if self.skipped:
            lines.append(f"未做的检查（需要登录解锁本单位数据密钥）：{'；'.join(self.skipped)}。"
                         "要做完整校验，请运行 zkdesk verify --user 用户名 --password-stdin")
        return lines

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "integrity_ok": self.integrity_ok,
            "integrity_problem": self.integrity_problem,
            "audit_checked": self.chain.checked if self.chain else 0,
            "audit_broken_id": self.broken_audit_id,
            "key_problems": list(self.key_problems),
            "loose_files": list(self.loose_files),
            "notes": list(self.notes),
            "skipped_checks": list(self.skipped),
            "exposed_backups": list(self.exposed_backups),
            "plain_audit_entries": self.plain_audit_entries,
            "message": self.message,
        }


def verify_file(db_path: Path, backups_dir: Path | None = None) -> VerifyReport:
    """Check a database file without migrating or changing it (command line, scripts); the
    audit chain against its head and the heads of the backups in `backups_dir`."""
    ok, problem = integrity_ok(Path(db_path))
    if not ok:
        return VerifyReport(False, problem, None)
    loose = _loose_files(Path(db_path), backups_dir)  # before opening: opening tightens the database file
    db = Database(db_path)
    try:
        with db.session() as s:
            chain = verify_chain(s, backups_dir)
            failures, notes = key_slots.key_report(s)
            more = _key_free_checks(s)
    except SQLAlchemyError:  # a file that passes the integrity check but has no usable log table
        chain, failures, notes, more = None, [], [], {}
    finally:
        db.dispose()
    return VerifyReport(True, "", chain, tuple(failures), tuple(loose), tuple(notes),
                        exposed_backups=tuple(_exposed_backups(backups_dir)), **more)


def _key_free_checks(session) -> dict:
    return {"skipped": tuple(key_slots.skipped_checks(session)),
            "plain_audit_entries": entries_with_plain_personal_data(session)}


def _exposed_backups(backups_dir: Path | None) -> list[str]:
    """'file name（what it holds in the clear）' for every backup in `backups_dir` with secrets
    the database itself now keeps sealed (a backup from before the upgrade)."""
    if backups_dir is None or not Path(backups_dir).is_dir():
        return []
    found = []
    for path in sorted(p for p in Path(backups_dir).iterdir() if p.is_file() and p.suffix == SQLITE_SUFFIX):
        exposure = exposure_of(path)
        if exposure is None or not exposure.any:
            continue
        held = (["交换私钥"] if exposure.private_keys else []) + (["数据密钥"] if exposure.data_key else []) + (
            [f"{exposure.personal_values}个身份证号或电话"] if exposure.personal_values else [])
        found.append(f"{path.name}（{'、'.join(held)}）")
    return found


def _loose_files(db_path: Path, backups_dir: Path | None) -> list[str]:
    """The database, its WAL and the backups (the files holding data; store/private_files.py)."""
    paths = [db_path, *(db_path.with_name(db_path.name + s) for s in ("-wal", "-shm"))]
    if backups_dir is not None and Path(backups_dir).is_dir():
        paths += sorted(p for p in Path(backups_dir).iterdir() if p.is_file())
    return mode_problems([p for p in paths if p.exists()])


def verify_server(db: Database, backups_dir: Path | None = None) -> VerifyReport:
    """The audit chain of a server database, read in one consistent snapshot."""
    with db.read_session() as s:
        chain = verify_chain(s, backups_dir)
        failures, notes = key_slots.key_report(s)
        more = _key_free_checks(s)
    return VerifyReport(True, "", chain, tuple(failures), (), tuple(notes), **more)


def verify_any(db: Database | Path, backups_dir: Path | None = None) -> VerifyReport:
    """verify_file for the SQLite file, verify_server for a server database."""
    if isinstance(db, Database):
        return verify_server(db, backups_dir) if db.is_server else verify_file(db.path, backups_dir)
    return verify_file(Path(db), backups_dir)


def verify_database(actor: Actor, db: Database | Path, backups_dir: Path | None = None) -> VerifyReport:
    """The 校验 button: reviewers and administrators."""
    actor.require(Permission.VIEW_AUDIT)
    return verify_any(db, backups_dir)
