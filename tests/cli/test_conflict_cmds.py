"""zkdesk package conflicts / package resolve, as a script runs them."""

from __future__ import annotations

from tests.cli.helpers import run_cli
from tests.conftest import PASSWORD
from tests.unit.test_exchange_conflicts import conflicted, contact

USER = ("--user", "admin", "--password-stdin")


def test_list_and_resolve_from_the_command_line(tmp_path):
    county, _town, ent_id = conflicted(tmp_path)
    county.db.dispose()
    r = run_cli(county.root, "package", "conflicts", "--json", *USER, stdin=PASSWORD + "\n")
    assert r.code == 0, r.err
    (c,) = r.json()["conflicts"]
    assert c["label"] == "忙丙糖厂" and c["table_label"] == "企业"
    assert {"field": "contact_person", "label": "联系人", "local": "王五", "remote": "李四"} in c["fields"]
    r = run_cli(county.root, "package", "conflicts", *USER, stdin=PASSWORD + "\n")
    assert "联系人：本地值 王五；对方值 李四" in r.out and "contact_person" not in r.out
    r = run_cli(county.root, "package", "resolve", str(c["id"]), "--take", "theirs", *USER, stdin=PASSWORD + "\n")
    assert r.code == 0, r.err
    assert contact(county, ent_id) == ("李四", "2")
    r = run_cli(county.root, "package", "resolve", str(c["id"]), "--take", "local", *USER, stdin=PASSWORD + "\n")
    assert r.code != 0 and "已经处理过" in r.err


def test_a_dry_run_names_each_record_and_why(tmp_path):
    from tests.unit.test_exchange_natural_keys import pair, type_in

    county, town = pair(tmp_path)
    type_in(county, value=10.0, phone="", employer="南伞糖厂", employees=100)
    type_in(town, value=12.0, phone="13800000000", employer="南伞糖厂", employees=120)
    (report,) = town.export(tmp_path / "r1")
    town_print = town.fingerprint
    county.db.dispose()
    town.db.dispose()
    trust = ("--trust-new-key", town_print)
    r = run_cli(county.root, "package", "import", str(report.path), "--dry-run", "--json", *trust, *USER,
                stdin=PASSWORD + "\n")
    assert r.code == 0, r.err
    (pkg,) = r.json()["packages"]
    assert {"rejected_records", "conflict_records", "new", "updated", "records"} <= set(pkg)
    value = next(x for x in pkg["records"] if x["table"] == "indicator_value")
    assert value["action_label"] == "更新" and "指标、单位、年份相同" in value["reason"]
    assert {"field": "value", "label": "数值", "local": "10", "remote": "12", "note": "将更新"} in value["fields"]
    r = run_cli(county.root, "package", "import", str(report.path), "--dry-run", *trust, *USER, stdin=PASSWORD + "\n")
    assert r.code == 0 and "预览" in r.out and "indicator" not in r.out


def test_package_status(tmp_path):
    county, _town, _ent_id = conflicted(tmp_path)
    county.db.dispose()
    r = run_cli(county.root, "package", "status", "--json", *USER, stdin=PASSWORD + "\n")
    assert r.code == 0, r.err
    rows = {t["code"]: t for t in r.json()["townships"]}
    assert rows["530924201"]["last_sequence"] == 2 and rows["530924201"]["open_conflicts"] == 1
    r = run_cli(county.root, "package", "status", *USER, stdin=PASSWORD + "\n")
    assert "忙丙乡：最近第2号" in r.out and "未处理冲突1条" in r.out and "凤尾镇：尚未收到数据包" in r.out
