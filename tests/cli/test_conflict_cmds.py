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
