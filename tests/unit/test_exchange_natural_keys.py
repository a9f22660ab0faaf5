"""Two offices that typed the same thing: one record, found by its natural key, never refused."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from tests.unit.exchange_world import COUNTY, dump, make_office_at
from zkdesk.exchange.tables import travelling_tables
from zkdesk.store.models import AwardSession, Enterprise, EnterpriseYear, IndicatorValue, Nomination
from zkdesk.store.models.exchange import ExchangeAlias
from zkdesk.store.seed import seed_id

TOWN = "530924103"
SESSION = seed_id("award", 5)
INDICATOR = seed_id("indicator", "zk-2021-2025", "01.1")
USCC = "91530924MA6K000001"
ID_NUMBER = "530924198005010014"


def pair(tmp_path):
    county, town = make_office_at(tmp_path, COUNTY), make_office_at(tmp_path, TOWN)
    with county.db.session() as s:
        s.add(AwardSession(id=SESSION, origin=COUNTY, name="第五届镇康县劳动模范", number=5, year=2026))
    county.export(tmp_path / "setup", TOWN)
    town.applied(tmp_path / "setup", trust=[county.fingerprint])
    return county, town


def type_in(office, *, value: float, phone: str, employer: str, employees: int) -> dict:
    """What a clerk types in, in either office (the county types a township's paper report in
    under the township's code, as its services do)."""
    with office.db.session() as s:
        ent = Enterprise(origin=TOWN, name="南伞糖厂", uscc=USCC, township_code=TOWN, contact_phone=phone)
        s.add(ent)
        s.flush()
        year = EnterpriseYear(origin=TOWN, enterprise_id=ent.id, year=2025, employees=employees)
        val = IndicatorValue(origin=TOWN, indicator_id=INDICATOR, org_code=TOWN, year=2025, value=value)
        nom = Nomination(origin=TOWN, session_id=SESSION, township_code=TOWN, name="李建国", id_number=ID_NUMBER,
                         birth_date=date(1980, 5, 1), employer=employer, status="township_reviewed")
        s.add_all([year, val, nom])
        s.flush()
        return {"enterprise": ent.id, "year": year.id, "value": val.id, "nomination": nom.id}


def records(office) -> dict:
    """The records and their links (not the logs of packages received)."""
    names = {tt.name for tt in travelling_tables()} | {"exchange_alias"}
    return {k: v for k, v in dump(office.db).items() if k in names}


def live(office, model, **where):
    with office.db.session() as s:
        stmt = select(model).where(model.deleted.is_(False), *(getattr(model, k) == v for k, v in where.items()))
        return [{c.name: getattr(r, c.name) for c in model.__table__.columns} for r in s.scalars(stmt)]


def test_the_township_report_updates_what_the_county_typed_in(tmp_path):
    county, town = pair(tmp_path)
    typed = type_in(county, value=10.0, phone="", employer="南伞糖厂", employees=100)
    theirs = type_in(town, value=12.0, phone="13800000000", employer="南伞糖厂", employees=120)
    (res,) = county.applied(*[p.path for p in town.export(tmp_path / "r1")], trust=[town.fingerprint])
    assert res.counts["rejected"] == 0 and res.counts["conflicts"] == 0, res.rejected
    assert (res.counts["new"], res.counts["updated"], res.counts["unchanged"]) == (0, 3, 1)  # the nomination is equal
    (ent,) = live(county, Enterprise, uscc=USCC)
    assert (ent["id"], ent["contact_phone"]) == (typed["enterprise"], "13800000000")
    (year,) = live(county, EnterpriseYear)
    assert (year["id"], year["employees"]) == (typed["year"], 120)
    (val,) = live(county, IndicatorValue, org_code=TOWN)
    assert (val["id"], val["value"]) == (typed["value"], 12.0)
    (nom,) = live(county, Nomination)
    assert nom["id"] == typed["nomination"]
    with county.db.session() as s:
        links = dict(s.execute(select(ExchangeAlias.table_name, ExchangeAlias.remote_id)).all())
    assert links == {"enterprise": theirs["enterprise"], "enterprise_year": theirs["year"],
                     "indicator_value": theirs["value"], "nomination": theirs["nomination"]}

    # Later packages name the township's UUIDs: they land on the same records.
    with town.db.session() as s:
        s.get(IndicatorValue, theirs["value"]).value = 13.0
        s.get(Enterprise, theirs["enterprise"]).address = "南伞镇1号"
    (res,) = county.applied(*[p.path for p in town.export(tmp_path / "r2")])
    assert (res.counts["updated"], res.counts["new"], res.counts["rejected"]) == (2, 0, 0)
    assert live(county, IndicatorValue, org_code=TOWN)[0]["value"] == 13.0
    assert live(county, Enterprise, uscc=USCC)[0]["address"] == "南伞镇1号"


def test_equal_copies_are_linked_unchanged_and_reimporting_changes_nothing(tmp_path):
    county, town = pair(tmp_path)
    type_in(county, value=12.0, phone="13800000000", employer="南伞糖厂", employees=120)
    type_in(town, value=12.0, phone="13800000000", employer="南伞糖厂", employees=120)
    (res,) = county.applied(*[p.path for p in town.export(tmp_path / "r1")], trust=[town.fingerprint])
    assert res.counts == {"new": 0, "updated": 0, "unchanged": 4, "conflicts": 0, "rejected": 0}
    with county.db.session() as s:
        assert s.scalar(select(func.count()).select_from(ExchangeAlias)) == 4
    before = records(county)
    (again,) = county.applied(*[p.path for p in town.export(tmp_path / "r2", full=True)])
    assert again.counts["new"] == again.counts["updated"] == again.counts["rejected"] == 0
    assert records(county) == before


def test_the_county_copy_reaches_the_township_that_typed_it_too(tmp_path):
    """The other way round: the county sends its review of values it typed in; the township
    takes the review onto its own record, and the two stay one record each side afterwards."""
    county, town = pair(tmp_path)
    county.applied(*[p.path for p in town.export(tmp_path / "r0")], trust=[town.fingerprint])  # keys only
    typed = type_in(county, value=12.0, phone="", employer="南伞糖厂", employees=120)
    theirs = type_in(town, value=12.0, phone="", employer="南伞糖厂", employees=120)
    with county.db.session() as s:
        v = s.get(IndicatorValue, typed["value"])
        v.review_status, v.review_opinion = "通过", "数据属实"
        v.touch()
    (res,) = town.applied(*[p.path for p in county.export(tmp_path / "c1", TOWN)])
    assert res.counts["rejected"] == 0 and res.counts["conflicts"] == 0, res.rejected
    (val,) = live(town, IndicatorValue, org_code=TOWN)
    assert (val["id"], val["review_status"], val["review_opinion"]) == (theirs["value"], "通过", "数据属实")
    assert len(live(town, Nomination)) == 1 and live(town, Nomination)[0]["id"] == theirs["nomination"]

    # The township's report then lands on the county's records; nothing doubles on either side.
    with town.db.session() as s:
        s.get(IndicatorValue, theirs["value"]).value = 14.0
    (res,) = county.applied(*[p.path for p in town.export(tmp_path / "r1")])
    assert res.counts["rejected"] == res.counts["conflicts"] == res.counts["new"] == 0, res.rejected
    (val,) = live(county, IndicatorValue, org_code=TOWN)
    assert (val["id"], val["value"], val["review_status"]) == (typed["value"], 14.0, "通过")
    (back,) = town.applied(*[p.path for p in county.export(tmp_path / "c2", TOWN)])
    assert back.counts["rejected"] == back.counts["conflicts"] == back.counts["new"] == 0
    assert [v["value"] for v in live(town, IndicatorValue, org_code=TOWN)] == [14.0]


def test_an_enterprise_without_a_credit_code_is_known_by_name_and_township(tmp_path):
    county, town = pair(tmp_path)
    for office in (county, town):
        with office.db.session() as s:
            s.add(Enterprise(origin=TOWN, name="南伞茶叶合作社", township_code=TOWN, industry="农业"))
            s.add(Enterprise(origin=TOWN, name="南伞茶叶合作社", uscc="93530924MA6K000009", township_code=TOWN))
    (res,) = county.applied(*[p.path for p in town.export(tmp_path / "r1")], trust=[town.fingerprint])
    assert res.counts["unchanged"] == 2 and res.counts["new"] == 0
    assert len(live(county, Enterprise, name="南伞茶叶合作社")) == 2


def test_a_link_learnt_from_one_township_does_not_redirect_another_townships_record(tmp_path):
    """Two townships could send the same UUID: the county's link from 南伞镇's UUID to the record it
    typed in holds for 南伞镇's packages only; 凤尾镇's record with that UUID is a record of its own."""
    county, town = pair(tmp_path)
    other = make_office_at(tmp_path, "530924101")
    county.export(tmp_path / "setup2", other.code)
    other.applied(tmp_path / "setup2", trust=[county.fingerprint])
    typed = type_in(county, value=10.0, phone="", employer="南伞糖厂", employees=100)
    theirs = type_in(town, value=12.0, phone="13800000000", employer="南伞糖厂", employees=120)
    county.applied(*[p.path for p in town.export(tmp_path / "r1")], trust=[town.fingerprint])
    with county.db.session() as s:
        assert s.get(ExchangeAlias, ("enterprise", theirs["enterprise"], TOWN)).local_id == typed["enterprise"]
    with other.db.session() as s:  # 凤尾镇 happens to give its own enterprise the same UUID
        s.add(Enterprise(id=theirs["enterprise"], origin=other.code, name="凤尾茶厂", township_code=other.code))

    (res,) = county.applied(*[p.path for p in other.export(tmp_path / "o1")], trust=[other.fingerprint])
    assert (res.counts["new"], res.counts["rejected"]) == (1, 0), res.rejected
    with county.db.session() as s:
        mine = s.get(Enterprise, typed["enterprise"])
        assert (mine.name, mine.township_code, mine.contact_phone) == ("南伞糖厂", TOWN, "13800000000")
        theirs_there = s.get(Enterprise, theirs["enterprise"])
        assert (theirs_there.name, theirs_there.origin) == ("凤尾茶厂", other.code)
        assert s.scalar(select(func.count()).select_from(ExchangeAlias).where(ExchangeAlias.peer_code == other.code)) == 0

    # 南伞镇's later changes under that UUID still land on the record the county typed
    with town.db.session() as s:
        s.get(Enterprise, theirs["enterprise"]).address = "南伞镇1号"
    (res,) = county.applied(*[p.path for p in town.export(tmp_path / "r2")])
    assert (res.counts["updated"], res.counts["new"], res.counts["rejected"]) == (1, 0, 0), res.rejected
    with county.db.session() as s:
        assert s.get(Enterprise, typed["enterprise"]).address == "南伞镇1号"
        assert s.get(Enterprise, theirs["enterprise"]).address in (None, "")
