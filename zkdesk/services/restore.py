"""Restoring a backup, and the start-up check that offers one when the database is damaged.

A restore replaces the database file, so nothing may hold it open: the caller closes every
engine first and opens the database again afterwards. For the same reason these functions do
not take the caller's Session; the audit entry of a restore is written into the restored
database by a short-lived engine of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from zkdesk.config import Home
from zkdesk.domain.roles import Permission
from zkdesk.services import audit
from zkdesk.services.actor import Actor
from zkdesk.services.backups import BackupInfo, backup_files, backup_now, info_for
from zkdesk.services.errors import UserError
from zkdesk.store.audit_head import ChainHead, backup_heads, write_sidecar
from zkdesk.store.backup_file import integrity_ok, keep_damaged_copy, replace_database
from zkdesk.store.engine import Database
from zkdesk.store.migrate import DatabaseVersionError, check_openable, open_database
from zkdesk.store.writer_lock import writer_lock

OK, DAMAGED, MISSING = "ok", "damaged", "missing"


@dataclass(frozen=True)
class StartupHealth:
    state: str  # ok | damaged | missing (the file is gone but backups exist)
    problem: str = ""
    newest_good: BackupInfo | None = None

    @property
    def ok(self) -> bool:
        return self.state == OK

    @property
    def message(self) -> str:
        """What the user reads, in plain words."""
        if self.ok:
            return ""
        if self.state == MISSING:
            head = "找不到数据库文件（可能被删除或移动），但数据目录中有备份。"
        else:
            head = "数据库文件已损坏，无法安全打开。这通常是突然断电或磁盘故障造成的。"
        if self.newest_good:
            return head + f"\n\n最新的完好备份是 {self.newest_good.when_text}（{self.newest_good.trigger_label}）。可以用它恢复，之后的修改需要重新录入。"
        return head + "\n\n没有找到完好的备份。请联系技术人员，不要删除数据目录中的任何文件。"


def _usable(path: Path) -> bool:
    ok, _ = integrity_ok(path, quick=True)
    if not ok:
        return False
    try:
        check_openable(path)
    except DatabaseVersionError:
        return False
    return True


def newest_good_backup(home: Home) -> BackupInfo | None:
    for backup in backup_files(home.backups_dir):
        if _usable(backup.path):
            return backup
    return None


def check_startup(home: Home, db_path: Path) -> StartupHealth:
    """A quick integrity check before the database is opened. Reads only."""
    db_path = Path(db_path)
    if not db_path.exists():
        if backup_files(home.backups_dir):
            return StartupHealth(MISSING, "数据库文件不存在", newest_good_backup(home))
        return StartupHealth(OK)  # first run
    ok, problem = integrity_ok(db_path, quick=True)
    if ok:
        return StartupHealth(OK)
    return StartupHealth(DAMAGED, problem, newest_good_backup(home))


@dataclass(frozen=True)
class RestoreResult:
    restored_from: Path
    safety_backup: Path | None  # the state just before the restore, in backups/
    damaged_copy: Path | None  # byte copy of a damaged database, in backups/damaged/


def _check_source(source: Path, db_path: Path) -> None:
    if not source.is_file():
        raise UserError(f"找不到备份文件：{source}")
    if db_path.exists() and source.resolve() == db_path.resolve():
        raise UserError("不能用正在使用的数据库文件本身来恢复")
    ok, problem = integrity_ok(source)
    if not ok:
        raise UserError(f"备份文件 {source.name} 已损坏，不能用来恢复（{problem}）")
    try:
        check_openable(source)
    except DatabaseVersionError as exc:
        raise UserError(str(exc)) from None


def _restore(home: Home, db_path: Path, source: Path, username: str, reason: str, now: datetime | None) -> RestoreResult:
    source, db_path = Path(source), Path(db_path)
    _check_source(source, db_path)
    with writer_lock(db_path.parent):  # no import or other restore between the safety backup and the audit entry
        return _replace(home, db_path, source, username, reason, now)


def _replace(home: Home, db_path: Path, source: Path, username: str, reason: str, now: datetime | None) -> RestoreResult:
    at = now or datetime.now()
    safety = damaged = None
    if db_path.exists():
        if integrity_ok(db_path, quick=True)[0]:
            # Back up what is there now; if that fails, the restore does not happen.
            # Not rotated here: rotation might remove the very backup being restored.
            safety = backup_now(home, db_path, "restore", now=at, rotate_after=False).path
        else:
            damaged = keep_damaged_copy(db_path, home.backups_dir / "damaged", at)
    replace_database(source, db_path)
    db = open_database(db_path, home.backups_dir)  # upgrades a backup from an older zkdesk
    try:
        with db.session() as s:
            backup = info_for(source)
            audit.record(
                s,
                username,
                "restore",
                "database",
                source.name,
                {
                    "reason": reason,
                    "backup_time": backup.at.isoformat() if backup else "",
                    "safety_backup": safety.name if safety else "",
                    "damaged_copy": damaged.name if damaged else "",
                },
            )
            _supersede_heads(s, home.backups_dir, source.name)
    finally:
        db.dispose()
    return RestoreResult(source, safety, damaged)


def _supersede_heads(session, folder: Path, restored: str) -> None:
    """After a restore to an older state, the backups made later hold entries the restored chain
    does not have: their heads no longer bind it (verify leaves them out), and say why."""
    for sidecar, data in backup_heads(folder):
        if data.get("superseded"):
            continue
        if not audit.chain_passes(session, ChainHead(int(data["count"]), str(data["hash"]))):
            backup = folder / str(data.get("backup") or "")
            write_sidecar(backup, ChainHead(int(data["count"]), str(data["hash"])),
                          **{k: v for k, v in data.items() if k not in ("count", "hash", "backup")}, superseded=restored)


def restore_backup(home: Home, db_path: Path, source: Path, actor: Actor, now: datetime | None = None) -> RestoreResult:
    """Replace the database with `source` after backing up the current state.
    Every engine on `db_path` must be closed first."""
    actor.require(Permission.BACKUP)
    return _restore(home, db_path, source, actor.username, "用户恢复备份", now)


def restore_after_damage(home: Home, db_path: Path, source: Path | None = None, now: datetime | None = None) -> RestoreResult:
    """At start-up, when nobody can log in because the database is damaged or gone: restore
    the newest good backup (or `source`). Refused while the database is healthy."""
    health = check_startup(home, db_path)
    if health.ok:
        raise UserError("数据库完好，不需要恢复；恢复备份请登录后在“系统管理—备份与恢复”中进行")
    if source is None:
        if health.newest_good is None:
            raise UserError("没有找到完好的备份，无法恢复")
        source = health.newest_good.path
    reason = "启动时发现数据库损坏" if health.state == DAMAGED else "启动时找不到数据库文件"
    return _restore(home, db_path, source, "system", reason, now)


# ---- a database on a PostgreSQL server ---------------------------------------------------------

SERVER_RESTORE_TEXT = (
    "本单位数据库在 PostgreSQL 服务器上，恢复不会覆盖正在使用的数据库：请服务器管理员新建一个空数据库"
    "（CREATE DATABASE 新库名 TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'），"
    "在本机运行 zkdesk --database postgresql://用户@服务器/新库名 restore 备份文件.dump，"
    "核对无误后再把各台电脑的数据库地址改为新库。"
)


def restore_into_server(db: Database, source: Path) -> RestoreResult:
    """pg_restore a zkdesk dump into `db`, an empty server database, upgrade it if the dump is
    from an older zkdesk, and note the restore in its audit trail. Nothing in use is replaced,
    so no account is needed: the database is empty."""
    from sqlalchemy import inspect

    from zkdesk.store import pg_tools

    source = Path(source)
    if not source.is_file():
        raise UserError(f"找不到备份文件：{source}")
    if source.suffix != ".dump":
        raise UserError(f"{source.name} 不是服务器数据库的备份（.dump）。单机版的数据库文件请用 zkdesk migrate-to 迁入服务器")
    ok, problem = pg_tools.verify(source)
    if not ok:
        raise UserError(f"备份文件 {source.name} 不能用来恢复：{problem}")
    with db.engine.connect() as conn:
        tables = inspect(conn).get_table_names()
        conn.rollback()
    if tables:
        raise UserError(f"服务器数据库 {db.url.database} 不是空的，未作任何改动。" + SERVER_RESTORE_TEXT)
    pg_tools.restore(source, db.url, db.password)
    opened = open_database(db.url, None, db.password)  # upgrades a dump from an older zkdesk
    try:
        with opened.session() as s:
            backup = info_for(source)
            audit.record(s, "system", "restore", "database", source.name, {
                "reason": "恢复到新建的服务器数据库", "backup_time": backup.at.isoformat() if backup else "",
                "safety_backup": "", "damaged_copy": "",
            })
    finally:
        opened.dispose()
    return RestoreResult(source, None, None)
