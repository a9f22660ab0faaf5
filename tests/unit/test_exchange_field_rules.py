"""A package's records meet the field rules a form or an imported sheet meets: a record breaking
one is listed with its Chinese reason and not written; the package's other records go in."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.unit.exchange_world import COUNTY, dump, make_office_at
from zkdesk.domain.idcard import id_check_char
from zkdesk.exchange.container import seal
from zkdesk.exchange.tables import tables_by_name
from zkdesk.services.exchange_keys import office_keys
from zkdesk.store.base import utcnow
from zkdesk.store.models import AwardSession, Enterprise, EnterpriseYear, Nomination, Studio, StudioResult

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


def package(root: Path, county, town, sequence: int, records: dict[str, list[dict]], from_county: bool = False) -> Path:
    """A package of `records` from the township to the county (or from the county to it)."""
    blocks = {}
    for table, rows in records.items():
        columns = sorted({c for r in rows for c in r})
        blocks[table] = {"columns": columns, "rows": [[r.get(c) for c in columns] for r in rows]}
    sender, receiver = (county, town) if from_county else (town, county)
    with sender.db.session() as s:
        keys = office_keys(s)
    with receiver.db.session() as s:
        box = office_keys(s).box_public
    data = seal(keys, receiver=TOWN if from_county else COUNTY, sequence=sequence,
                kind="county" if from_county else "report", created=utcnow(),
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
    studio = {"township_code": TOWN, "kind": "职工创新工作室", "lead_name": "张三", "applied_on": "2024-03-01"}
    records = {"studio": [
        row("studio", id="s-good", name="南伞制糖职工创新工作室", lead_id_number="530924196902150018", **studio),
        row("studio", id="s-check", name="南伞茶业职工创新工作室", lead_id_number="530924196902150012", **studio),
        row("studio", id="s-script", name="南伞果业职工创新工作室", lead_id_number="53092419690215001\u0968", **studio),
    ]}
    (res,) = county.import_(package(root, county, town, 43, records))
    assert res.error is None and res.counts["new"] == 1
    assert {r["id"]: r["reason"] for r in res.rejected} == {
        "s-check": "领衔人身份证号码校验位错误：最后一位应为8，请核对是否录错，未接收",
        "s-script": "领衔人身份证号码含有非标准数字“\u0968”，请用0—9录入，未接收",
    }


SESSION_ID = "award-6"  # 第六届, 2026: a nominee must be 18–70 in 2026


def id_number(born: str, serial: str) -> str:
    """A valid ID number of a man of 镇康县 born on `born` (YYYYMMDD); `serial` two digits."""
    first17 = f"530924{born}{serial}1"
    return first17 + id_check_char(first17)


def nomination(rid: str, **values) -> dict:
    """A nomination as the form would save it, with `values` instead."""
    return row("nomination", **({
        "id": rid, "session_id": SESSION_ID, "township_code": TOWN, "name": "李建国",
        "id_number": id_number("19800501", "01"), "gender": "男", "birth_date": "1980-05-01",
        "category": "企业一线工人和专业技术人员", "employer": "南伞制糖有限公司"} | values))


@pytest.fixture(scope="module")
def award(pair):
    _, county, _ = pair
    with county.db.session() as s:
        s.add(AwardSession(id=SESSION_ID, origin=COUNTY, name="第六届镇康县劳动模范", number=6, year=2026))
    return SESSION_ID


def test_a_nomination_meets_the_forms_checks(pair, award):
    root, county, town = pair
    records = {"nomination": [
        nomination("n-good"),
        nomination("n-birth", id_number=id_number("19800501", "02"), birth_date="1980-05-02"),
        nomination("n-gender", id_number=id_number("19800501", "03"), gender="女"),
        nomination("n-session", id_number=id_number("19800501", "04"), session_id="award-none"),
        nomination("n-young", id_number=id_number("20100301", "05"), birth_date="2010-03-01"),
        nomination("n-category", id_number=id_number("19800501", "06"), category="外星人"),
        nomination("n-ethnicity", id_number=id_number("19800501", "07"), ethnicity=""),
        nomination("n-deeds", id_number=id_number("19800501", "08"), deeds_short="扎根一线" * 200),
        nomination("n-name", id_number=id_number("19800501", "09"), name="李" * 51),
    ]}
    path = package(root, county, town, 50, records)
    (preview,) = county.import_(path, dry_run=True)
    (res,) = county.import_(path)
    assert res.error is None and res.applied
    reasons = {r["id"]: r["reason"].removesuffix("，未接收") for r in res.rejected}
    assert reasons == {
        "n-birth": "出生日期1980-05-02与身份证号码不符（应为1980-05-01）",
        "n-gender": "性别“女”与身份证号码不符（按身份证号码应为男）",
        "n-session": "所引用的评选届次在本机没有，数据包里也没有或未被接收",
        "n-young": "到2026年年龄为16岁，不在18—70岁之间，请核对出生日期或身份证号码",
        "n-category": "人员类别“外星人”不在规定的选项中",
        "n-ethnicity": "请选择民族",
        "n-deeds": "简要事迹共800字，超过600字的上限，请压缩到约500字",
        "n-name": "姓名过长（最多50字，现为51字）",
    }
    assert {r["id"]: r["reason"] for r in preview.rejected} == {r["id"]: r["reason"] for r in res.rejected}
    assert res.counts["new"] == 1
    with county.db.read_session() as s:
        assert s.get(Nomination, "n-good").id_number == id_number("19800501", "01")
        assert all(s.get(Nomination, rid) is None for rid in reasons)


def test_a_nominations_update_is_judged_with_the_fields_its_rules_read(pair, award):
    """A new ID number is judged against the stored birth date it must agree with; a field the
    package leaves alone is not judged (an older record's value stays acceptable)."""
    root, county, town = pair
    with county.db.session() as s:
        s.add(Nomination(id="n-old", origin=TOWN, session_id=award, township_code=TOWN, name="王芳",
                         id_number=id_number("19850315", "11"), gender="男", birth_date=date(1985, 3, 15),
                         category="", employer="南伞茶厂"))  # 人员类别 left empty before it was required
    moved = nomination("n-old", name="王芳", id_number=id_number("19850316", "11"), birth_date="1985-03-15",
                       category="", employer="南伞茶厂", revision=2)
    (res,) = county.import_(package(root, county, town, 51, {"nomination": [moved]}))
    assert [(r["id"], r["reason"]) for r in res.rejected] == [
        ("n-old", "出生日期1985-03-15与身份证号码不符（应为1985-03-16），未接收")]

    phone = moved | {"id_number": id_number("19850315", "11"), "phone": "13800000000", "revision": 3}
    (res,) = county.import_(package(root, county, town, 52, {"nomination": [phone]}))
    assert res.error is None and not res.rejected and res.counts["updated"] == 1
    with county.db.read_session() as s:
        assert s.get(Nomination, "n-old").phone == "13800000000"


def test_a_studio_and_its_results_meet_their_forms_rules(pair):
    root, county, town = pair
    base = {"township_code": TOWN, "kind": "劳模创新工作室", "lead_name": "张三", "applied_on": "2022-03-01"}
    records = {
        "studio": [
            row("studio", id="s-ok", name="南伞制糖劳模创新工作室", **base),
            row("studio", id="s-revoked", name="南伞茶业劳模创新工作室", **base, status="撤销", named_on="2022-06-01",
                revoked_on="2023-06-01"),
            row("studio", id="s-unnamed", name="南伞果业劳模创新工作室", **base, status="命名"),
            row("studio", id="s-kind", name="南伞烟草劳模创新工作室", **(base | {"kind": "工作站"})),
        ],
        "studio_result": [
            row("studio_result", id="r-ok", studio_id="s-ok", year=2024, proposals=5, proposals_adopted=3),
            row("studio_result", id="r-adopted", studio_id="s-ok", year=2023, proposals=2, proposals_adopted=5),
            row("studio_result", id="r-revoked", studio_id="s-revoked", year=2025, proposals=1),
            row("studio_result", id="r-before", studio_id="s-revoked", year=2023, patents=1,
                patent_details="ZL2023XXXX 发明\nZL2023YYYY 实用新型"),
        ],
    }
    (res,) = county.import_(package(root, county, town, 53, records))
    assert res.error is None and res.applied
    assert {r["id"]: r["reason"].removesuffix("，未接收") for r in res.rejected} == {
        "s-unnamed": "状态为“命名”时须填写命名日期",
        "s-kind": "类型“工作站”无效，应为：劳模创新工作室、工匠创新工作室、职工创新工作室、职工技师工作站",
        "r-adopted": "2023年合理化建议采纳5件，多于提出的2件",
        "r-revoked": "工作室已于2023-06-01撤销，不能登记2025年的成果",  # the studio of the same package
        "r-before": "2023年专利明细有2行，多于专利数1件",
    }
    with county.db.read_session() as s:
        assert {r.id for r in s.scalars(select(StudioResult).where(StudioResult.studio_id.in_(("s-ok", "s-revoked"))))} \
            == {"r-ok"}
        assert s.get(Studio, "s-revoked").revoked_on == date(2023, 6, 1) and s.get(Studio, "s-unnamed") is None


def test_a_studio_is_in_a_real_township_and_hosted_by_an_enterprise_there(pair):
    """The form's two checks reading other records: the township must be one of the county's, the
    host enterprise a live one of that township (the enterprise as the import leaves it); judged
    only when the township or the host changes."""
    root, county, town = pair
    with county.db.session() as s:
        s.add_all([Enterprise(id="e-mengdui", origin="530924101", name="勐捧糖厂", township_code="530924101"),
                   Enterprise(id="e-gone", origin=TOWN, name="南伞旧砖厂", township_code=TOWN, deleted=True)])
    base = {"township_code": TOWN, "kind": "劳模创新工作室", "lead_name": "张三", "applied_on": "2022-03-01"}
    records = {
        "enterprise": [enterprise("e-new-host", name="南伞新材料有限公司")],
        "studio": [
            row("studio", id="s-host-new", name="南伞新材料劳模创新工作室", enterprise_id="e-new-host", **base),
            row("studio", id="s-host-known", name="南伞制糖工匠工作室", enterprise_id="e-known", **base),
            row("studio", id="s-host-elsewhere", name="南伞勐捧工作室", enterprise_id="e-mengdui", **base),
            row("studio", id="s-host-gone", name="南伞砖厂工作室", enterprise_id="e-gone", **base),
        ],
    }
    (res,) = county.import_(package(root, county, town, 60, records))
    assert res.error is None and res.applied
    assert {r["id"]: r["reason"].removesuffix("，未接收") for r in res.rejected} == {
        "s-host-elsewhere": "依托企业“勐捧糖厂”不在南伞镇，请核对所在乡镇",
        "s-host-gone": "所选依托企业不在企业名录中（可能已被删除）",
    }
    with county.db.session() as s:
        assert s.get(Studio, "s-host-new").enterprise_id == "e-new-host"
        assert s.get(Studio, "s-host-elsewhere") is None and s.get(Studio, "s-host-gone") is None
        s.get(Enterprise, "e-new-host").deleted = True  # the county removes the host meanwhile

    # an update leaving the township and the host as they are is not judged on them ...
    named = row("studio", id="s-host-new", name="南伞新材料职工创新工作室", enterprise_id="e-new-host", revision=2,
                **(base | {"kind": "职工创新工作室"}))
    (res,) = county.import_(package(root, county, town, 61, {"studio": [named]}))
    assert res.error is None and not res.rejected and res.counts["updated"] == 1
    # ... one changing the host is
    moved = named | {"enterprise_id": "e-mengdui", "revision": 3}
    (res,) = county.import_(package(root, county, town, 62, {"studio": [moved]}))
    assert [(r["id"], r["reason"]) for r in res.rejected] == [
        ("s-host-new", "依托企业“勐捧糖厂”不在南伞镇，请核对所在乡镇，未接收")]
    with county.db.read_session() as s:
        assert s.get(Studio, "s-host-new").enterprise_id == "e-new-host"

    # from the county: a studio placed in the county's own code is not in a township
    county_studio = row("studio", id="s-county", origin=COUNTY, name="县总工会劳模创新工作室",
                        **(base | {"township_code": COUNTY}))
    (res,) = town.import_(package(root, county, town, 70, {"studio": [county_studio]}, from_county=True))
    assert res.error is None and res.applied
    assert [(r["id"], r["reason"]) for r in res.rejected] == [
        ("s-county", f"所在乡镇代码“{COUNTY}”不是本县的乡镇，未接收")]
    with town.db.read_session() as s:
        assert s.get(Studio, "s-county") is None
