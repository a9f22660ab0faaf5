"""zkdesk import / export / template, end to end as the county's scripts run them."""

import sqlite3

import openpyxl

from tests.cli.helpers import run_cli
from tests.xlsxfiles import write_xlsx
from zkdesk.domain.uscc import uscc_check_char

PW = "long-enough-9\n"
U1 = "91530924MA6K8T2C1" + uscc_check_char("91530924MA6K8T2C1")


def test_template_import_dry_run_apply_export(tmp_path):
    home = tmp_path / "h"
    assert run_cli(home, "init", "--org", "530924", "--admin", "clerk", "--password-stdin", stdin=PW).code == 0
    r = run_cli(home, "template", "enterprises", str(tmp_path / "模板.xlsx"))
    assert r.code == 0 and openpyxl.load_workbook(tmp_path / "模板.xlsx").sheetnames[-1] == "填表说明"

    roster = write_xlsx(tmp_path / "名册.xlsx", [
        ["企业名称", "统一社会信用代码", "所属乡镇", "备用列"],
        ["镇康县甲茶业有限公司", U1, "南伞镇", "x"],
        ["镇康县乙公司", 9.15e17, "南伞镇", None],
    ])
    r = run_cli(home, "import", "enterprises", str(roster), "--dry-run", "--json", "--user", "clerk", "--password-stdin", stdin=PW)
    assert r.code == 0, r.err
    out = r.json()
    assert list(out)[:7] == ["kind", "file", "dry_run", "new", "updated", "unchanged", "rejected"]
    assert (out["kind"], out["file"], out["dry_run"], out["new"], out["updated"], out["unchanged"]) == (
        "enterprises", "名册.xlsx", True, 1, 0, 0)
    assert [(x["row"], x["column"]) for x in out["rejected"]] == [(3, "统一社会信用代码")]
    assert "文本" in out["rejected"][0]["message"] and out["ignored_columns"] == ["备用列"]
    with sqlite3.connect(home / "zkdesk.sqlite3") as con:
        assert con.execute("SELECT COUNT(*) FROM enterprise").fetchone() == (0,)

    r = run_cli(home, "import", "enterprises", str(roster), "--annotate", str(tmp_path / "批注.xlsx"),
                "--user", "clerk", "--password-stdin", stdin=PW)
    assert r.code == 0 and r.out.startswith("已导入：新增 1 条，更新 0 条，无变化 0 条，拒绝 1 行")
    assert "第3行 统一社会信用代码" in r.out and "-import.sqlite3" in r.out
    assert list((home / "backups").glob("zkdesk-*-import*.sqlite3"))
    assert openpyxl.load_workbook(tmp_path / "批注.xlsx").active["B3"].comment is not None
    with sqlite3.connect(home / "zkdesk.sqlite3") as con:
        assert con.execute("SELECT name, township_code FROM enterprise").fetchall() == [("镇康县甲茶业有限公司", "530924103")]

    r = run_cli(home, "export", "enterprises", str(tmp_path / "导出.xlsx"), "--user", "clerk", "--password-stdin", stdin=PW)
    assert r.code == 0 and "已导出 1 条" in r.out
    ws = openpyxl.load_workbook(tmp_path / "导出.xlsx").active
    assert ws["A2"].value == "镇康县甲茶业有限公司" and ws.freeze_panes == "A2"

    r = run_cli(home, "import", "enterprises", str(tmp_path / "导出.xlsx"), "--json", "--user", "clerk", "--password-stdin", stdin=PW)
    assert (r.json()["new"], r.json()["unchanged"]) == (0, 1)


def test_unreadable_file_exits_non_zero_with_one_chinese_line(tmp_path):
    home = tmp_path / "h"
    assert run_cli(home, "init", "--org", "530924", "--admin", "clerk", "--password-stdin", stdin=PW).code == 0
    bad = tmp_path / "坏.xlsx"
    bad.write_bytes(b"garbage")
    r = run_cli(home, "import", "enterprises", str(bad), "--json", "--user", "clerk", "--password-stdin", stdin=PW)
    assert r.code == 2 and r.out == ""
    assert r.err.startswith("错误：无法读取文件“坏.xlsx”") and len(r.err.strip().splitlines()) == 1
    assert "Traceback" not in r.err
