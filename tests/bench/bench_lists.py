"""Benchmark: the register lists over a 100,000-enterprise county, each printed as a ratio to
plain SQL measured in the same run on the same database:

  search   list_enterprises(text=…)  vs  SELECT id, name FROM enterprise WHERE name LIKE '%…%'
  load     list_enterprises(year)    vs  SELECT the enterprise columns of every live enterprise
  and the other lists (contracts, evaluations, nominations, studios, audit trail) in ms.

Best of ROUNDS, wall time and this process's CPU time. The county is built once and cached
(tests/bench/register_county.py; tests/bench/big_county.py where present).
Run:  python tests/bench/bench_lists.py [ENTERPRISES]   (also `pytest tests/bench/bench_lists.py -s`)
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

ENTERPRISES = 100_000
ROUNDS = 3
YEAR = 2025


def best(fn, rounds: int = ROUNDS) -> tuple[float, float, object]:
    """(wall, cpu, result) of the fastest of `rounds` calls."""
    wall = cpu = float("inf")
    result = None
    for _ in range(rounds):
        c, w = time.process_time(), time.perf_counter()
        result = fn()
        wall, cpu = min(wall, time.perf_counter() - w), min(cpu, time.process_time() - c)
    return wall, cpu, result


def run(enterprises: int = ENTERPRISES, folder: Path | None = None) -> dict[str, float]:
    from sqlalchemy import select

    from tests.bench.register_county import ADMIN_USER, county_builder
    from zkdesk.domain.roles import Role
    from zkdesk.services.actor import Actor
    from zkdesk.services.audit_log import AuditFilter, count_audit, search_audit
    from zkdesk.services.contracts import ContractFilter, list_contracts
    from zkdesk.services.enterprises import SIZE_LARGE, EnterpriseFilter, count_enterprises, enterprise_choices, list_enterprises
    from zkdesk.services.evaluations import list_evaluations
    from zkdesk.services.nominations import list_nominations
    from zkdesk.services.studios import list_studios
    from zkdesk.store.migrate import open_database
    from zkdesk.store.models import AwardSession, Enterprise

    path = county_builder()(folder or Path(tempfile.gettempdir()) / "zkdesk-bench", enterprises=enterprises)
    db = open_database(path, path.parent / "backups-of-bench")
    county = Actor(ADMIN_USER, "管理员", Role.ADMIN, "530924")
    township = Actor(ADMIN_USER, "管理员", Role.ADMIN, "530924103")
    wanted = f"第{enterprises // 8 + 45}号"  # one enterprise's name ("第12545号"), not a prefix of another's
    plain_like = (select(Enterprise.id, Enterprise.name)
                  .where(Enterprise.deleted.is_(False), Enterprise.name.like(f"%{wanted}%")))
    plain_read = (select(Enterprise.id, Enterprise.name, Enterprise.uscc, Enterprise.township_code, Enterprise.ownership,
                         Enterprise.industry, Enterprise.is_company).where(Enterprise.deleted.is_(False)))
    try:
        with db.read_session() as s:
            session_id = s.scalars(select(AwardSession.id).order_by(AwardSession.number.desc())).first()
            timed = {
                "plain LIKE": best(lambda: s.execute(plain_like).all()),
                "search": best(lambda: list_enterprises(s, county, YEAR, EnterpriseFilter(text=wanted))),
                "plain read": best(lambda: s.execute(plain_read).all()),
                "load": best(lambda: list_enterprises(s, county, YEAR)),
                "filtered": best(lambda: list_enterprises(s, county, YEAR, EnterpriseFilter(
                    township_code="530924103", size=SIZE_LARGE, has_union=False))),
                "township office": best(lambda: list_enterprises(s, township, YEAR)),
                "choices": best(lambda: enterprise_choices(s, county)),
                "contracts": best(lambda: list_contracts(s, county)),
                "contracts in force": best(lambda: list_contracts(s, county, ContractFilter(year=YEAR - 1))),
                "evaluations": best(lambda: list_evaluations(s, county, YEAR - 1)),
                "nominations": best(lambda: list_nominations(s, county, session_id) if session_id else []),
                "studios": best(lambda: list_studios(s, county).rows),
                "audit page": best(lambda: search_audit(s, county, AuditFilter(action="delete"))),
                "audit count": best(lambda: count_audit(s, county)),
            }
            rows = timed["load"][2]
            timed["counts"] = best(lambda: count_enterprises(rows))
    finally:
        db.dispose()
    assert [r.name for r in timed["search"][2]] == [n for _, n in timed["plain LIKE"][2]]
    assert len(timed["load"][2]) == len(timed["plain read"][2])
    (lw, lc, _), (sw, sc, _) = timed["plain LIKE"], timed["search"]
    (rw, rc, _), (aw, ac, _) = timed["plain read"], timed["load"]
    print(f"\n{len(rows):,} enterprises ({path.name}), best of {ROUNDS}       wall        cpu     rows")
    for name, (wall, cpu, result) in timed.items():
        print(f"  {name:28s} {wall * 1000:9.1f} ms {cpu * 1000:9.1f} ms  {_count(result):>7}")
    print(f"  search / plain LIKE       = {sw / lw:5.1f} wall, {sc / lc:5.1f} cpu  (aim: search <= 200 ms)")
    print(f"  list load / plain read    = {aw / rw:5.1f} wall, {ac / rc:5.1f} cpu")
    return {"search": sw / lw, "load": aw / rw}


def _count(result) -> str:
    if hasattr(result, "__len__"):
        return f"{len(result):,}"
    if hasattr(result, "total"):
        return f"{result.total:,}"
    return str(result)


def test_bench_lists():
    run()


if __name__ == "__main__":
    run(int(sys.argv[1]) if len(sys.argv) > 1 else ENTERPRISES)
