"""zkdesk backup / restore / verify, run as the county's scripts run them."""

import sqlite3

from tests.backup_helpers import damage_database
from tests.cli.helpers import run_cli

PW = "long-enough-9\n"


def _init(home):
    r = run_cli(home, "init", "--org", "530924103", "--admin", "clerk1", "--password-stdin", stdin=PW)
    assert r.code == 0, r.err


def _users(home):
    with sqlite3.connect(home / "zkdesk.sqlite3") as con:
        return [r[0] for r in con.execute("SELECT username FROM app_user ORDER BY id")]


def test_backup_list_and_restore_round_trip(tmp_path):
    home = tmp_path / "h"
    _init(home)
    usb = tmp_path / "usb"
    usb.mkdir()
    r = run_cli(home, "backup", "--to", str(usb), "--json", "--user", "clerk1", "--password-stdin", stdin=PW)
    assert r.code == 0, r.err
    made = r.json()
    assert made["trigger"] == "manual" and made["file"].startswith(str(usb)) and made["size"] > 0

    r = run_cli(home, "backup", "--user", "clerk1", "--password-stdin", stdin=PW)
    assert r.code == 0 and "已备份并校验" in r.out
    listed = run_cli(home, "backup", "--list", "--json", "--user", "clerk1", "--password-stdin", stdin=PW).json()["backups"]
    assert [b["trigger_label"] for b in listed] == ["手动备份"]

    with sqlite3.connect(home / "zkdesk.sqlite3") as con:  # a change after the backup
        con.execute("UPDATE app_user SET display_name='改过' WHERE username='clerk1'")
    r = run_cli(home, "restore", made["file"], "--json", "--user", "clerk1", "--password-stdin", stdin=PW)
    assert r.code == 0, r.err
    with sqlite3.connect(home / "zkdesk.sqlite3") as con:
        assert con.execute("SELECT display_name FROM app_user").fetchone() == ("clerk1",)
        assert con.execute("SELECT action FROM audit_log ORDER BY id DESC LIMIT 1").fetchone() == ("restore",)
    safety = r.json()["safety_backup"]
    with sqlite3.connect(safety) as con:
        assert con.execute("SELECT display_name FROM app_user").fetchone() == ("改过",)


def test_restore_needs_a_user_unless_the_database_is_damaged(tmp_path):
    home = tmp_path / "h"
    _init(home)
    backup = run_cli(home, "backup", "--json", "--user", "clerk1", "--password-stdin", stdin=PW).json()["file"]
    r = run_cli(home, "restore", backup)
    assert r.code == 2 and "--user" in r.err and "Traceback" not in r.err
    r = run_cli(home, "restore", backup, "--user", "clerk1", "--password-stdin", stdin="wrong-password\n")
    assert r.code == 2 and "密码错误" in r.err

    damage_database(home / "zkdesk.sqlite3")
    r = run_cli(home, "verify")
    assert r.code == 1 and "损坏" in r.err
    r = run_cli(home, "restore", backup)
    assert r.code == 0, r.err
    assert run_cli(home, "verify").code == 0
    assert _users(home) == ["clerk1"]


def test_verify_names_the_audit_row_edited_behind_the_programs_back(tmp_path):
    home = tmp_path / "h"
    _init(home)
    for _ in range(3):  # a few more entries
        run_cli(home, "backup", "--user", "clerk1", "--password-stdin", stdin=PW)
    ok = run_cli(home, "verify", "--json")
    assert ok.code == 0 and ok.json()["ok"] is True and ok.json()["audit_checked"] >= 7
    assert "校验通过" in run_cli(home, "verify").out

    with sqlite3.connect(home / "zkdesk.sqlite3") as con:
        con.execute("UPDATE audit_log SET username='someone' WHERE id=4")
    r = run_cli(home, "verify")
    assert r.code == 1
    assert r.err.strip() == "错误：操作日志第4条被改动（someone login），此前3条记录完好"
    report = run_cli(home, "verify", "--json")
    assert report.code == 1 and report.json()["audit_broken_id"] == 4 and report.json()["integrity_ok"] is True

    with sqlite3.connect(home / "zkdesk.sqlite3") as con:  # a deleted row breaks the next link
        con.execute("UPDATE audit_log SET username='clerk1' WHERE id=4")
        con.execute("DELETE FROM audit_log WHERE id=2")
    r = run_cli(home, "verify", "--json")
    assert r.code == 1 and r.json()["audit_broken_id"] == 3 and "被删除或改动" in r.json()["message"]


def test_verify_without_a_database_says_so(tmp_path):
    r = run_cli(tmp_path / "empty", "verify")
    assert r.code == 2 and "没有数据库" in r.err


def test_verify_without_a_login_says_which_checks_it_skipped_and_with_one_does_them(tmp_path):
    home = tmp_path / "h"
    _init(home)
    r = run_cli(home, "verify", "--json")
    assert r.code == 0, r.err  # nothing wrong found
    report = r.json()
    assert report["ok"] is True and "本单位交换私钥能否用数据密钥打开" in report["skipped_checks"]
    assert "操作日志密钥校验点的校验值（能否确认链条未被整体重算）" in report["skipped_checks"]
    text = run_cli(home, "verify")
    assert text.code == 0 and "未做的检查" in text.out and "--user 用户名 --password-stdin" in text.out
    full = run_cli(home, "verify", "--json", "--user", "clerk1", "--password-stdin", stdin=PW)
    assert full.code == 0, full.err
    assert full.json()["ok"] is True and full.json()["skipped_checks"] == []
    wrong = run_cli(home, "verify", "--user", "clerk1", "--password-stdin", stdin="wrong-password\n")
    assert wrong.code == 2 and "密码错误" in wrong.err
