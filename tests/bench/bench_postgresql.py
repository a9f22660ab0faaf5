"""Benchmark: the same work on a PostgreSQL server as on the SQLite file, as ratios measured in
the same run: the 20,000-row enterprise import end to end, and the county's progress numbers on
the demo county. Needs a server: tools/test_on_postgresql.sh tests/bench/bench_postgresql.py -s
(a throwaway server on this machine: the ratio is the engine's and the driver's, not a network's)."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import pytest

from tests import databases
from tests.bench.bench_import import ROWS, Clock, make_roster

pytestmark = pytest.mark.postgresql


def _import(target, backups: Path, roster: Path, rows: int) -> Clock:
    from zkdesk.domain.roles import Role
    from zkdesk.imports.pipeline import apply_plan, check_file
    from zkdesk.services.actor import Actor
    from zkdesk.services.office import initialise
    from zkdesk.store.migrate import open_database

    db = open_database(target, backups)
    try:
        with db.session() as s:
            initialise(s, "530924", "bench", "bench-password-9")
        actor = Actor("bench", "bench", Role.ADMIN, "530924")
        with Clock() as clock:
            with db.session() as s:
                plan = check_file(s, actor, "enterprises", roster)
            summary = apply_plan(db, actor, plan)
        assert summary.new == rows and not summary.rejected, summary.headline()
    finally:
        db.dispose()
    return clock


def _best(fn, runs: int = 5) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def _county_progress(target) -> float:
    from zkdesk.services.demo import fill_demo
    from zkdesk.services.progress import plan_by_code, progress_for
    from zkdesk.store.migrate import open_database

    db = open_database(target)
    try:
        with db.session() as s:
            fill_demo(s)
        with db.read_session() as s:
            plan_id = plan_by_code(s, "zk-2021-2025").id
            return _best(lambda: progress_for(s, plan_id, "530924", 2024))
    finally:
        db.dispose()


def run(rows: int = ROWS) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        roster = make_roster(tmp / "roster.xlsx", rows)
        on_file = _import(tmp / "a.sqlite3", tmp / "backups", roster, rows)
        on_server = _import(databases.server.empty(), tmp / "backups", roster, rows)
        progress_file = _county_progress(tmp / "b.sqlite3")
        progress_server = _county_progress(databases.server.empty())
    import_ratio, progress_ratio = on_server.wall / on_file.wall, progress_server / progress_file
    print(f"\n{rows} enterprise rows imported        wall      cpu (this process)")
    print(f"  SQLite file                    {on_file.wall:6.2f} s  {on_file.cpu:6.2f} s")
    print(f"  PostgreSQL server              {on_server.wall:6.2f} s  {on_server.cpu:6.2f} s")
    print(f"  server / file = {import_ratio:.2f} wall, {on_server.cpu / on_file.cpu:.2f} cpu")
    print(f"county progress (demo county, best of 5): file {progress_file * 1000:.0f} ms, "
          f"server {progress_server * 1000:.0f} ms, server / file = {progress_ratio:.2f}")
    return import_ratio, progress_ratio


def test_bench_postgresql():
    run()
