import sqlite3

from tests.cli.helpers import run_cli


def test_init_creates_office_and_admin(tmp_path):
    home = tmp_path / "h"
    r = run_cli(home, "init", "--org", "530924103", "--admin", "clerk1", "--password-stdin", stdin="long-enough-9\n")
    assert r.code == 0, r.err
    with sqlite3.connect(home / "zkdesk.sqlite3") as con:
        assert con.execute("SELECT value FROM setting WHERE key='office_code'").fetchone() == ("530924103",)
        user, role, pw_hash = con.execute("SELECT username, role, password_hash FROM app_user").fetchone()
    assert (user, role) == ("clerk1", "admin")
    assert pw_hash.startswith("scrypt$") and "long-enough-9" not in pw_hash


def test_init_refuses_bad_input_with_one_chinese_line(tmp_path):
    home = tmp_path / "h"
    r = run_cli(home, "init", "--org", "123456", "--admin", "a", "--password-stdin", stdin="long-enough-9\n")
    assert r.code == 2
    assert r.err.startswith("错误：") and "区划代码" in r.err and "Traceback" not in r.err
    assert len(r.err.strip().splitlines()) == 1
    r = run_cli(home, "init", "--org", "530924", "--admin", "a", "--password-stdin", stdin="short\n")
    assert r.code == 2 and "至少需要8位" in r.err


def test_init_twice_is_refused(tmp_path):
    home = tmp_path / "h"
    assert run_cli(home, "init", "--org", "530924", "--admin", "a", "--password-stdin", stdin="long-enough-9\n").code == 0
    r = run_cli(home, "init", "--org", "530924", "--admin", "b", "--password-stdin", stdin="long-enough-9\n")
    assert r.code == 2 and "已经初始化" in r.err


def test_demo_fills_a_county(tmp_path):
    home = tmp_path / "h"
    r = run_cli(home, "demo", "--json")
    assert r.code == 0, r.err
    counts = r.json()
    assert counts["企业"] >= 200 and counts["劳模推荐"] > 20 and counts["三室一站"] >= 7 and counts["指标数值"] > 500
    with sqlite3.connect(home / "zkdesk.sqlite3") as con:
        assert con.execute("SELECT value FROM setting WHERE key='demo_data'").fetchone() == ("1",)
        townships = con.execute("SELECT COUNT(DISTINCT township_code) FROM enterprise").fetchone()[0]
    assert townships == 7
    again = run_cli(home, "demo")
    assert again.code == 2 and "演示数据只能填入空数据库" in again.err


def test_a_bad_command_line_gets_one_chinese_line(tmp_path):
    r = run_cli(tmp_path / "h", "progress", "--year", "abc")
    assert r.code == 2
    assert r.err.strip() == "错误：参数 --year 应为整数，收到“abc”（用 zkdesk progress -h 查看用法）"
    r = run_cli(tmp_path / "h", "no-such-command")
    assert r.code == 2 and r.err.startswith("错误：参数 命令 的取值“no-such-command”无效")
    assert len(r.err.strip().splitlines()) == 1
