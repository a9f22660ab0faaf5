"""Benchmark: import 20,000 enterprise rows end to end (read, validate, match, write).

Printed beside two baselines measured in the same run on the same file:
  A  plain python-calamine reading + a plain executemany into SQLite (one transaction)
  B  plain openpyxl read-only iteration (reading only)
Then the whole roster (集体合同企业名册: each row's enterprise, year figures, union and
contract, four registers) beside its own baseline R: calamine reading + one executemany per
register into four plain tables.
Aim: zkdesk's import under 2x baseline A. Run:  python tests/bench/bench_import.py [ROWS]
(also collected by `pytest tests/bench/bench_import.py -s`).
"""

from __future__ import annotations

import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROWS = 20_000


def make_roster(path: Path, rows: int) -> Path:
    from openpyxl import Workbook

    from zkdesk.domain.uscc import CHARSET, uscc_check_char

    rng = random.Random(7)
    townships = ["南伞镇", "勐捧镇", "凤尾镇", "530924201", "勐堆乡", "木场乡", "军赛乡"]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("企业名册")
    ws.append(["2024年企业名册"])
    ws.append(["序号", "企业名称", "统一社会信用代码", "所属乡镇", "所有制", "行业", "公司制", "地址", "联系人",
               "联系电话", "备注", "法人代表"])
    for i in range(rows):
        body = "91530924MA" + "".join(rng.choice(CHARSET) for _ in range(7))
        ws.append([i + 1, f"镇康县示例{i:05d}有限公司", body + uscc_check_char(body), rng.choice(townships),
                   rng.choice(["非公", "国有", "民营"]), rng.choice(["茶", "糖", "其他"]), rng.choice(["是", "否", "√"]),
                   f"示例路{i}号", "张三", f"139{i:08d}", "", "李四"])
    wb.save(path)
    return path


class Clock:
    """Wall time and this process's CPU time: on a busy machine the CPU ratio is the steadier one."""

    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *_exc):
        self.wall, self.cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu


def baseline_calamine_executemany(path: Path, db_path: Path) -> None:
    import python_calamine

    rows = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python(skip_empty_area=False)
    data = [tuple(str(v) for v in r[:12]) for r in rows[2:]]
    con = sqlite3.connect(db_path)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=FULL")
    con.execute("CREATE TABLE t (" + ", ".join(f"c{i} TEXT" for i in range(12)) + ")")
    with con:
        con.executemany("INSERT INTO t VALUES (" + ",".join("?" * 12) + ")", data)
    con.close()


def reference_real_table(path: Path, db_path: Path) -> None:
    """Not a baseline, a reference: the same plain read and executemany, into a table with the
    enterprise table's real shape (a UUID key and four indexes), to show what the schema costs."""
    import uuid

    import python_calamine
    from sqlalchemy import create_engine

    from zkdesk.store.models import Enterprise

    engine = create_engine(f"sqlite:///{db_path}")
    Enterprise.__table__.create(engine)
    engine.dispose()
    rows = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python(skip_empty_area=False)
    data = [(str(uuid.uuid4()), "530924", str(r[1]), str(r[2]), "530924103", str(r[4]), str(r[5]), 1, str(r[7]),
             str(r[8]), str(r[9]), "", 1, "2024-01-01 00:00:00", 0) for r in rows[2:]]
    con = sqlite3.connect(db_path)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=FULL")
    with con:
        con.executemany(
            "INSERT INTO enterprise (id, origin, name, uscc, township_code, ownership, industry, is_company, address,"
            " contact_person, contact_phone, note, revision, updated_at, deleted) VALUES (" + ",".join("?" * 15) + ")",
            data,
        )
    con.close()


def baseline_openpyxl(path: Path) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    count = sum(1 for _ in wb.worksheets[0].iter_rows(values_only=True))
    wb.close()
    assert count > 0


