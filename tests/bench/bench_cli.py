"""Benchmark: what a command costs before its work, as the county's scripts run it.

A one-row `zkdesk import enterprises FILE --dry-run --json` (open the database, log in, read
and check one row) against `python -c "import sqlalchemy"` and `python -c pass`, interleaved
in the same run, best of ROUNDS, wall time and the child processes' CPU time. Aim (issue 16):
the command ≤ 3 × importing SQLAlchemy. The login's scrypt hash is a security parameter
(services/passwords.py) and stays: it is measured on its own and shown taken off as well.
Every child runs with its modules' bytecode cached (PYTHONPYCACHEPREFIX in the run's temp folder,
filled by one uncounted warm-up round), as an installed zkdesk has it: under PYTHONDONTWRITEBYTECODE
the program's ~90 modules would be compiled from source on every run (~0.2 s) while SQLAlchemy's
came compiled, which measured the checkout, not the program.
Run:  python tests/bench/bench_cli.py [ROUNDS]   (also `pytest tests/bench/bench_cli.py -s`)
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

ROUNDS = 7
PASSWORD = "bench-password-9"


def _child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _timed(args: list[str], stdin: str = "", pycache: Path | None = None) -> tuple[float, float, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONIOENCODING="utf-8")
    if pycache is not None:  # bytecode cached as an installation has it
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(pycache)
    cpu, wall = _child_cpu(), time.perf_counter()
    proc = subprocess.run(args, input=stdin, capture_output=True, text=True, env=env, encoding="utf-8", timeout=300)
    wall, cpu = time.perf_counter() - wall, _child_cpu() - cpu
    assert proc.returncode == 0, proc.stderr
    return wall, cpu, proc.stdout


def _prepare(tmp: Path) -> tuple[Path, Path, str]:
    """An initialised county database, a one-row roster, and the admin's stored hash."""
    from sqlalchemy import select

    from tests.xlsxfiles import write_xlsx
    from zkdesk.domain.uscc import uscc_check_char
    from zkdesk.services.office import initialise
    from zkdesk.store.migrate import open_database
    from zkdesk.store.models import User

    home = tmp / "home"
    db = open_database(home / "zkdesk.sqlite3", home / "backups")
    with db.session() as s:
        initialise(s, "530924", "admin", PASSWORD)
    with db.read_session() as s:
        stored = s.scalar(select(User.password_hash))
    db.dispose()
    code = "91530924MA6K8T2C1" + uscc_check_char("91530924MA6K8T2C1")
    roster = write_xlsx(tmp / "one.xlsx", [["企业名称", "统一社会信用代码", "所属乡镇"], ["镇康县甲茶业有限公司", code, "南伞镇"]])
    return home, roster, stored


def _scrypt(stored: str) -> tuple[float, float]:
    from zkdesk.services.passwords import verify_password

    best_wall = best_cpu = float("inf")
    for _ in range(3):
        cpu, wall = time.process_time(), time.perf_counter()
        assert verify_password(PASSWORD, stored)
        best_wall, best_cpu = min(best_wall, time.perf_counter() - wall), min(best_cpu, time.process_time() - cpu)
    return best_wall, best_cpu


def run(rounds: int = ROUNDS) -> float:
    import json

    python = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        home, roster, stored = _prepare(Path(tmp))
        command = [python, "-m", "zkdesk", "--home", str(home), "import", "enterprises", str(roster), "--dry-run",
                   "--json", "--user", "admin", "--password-stdin"]
        pycache = Path(tmp) / "pycache"
        runs = {"pass": [], "sqlalchemy": [], "zkdesk": []}
        for round_ in range(rounds + 1):  # the first round only fills the bytecode cache
            timed = {"pass": _timed([python, "-c", "pass"], pycache=pycache)[:2],
                     "sqlalchemy": _timed([python, "-c", "import sqlalchemy"], pycache=pycache)[:2]}
            wall, cpu, out = _timed(command, stdin=PASSWORD + "\n", pycache=pycache)
            assert json.loads(out)["new"] == 1, out
            timed["zkdesk"] = (wall, cpu)
            if round_:
                for name, measured in timed.items():
                    runs[name].append(measured)
        hash_wall, hash_cpu = _scrypt(stored)
    best = {name: (min(w for w, _ in r), min(c for _, c in r)) for name, r in runs.items()}
    (pw, pc), (sw, sc), (zw, zc) = best["pass"], best["sqlalchemy"], best["zkdesk"]
    print(f"\nCLI fixed cost, best of {rounds}                         wall      cpu")
    print(f"  python -c pass                                  {pw:6.3f} s  {pc:6.3f} s")
    print(f"  python -c 'import sqlalchemy'                   {sw:6.3f} s  {sc:6.3f} s")
    print(f"  zkdesk import (1 row, --dry-run --json)         {zw:6.3f} s  {zc:6.3f} s")
    print(f"    of which the login's scrypt hash (in-process)  {hash_wall:6.3f} s  {hash_cpu:6.3f} s")
    print(f"  zkdesk / import sqlalchemy = {zw / sw:.2f} wall, {zc / sc:.2f} cpu (aim <= 3)")
    print(f"  without the password hash  = {(zw - hash_wall) / sw:.2f} wall, {(zc - hash_cpu) / sc:.2f} cpu")
    print(f"  zkdesk / python -c pass    = {zw / pw:.1f} wall")
    return zw / sw


def test_bench_cli_fixed_cost():
    run()


if __name__ == "__main__":
    run(int(sys.argv[1]) if len(sys.argv) > 1 else ROUNDS)
