"""A package's records meet the field rules a form or an imported sheet meets: a record breaking
one is listed with its Chinese reason and not written; the package's other records go in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.unit.exchange_world import COUNTY, dump, make_office_at
from zkdesk.exchange.container import seal
from zkdesk.exchange.tables import tables_by_name
from zkdesk.services.exchange_keys import office_keys
from zkdesk.store.base import utcnow
from zkdesk.store.models import Enterprise, EnterpriseYear

TOWN = "530924103"
GOOD_USCC = "91530924MA6K8T2C1N"


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    """The county and 南伞镇, each trusting the other's key, 南伞制糖 known to both."""
    root = tmp_path_factory.mktemp("rules")
    county, town = make_office_at(root, COUNTY), make_office_at(root, TOWN)
    county.export(root / "setup", TOWN)
    town.applied(root / "setup", trust=[county.fingerprint])
    with town.db.session() as s:
        s.add(Enterprise(id="e-known", origin=TOWN, name="南伞制糖有限公司", township_code=TOWN))
    (first,) = town.export(root / "first")
    county.applied(first.path, trust=[town.fingerprint])
    yield root, county, town
    county.db.dispose()
    town.db.dispose()


def row(table: str, **values) -> dict:
    """A record of `table` as a package carries it: the given values, every other column its default."""
    tt = tables_by_name()[table]
    out = {"origin": TOWN, "revision": 1, "updated_at": utcnow().isoformat(), "deleted": False}
    for column in tt.table.columns:
        if column.name not in out and column.default is not None and not column.default.is_callable:
            out[column.name] = column.default.arg
    return out | values


def package(root: Path, county, town, sequence: int, records: dict[str, list[dict]]) -> Path:
    blocks = {}
    for table, rows in records.items():
        columns = sorted({c for r in rows for c in r})
        blocks[table] = {"columns": columns, "rows": [[r.get(c) for c in columns] for r in rows]}
    with town.db.session() as s:
        keys = office_keys(s)
    with county.db.session() as s:
        box = office_keys(s).box_public
    data = seal(keys, receiver=COUNTY, sequence=sequence, kind="report", created=utcnow(),
                payload=json.dumps({"records": blocks}).encode(), receiver_box_key=box)
    path = root / "bad" / f"rules{sequence}.zkx"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(data)
    return path


def enterprise(rid: str, **values) -> dict:
    return row("enterprise", **({"id": rid, "township_code": TOWN, "name": f"南伞{rid}有限公司", "uscc": ""} | values))


def test_records_breaking_field_rules_are_listed_with_reasons_and_the_rest_applies(pair):
    root, county, town = pair
    records = {
        "enterprise": [
            enterprise("e-good", uscc=GOOD_USCC),
            enterprise("e-control", name="南伞\x01茶厂"),
            enterprise("e-escape", address="南伞镇\x1b[31m示例路"),
            enterprise("e-huge", name="长" * 50_000),
            enterprise("e-letters", uscc="9153092AMA6K8T2C1N"),
            enterprise("e-foreign-digits", uscc="91530924MA6K8T2C1" + "\u0663"),
        ],
        "enterprise_year": [
            row("enterprise_year", id="y-good", enterprise_id="e-good", year=2024, employees=30),
            row("enterprise_year", id="y-negative", enterprise_id="e-known", year=2024, employees=-5),
            row("enterprise_year", id="y-date", enterprise_id="e-known", year=2023, employees=5, operating_status="停产",
                status_date="0223-05-01"),
        ],
    }
    path = package(root, county, town, 40, records)
    (preview,) = county.import_(path, dry_run=True)
    assert preview.error is None
    reasons = {r["id"]: r["reason"].removesuffix("，未接收") for r in preview.rejected}
    assert all(r["reason"].endswith("，未接收") for r in preview.rejected)
    assert reasons == {
        "e-control": "企业名称含有不可见的控制字符",
        "e-escape": "地址含有不可见的控制字符",
        "e-huge": "企业名称过长（最多200字，现为50000字）",
        "e-letters": "统一社会信用代码第3—8位（登记管理机关行政区划码）应为数字，现为“53092A”",
        "e-foreign-digits": "统一社会信用代码含有不允许的字符：\u0663（只能是数字和除I、O、Z、S、V以外的大写字母）",
        "y-negative": "2024年职工人数不能为负数",
        "y-date": "状态日期“0223-05-01”不合理",
    }
    notes = {n.id: n for n in preview.records}
    assert all(why in notes[rid].reason and notes[rid].action == "reject" for rid, why in reasons.items())  # the preview's 说明 of each record

    before = dump(county.db)
    (res,) = county.import_(path)
    assert res.error is None and res.applied
    assert (res.counts["new"], res.counts["rejected"]) == (2, 7)
    with county.db.read_session() as s:
        assert s.get(Enterprise, "e-good").uscc == GOOD_USCC
        assert s.get(EnterpriseYear, "y-good").employees == 30
        assert all(s.get(Enterprise, rid) is None for rid in reasons if rid.startswith("e-"))
        assert s.get(EnterpriseYear, "y-negative") is None and s.get(EnterpriseYear, "y-date") is None
    after = dump(county.db)
    assert after["enterprise"] != before["enterprise"]


def test_an_update_is_judged_on_the_fields_it_changes(pair):
    root, county, town = pair
    with county.db.read_session() as s:
        known = s.get(Enterprise, "e-known")
        revision, name = known.revision, known.name
    bad = enterprise("e-known", name="南伞制糖\x00有限公司", revision=revision + 1)
    (res,) = county.import_(package(root, county, town, 41, {"enterprise": [bad]}))
    assert res.error is None
    assert [(r["id"], r["reason"]) for r in res.rejected] == [("e-known", "企业名称含有不可见的控制字符，未接收")]
    with county.db.read_session() as s:
        assert s.get(Enterprise, "e-known").name == name  # the stored record stays as it was

    fine = enterprise("e-known", name="南伞制糖有限公司", contact_phone="13800000000", revision=revision + 2)
    (res,) = county.import_(package(root, county, town, 42, {"enterprise": [fine]}))
    assert res.error is None and not res.rejected and res.counts["updated"] == 1
    with county.db.read_session() as s:
        assert s.get(Enterprise, "e-known").contact_phone == "13800000000"


def test_an_id_number_meets_its_check_digit(pair):
    root, county, town = pair
    studio = {"township_code": TOWN, "kind": "职工创新工作室", "lead_name": "张三"}
    records = {"studio": [
        row("studio", id="s-good", name="南伞制糖职工创新工作室", lead_id_number="530924196902150018", **studio),
        row("studio", id="s-check", name="南伞茶业职工创新工作室", lead_id_number="530924196902150012", **studio),
        row("studio", id="s-script", name="南伞果业职工创新工作室", lead_id_number="53092419690215001\u0968", **studio),
    ]}
    (res,) = county.import_(package(root, county, town, 43, records))
    assert res.error is None and res.counts["new"] == 1
    assert {r["id"]: r["reason"] for r in res.rejected} == {
        "s-check": "身份证号码校验位错误：最后一位应为8，请核对是否录错，未接收",
        "s-script": "身份证号码含有非标准数字“\u0968”，请用0—9录入，未接收",
    }
