"""A verified backup of an office database, whichever engine holds it: SQLite's online backup
API for the file, pg_dump for a server database. The one function importers, migrations and
the backup service call."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from zkdesk.domain.backup_names import DUMP_SUFFIX, SQLITE_SUFFIX
from zkdesk.store.backup_file import copy_database, free_backup_path
from zkdesk.store.engine import Database


def backup_suffix(db: Database) -> str:
    return DUMP_SUFFIX if db.is_server else SQLITE_SUFFIX


def backup_into(db: Database, folder: Path, trigger: str, *, extra: str = "", at: datetime | None = None,
                required: bool = True) -> Path | None:
    """Back `db` up into `folder` under a fresh name for `trigger`; the file is verified before it
    gets that name. Raises BackupError. On a server without pg_dump, returns None when the
    backup is not `required` (an automatic one: the server administrator's backups remain)."""
    at = at or datetime.now()
    if db.is_server:
        from zkdesk.store import pg_tools

        if not required and not pg_tools.available():
            return None
    dest = free_backup_path(Path(folder), at, trigger, extra, backup_suffix(db))
    if not db.is_server:
        return copy_database(db.path, dest)
    return pg_tools.dump(db.url, db.password, dest)
