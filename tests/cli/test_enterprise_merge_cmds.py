"""zkdesk enterprises duplicates / enterprises merge KEEP OTHER, as a script runs them."""

from __future__ import annotations

from tests.cli.helpers import run_cli
from tests.conftest import PASSWORD
from tests.unit.exchange_world import COUNTY, make_office_at
from tests.unit.test_enterprise_merge import USCC, live_children, typed_twice

USER = ("--user", "admin", "--password-stdin")


def test_list_and_merge_duplicates(tmp_path):
    county = make_office_at(tmp_path, COUNTY)
    keep, other = typed_twice(county)
    county.db.dispose()
    r = run_cli(county.root, "enterprises", "duplicates", "--json", *USER, stdin=PASSWORD + "\n")
    assert r.code == 0, r.err
    (group,) = r.json()["duplicates"]
    assert group["uscc"] == USCC and {e["id"] for e in group["enterprises"]} == {keep, other}
    r = run_cli(county.root, "enterprises", "merge", keep, other, "--json", *USER, stdin=PASSWORD + "\n")
    assert r.code == 0, r.err
    out = r.json()
    assert (out["kept"], out["merged"], out["moved"]["集体合同"]) == (keep, other, 1)
    assert live_children(county, keep)["enterprise_year"] == 2
    r = run_cli(county.root, "enterprises", "duplicates", *USER, stdin=PASSWORD + "\n")
    assert r.code == 0 and "没有统一社会信用代码重复的企业" in r.out
    r = run_cli(county.root, "enterprises", "merge", keep, other, *USER, stdin=PASSWORD + "\n")
    assert r.code != 0 and "可能已被删除" in r.err and "Traceback" not in r.err