def zkdesk_import(path: Path, home_dir: Path, rows: int, clock: Clock) -> tuple[float, float]:
    from zkdesk.config import Home
    from zkdesk.domain.roles import Role
    from zkdesk.imports.pipeline import apply_plan, check_file
    from zkdesk.services.actor import Actor
    from zkdesk.services.office import initialise
    from zkdesk.store.migrate import open_database

    home = Home(home_dir).ensure()
    db = open_database(home.db_path, home.backups_dir)
    with db.session() as s:
        initialise(s, "530924", "bench", "bench-password-9")
    actor = Actor("bench", "bench", Role.ADMIN, "530924")
    with clock:
        start = time.perf_counter()
        with db.session() as s:
            plan = check_file(s, actor, "enterprises", path)
        checked = time.perf_counter()
        summary = apply_plan(db, actor, plan)  # the GUI/CLI also back up first; not part of the import itself
        done = time.perf_counter()
    assert summary.new == rows and not summary.rejected, summary.headline()
    db.dispose()
    return checked - start, done - checked


def run(rows: int = ROWS) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        path = make_roster(tmp / "roster.xlsx", rows)
        with Clock() as a:
            baseline_calamine_executemany(path, tmp / "plain.sqlite3")
        with Clock() as b:
            baseline_openpyxl(path)
        with Clock() as ref:
            reference_real_table(path, tmp / "shaped.sqlite3")
        z = Clock()
        check, write = zkdesk_import(path, tmp / "home", rows, z)
    print(f"\n{rows} enterprise rows x 12 columns                wall      cpu")
    print(f"  A  calamine + executemany          {a.wall:6.2f} s  {a.cpu:6.2f} s")
    print(f"  B  openpyxl read-only iteration     {b.wall:6.2f} s  {b.cpu:6.2f} s")
    print(f"  A' A into the real table shape      {ref.wall:6.2f} s  {ref.cpu:6.2f} s  (reference: UUID key + 4 indexes)")
    print(f"  zkdesk import end to end           {z.wall:6.2f} s  {z.cpu:6.2f} s  (check {check:.2f} s + write {write:.2f} s)")
    print(f"  zkdesk / A = {z.wall / a.wall:.2f} wall, {z.cpu / a.cpu:.2f} cpu (aim < 2);  zkdesk / B = {z.wall / b.wall:.2f} wall")
    print(f"  zkdesk / A' = {z.cpu / ref.cpu:.2f} cpu  (the table's own shape costs A'/A = {ref.cpu / a.cpu:.2f} cpu)")
    return z.wall / a.wall


ROSTER_HEADER = ["序号", "企业名称", "统一社会信用代码", "所属乡镇", "所有制", "公司制", "职工人数", "经营状态", "是否建会",
                 "建会时间", "工会主席", "职代会", "厂务公开", "是否建立集体协商制度", "集体合同签订日期", "合同期限"]


def make_whole_roster(path: Path, rows: int) -> Path:
    """The county's roster shape: every row an enterprise with this year's figures, a union
    (most rows) and a collective contract (most rows)."""
    from datetime import date

    from openpyxl import Workbook

    from zkdesk.domain.uscc import CHARSET, uscc_check_char

    rng = random.Random(11)
    townships = ["南伞镇", "勐捧镇", "凤尾镇", "忙丙乡", "勐堆乡", "木场乡", "军赛乡"]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("集体合同企业名册")
    ws.append(["镇康县集体合同企业名册"])
    ws.append(ROSTER_HEADER)
    for i in range(rows):
        body = "91530924MA" + "".join(rng.choice(CHARSET) for _ in range(7))
        union = rng.random() < 0.8
        contract = union and rng.random() < 0.8
        ws.append([
            i + 1, f"镇康县示例{i:05d}有限公司", body + uscc_check_char(body), rng.choice(townships),
            rng.choice(["非公", "国有"]), rng.choice(["是", "否"]), rng.randint(5, 400), "正常经营",
            "是" if union else "否", date(rng.randint(2005, 2023), rng.randint(1, 12), 1) if union else None,
            "张三" if union else None, (rng.choice(["是", "否"]) if union else None),
            (rng.choice(["是", "否"]) if union else None), ("是" if contract else None),
            date(rng.randint(2023, 2025), rng.randint(1, 12), 1) if contract else None,
            rng.randint(1, 3) if contract else None,
        ])
    wb.save(path)
    return path


