"""Eight offices (the county and seven townships) exchanging packages over two rounds."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.unit.exchange_world import COUNTY, TOWNSHIPS, dump, make_office_at
from zkdesk.domain.idcard import id_check_char
from zkdesk.exchange.conflicts import list_conflicts, resolve_conflict
from zkdesk.exchange.tables import travelling_tables
from zkdesk.store.base import utcnow
from zkdesk.store.models import (
    AwardSession,
    Enterprise,
    EnterpriseYear,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Nomination,
    NominationStep,
    Studio,
    StudioMember,
    YearLock,
)
from zkdesk.store.models.exchange import ExchangeReceipt
from zkdesk.store.seed import seed_id

PLAN = "zk-2021-2025"
SKIP_COLUMNS = {"revision", "updated_at",  # each office counts its own edits
                "id_number_hmac"}  # an ID number's hash under each office's own key (store/sealed.py)


def indicator_id(code: str) -> str:
    return seed_id("indicator", PLAN, code)


def township_data(office) -> dict:
    """What a township clerk enters between two trips to the county."""
    code = office.code
    with office.db.session() as s:
        e1 = Enterprise(origin=code, name=f"{code}制糖有限公司", township_code=code, contact_phone="13800000000")
        e2 = Enterprise(origin=code, name=f"{code}茶业有限公司", township_code=code)
        s.add_all([e1, e2])
        s.flush()
        s.add(EnterpriseYear(origin=code, enterprise_id=e1.id, year=2025, employees=120))
        session_id = s.scalars(select(AwardSession.id)).one()
        first17 = f"53092419800501{code[-3]}{code[-1]}1"  # a man born 1980-05-01, one per township
        nom = Nomination(origin=code, session_id=session_id, township_code=code, name="李建国", gender="男",
                         id_number=first17 + id_check_char(first17), category="企业一线工人和专业技术人员",
                         birth_date=date(1980, 5, 1), employer=e1.name, enterprise_id=e1.id, status="township_reviewed",
                         deeds_short="扎根一线", photo=b"\x89PNG fake")
        s.add(nom)
        s.flush()
        s.add(NominationStep(origin=code, nomination_id=nom.id, from_status="draft", to_status="township_reviewed",
                             actor="clerk", at=utcnow(), opinion="同意"))
        value = IndicatorValue(origin=code, indicator_id=indicator_id("01.1"), org_code=code, year=2025, value=12.0)
        studio = Studio(origin=code, name="李建国劳模创新工作室", kind="劳模创新工作室", township_code=code, lead_name="李建国",
                        applied_on=date(2025, 1, 10))
        s.add_all([value, studio])
        s.flush()
        member = StudioMember(origin=code, studio_id=studio.id, name="王芳")
        s.add(member)
        s.flush()
        return {"e1": e1.id, "e2": e2.id, "nom": nom.id, "value": value.id, "studio": studio.id, "member": member.id}


def rows_of(db, table, where=None) -> dict[str, dict]:
    t = next(tt for tt in travelling_tables() if tt.name == table).table
    stmt = select(t) if where is None else select(t).where(where(t))
    with db.session() as s:
        return {r["id"]: {k: v for k, v in r.items() if k not in SKIP_COLUMNS} for r in s.execute(stmt).mappings()}


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    root = tmp_path_factory.mktemp("world")
    county = make_office_at(root, COUNTY)
    towns = {code: make_office_at(root, code) for code in TOWNSHIPS}
    yield root, county, towns
    for office in [county, *towns.values()]:
        office.db.dispose()


def test_two_rounds_between_eight_offices(world):
    root, county, towns = world
    a, b, c = towns["530924103"], towns["530924101"], towns["530924205"]

    # The county prepares: an award session, targets per township.
    with county.db.session() as s:
        s.add(AwardSession(id=seed_id("award", 5), origin=COUNTY, name="第五届镇康县劳动模范", number=5, year=2026))
        for code in TOWNSHIPS:
            s.add(IndicatorTarget(origin=COUNTY, indicator_id=indicator_id("01.1"), org_code=code, value=10.0))

    # 1. Set-up packages out: in clear (no township key yet), catalog only.
    setup = county.export(root / "usb1")
    assert [r.kind for r in setup] == ["setup"] * 7
    county_print = county.fingerprint
    for code, town in towns.items():
        refused = [r for r in town.import_(root / "usb1") if not r.skipped]
        assert refused[0].error_code == "untrusted_key" and refused[0].fingerprint == county_print
        assert refused[0].sender_name == "镇康县总工会"  # the trust dialog names the sender, not its code
        assert county_print in refused[0].error
        (res,) = town.applied(root / "usb1", trust=[county_print])
        # award session + own target new; the shipped catalog is already there, unchanged
        assert (res.counts["new"], res.counts["updated"], res.counts["rejected"]) == (2, 0, 0)
        # 1 plan, 18 items, 66 indicators (60 figures and 6 tasks), 22 责任单位 and their 379 duties
        assert res.counts["unchanged"] == 85 + 22 + 379

    # 2. Reports in.
    ids = {code: township_data(town) for code, town in towns.items()}
    for town in towns.values():
        (report,) = town.export(root / "usb2")
        assert report.kind == "report" and report.total == 8
    prints = [t.fingerprint for t in towns.values()]
    results = county.applied(root / "usb2", trust=prints)
    assert sorted(r.sender for r in results) == sorted(TOWNSHIPS)
    assert all(r.counts == {"new": 8, "updated": 0, "unchanged": 0, "conflicts": 0, "rejected": 0} for r in results)
    suffix = ".dump" if county.db.is_server else ".sqlite3"  # pg_dump on a server, the file's copy otherwise
    assert len(list(county.backups.glob(f"*-import*{suffix}"))) >= 1

    # The county reviews township A's report.
    with county.db.session() as s:
        value = s.get(IndicatorValue, ids[a.code]["value"])
        value.review_status, value.review_opinion = "通过", "数据属实"
        nom = s.get(Nomination, ids[a.code]["nom"])
        nom.status = "county_reviewed"
        s.add(NominationStep(origin=COUNTY, nomination_id=nom.id, from_status="township_reviewed",
                             to_status="county_reviewed", actor="county", at=utcnow(), opinion="同意上报"))
        s.add(YearLock(origin=COUNTY, org_code=a.code, year=2025, locked=True, locked_by="county"))

    # 3. Receipts and decisions back.
    back = county.export(root / "usb3")
    assert all(r.kind == "county" and r.receipts == 1 for r in back)
    for code, town in towns.items():
        (res,) = town.applied(root / "usb3")
        expected = (2, 2) if code == a.code else (0, 0)  # step + lock new; value + nomination updated
        assert (res.counts["new"], res.counts["updated"]) == expected, code
        assert res.receipts == 1
        with town.db.session() as s:
            receipt = s.get(ExchangeReceipt, (COUNTY, 1))
            assert receipt.status == "accepted"
    with a.db.session() as s:
        assert s.get(IndicatorValue, ids[a.code]["value"]).review_status == "通过"
        assert s.get(Nomination, ids[a.code]["nom"]).status == "county_reviewed"
    # Everything a township had has been confirmed: a new report carries nothing.
    for town in towns.values():
        (again,) = town.export(root / "usb-empty")
        assert again.total == 0
    for res in county.applied(root / "usb-empty"):
        assert sum(res.counts.values()) == 0 and res.warnings == []

    # 4. Round two: edits on both sides.
    ea = ids[a.code]
    with a.db.session() as s:
        s.get(Enterprise, ea["e1"]).contact_phone = "13900000001"  # county edits it too: conflict
        s.get(Enterprise, ea["e2"]).note = "已核实"  # county makes the same edit: no conflict
        nom = s.get(Nomination, ea["nom"])
        nom.deeds_short = "扎根一线二十年"  # the county changed only its own field: merge
        nom.status = "draft"  # not the township's to decide any more: ignored
        s.get(IndicatorValue, ea["value"]).value = 13.0
        # a new value the township marks 通过 itself: the value travels, the review field does not
        s.add(IndicatorValue(origin=a.code, indicator_id=indicator_id("02.1"), org_code=a.code, year=2025, value=3.0,
                             review_status="通过"))
    with county.db.session() as s:
        s.get(Enterprise, ea["e1"]).contact_phone = "13900000002"
        s.get(Enterprise, ea["e2"]).note = "已核实"
        ind = s.get(Indicator, indicator_id("02.1"))
        ind.name, ind.target = ind.name + "（修订）", 99.0
        target = s.scalars(select(IndicatorTarget).where(IndicatorTarget.org_code == c.code)).one()
        target.value = 11.0
    with b.db.session() as s:
        s.get(Indicator, indicator_id("02.1")).name = "乡镇自己改的名称"  # county changes it too: conflict at B
    with c.db.session() as s:
        s.get(StudioMember, ids[c.code]["member"]).deleted = True

    for town in towns.values():
        town.export(root / "usb4")
    results = {r.sender: r for r in county.applied(root / "usb4")}
    # e1 conflicts, e2 was already the same here, the nomination and the value update
    assert results[a.code].counts == {"new": 1, "updated": 2, "unchanged": 1, "conflicts": 1, "rejected": 0}
    assert results[c.code].counts["updated"] == 1
    with county.db.session() as s:
        conflicts = list_conflicts(s, county.actor)
        assert [(x.peer_code, x.table, x.record_id, x.fields) for x in conflicts] == [
            (a.code, "enterprise", ea["e1"], ["contact_phone"])]
        assert (conflicts[0].local, conflicts[0].remote) == ({"contact_phone": "13900000002"}, {"contact_phone": "13900000001"})
        nom = s.get(Nomination, ea["nom"])
        assert (nom.status, nom.deeds_short) == ("county_reviewed", "扎根一线二十年")
        value = s.get(IndicatorValue, ea["value"])
        assert (value.value, value.review_status) == (13.0, "通过")
        new_value = s.scalars(select(IndicatorValue).where(IndicatorValue.indicator_id == indicator_id("02.1"))).one()
        assert (new_value.value, new_value.review_status) == (3.0, "")
        assert s.get(StudioMember, ids[c.code]["member"]).deleted is True

    county.export(root / "usb5")
    town_conflicts = {}
    for code, town in towns.items():
        (res,) = town.applied(root / "usb5")
        with town.db.session() as s:
            town_conflicts[code] = [(x.table, x.record_id, x.fields) for x in list_conflicts(s, town.actor)]
    assert town_conflicts.pop(b.code) == [("indicator", indicator_id("02.1"), ["name"])]
    assert all(v == [] for v in town_conflicts.values())
    with b.db.session() as s:
        ind = s.get(Indicator, indicator_id("02.1"))
        assert (ind.name, ind.target) == ("乡镇自己改的名称", 99.0)  # the target merged, the name waits
    with a.db.session() as s:  # the county's decisions went back: its status, no self-made review
        assert s.get(Nomination, ea["nom"]).status == "county_reviewed"
        assert s.scalars(select(IndicatorValue.review_status).where(IndicatorValue.value == 3.0)).one() == ""
    with c.db.session() as s:
        assert s.scalars(select(IndicatorTarget.value).where(IndicatorTarget.org_code == c.code)).one() == 11.0

    # The reviewers choose: the county takes A's phone number, B takes the county's name.
    with county.db.session() as s:
        resolve_conflict(s, county.actor, list_conflicts(s, county.actor)[0].id, "remote")
    with b.db.session() as s:
        resolve_conflict(s, b.actor, list_conflicts(s, b.actor)[0].id, "remote")
        assert s.get(Indicator, indicator_id("02.1")).name.endswith("（修订）")

    # 5. Re-importing every package anywhere changes nothing.
    folders = [root / f"usb{n}" for n in range(1, 6)] + [root / "usb-empty"]
    before = {o.code: dump(o.db) for o in [county, *towns.values()]}
    for office in [county, *towns.values()]:
        for res in office.import_(*folders):
            assert res.error is None or res.skipped or res.error_code == "own_package", res.error
            assert not (res.counts["new"] or res.counts["updated"] or res.counts["conflicts"]), (office.code, res.file)
    assert {o.code: dump(o.db) for o in [county, *towns.values()]} == before

    # 6. The county holds exactly what each township holds (data columns, record by record).
    for code, town in towns.items():
        for tt in travelling_tables():
            mine = rows_of(town.db, tt.name, lambda t, code=code: t.c.origin == code)
            at_county = rows_of(county.db, tt.name, lambda t, code=code: t.c.origin == code)
            assert mine == at_county, (code, tt.name)
        # and the county's decisions for it arrived in full
        for table in ("indicator_target", "year_lock"):
            mine = rows_of(town.db, table, lambda t, code=code: t.c.org_code == code)
            theirs = rows_of(county.db, table, lambda t, code=code: t.c.org_code == code)
            assert mine == theirs, (code, table)
        assert rows_of(town.db, "indicator") == rows_of(county.db, "indicator")
    assert sum(len(rows_of(county.db, "enterprise", lambda t, c=c: t.c.origin == c)) for c in TOWNSHIPS) == 14
