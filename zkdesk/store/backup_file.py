"""Copy a live SQLite database with the online backup API and verify the copy."""

from __future__ import annotations

import os
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from zkdesk.domain.backup_names import SQLITE_SUFFIX, backup_file_name
from zkdesk.store.private_files import create_private, private_dir, tighten


class BackupError(Exception):
    """Carries a Chinese message for the user."""


def integrity_ok(db_path: Path, quick: bool = False) -> tuple[bool, str]:
    """Run SQLite's own integrity check; returns (ok, first problem reported)."""
    try:
        con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        try:
            pragma = "quick_check" if quick else "integrity_check"
            rows = con.execute(f"PRAGMA {pragma}").fetchall()
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        return False, str(exc)
    ok = rows == [("ok",)]
    return ok, "" if ok else "; ".join(str(r[0]) for r in rows[:3])


def copy_database(src: Path, dest: Path) -> Path:
    """Back up `src` into `dest` (written beside it first, renamed when verified)."""
    private_dir(dest.parent)
    partial = dest.with_name(dest.name + ".partial")
    try:
        create_private(partial)  # (free_backup_path claimed it so already) owner-only before SQLite writes it
        source = sqlite3.connect(str(src))
        try:
            target = sqlite3.connect(str(partial))
            try:
                target.execute("PRAGMA synchronous=OFF")  # one fsync of the whole file below instead
                source.backup(target)
                target.execute("PRAGMA journal_mode=DELETE")  # a backup is one self-contained file
            finally:
                target.close()
        finally:
            source.close()
        with open(partial, "rb+") as fh:
            os.fsync(fh.fileno())
    except (sqlite3.Error, OSError) as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(f"备份写入失败（{dest.parent}）：{exc}") from exc
    ok, problem = integrity_ok(partial)
    if not ok:
        partial.unlink(missing_ok=True)
        raise BackupError(f"备份文件校验未通过：{problem}")
    os.replace(partial, dest)
    return dest


def free_backup_path(folder: Path, at: datetime, trigger: str, extra: str = "", suffix: str = SQLITE_SUFFIX) -> Path:
    """A backup file name in `folder` for this moment and trigger that no file has yet. The name
    is claimed by creating its empty ".partial" file exclusively, so two processes backing up in
    the same second (concurrent imports) never write into the same file."""
    private_dir(folder)
    seq = 0
    while True:
        path = Path(folder) / backup_file_name(at, trigger, extra, seq, suffix)
        if not path.exists():
            try:
                os.close(os.open(path.with_name(path.name + ".partial"), os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
                return path
            except FileExistsError:
                pass
        seq += 1


def _sidecars(db_path: Path) -> list[Path]:
    return [db_path.with_name(db_path.name + suffix) for suffix in ("-wal", "-shm", "-journal")]


def replace_database(source: Path, db_path: Path) -> None:
    """Make `db_path` hold exactly the content of `source`. Every connection to `db_path`
    must be closed first.

    The pages are copied with the backup API into the existing file, inside SQLite's own
    transaction, so a power cut leaves either the old or the new database. When the existing
    file cannot take that (damaged beyond opening, other page size), the copy is written beside
    it, verified, and renamed over it.
    """
    db_path = Path(db_path)
    try:
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            if db_path.exists():
                dest = sqlite3.connect(str(db_path))
                try:
                    dest.execute("PRAGMA busy_timeout=5000")
                    src.backup(dest)
                finally:
                    dest.close()
                ok, _ = integrity_ok(db_path)
                if ok:
                    return
        finally:
            src.close()
    except sqlite3.Error:
        pass  # the damaged or incompatible file is replaced as a whole below
    staged = copy_database(source, db_path.with_name(db_path.name + ".restoring"))
    for sidecar in _sidecars(db_path):
        sidecar.unlink(missing_ok=True)  # a stale WAL must never be applied to the new file
    os.replace(staged, db_path)
    ok, problem = integrity_ok(db_path)
    if not ok:
        raise BackupError(f"恢复后的数据库校验未通过：{problem}")


def keep_damaged_copy(db_path: Path, folder: Path, at: datetime) -> Path:
    """Byte copies of a damaged database and its WAL, for an expert to look at later."""
    private_dir(folder)
    stamp = at.strftime("%Y%m%d-%H%M%S")
    target = folder / f"{db_path.stem}-damaged-{stamp}{db_path.suffix}"
    for source in [db_path, *_sidecars(db_path)]:
        if source.exists():
            copied = target.with_name(target.name + source.name[len(db_path.name):])
            shutil.copy2(source, copied)
            tighten(copied)
    return target


@dataclass(frozen=True)
class Exposure:
    """What a backup file holds in the clear that the current database keeps sealed."""

    private_keys: bool  # the exchange private keys (a backup from before 0009_key_slots)
    data_key: bool  # the data key waiting in the clear (data_key_pending)
    personal_values: int  # ID and phone numbers stored plain (before 0010_personal_data; conflict rows count once)

    @property
    def any(self) -> bool:
        return self.private_keys or self.data_key or self.personal_values > 0


def exposure_of(path: Path) -> Exposure | None:
    """Read a backup file (never changed: opened immutable) for secrets in the clear; None when it
    is not an SQLite database zkdesk can read."""
    from zkdesk.store import key_material as km
    from zkdesk.store.sealed import PREFIX, SEALED_COLUMNS, SEALED_JSON_COLUMNS, json_has_plain

    try:
        con = sqlite3.connect(f"file:{Path(path).as_posix()}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error:
        return None
    try:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "setting" not in tables:
            return None
        settings = dict(con.execute(
            "SELECT key, value FROM setting WHERE key IN (?, ?, ?)", (km.PLAIN_SIGN, km.PLAIN_BOX, km.PENDING_KEY)))
        def present(table: str, columns) -> list[str]:  # an older file lacks later tables and columns
            if table not in tables:
                return []
            have = {r[1] for r in con.execute(f"PRAGMA table_info({table})")}
            return [c for c in columns if c in have]

        plain = 0
        for table, columns in SEALED_COLUMNS.items():
            for column in present(table, columns):
                plain += con.execute(  # names from our own model, never from the file
                    f"SELECT count(*) FROM {table} WHERE {column} IS NOT NULL AND {column} != '' "
                    f"AND substr({column}, 1, {len(PREFIX)}) != ?", (PREFIX,)).fetchone()[0]
        for table, columns in SEALED_JSON_COLUMNS.items():  # a conflict's rows as JSON
            for column in present(table, columns):
                texts = con.execute(f"SELECT {column} FROM {table} WHERE {column} LIKE '%id_number%' "
                                    f"OR {column} LIKE '%phone%'").fetchall()
                plain += sum(json_has_plain(text) for (text,) in texts if text)
        return Exposure(bool(settings.get(km.PLAIN_SIGN) or settings.get(km.PLAIN_BOX)),
                        bool(settings.get(km.PENDING_KEY)), plain)
    except sqlite3.Error:
        return None
    finally:
        con.close()
