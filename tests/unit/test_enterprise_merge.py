"""合并重复企业: every child row kept on the survivor, the other tombstoned and aliased, audited;
the merge travels, and a package naming the merged enterprise later lands on the survivor."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import func, select

from tests.unit.exchange_world import COUNTY, make_office_at
from zkdesk.services.enterprise_merge import duplicates_of, merge_enterprises
from zkdesk.services.enterprises import duplicate_usccs
from zkdesk.services.errors import UserError
from zkdesk.store.models import (
    AuditEntry,
    CollectiveContract,
    ContractCoverage,
    Enterprise,
    EnterpriseUnion,
    EnterpriseYear,
    Nomination,
    QualityEvaluation,
    Studio,
)
from zkdesk.store.models.exchange import ExchangeAlias

TOWN = "530924103"
USCC = "91530924MA6K000001"
CHILDREN = (EnterpriseYear, EnterpriseUnion, CollectiveContract, ContractCoverage, QualityEvaluation, Studio, Nomination)


def typed_twice(office) -> tuple[str, str]:
    """One enterprise registered twice: the first with 2024 only, the second with 2024, 2025, a
    union, a contract covering it, an evaluation, a studio and a nomination."""
    with office.db.session() as s:
        keep = Enterprise(origin=TOWN, name="南伞糖厂", uscc=USCC, township_code=TOWN, contact_phone="")
        other = Enterprise(origin=TOWN, name="南伞糖业有限公司", uscc=USCC, township_code=TOWN,
                           contact_phone="13800000000", address="南伞镇1号", is_company=True)
        s.add_all([keep, other])
        s.flush()
        s.add(EnterpriseYear(origin=TOWN, enterprise_id=keep.id, year=2024, employees=100))
        s.add(EnterpriseYear(origin=TOWN, enterprise_id=other.id, year=2024, employees=110, operating_status="停产"))
        s.add(EnterpriseYear(origin=TOWN, enterprise_id=other.id, year=2025, employees=120))
        s.add(EnterpriseUnion(origin=TOWN, enterprise_id=other.id, members=80, chair="张三"))
        contract = CollectiveContract(origin=TOWN, enterprise_id=other.id, township_code=TOWN, kind="综合集体合同",
                                      signed_on=date(2024, 3, 1))
        s.add(contract)
        s.flush()
        s.add(ContractCoverage(origin=TOWN, contract_id=contract.id, enterprise_id=other.id))
        s.add(QualityEvaluation(origin=TOWN, enterprise_id=other.id, year=2024, score_total=88))
        s.add(Studio(origin=TOWN, name="制糖创新工作室", kind="职工创新工作室", township_code=TOWN, lead_name="李",
                     enterprise_id=other.id, applied_on=date(2024, 3, 1)))
        return keep.id, other.id


def live_children(office, enterprise_id: str) -> dict[str, int]:
    with office.db.session() as s:
        return {m.__tablename__: s.scalar(select(func.count()).select_from(m).where(
            m.enterprise_id == enterprise_id, m.deleted.is_(False))) for m in CHILDREN}


def test_merge_keeps_every_child_row_on_the_survivor(tmp_path):
    county = make_office_at(tmp_path, COUNTY)
    keep, other = typed_twice(county)
    with county.db.session() as s:
        assert USCC in duplicate_usccs(s)
        assert [d.id for d in duplicates_of(s, county.actor, other)] == [other, keep]
        result = merge_enterprises(s, county.actor, keep, other)
    assert result.moved == {"年度情况": 1, "企业工会": 1, "质效评估": 1, "集体合同": 1, "合同覆盖": 1, "三室一站": 1,
                            "劳模推荐": 0}
    assert "联系电话" in result.filled and "地址" in result.filled
    assert any("2024年的职工人数（100 / 110）" in d for d in result.differing)
    assert "合并到“南伞糖厂”" in result.summary
    assert live_children(county, keep) == {"enterprise_year": 2, "enterprise_union": 1, "collective_contract": 1,
                                           "contract_coverage": 1, "quality_evaluation": 1, "studio": 1, "nomination": 0}
    assert live_children(county, other) == dict.fromkeys(live_children(county, other), 0)
    with county.db.session() as s:
        survivor, merged = s.get(Enterprise, keep), s.get(Enterprise, other)
        assert (survivor.contact_phone, survivor.address, survivor.is_company) == ("13800000000", "南伞镇1号", True)
        assert merged.deleted and not survivor.deleted
        y2024 = s.scalars(select(EnterpriseYear).where(EnterpriseYear.enterprise_id == keep, EnterpriseYear.year == 2024)).one()
        assert y2024.employees == 100  # the survivor's figure kept, the other's named in the result
        assert USCC not in duplicate_usccs(s)
        links = dict(s.execute(select(ExchangeAlias.remote_id, ExchangeAlias.local_id)).all())
        assert links[other] == keep
        (entry,) = s.scalars(select(AuditEntry).where(AuditEntry.action == "merge")).all()
        details = json.loads(entry.details)
        assert entry.entity_id == keep and details["old"]["merged"] == other and details["moved"]["集体合同"] == 1

    with county.db.session() as s, pytest.raises(UserError, match="可能已被删除"):
        merge_enterprises(s, county.actor, keep, other)


def test_only_the_same_enterprise_is_merged(tmp_path):
    county = make_office_at(tmp_path, COUNTY)
    with county.db.session() as s:
        a = Enterprise(origin=TOWN, name="甲厂", uscc=USCC, township_code=TOWN)
        b = Enterprise(origin=TOWN, name="乙厂", uscc="91530924MA6K000002", township_code=TOWN)
        c = Enterprise(origin=TOWN, name="丙厂", township_code=TOWN)
        d = Enterprise(origin=TOWN, name="丙厂", township_code=TOWN)
        s.add_all([a, b, c, d])
        s.flush()
        ids = a.id, b.id, c.id, d.id
    with county.db.session() as s, pytest.raises(UserError, match="统一社会信用代码不同"):
        merge_enterprises(s, county.actor, ids[0], ids[1])
    with county.db.session() as s, pytest.raises(UserError, match="两家不同"):
        merge_enterprises(s, county.actor, ids[0], ids[0])
    with county.db.session() as s:  # no code, same name and township: the same enterprise typed twice
        merge_enterprises(s, county.actor, ids[2], ids[3])


def test_the_merge_travels_and_later_packages_find_the_survivor(tmp_path):
    county, town = make_office_at(tmp_path, COUNTY), make_office_at(tmp_path, TOWN)
    county.export(tmp_path / "setup", TOWN)
    town.applied(tmp_path / "setup", trust=[county.fingerprint])
    keep, other = typed_twice(town)
    county.applied(*[p.path for p in town.export(tmp_path / "r1")], trust=[town.fingerprint])
    with county.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Enterprise).where(Enterprise.deleted.is_(False))) == 2

    # the township merges; its next package brings the merge to the county
    with town.db.session() as s:
        merge_enterprises(s, town.actor, keep, other)
    (res,) = county.applied(*[p.path for p in town.export(tmp_path / "r2")])
    assert res.counts["rejected"] == 0 and res.counts["conflicts"] == 0, res.rejected
    assert live_children(county, keep) == live_children(town, keep)
    with county.db.session() as s:
        assert s.scalars(select(Enterprise.id).where(Enterprise.deleted.is_(False))).all() == [keep]


def test_a_merge_at_the_county_catches_later_packages_naming_the_other(tmp_path):
    county, town = make_office_at(tmp_path, COUNTY), make_office_at(tmp_path, TOWN)
    county.export(tmp_path / "setup", TOWN)
    town.applied(tmp_path / "setup", trust=[county.fingerprint])
    keep, other = typed_twice(town)
    county.applied(*[p.path for p in town.export(tmp_path / "r1")], trust=[town.fingerprint])
    with county.db.session() as s:
        merge_enterprises(s, county.actor, keep, other)
    with town.db.session() as s:  # the township has not merged: it changes the other and adds a year
        e = s.get(Enterprise, other)
        e.contact_person = "王五"
        s.add(EnterpriseYear(origin=TOWN, enterprise_id=other, year=2026, employees=130))
    (res,) = county.applied(*[p.path for p in town.export(tmp_path / "r2")])
    assert res.counts["rejected"] == 0, res.rejected
    with county.db.session() as s:
        assert s.get(Enterprise, keep).contact_person == "王五"
        years = s.scalars(select(EnterpriseYear.year).where(EnterpriseYear.enterprise_id == keep,
                                                            EnterpriseYear.deleted.is_(False))).all()
        assert sorted(years) == [2024, 2025, 2026]
        assert s.scalars(select(Enterprise.id).where(Enterprise.deleted.is_(False))).all() == [keep]