def baseline_roster_executemany(path: Path, db_path: Path) -> None:
    """R: the roster's rows read by calamine and written by one executemany per register."""
    import python_calamine

    rows = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python(skip_empty_area=False)
    data = rows[2:]
    con = sqlite3.connect(db_path)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=FULL")
    shapes = {"e": 6, "y": 3, "u": 5, "c": 4}
    for table, width in shapes.items():
        con.execute(f"CREATE TABLE {table} (" + ", ".join(f"c{i} TEXT" for i in range(width)) + ")")
    with con:
        con.executemany("INSERT INTO e VALUES (?,?,?,?,?,?)", [tuple(str(v) for v in r[1:7]) for r in data])
        con.executemany("INSERT INTO y VALUES (?,?,?)", [(str(r[2]), str(r[6]), str(r[7])) for r in data])
        con.executemany("INSERT INTO u VALUES (?,?,?,?,?)",
                        [tuple(str(v) for v in (r[2], r[9], r[10], r[11], r[12])) for r in data if r[8] == "是"])
        con.executemany("INSERT INTO c VALUES (?,?,?,?)",
                        [tuple(str(v) for v in (r[2], r[13], r[14], r[15])) for r in data if r[14] != ""])
    con.close()


def zkdesk_whole_roster(path: Path, home_dir: Path, rows: int, clock: Clock, again: Clock) -> tuple[float, float, dict]:
    from zkdesk.config import Home
    from zkdesk.domain.roles import Role
    from zkdesk.imports.pipeline import apply_plan, check_file
    from zkdesk.services.actor import Actor
    from zkdesk.services.office import initialise
    from zkdesk.store.migrate import open_database

    home = Home(home_dir).ensure()
    db = open_database(home.db_path, home.backups_dir)
    with db.session() as s:
        initialise(s, "530924", "bench", "bench-password-9")
    actor = Actor("bench", "bench", Role.ADMIN, "530924")
    with clock:
        start = time.perf_counter()
        with db.session() as s:
            plan = check_file(s, actor, "enterprises", path)
        checked = time.perf_counter()
        summary = apply_plan(db, actor, plan)
        done = time.perf_counter()
    assert summary.new == rows and not summary.rejected, summary.headline()
    written = {"enterprises": summary.new} | {part.kind: part.new for part in summary.parts}
    with again, db.session() as s:  # the same roster checked again: every record matched, none new
        plan = check_file(s, actor, "enterprises", path)
    assert plan.summary.unchanged == rows and not plan.summary.rejected, plan.summary.headline()
    db.dispose()
    return checked - start, done - checked, written


def run_whole_roster(rows: int = ROWS) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        path = make_whole_roster(tmp / "roster.xlsx", rows)
        with Clock() as r:
            baseline_roster_executemany(path, tmp / "plain.sqlite3")
        z, again = Clock(), Clock()
        check, write, written = zkdesk_whole_roster(path, tmp / "home", rows, z, again)
    records = sum(written.values())
    print(f"\n{rows}-row whole roster x {len(ROSTER_HEADER)} columns -> {records} records "
          f"({', '.join(f'{k} {v}' for k, v in written.items())})")
    print(f"  R  calamine + executemany (4 tables) {r.wall:6.2f} s  {r.cpu:6.2f} s")
    print(f"  zkdesk import end to end           {z.wall:6.2f} s  {z.cpu:6.2f} s  (check {check:.2f} s + write {write:.2f} s)")
    print(f"  zkdesk / R = {z.wall / r.wall:.2f} wall, {z.cpu / r.cpu:.2f} cpu")
    print(f"  the same roster checked again      {again.wall:6.2f} s  {again.cpu:6.2f} s  (every record matched; "
          f"/ R = {again.cpu / r.cpu:.2f} cpu)")
    return z.cpu / r.cpu


def test_bench_import():
    run()


def test_bench_whole_roster_import():
    run_whole_roster()


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else ROWS
    run(count)
    run_whole_roster(count)
