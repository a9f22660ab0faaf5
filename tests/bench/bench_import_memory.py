"""Benchmark: peak memory of a 100,000-row enterprise import (dry run + write), each measured
in its own child process beside a baseline measured in the same run: python-calamine reading
the same file into Python lists. Also a sheet over the row limit and a sheet reaching Excel's
last row (one cell in row 1,048,576): their refusals' peaks (the sheet's XML is scanned in
chunks, calamine never reads it whole).
Aim: the import's peak RSS under 400 MB. Run:  python tests/bench/bench_import_memory.py [ROWS]
(also collected by `pytest tests/bench/bench_import_memory.py -s`).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROWS = 100_000
ROOT = Path(__file__).resolve().parents[2]

CHILD = r'''
import json, resource, sys
from pathlib import Path
mode, path, home_dir, limit = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4])
result = {}
if mode == "calamine":
    import python_calamine
    rows = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python(skip_empty_area=False)
    result["rows"] = len(rows)
else:
    from zkdesk.config import Home
    from zkdesk.domain.roles import Role
    from zkdesk.imports.pipeline import apply_plan, check_file
    from zkdesk.imports.workbook import TooManyRows
    from zkdesk.services import settings
    from zkdesk.services.actor import Actor
    from zkdesk.services.office import initialise
    from zkdesk.store.migrate import open_database
    home = Home(home_dir).ensure()
    db = open_database(home.db_path, home.backups_dir)
    with db.session() as s:
        initialise(s, "530924", "bench", "bench-password-9")
    actor = Actor("bench", "bench", Role.ADMIN, "530924")
    with db.session() as s:
        settings.change(s, actor, "import_row_limit", limit)
    try:
        with db.session() as s:
            plan = check_file(s, actor, "enterprises", path)
        result["new"] = apply_plan(db, actor, plan).new
    except TooManyRows as exc:
        result["refused"] = str(exc)[:40]
result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(result))
'''


def child(mode: str, path: Path, home: Path, limit: int) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, mode, str(path), str(home), str(limit)],
                         capture_output=True, text=True, cwd=ROOT, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def make_far_sheet(path: Path) -> Path:
    """A short roster with one more cell in the sheet's last possible row."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["企业名称", "统一社会信用代码", "所属乡镇"])
    ws.append(["镇康县示例有限公司", "91530924MA6K8T2C1N", "南伞镇"])
    ws.cell(row=1_048_576, column=12, value="合计")
    wb.save(path)
    return path


def run(rows: int = ROWS) -> float:
    from tests.bench.bench_import import make_roster

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        path = make_roster(tmp / "roster.xlsx", rows)
        base = child("calamine", path, tmp / "unused", rows)
        imported = child("zkdesk", path, tmp / "home", rows)
        refused = child("zkdesk", path, tmp / "home2", rows // 10)
        far = child("zkdesk", make_far_sheet(tmp / "far.xlsx"), tmp / "home3", rows)
        far_base = child("calamine", tmp / "far.xlsx", tmp / "unused", rows)
    assert imported.get("new") == rows, imported
    assert "refused" in refused, refused
    assert "refused" in far, far
    print(f"\n{rows} enterprise rows x 12 columns                    peak RSS")
    print(f"  baseline: calamine read into Python lists  {base['peak_mb']:7.0f} MB")
    print(f"  zkdesk import (dry run + write)            {imported['peak_mb']:7.0f} MB  "
          f"({imported['peak_mb'] / base['peak_mb']:.2f} x baseline; aim < 400 MB)")
    print(f"  zkdesk refusing it over a {rows // 10}-row limit  {refused['peak_mb']:7.0f} MB")
    print(f"  a sheet reaching row 1,048,576: calamine    {far_base['peak_mb']:7.0f} MB")
    print(f"  zkdesk refusing that sheet                 {far['peak_mb']:7.0f} MB")
    return imported["peak_mb"]


def test_bench_import_memory():
    run()


if __name__ == "__main__":
    run(int(sys.argv[1]) if len(sys.argv) > 1 else ROWS)
