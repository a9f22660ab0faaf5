"""Export and import of a township package of 10,000 records, beside a baseline measured in the
same run: copying the same rows between two SQLite files with executemany.

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest -q -s tests/bench/bench_exchange.py
(or run the file with python). Prints times and ratios; asserts only that the work was done.
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.unit.exchange_world import COUNTY, make_office_at  # noqa: E402
from zkdesk.store.base import new_uuid, utcnow  # noqa: E402
from zkdesk.store.models import Enterprise, EnterpriseYear  # noqa: E402

TOWN = "530924103"
ENTERPRISES = 2_500
YEARS = (2022, 2023, 2024)  # 2,500 enterprises + 7,500 yearly rows = 10,000 records
TABLES = ("enterprise", "enterprise_year")


def _fill(town) -> int:
    now = utcnow()
    ents, years = [], []
    for i in range(ENTERPRISES):
        eid = new_uuid()
        ents.append(dict(id=eid, origin=TOWN, revision=1, updated_at=now, deleted=False, name=f"南伞企业{i:05d}有限公司",
                         uscc="", township_code=TOWN, ownership="非公", industry="茶", is_company=True,
                         address=f"南伞镇{i}号", contact_person="张三", contact_phone="13800000000", note="基准测试"))
        years += [dict(id=new_uuid(), origin=TOWN, revision=1, updated_at=now, deleted=False, enterprise_id=eid, year=y,
                       employees=10 + i % 300, operating_status="正常经营", status_date=None) for y in YEARS]
    with town.db.session() as s:
        s.execute(Enterprise.__table__.insert(), ents)
        s.execute(EnterpriseYear.__table__.insert(), years)
    return len(ents) + len(years)


def _baseline(src: Path, dest: Path) -> tuple[float, int]:
    """Copy the same rows into an empty file with the same schema (tables and indexes), as
    plainly as SQLite allows."""
    con_src = sqlite3.connect(src)
    con_dest = sqlite3.connect(dest)
    con_dest.execute("PRAGMA foreign_keys=ON")
    con_dest.execute("PRAGMA journal_mode=WAL")
    con_dest.execute("PRAGMA synchronous=FULL")
    # the same tables and the same indexes as the office's own database, so both sides keep
    # the same indexes up to date while they write
    for (sql,) in con_src.execute("SELECT sql FROM sqlite_master WHERE type IN ('table', 'index') AND sql IS NOT NULL "
                                  "ORDER BY type = 'index'"):
        con_dest.execute(sql)
    for row in con_src.execute("SELECT * FROM org_unit ORDER BY length(code)"):
        con_dest.execute(f"INSERT INTO org_unit VALUES ({','.join('?' * len(row))})", row)
    con_dest.commit()
    start = time.perf_counter()
    copied = 0
    for table in TABLES:
        rows = con_src.execute(f"SELECT * FROM {table} WHERE origin = ?", (TOWN,)).fetchall()
        con_dest.executemany(f"INSERT INTO {table} VALUES ({','.join('?' * len(rows[0]))})", rows)
        copied += len(rows)
    con_dest.commit()
    elapsed = time.perf_counter() - start
    con_src.close()
    con_dest.close()
    return elapsed, copied


def run(root: Path) -> dict[str, float]:
    county, town = make_office_at(root, COUNTY), make_office_at(root, TOWN)
    county.export(root / "setup", TOWN)
    town.applied(root / "setup", trust=[county.fingerprint])
    records = _fill(town)
    town_print = town.fingerprint

    start = time.perf_counter()
    (package,) = town.export(root / "stick")
    export_s = time.perf_counter() - start
    assert package.total == records

    start = time.perf_counter()
    (result,) = county.applied(package.path, trust=[town_print])
    import_s = time.perf_counter() - start
    assert result.counts["new"] == records

    baseline_s, copied = _baseline(town.db.path, root / "baseline.sqlite3")
    assert copied == records
    size_kb = package.path.stat().st_size / 1024
    county.db.dispose()
    town.db.dispose()
    print(f"\n{records} records, package {size_kb:.0f} KB")
    print(f"baseline executemany copy: {baseline_s:.3f} s")
    print(f"export (select, sign, encrypt, fsync, verify): {export_s:.3f} s  ratio {export_s / baseline_s:.1f}x")
    print(f"import (backup, verify, decrypt, compare, write): {import_s:.3f} s  ratio {import_s / baseline_s:.1f}x")
    print(f"export + import: ratio {(export_s + import_s) / baseline_s:.1f}x")
    return {"baseline": baseline_s, "export": export_s, "import": import_s}


def test_bench_exchange(tmp_path):
    run(tmp_path)


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        run(Path(tmp))
