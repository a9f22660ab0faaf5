"""Backups of a PostgreSQL office database with the server's own tools: pg_dump (custom format)
and pg_restore. Both must be on PATH (Debian: postgresql-client; Windows: the server's bin
folder); their major version must be at least the server's."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from sqlalchemy.engine import URL

from zkdesk.store.backup_file import BackupError
from zkdesk.store.private_files import create_private, private_dir

MISSING = (
    "本单位数据库在 PostgreSQL 服务器上，备份和恢复要用服务器自带的 pg_dump / pg_restore，"
    "但本机找不到它们。请安装 PostgreSQL 客户端（Debian/统信：apt install postgresql-client；"
    "Windows：把 PostgreSQL 的 bin 文件夹加入 PATH）后再试。"
)
# tables a zkdesk dump must hold (its table of contents is checked before a restore)
REQUIRED_TABLES = ("alembic_version", "audit_log", "org_unit", "setting")


def available() -> bool:
    return shutil.which("pg_dump") is not None and shutil.which("pg_restore") is not None


def _require() -> None:
    if not available():
        raise BackupError(MISSING)


def _env(password: str | None) -> dict[str, str]:
    """The child's environment: the password in memory goes to it only, never to a file."""
    env = dict(os.environ)
    if password:
        env["PGPASSWORD"] = password
    return env


def connection_args(url: URL) -> list[str]:
    args = []
    if url.host:
        args += ["--host", url.host]
    if url.port:
        args += ["--port", str(url.port)]
    if url.username:
        args += ["--username", url.username]
    return args + ["--no-password"]


def _run(cmd: list[str], password: str | None, what: str) -> subprocess.CompletedProcess:
    result = subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8", errors="replace", env=_env(password))
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise BackupError(f"{what}失败：{detail[-1] if detail else f'退出码 {result.returncode}'}")
    return result


def dump(url: URL, password: str | None, dest: Path) -> Path:
    """pg_dump the database into `dest` (custom format), verified before it gets its name."""
    private_dir(dest.parent)
    partial = dest.with_name(dest.name + ".partial")  # claimed by free_backup_path (0600)
    create_private(partial)
    try:
        _require()
        _run(["pg_dump", *connection_args(url), "--format=custom", "--file", str(partial), url.database], password,
             "pg_dump 备份")
        ok, problem = verify(partial)
        if not ok:
            raise BackupError(f"备份文件校验未通过：{problem}")
        with open(partial, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(partial, dest)
    finally:
        partial.unlink(missing_ok=True)
    return dest


def table_of_contents(path: Path) -> list[str]:
    _require()
    return _run(["pg_restore", "--list", str(path)], None, "读取备份目录").stdout.splitlines()


def verify(path: Path) -> tuple[bool, str]:
    """Read the whole archive back (every table's data, decompressed) and check that it is a
    zkdesk database: the server's equivalent of SQLite's integrity check of a copy."""
    try:
        toc = table_of_contents(path)
        _run(["pg_restore", "--file", os.devnull, str(path)], None, "读取备份内容")
    except BackupError as exc:
        return False, str(exc)
    tables = {line.split()[-2] for line in toc if " TABLE DATA " in line and len(line.split()) >= 2}
    missing = [t for t in REQUIRED_TABLES if t not in tables]
    if missing:
        return False, f"不是 zkdesk 数据库的备份（缺少 {', '.join(missing)}）"
    return True, ""


def restore(path: Path, url: URL, password: str | None) -> None:
    """pg_restore `path` into the (empty) database at `url`, all or nothing."""
    _require()
    _run(["pg_restore", *connection_args(url), "--no-owner", "--no-acl", "--single-transaction", "--exit-on-error",
          "--dbname", url.database, str(path)], password, "pg_restore 恢复")
