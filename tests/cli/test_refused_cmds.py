"""`zkdesk package status` lists, at a township too, the records the county refused and has not
taken since: `--json` carries them under the new key `refused_records` (the old keys unchanged)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.cli.helpers import run_cli
from tests.conftest import PASSWORD
from tests.unit.exchange_world import COUNTY, make_office_at
from zkdesk.store.models import EnterpriseUnion, Enterprise

TOWN = "530924103"
USER = ("--user", "admin", "--password-stdin")


@pytest.mark.slow  # three command-line runs
def test_package_status_lists_what_the_county_refused(tmp_path):
    county, town = make_office_at(tmp_path, COUNTY), make_office_at(tmp_path, TOWN)
    county.export(tmp_path / "setup", TOWN)
    town.applied(tmp_path / "setup", trust=[county.fingerprint])
    ahead = date.today() + timedelta(days=1000)
    with town.db.session() as s:
        ent = Enterprise(origin=TOWN, name="南伞茶厂", township_code=TOWN)
        s.add(ent)
        s.flush()
        s.add(EnterpriseUnion(origin=TOWN, enterprise_id=ent.id, established_on=ahead))
    (report,) = town.export(tmp_path / "t1")
    county.applied(report.path, trust=[town.fingerprint])
    (answer,) = county.export(tmp_path / "c1", TOWN)
    county.db.dispose()
    town.db.dispose()

    r = run_cli(town.root, "package", "import", str(answer.path), *USER, stdin=PASSWORD + "\n")
    assert r.code == 0, r.err
    assert f"对方拒收本单位的企业工会“南伞茶厂工会”——工会成立日期{ahead:%Y-%m-%d}晚于今天" in r.out

    r = run_cli(town.root, "package", "status", "--json", *USER, stdin=PASSWORD + "\n")
    assert r.code == 0, r.err
    out = r.json()
    assert out["townships"] == []
    (refused,) = out["refused_records"]
    assert (refused["peer"], refused["table_label"], refused["label"], refused["refused_in"]) == (
        COUNTY, "企业工会", "南伞茶厂工会", report.sequence)
    assert refused["reason"] == f"工会成立日期{ahead:%Y-%m-%d}晚于今天" and refused["will_resend"] is True

    r = run_cli(town.root, "package", "status", *USER, stdin=PASSWORD + "\n")
    assert r.code == 0, r.err
    assert f"第{report.sequence}号数据包被镇康县拒收：企业工会“南伞茶厂工会”——工会成立日期{ahead:%Y-%m-%d}晚于今天" in r.out

    r = run_cli(county.root, "package", "status", "--json", *USER, stdin=PASSWORD + "\n")
    assert r.code == 0, r.err
    assert r.json()["refused_records"] == [] and len(r.json()["townships"]) == 7
