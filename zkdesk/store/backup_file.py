"""Copy a live SQLite database with the online backup API and verify the copy."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path


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
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(dest.name + ".partial")
    try:
        source = sqlite3.connect(str(src))
        try:
            target = sqlite3.connect(str(partial))
            try:
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
