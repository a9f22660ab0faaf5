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
from zkdesk.services.audit import ChainReport, verify_chain
from zkdesk.store.backup_file import integrity_ok
from zkdesk.store.engine import Database


@dataclass(frozen=True)
class VerifyReport:
    integrity_ok: bool
    integrity_problem: str
    chain: ChainReport | None  # None when the file is too damaged to read the log

    @property
    def ok(self) -> bool:
        return self.integrity_ok and self.chain is not None and self.chain.ok

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
        return f"校验通过：数据库完好，操作日志{self.chain.checked}条记录链条完整"

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "integrity_ok": self.integrity_ok,
            "integrity_problem": self.integrity_problem,
            "audit_checked": self.chain.checked if self.chain else 0,
            "audit_broken_id": self.broken_audit_id,
            "message": self.message,
        }


def verify_file(db_path: Path, backups_dir: Path | None = None) -> VerifyReport:
    """Check a database file without migrating or changing it (command line, scripts); the
    audit chain against its head and the heads of the backups in `backups_dir`."""
    ok, problem = integrity_ok(Path(db_path))
    if not ok:
        return VerifyReport(False, problem, None)
    db = Database(db_path)
    try:
        with db.session() as s:
            chain = verify_chain(s, backups_dir)
    except SQLAlchemyError:  # a file that passes the integrity check but has no usable log table
        chain = None
    finally:
        db.dispose()
    return VerifyReport(True, "", chain)


def verify_server(db: Database, backups_dir: Path | None = None) -> VerifyReport:
    """The audit chain of a server database, read in one consistent snapshot."""
    with db.read_session() as s:
        chain = verify_chain(s, backups_dir)
    return VerifyReport(True, "", chain)


def verify_any(db: Database | Path, backups_dir: Path | None = None) -> VerifyReport:
    """verify_file for the SQLite file, verify_server for a server database."""
    if isinstance(db, Database):
        return verify_server(db, backups_dir) if db.is_server else verify_file(db.path, backups_dir)
    return verify_file(Path(db), backups_dir)


def verify_database(actor: Actor, db: Database | Path, backups_dir: Path | None = None) -> VerifyReport:
    """The 校验 button: reviewers and administrators."""
    actor.require(Permission.VIEW_AUDIT)
    return verify_any(db, backups_dir)
