"""The office's files are the owner's only on Linux: database (with its WAL), backups and their
heads, exports, annotated copies, audit exports and packages 0600; the data directory and the
folders zkdesk makes 0700. Checked with a permissive umask, so the files themselves are made
private, not the process's umask alone."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from tests.conftest import make_office
from zkdesk.config import Home
from zkdesk.imports.registers import export_register
from zkdesk.output.audit_xlsx import export_audit_xlsx
from zkdesk.services.audit_log import AuditFilter
from zkdesk.services.backups import backup_now
from zkdesk.store.backup_file import keep_damaged_copy
from zkdesk.store.engine import Database
from zkdesk.store.migrate import open_database
from zkdesk.store.private_files import mode_problems, open_private, private_dir, tighten

pytestmark = pytest.mark.skipif(os.name != "posix", reason="file modes are a POSIX matter")


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def open_umask():
    old = os.umask(0o022)  # what a desktop session usually has: 0644 files, 0755 folders
    yield
    os.umask(old)


def test_a_new_office_is_private(tmp_path, open_umask):
    home = Home(tmp_path / "data").ensure()
    assert mode(home.root) == mode(home.backups_dir) == 0o700
    db = open_database(home.db_path, home.backups_dir)
    try:
        admin = make_office(db)
        path = Path(db.path)
        assert mode(path) == 0o600
        assert mode(path.with_name(path.name + "-wal")) == 0o600  # the WAL holds the newest rows
        backup = backup_now(home, db, "manual").path
        assert mode(backup) == 0o600
        assert mode(backup.with_name(backup.name + ".head.json")) == 0o600
        with db.session() as s:
            export_register(s, admin, "nominations", tmp_path / "名单.xlsx")
            export_audit_xlsx(s, admin, AuditFilter(), tmp_path / "日志.xlsx")
        assert mode(tmp_path / "名单.xlsx") == mode(tmp_path / "日志.xlsx") == 0o600
        damaged = keep_damaged_copy(path, home.backups_dir / "damaged", datetime.now())
        assert mode(home.backups_dir / "damaged") == 0o700 and mode(damaged) == 0o600
        assert mode_problems([home.root, home.backups_dir, path, backup]) == []
    finally:
        db.dispose()


def test_files_of_an_older_zkdesk_are_tightened_when_opened(tmp_path, open_umask):
    home = Home(tmp_path / "old")
    home.root.mkdir(mode=0o755)
    path = home.root / "zkdesk.sqlite3"
    db = Database(path)
    db.dispose()
    os.chmod(path, 0o644)
    assert mode_problems([path]) == [str(path)]
    home.ensure()
    db = open_database(path, home.backups_dir)
    try:
        with db.session():
            pass
        assert mode(home.root) == 0o700 and mode(path) == 0o600
    finally:
        db.dispose()


def test_helpers(tmp_path, open_umask):
    made = private_dir(tmp_path / "a" / "b")
    assert mode(tmp_path / "a") == mode(made) == 0o700
    existing = tmp_path / "mine"
    existing.write_text("x")
    os.chmod(existing, 0o664)
    with open_private(existing) as fh:
        fh.write(b"y")
    assert mode(existing) == 0o600 and existing.read_bytes() == b"y"
    other = tmp_path / "other"
    other.write_text("x")
    os.chmod(other, 0o644)
    tighten(other)
    assert mode(other) == 0o600


def test_the_command_line_sets_an_owner_only_umask(tmp_path):
    code = ("import os, sys; from zkdesk.cli import main; os.umask(0o022); "
            "main(['--home', sys.argv[1], 'demo']); print(oct(os.umask(0o022)))")
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "h")], capture_output=True, text=True, env=env,
                         timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "0o77"
    found = [p for p in (tmp_path / "h").rglob("*") if mode(p) & 0o077]
    assert found == []
