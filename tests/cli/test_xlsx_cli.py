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


def test_whole_roster_from_the_command_line(tmp_path):
    """The county's 集体合同企业名册 through `zkdesk import enterprises`: --json adds the parts'
    counts and a refused row's sheet-less reasons; the text output names each register."""
    from datetime import date

    home = tmp_path / "h"
    assert run_cli(home, "init", "--org", "530924", "--admin", "clerk", "--password-stdin", stdin=PW).code == 0
    roster = write_xlsx(tmp_path / "集体合同企业名册.xlsx", [
        ["企业名称", "统一社会信用代码", "所属乡镇", "职工人数", "是否建会", "建会时间", "集体合同签订日期", "合同期限"],
        ["镇康县甲茶业有限公司", U1, "南伞镇", 120, "是", date(2019, 6, 1), date(2024, 3, 1), 3],
        ["镇康县乙公司", "91530924MA6K8T2C2" + uscc_check_char("91530924MA6K8T2C2"), "南伞镇", -5, "否", None, None, None],
    ])
    args = ("import", "enterprises", str(roster), "--user", "clerk", "--password-stdin")
    r = run_cli(home, *args, "--dry-run", "--json", stdin=PW)
    assert r.code == 0, r.err
    out = r.json()
    assert (out["new"], [(p["kind"], p["new"]) for p in out["parts"]]) == (
        1, [("enterprise-years", 1), ("unions", 1), ("contracts", 1)])
    assert [(x["row"], x["column"], x["message"]) for x in out["rejected"]] == [
        (3, "职工人数", f"{date.today().year}年职工人数不能为负数")]
    r = run_cli(home, *args, stdin=PW)
    assert r.code == 0 and "企业年度情况：新增 1 条" in r.out and "企业工会：新增 1 条" in r.out, r.out
    with sqlite3.connect(home / "zkdesk.sqlite3") as con:
        assert con.execute("SELECT COUNT(*) FROM enterprise").fetchone() == (1,)
        assert con.execute("SELECT employees FROM enterprise_year").fetchall() == [(120,)]
        assert con.execute("SELECT term_years, signed_on FROM collective_contract").fetchall() == [(3, "2024-03-01")]
