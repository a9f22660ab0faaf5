"""Backups of this office's database: made automatically and by hand, listed, rotated.

Automatic backups (no user involved; the caller has already checked its own permission):
  - at the first start of each day       daily_backup_if_due(home, db)
  - before every migration               store/migrate.py, same naming ("migration")
  - before every import (Excel or USB)   backup_now(home, db, "import")
  - on exit                              backup_now(home, db, "exit")
`db` is the open Database (or, for the SQLite file, its path). They live in the data
directory's backups/ and are rotated by domain/retention.py (7 daily + 4 weekly + 12 monthly,
plus the last 48 hours). Every backup is written beside its final name, verified (SQLite's
integrity check; for a server database, pg_dump's archive read back whole), then renamed
(store/dumps.py).

Restoring is in services/restore.py.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from zkdesk.config import Home
from zkdesk.domain.backup_names import TRIGGER_LABELS, parse_backup_file_name
from zkdesk.domain.retention import backups_to_keep
from zkdesk.domain.roles import Permission
from zkdesk.services import audit
from zkdesk.services.actor import Actor
from zkdesk.store.audit_head import sidecar_of
from zkdesk.store.dumps import backup_into
from zkdesk.store.engine import Database

Clock = Callable[[], datetime]

STALE_PARTIAL_SECONDS = 6 * 60 * 60  # a backup still being written after six hours was cut off

RETENTION_TEXT = "自动备份：每天首次启动、升级和导入之前、退出程序时。保留最近7天每天1份、4周每周1份、12个月每月1份，以及最近48小时内的全部备份。"


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    at: datetime  # local time from the file name
    trigger: str
    size: int
    extra: str = ""

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def trigger_label(self) -> str:
        return TRIGGER_LABELS.get(self.trigger, self.trigger)

    @property
    def when_text(self) -> str:
        return self.at.strftime("%Y年%m月%d日 %H:%M:%S")

    def as_dict(self) -> dict:
        return {
            "file": str(self.path),
            "at": self.at.isoformat(),
            "trigger": self.trigger,
            "trigger_label": self.trigger_label,
            "size": self.size,
        }


def size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


def _now(now: datetime | None) -> datetime:
    return now or datetime.now()


def info_for(path: Path) -> BackupInfo | None:
    parsed = parse_backup_file_name(path.name)
    if parsed is None or not path.is_file():
        return None
    return BackupInfo(path=path, at=parsed.at, trigger=parsed.trigger, size=path.stat().st_size, extra=parsed.extra)


def backup_files(folder: Path) -> list[BackupInfo]:
    """The backups in `folder`, newest first (half-written .partial files are not backups)."""
    if not folder.is_dir():
        return []
    found = [info for path in folder.iterdir() if (info := info_for(path)) is not None]
    return sorted(found, key=lambda b: (b.at, b.path.name), reverse=True)


def rotate(home: Home, now: datetime | None = None) -> list[Path]:
    """Delete the backups the retention rule does not keep; returns what was deleted."""
    backups = backup_files(home.backups_dir)
    keep = backups_to_keep([(b.at, b.path) for b in backups], _now(now))
    removed = []
    for b in backups:
        if b.path not in keep:
            b.path.unlink(missing_ok=True)
            sidecar_of(b.path).unlink(missing_ok=True)
            removed.append(b.path)
    # Left by a backup cut off by a crash. Only old ones: a fresh .partial is another backup being
    # written right now (another window or command), and deleting it under its writer made that
    # backup fail with "attempt to write a readonly database".
    for stale in home.backups_dir.glob("*.partial"):
        try:
            if time.time() - stale.stat().st_mtime > STALE_PARTIAL_SECONDS:
                stale.unlink(missing_ok=True)
        except OSError:
            pass
    return removed


def _database(db: Database | Path) -> tuple[Database, bool]:
    """(the Database, whether it was opened here and must be closed)."""
    return (db, False) if isinstance(db, Database) else (Database(Path(db)), True)


def _backup(db: Database | Path, folder: Path, trigger: str, extra: str, at: datetime, required: bool) -> Path | None:
    database, opened = _database(db)
    try:
        return backup_into(database, folder, trigger, extra=extra, at=at, required=required)
    finally:
        if opened:
            database.dispose()


def backup_now(home: Home, db: Database | Path, trigger: str, *, extra: str = "", now: datetime | None = None,
               rotate_after: bool = True, required: bool = True) -> BackupInfo | None:
    """Make a verified backup in the data directory now, then rotate. Raises BackupError.

    Call it before opening the session that will write (an import), not inside it. An
    automatic backup of a server database on a PC without pg_dump is skipped when not
    `required` (returns None): the server administrator's own backups remain.
    """
    if trigger not in TRIGGER_LABELS:
        raise ValueError(f"unknown backup trigger {trigger!r}")
    at = _now(now)
    path = _backup(db, home.backups_dir, trigger, extra, at, required)
    if path is None:
        return None
    if rotate_after:
        rotate(home, at)
    return info_for(path)


def daily_backup_if_due(home: Home, db: Database | Path, now: datetime | None = None) -> BackupInfo | None:
    """The first start of a day makes that day's backup; later starts make none."""
    at = _now(now)
    if not isinstance(db, Database) and not Path(db).exists():
        return None
    if any(b.trigger == "daily" and b.at.date() == at.date() for b in backup_files(home.backups_dir)):
        return None
    return backup_now(home, db, "daily", now=at, required=False)


def list_backups(home: Home, actor: Actor) -> list[BackupInfo]:
    actor.require(Permission.BACKUP)
    return backup_files(home.backups_dir)


def make_backup(
    session: Session, actor: Actor, home: Home, db: Database | Path, to_dir: Path | None = None, now: datetime | None = None
) -> BackupInfo:
    """A backup made by a user, into the data directory or a chosen folder (a USB drive).

    A copy outside the data directory carries all the office's personal data away, so it is
    recorded in the audit trail like any export.
    """
    actor.require(Permission.BACKUP)
    folder = Path(to_dir) if to_dir else home.backups_dir
    internal = folder.resolve() == home.backups_dir.resolve()
    if internal:
        info = backup_now(home, db, "manual", now=now)
    else:
        info = info_for(_backup(db, folder, "manual", "", _now(now), True))
    audit.record(
        session,
        actor.username,
        "backup",
        "database",
        info.name,
        {"folder": str(folder), "external": not internal, "size": info.size},
    )
    return info
