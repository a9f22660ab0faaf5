"""Progress as sets (issue 16): a year's county figures come from one reading of each register,
shared by every derived indicator of the request, so the number of SQL statements does not grow
with the registers nor with the number of indicators or townships asked for.

Statements are counted with SQLAlchemy's before_cursor_execute on the demo county, then on the
same county with twice its enterprises (year rows, unions), contracts (coverage, evaluations),
nominations and studios added through the store: three times the register."""

from __future__ import annotations

import random
from contextlib import contextmanager

from sqlalchemy import event, func, select

from tests.bench import register_county as rc
from zkdesk.services.demo import fill_demo
from zkdesk.services.progress import plan_by_code, progress_for, township_breakdown
from zkdesk.store import models as m

COUNTY = "530924"
NANSAN = "530924103"
PLAN = "zk-2021-2025"
MAX_STATEMENTS = 50


@contextmanager
def _counting(db):
    counted = []

    def count(*_args) -> None:
        counted.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield counted
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def _statements(db, year: int) -> dict[str, int]:
    """Statements of the county's progress, a township's, and all seven townships at once."""
    with db.read_session() as s:
        plan_id = plan_by_code(s, PLAN).id
    found = {}
    for name, work in (("county", lambda s: progress_for(s, plan_id, COUNTY, year)),
                       ("township", lambda s: progress_for(s, plan_id, NANSAN, year)),
                       ("breakdown", lambda s: township_breakdown(s, plan_id, year))):
        with db.read_session() as s, _counting(db) as counted:
            work(s)
        found[name] = len(counted)
    return found


def _grow(db, times: int) -> None:
    """Add (times − 1) × the demo's registers."""
    rng = random.Random(16)
    with db.session() as s:
        count = lambda model: s.scalar(select(func.count()).select_from(model))  # noqa: E731
        enterprises, contracts = count(m.Enterprise), count(m.CollectiveContract)
        added = rc._enterprises(s, rng, enterprises * (times - 1))
        rc._contracts(s, rng, added, contracts * (times - 1))
        rc._nominations(s, rng, added, count(m.Nomination) * (times - 1))
        rc._studios(s, rng, added, count(m.Studio) * (times - 1))


def test_county_progress_runs_a_bounded_number_of_statements_whatever_the_registers_size(fresh_db):
    with fresh_db.session() as s:
        fill_demo(s)
    with fresh_db.read_session() as s:
        before = s.scalar(select(func.count()).select_from(m.Enterprise))
    small = {year: _statements(fresh_db, year) for year in (2021, 2025)}
    _grow(fresh_db, 3)
    with fresh_db.read_session() as s:
        assert s.scalar(select(func.count()).select_from(m.Enterprise)) == 3 * before
    large = {year: _statements(fresh_db, year) for year in (2021, 2025)}
    print(f"statements: demo {small}, three times the enterprises {large}")
    assert large == small  # three times the register, the same statements
    for year in small:
        for name, n in small[year].items():
            assert 0 < n <= MAX_STATEMENTS, (year, name, n)
    # seven townships at once cost no more than one: the registers are read once for all of them
    assert small[2025]["breakdown"] <= small[2025]["township"]


def test_a_township_breakdown_gives_each_township_what_it_gets_alone(fresh_db):
    """One reading of the registers shared by seven townships: nothing of one leaks into another."""
    with fresh_db.session() as s:
        fill_demo(s)
    with fresh_db.read_session() as s:
        plan_id = plan_by_code(s, PLAN).id
        together = township_breakdown(s, plan_id, 2024)
        derived_seen = set()
        for code, rows in together.items():
            alone = progress_for(s, plan_id, code, 2024)
            assert rows == alone, code
            derived_seen |= {(r.code, r.actual) for r in rows if r.derived}
    assert len({actual for _code, actual in derived_seen}) > 3  # the townships' derived figures differ


def test_the_entry_sheet_reads_each_register_once(fresh_db, monkeypatch):
    """The sheet's progress column and its derived rows share one reading of the registers."""
    from zkdesk.services.auth import login_and_commit
    from zkdesk.services.demo import DEMO_ADMIN, DEMO_PASSWORD
    from zkdesk.services.derived import Registers
    from zkdesk.services.indicator_values import entry_sheet

    with fresh_db.session() as s:
        fill_demo(s)
    actor = login_and_commit(fresh_db, DEMO_ADMIN, DEMO_PASSWORD)
    loads: list = []
    once = Registers.once

    def counted(self, key, load):
        def loading(session):
            loads.append(key)
            return load(session)
        return once(self, key, loading)

    monkeypatch.setattr(Registers, "once", counted)
    with fresh_db.read_session() as s:
        plan_id = plan_by_code(s, PLAN).id
        for code in (COUNTY, NANSAN):
            loads.clear()
            sheet = entry_sheet(s, actor, plan_id, code, 2024)
            assert any(row.derived and row.value is not None for row in sheet.rows), code
            assert loads and len(loads) == len(set(loads)), (code, loads)
