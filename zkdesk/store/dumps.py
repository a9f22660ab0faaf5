"""A verified backup of an office database, whichever engine holds it: SQLite's online backup
API for the file, pg_dump for a server database. The one function importers, migrations and
the backup service call."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from zkdesk.domain.backup_names import DUMP_SUFFIX, SQLITE_SUFFIX
from zkdesk.store.audit_head import ChainHead, read_head, write_sidecar
from zkdesk.store.backup_file import copy_database, free_backup_path
from zkdesk.store.engine import Database


def backup_suffix(db: Database) -> str:
    return DUMP_SUFFIX if db.is_server else SQLITE_SUFFIX


def backup_into(db: Database, folder: Path, trigger: str, *, extra: str = "", at: datetime | None = None,
                required: bool = True) -> Path | None:
    """Back `db` up into `folder` under a fresh name for `trigger`; the file is verified before it
    gets that name. Raises BackupError. On a server without pg_dump, returns None when the
    backup is not `required` (an automatic one: the server administrator's backups remain).

    The audit chain's head, read just before the copy, is written beside the backup
    (`<name>.head.json`): the chain the backup holds, and the live one, pass through it."""
    at = at or datetime.now()
    if db.is_server:
        from zkdesk.store import pg_tools

        if not required and not pg_tools.available():
            return None
    dest = free_backup_path(Path(folder), at, trigger, extra, backup_suffix(db))
    head = _chain_head(db)
    if not db.is_server:
        made = copy_database(db.path, dest)
    else:
        made = pg_tools.dump(db.url, db.password, dest)
    if made is not None and head is not None:
        write_sidecar(made, head, trigger=trigger)
    return made


def _chain_head(db: Database) -> ChainHead | None:
    """The audit chain's head now, or None (a database too old or too damaged to have one)."""
    try:
        with db.read_session() as s:
            return read_head(s)
    except SQLAlchemyError:
        return None
