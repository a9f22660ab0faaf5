"""A separate process imports into the database and is killed (SIGKILL) at random moments, 30
times. After every kill the file passes SQLite's integrity check, each import is there whole or
not at all, every import reported as committed is there, and every backup file is good."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from zkdesk.services.backups import backup_files
from zkdesk.store.backup_file import integrity_ok
from zkdesk.store.engine import Database
from zkdesk.store.models import AuditEntry, Enterprise

pytestmark = pytest.mark.sqlite_only  # kills a writer of the SQLite file and checks the file

WRITER = Path(__file__).resolve().parents[1] / "crash_writer.py"
KILLS = 30
ROWS = 1500


def _contents(db_path: Path) -> tuple[Counter, set[str]]:
    db = Database(db_path)
    try:
        with db.session() as s:
            per_batch = Counter(dict(s.execute(select(Enterprise.note, func.count()).group_by(Enterprise.note)).all()))
            logged = set(s.scalars(select(AuditEntry.entity_id).where(AuditEntry.action == "import")))
    finally:
        db.dispose()
    return per_batch, logged


@pytest.mark.slow
def test_killing_an_import_never_leaves_half_an_import_or_a_damaged_file(county_db, home):
    db, _ = county_db
    db.dispose()
    rng = random.Random(20250101)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    committed: set[str] = set()
    for kill in range(KILLS):
        proc = subprocess.Popen(
            [sys.executable, str(WRITER), str(home.root), str(ROWS), f"k{kill}"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        )
        assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
        time.sleep(rng.uniform(0.0, 1.0))  # a random moment: in a backup, mid-transaction, at commit (a round takes ≈0.4 s)
        proc.send_signal(signal.SIGKILL)
        out, _ = proc.communicate()
        assert proc.returncode == -signal.SIGKILL, "the writer ended on its own"
        committed |= {line.split()[1] for line in out.splitlines() if line.startswith("committed ")}

        ok, problem = integrity_ok(home.db_path)
        assert ok, f"after kill {kill}: {problem}"
        per_batch, logged = _contents(home.db_path)
        assert all(count == ROWS for count in per_batch.values()), f"after kill {kill}: a partial import {per_batch}"
        assert set(per_batch) == logged  # the rows and their audit entry, together
        assert committed <= set(per_batch)  # what was reported committed survived
        for backup in backup_files(home.backups_dir):
            assert integrity_ok(backup.path, quick=True)[0], backup.name
    assert len(committed) > 0  # the kills did not all land before the first commit
    assert len(set(per_batch) - committed) <= KILLS  # at most one unreported commit per kill
