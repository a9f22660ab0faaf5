"""zkdesk package export/import and keys show, as the county's scripts run them; and an import
killed half-way."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date

from tests.cli.helpers import run_cli
from tests.conftest import PASSWORD
from tests.unit.exchange_world import COUNTY, make_office_at
from zkdesk.exchange.apply import PAUSE_ENV
from zkdesk.store.backup_file import integrity_ok
from zkdesk.store.models import Enterprise, EnterpriseYear, Studio, StudioMember

TOWN = "530924102"
USER = ("--user", "admin", "--password-stdin")


def offices(tmp_path):
    """County and 勐捧镇 via the command line: set-up out, trusted, a report written."""
    county, town = make_office_at(tmp_path, COUNTY), make_office_at(tmp_path, TOWN)
    county_print, town_print = county.fingerprint, town.fingerprint
    county.db.dispose()
    town.db.dispose()
    return county.root, town.root, county_print, town_print


def test_package_commands_end_to_end(tmp_path):
    county, town, county_print, town_print = offices(tmp_path)
    usb = tmp_path / "usb"
    usb.mkdir()
    r = run_cli(county, "package", "export", "--to", str(usb), "--for", TOWN, "--json", *USER, stdin=PASSWORD + "\n")
    assert r.code == 0, r.err
    (setup,) = r.json()["packages"]
    assert setup["file"].startswith(f"{COUNTY}-{TOWN}-") and setup["kind"] == "setup"

    r = run_cli(town, "package", "import", str(usb), "--json", *USER, stdin=PASSWORD + "\n")
    assert r.code == 2
    (pkg,) = r.json()["packages"]
    assert county_print in pkg["error"] and pkg["sequence"] == 1

    r = run_cli(town, "package", "import", str(usb), "--dry-run", "--json", "--trust-new-key", county_print.lower(),
                *USER, stdin=PASSWORD + "\n")
    assert r.code == 0, r.err
    out = r.json()
    assert out["dry_run"] is True and out["packages"][0]["unchanged"] == 85 + 22 + 379 and not out["packages"][0]["applied"]

    r = run_cli(town, "package", "import", str(usb / setup["file"]), "--json", "--trust-new-key", county_print,
                *USER, stdin=PASSWORD + "\n")
    assert r.code == 0, r.err
    (pkg,) = r.json()["packages"]
    assert set(pkg) >= {"file", "sender", "sequence", "new", "updated", "unchanged", "conflicts", "rejected", "error"}
    assert (pkg["file"], pkg["sender"], pkg["sequence"], pkg["error"], pkg["applied"]) == (setup["file"], COUNTY, 1, None, True)

    r = run_cli(town, "keys", "show", "--json", *USER, stdin=PASSWORD + "\n")
    keys = r.json()
    assert keys["fingerprint"] == town_print and keys["peers"][0]["fingerprint"] == county_print

    r = run_cli(town, "package", "export", "--to", str(usb), *USER, stdin=PASSWORD + "\n")
    assert r.code == 0 and "已导出 530924102-" in r.out and "发给镇康县总工会" in r.out
    r = run_cli(county, "package", "import", str(usb), "--trust-new-key", town_print, *USER, stdin=PASSWORD + "\n")
    assert r.code == 0, r.err
    assert "已导入（勐捧镇总工会第1号）" in r.out and "跳过" in r.out  # its own set-up package is skipped
    r = run_cli(county, "keys", "forget", TOWN, *USER, stdin=PASSWORD + "\n")
    assert r.code == 0, r.err
    r = run_cli(county, "keys", "show", "--json", *USER, stdin=PASSWORD + "\n")
    assert [p["fingerprint"] for p in r.json()["peers"] if p["code"] == TOWN] == [""]
    r = run_cli(county, "package", "import", str(usb / "nothing.zkx"), *USER, stdin=PASSWORD + "\n")
    assert r.code == 2 and r.err.startswith("错误：") and "找不到文件" in r.err


def test_wrong_password_and_missing_folder(tmp_path):
    county, _town, _cp, _tp = offices(tmp_path)
    r = run_cli(county, "package", "export", "--to", str(tmp_path / "nope"), *USER, stdin="wrong-password\n")
    assert r.code == 2 and "用户名或密码错误" in r.err
    r = run_cli(county, "package", "export", "--to", str(tmp_path / "nope"), *USER, stdin=PASSWORD + "\n")
    assert r.code == 2 and "导出目录不存在" in r.err and len(r.err.strip().splitlines()) == 1


def _big_report(tmp_path):
    """A township report touching several tables, imported at the county later."""
    county, town = make_office_at(tmp_path, COUNTY), make_office_at(tmp_path, TOWN)
    county.export(tmp_path / "setup", TOWN)
    town.applied(tmp_path / "setup", trust=[county.fingerprint])
    with town.db.session() as s:
        for i in range(30):
            ent = Enterprise(origin=TOWN, name=f"勐捧企业{i}", township_code=TOWN)
            s.add(ent)
            s.flush()
            s.add(EnterpriseYear(origin=TOWN, enterprise_id=ent.id, year=2025, employees=10 + i))
            studio = Studio(origin=TOWN, name=f"工作室{i}", kind="职工创新工作室", township_code=TOWN, lead_name="张", enterprise_id=ent.id,
                            applied_on=date(2024, 3, 1))
            s.add(studio)
            s.flush()
            s.add(StudioMember(origin=TOWN, studio_id=studio.id, name="李"))
    (report,) = town.export(tmp_path / "report")
    prints = town.fingerprint
    county.db.dispose()
    town.db.dispose()
    return county.root, report, prints


def _count(db_path, table) -> int:
    con = sqlite3.connect(db_path)
    try:
        return con.execute(f"SELECT COUNT(*) FROM {table} WHERE origin = ?", (TOWN,)).fetchone()[0]
    finally:
        con.close()


def test_an_import_killed_half_way_leaves_all_or_nothing(tmp_path):
    county, report, town_print = _big_report(tmp_path)
    marker = tmp_path / "paused"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONIOENCODING="utf-8", **{PAUSE_ENV: str(marker)})
    proc = subprocess.Popen(
        [sys.executable, "-m", "zkdesk", "--home", str(county), "package", "import", str(report.path),
         "--trust-new-key", town_print, *USER],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
    )
    proc.stdin.write((PASSWORD + "\n").encode())
    proc.stdin.close()
    deadline = time.monotonic() + 120
    while not marker.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert marker.exists(), proc.stderr.read().decode()
    db_path = county / "zkdesk.sqlite3"
    # The import is inside its transaction now, some tables written: pull the plug.
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL

    assert integrity_ok(db_path) == (True, "")
    counts = {t: _count(db_path, t) for t in ("enterprise", "enterprise_year", "studio", "studio_member")}
    assert counts == {"enterprise": 0, "enterprise_year": 0, "studio": 0, "studio_member": 0}  # none of it
    con = sqlite3.connect(db_path)
    assert con.execute("SELECT COUNT(*) FROM exchange_inbound").fetchone() == (0,)
    con.close()
    assert list((county / "backups").glob("*-import*.sqlite3"))  # the backup was taken before

    r = run_cli(county, "package", "import", str(report.path), "--json", "--trust-new-key", town_print, *USER,
                stdin=PASSWORD + "\n")
    assert r.code == 0, r.err
    assert r.json()["packages"][0]["new"] == 120
    counts = {t: _count(db_path, t) for t in ("enterprise", "enterprise_year", "studio", "studio_member")}
    assert counts == {"enterprise": 30, "enterprise_year": 30, "studio": 30, "studio_member": 30}  # all of it


def test_keys_rotate_is_taken_by_the_peer_from_the_next_package(tmp_path):
    county, town, county_print, town_print = offices(tmp_path)
    usb, back = tmp_path / "usb", tmp_path / "back"
    usb.mkdir()
    back.mkdir()
    assert run_cli(county, "package", "export", "--to", str(usb), "--for", TOWN, *USER, stdin=PASSWORD + "\n").code == 0
    r = run_cli(town, "package", "import", str(usb), "--trust-new-key", county_print, *USER, stdin=PASSWORD + "\n")
    assert r.code == 0, r.err
    assert run_cli(town, "package", "export", "--to", str(back), *USER, stdin=PASSWORD + "\n").code == 0
    r = run_cli(county, "package", "import", str(back), "--trust-new-key", town_print, *USER, stdin=PASSWORD + "\n")
    assert r.code == 0, r.err

    r = run_cli(town, "keys", "rotate", "--json", *USER, stdin=PASSWORD + "\n")
    assert r.code == 0, r.err
    rotated = r.json()
    assert rotated["old_fingerprint"] == town_print and rotated["fingerprint"] != town_print
    again = tmp_path / "again"
    again.mkdir()
    assert run_cli(town, "package", "export", "--to", str(again), *USER, stdin=PASSWORD + "\n").code == 0
    r = run_cli(county, "package", "import", str(again), "--json", *USER, stdin=PASSWORD + "\n")
    assert r.code == 0, r.err
    r = run_cli(county, "keys", "show", "--json", *USER, stdin=PASSWORD + "\n")
    assert [p["fingerprint"] for p in r.json()["peers"] if p["code"] == TOWN] == [rotated["fingerprint"]]
