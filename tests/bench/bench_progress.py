"""How long the dashboard's numbers take on the demo county, as a ratio to reading every
indicator value once (the floor any roll-up pays). Run: pytest tests/bench/bench_progress.py -s"""

import time

from sqlalchemy import select

from zkdesk.services.demo import fill_demo
from zkdesk.services.progress import plan_by_code, progress_for, township_breakdown
from zkdesk.store.models import IndicatorValue


def _best(fn, runs=5):
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def test_dashboard_numbers_against_reading_the_values(fresh_db):
    with fresh_db.session() as s:
        fill_demo(s)
    with fresh_db.session() as s:
        plan = plan_by_code(s, "zk-2021-2025")
        baseline = _best(lambda: list(s.scalars(select(IndicatorValue))))
        county = _best(lambda: progress_for(s, plan.id, "530924", 2024))
        breakdown = _best(lambda: township_breakdown(s, plan.id, 2024))
    print(f"\nread all values {baseline * 1000:.1f} ms; county progress ×{county / baseline:.1f}; "
          f"seven townships ×{breakdown / baseline:.1f}")
