"""A record the county typed in under a township's code (from its paper report) reaches that
township whole: taken as new, never refused as 本单位没有这条记录; afterwards both offices
keep it as one record (the township's edits land on the county's copy)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tests.unit.exchange_world import COUNTY, make_office_at
from tests.unit.test_exchange_natural_keys import ID_NUMBER, INDICATOR, SESSION, records
from zkdesk.store.models import AwardSession, IndicatorValue, Nomination

TOWN = "530924103"


def test_the_township_takes_what_the_county_typed_for_it(tmp_path):
    county, town = make_office_at(tmp_path, COUNTY), make_office_at(tmp_path, TOWN)
    with county.db.session() as s:
        s.add(AwardSession(id=SESSION, origin=COUNTY, name="第五届镇康县劳动模范", number=5, year=2026))
    county.export(tmp_path / "setup", TOWN)
    town.applied(tmp_path / "setup", trust=[county.fingerprint])
    county.applied(*[p.path for p in town.export(tmp_path / "t0")], trust=[town.fingerprint])  # keys only
    with county.db.session() as s:
        val = IndicatorValue(origin=TOWN, indicator_id=INDICATOR, org_code=TOWN, year=2025, value=12.0,
                             note="据纸质报表录入", review_status="通过", review_opinion="数据属实")
        nom = Nomination(origin=TOWN, session_id=SESSION, township_code=TOWN, name="李建国", id_number=ID_NUMBER,
                         birth_date=date(1980, 5, 1), employer="南伞糖厂", category="企业一线工人和专业技术人员",
                         status="county_reviewed")
        s.add_all([val, nom])
        s.flush()
        ids = {"value": val.id, "nomination": nom.id}

    (res,) = town.applied(*[p.path for p in county.export(tmp_path / "c1", TOWN)])
    assert res.counts["rejected"] == 0, res.rejected
    assert res.counts["new"] == 2
    with town.db.session() as s:
        v = s.get(IndicatorValue, ids["value"])
        assert (v.value, v.note, v.review_status, v.indicator_id, v.org_code) == (12.0, "据纸质报表录入", "通过", INDICATOR, TOWN)
        n = s.get(Nomination, ids["nomination"])
        assert (n.name, n.id_number, n.employer, n.status) == ("李建国", ID_NUMBER, "南伞糖厂", "county_reviewed")
    before = records(town)
    town.import_(tmp_path / "c1")  # again: nothing changes
    assert records(town) == before

    with town.db.session() as s:
        s.get(IndicatorValue, ids["value"]).value = 13.0
    (back,) = county.applied(*[p.path for p in town.export(tmp_path / "t1")])
    assert back.counts["new"] == back.counts["conflicts"] == back.counts["rejected"] == 0
    with county.db.session() as s:
        assert [v.value for v in s.scalars(select(IndicatorValue).where(IndicatorValue.org_code == TOWN))] == [13.0]
