"""Deletions travel: a record deleted in one office is deleted in the other by the next package,
by the rules of updates (its UUID, a link made earlier, or its natural key); a deletion of a
record changed here since the last exchange is a conflict 对方已删除, settled either way."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import select

from tests.unit.exchange_world import COUNTY, make_office_at
from tests.unit.test_exchange_natural_keys import ID_NUMBER, INDICATOR, SESSION, USCC, records, type_in
from zkdesk.exchange.conflicts import list_conflicts, resolve_conflict
from zkdesk.store.models import (
    AuditEntry,
    AwardSession,
    CollectiveContract,
    Enterprise,
    EnterpriseYear,
    IndicatorValue,
    Nomination,
    Studio,
)

TOWN = "530924103"
MODELS = {"enterprise": Enterprise, "nomination": Nomination, "studio": Studio, "contract": CollectiveContract,
          "value": IndicatorValue}


def pair(tmp_path):
    county, town = make_office_at(tmp_path, COUNTY), make_office_at(tmp_path, TOWN)
    with county.db.session() as s:
        s.add(AwardSession(id=SESSION, origin=COUNTY, name="第五届镇康县劳动模范", number=5, year=2026))
    county.export(tmp_path / "setup", TOWN)
    town.applied(tmp_path / "setup", trust=[county.fingerprint])
    return county, town


def make_records(office, origin: str) -> dict[str, str]:
    """An enterprise (with a year), a nomination, a studio, a contract and an indicator value."""
    with office.db.session() as s:
        ent = Enterprise(origin=origin, name=f"南伞糖厂{origin}", township_code=TOWN, uscc="" if origin == COUNTY else USCC)
        s.add(ent)
        s.flush()
        rows = {
            "enterprise": ent,
            "nomination": Nomination(origin=origin, session_id=SESSION, township_code=TOWN, name="李建国",
                                     id_number=ID_NUMBER, birth_date=date(1980, 5, 1), employer="南伞糖厂",
                                     category="企业一线工人和专业技术人员", status="draft"),
            "studio": Studio(origin=origin, name=f"李建国创新工作室{origin}", kind="劳模创新工作室", township_code=TOWN,
                             lead_name="李建国", applied_on=date(2025, 1, 10)),
            "contract": CollectiveContract(origin=origin, enterprise_id=ent.id, township_code=TOWN, kind="综合集体合同",
                                           signed_on=date(2025, 3, 1)),
            "value": IndicatorValue(origin=origin, indicator_id=INDICATOR, org_code=TOWN, year=2025, value=12.0),
        }
        s.add_all([*rows.values(), EnterpriseYear(origin=origin, enterprise_id=ent.id, year=2025, employees=50)])
        s.flush()
        return {k: r.id for k, r in rows.items()}


def delete(office, ids: dict[str, str], *kinds: str) -> None:
    """As the services delete: the tombstone flag (an indicator value also loses its figures)."""
    with office.db.session() as s:
        for kind in kinds or MODELS:
            row = s.get(MODELS[kind], ids[kind])
            row.deleted = True
            if kind == "value":
                row.value = None


def deleted(office, ids: dict[str, str]) -> dict[str, bool]:
    with office.db.session() as s:
        return {kind: s.get(MODELS[kind], rid).deleted for kind, rid in ids.items()}


def test_deletions_made_in_the_township_reach_the_county_and_are_audited(tmp_path):
    county, town = pair(tmp_path)
    ids = make_records(town, TOWN)
    county.applied(*[p.path for p in town.export(tmp_path / "t1")], trust=[town.fingerprint])
    assert deleted(county, ids) == dict.fromkeys(ids, False)

    delete(town, ids)
    (res,) = county.applied(*[p.path for p in town.export(tmp_path / "t2")])
    assert res.counts["updated"] == len(ids) and res.counts["conflicts"] == res.counts["rejected"] == 0
    assert deleted(county, ids) == dict.fromkeys(ids, True)
    with county.db.session() as s:
        assert s.get(IndicatorValue, ids["value"]).value is None
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "exchange_import")
                          .order_by(AuditEntry.id.desc())).first()
    changed = json.loads(entry.details)["new"]["changed"]
    assert sorted(c[1] for c in changed if c[2] == "delete") == sorted(ids.values())

    before = records(county)  # the same package again, and everything once more: nothing changes
    county.import_(*[p.path for p in town.export(tmp_path / "t3", full=True)])
    county.import_(tmp_path / "t2")
    assert records(county) == before


def test_deletions_made_at_the_county_reach_the_township(tmp_path):
    county, town = pair(tmp_path)
    county.applied(*[p.path for p in town.export(tmp_path / "t0")], trust=[town.fingerprint])  # keys only
    ids = make_records(county, COUNTY)  # the county's own records for the township
    town.applied(*[p.path for p in county.export(tmp_path / "c1", TOWN)])
    assert deleted(town, ids) == dict.fromkeys(ids, False)

    delete(county, ids)
    (res,) = town.applied(*[p.path for p in county.export(tmp_path / "c2", TOWN)])
    assert res.counts["conflicts"] == res.counts["rejected"] == 0
    assert deleted(town, ids) == dict.fromkeys(ids, True)
    before = records(town)
    town.import_(tmp_path / "c2")
    assert records(town) == before


def test_a_deletion_finds_the_record_by_its_link_or_natural_key(tmp_path):
    """Typed in both offices: the township's deletion lands on the county's own copy."""
    county, town = pair(tmp_path)
    typed = type_in(county, value=12.0, phone="", employer="南伞糖厂", employees=120)
    theirs = type_in(town, value=12.0, phone="", employer="南伞糖厂", employees=120)
    county.applied(*[p.path for p in town.export(tmp_path / "t1")], trust=[town.fingerprint])  # linked
    with town.db.session() as s:
        s.get(Enterprise, theirs["enterprise"]).deleted = True
        val = s.get(IndicatorValue, theirs["value"])
        val.deleted, val.value = True, None
    (res,) = county.applied(*[p.path for p in town.export(tmp_path / "t2")])
    assert res.counts["new"] == res.counts["conflicts"] == res.counts["rejected"] == 0
    with county.db.session() as s:
        assert s.get(Enterprise, typed["enterprise"]).deleted is True
        assert s.get(IndicatorValue, typed["value"]).deleted is True
        assert s.get(Nomination, typed["nomination"]).deleted is False

    # never exchanged before: the tombstone is matched by its natural key
    county2, town2 = pair(tmp_path / "second")
    typed = type_in(county2, value=12.0, phone="", employer="南伞糖厂", employees=120)
    theirs = type_in(town2, value=12.0, phone="", employer="南伞糖厂", employees=120)
    with town2.db.session() as s:
        s.get(Nomination, theirs["nomination"]).deleted = True
    (res,) = county2.applied(*[p.path for p in town2.export(tmp_path / "second" / "t1")], trust=[town2.fingerprint])
    assert res.counts["new"] == res.counts["rejected"] == 0
    with county2.db.session() as s:
        assert s.get(Nomination, typed["nomination"]).deleted is True
        assert s.get(Enterprise, typed["enterprise"]).deleted is False


def conflicted(tmp_path):
    """The township deletes an enterprise and a value the county changed since the last exchange."""
    county, town = pair(tmp_path)
    ids = make_records(town, TOWN)
    county.applied(*[p.path for p in town.export(tmp_path / "t1")], trust=[town.fingerprint])
    with county.db.session() as s:
        s.get(Enterprise, ids["enterprise"]).contact_phone = "13900000000"
        s.get(IndicatorValue, ids["value"]).note = "县总工会核实"
    delete(town, ids, "enterprise", "value", "studio")
    (res,) = county.applied(*[p.path for p in town.export(tmp_path / "t2")])
    assert (res.counts["conflicts"], res.counts["updated"]) == (2, 1)  # the studio was not changed here
    return county, town, ids, res


def test_deleting_a_record_changed_here_is_a_conflict_listed_in_chinese(tmp_path):
    county, _town, ids, res = conflicted(tmp_path)
    assert all("对方已删除" in c["reason"] for c in res.conflicts)
    assert deleted(county, ids) == {**dict.fromkeys(ids, False), "studio": True}  # nothing taken before the choice
    with county.db.session() as s:
        assert s.get(IndicatorValue, ids["value"]).value == 12.0
        conflicts = {c.record_id: c for c in list_conflicts(s, county.actor)}
    ent = conflicts[ids["enterprise"]]
    assert [(d.label, d.local, d.remote) for d in ent.diffs] == [("对方已删除", "保留（本机在上次交换后改过）", "删除"),
                                                                ("联系电话", "13900000000", "（空）")]
    assert [d.label for d in conflicts[ids["value"]].diffs][0] == "对方已删除"


def test_keeping_ours_travels_back_and_the_township_undeletes(tmp_path):
    county, town, ids, _res = conflicted(tmp_path)
    with county.db.session() as s:
        for c in list_conflicts(s, county.actor):
            resolve_conflict(s, county.actor, c.id, "local")
    assert deleted(county, ids)["enterprise"] is False
    town.applied(*[p.path for p in county.export(tmp_path / "c1", TOWN)])
    assert (deleted(town, ids)["enterprise"], deleted(town, ids)["value"]) == (False, False)
    with town.db.session() as s:
        assert (s.get(Enterprise, ids["enterprise"]).contact_phone, s.get(IndicatorValue, ids["value"]).value) \
            == ("13900000000", 12.0)
    (back,) = county.applied(*[p.path for p in town.export(tmp_path / "t3")])
    assert back.counts["conflicts"] == 0
    with county.db.session() as s:
        assert list_conflicts(s, county.actor) == []
        assert s.get(Enterprise, ids["enterprise"]).deleted is False


def test_taking_the_deletion(tmp_path):
    county, town, ids, _res = conflicted(tmp_path)
    with county.db.session() as s:
        for c in list_conflicts(s, county.actor):
            resolve_conflict(s, county.actor, c.id, "theirs")
    assert deleted(county, ids) == {**dict.fromkeys(ids, False), "enterprise": True, "value": True, "studio": True}
    with county.db.session() as s:
        assert s.get(IndicatorValue, ids["value"]).value is None
        assert s.scalars(select(AuditEntry).where(AuditEntry.action == "resolve_conflict")).all()
    town.applied(*[p.path for p in county.export(tmp_path / "c1", TOWN)])
    (again,) = county.applied(*[p.path for p in town.export(tmp_path / "t3")])
    assert again.counts["conflicts"] == 0 and deleted(county, ids)["enterprise"] is True


def test_the_county_deleting_a_townships_record_travels_as_its_decision_and_comes_back(tmp_path):
    """A township's record is the township's (ownership.py), its tombstone flag too: the county's
    deletion travels as a decision in its next package, the township takes and audits it, and the
    township's next package brings the deletion back: both sides end equal, nothing is sent again."""
    from zkdesk.services.enterprises import delete_enterprise

    county, town = pair(tmp_path)
    ids = make_records(town, TOWN)
    with town.db.session() as s:
        year_id = s.scalars(select(EnterpriseYear.id).where(EnterpriseYear.enterprise_id == ids["enterprise"])).one()
    county.applied(*[p.path for p in town.export(tmp_path / "t1")], trust=[town.fingerprint])
    with county.db.session() as s:  # a clerk at the county deletes it, as the window does
        delete_enterprise(s, county.actor, ids["enterprise"])
        assert s.get(EnterpriseYear, year_id).deleted is True

    (res,) = town.applied(*[p.path for p in county.export(tmp_path / "c1", TOWN)])
    assert res.counts["conflicts"] == res.counts["rejected"] == 0
    assert any("县总工会删除了本单位的2条记录" in w for w in res.warnings), res.warnings
    with town.db.session() as s:
        assert s.get(Enterprise, ids["enterprise"]).deleted is True
        assert s.get(EnterpriseYear, year_id).deleted is True
        assert s.get(Nomination, ids["nomination"]).deleted is False  # only what the county deleted
        entries = s.scalars(select(AuditEntry).where(AuditEntry.action == "exchange_deletion")).all()
    assert sorted(e.entity_id for e in entries) == sorted([ids["enterprise"], year_id])
    by = {e.entity_id: json.loads(e.details) for e in entries}
    assert by[ids["enterprise"]]["by"] == county.actor.username and by[ids["enterprise"]]["peer"] == COUNTY

    (res,) = county.applied(*[p.path for p in town.export(tmp_path / "t2")])
    assert res.counts["conflicts"] == res.counts["rejected"] == 0
    with county.db.session() as s:
        assert s.get(Enterprise, ids["enterprise"]).deleted is True
    # settled: the county's next package carries no deletion, and changes nothing at the township
    before = records(town)
    (res,) = town.applied(*[p.path for p in county.export(tmp_path / "c2", TOWN)])
    assert not any("删除" in w for w in res.warnings), res.warnings
    assert records(town) == before
    with town.db.session() as s:
        assert len(s.scalars(select(AuditEntry).where(AuditEntry.action == "exchange_deletion")).all()) == 2


def test_a_county_deletion_crossing_a_township_package_still_arrives(tmp_path):
    """The township changed the record while the county's deletion was on its way: the township's
    change lands on the county's tombstone (no conflict: the flag is the township's, unchanged
    there), the deletion stays due and is taken with the county's next package; the township's
    change is kept on its tombstone."""
    from zkdesk.services.enterprises import delete_enterprise

    county, town = pair(tmp_path)
    ids = make_records(town, TOWN)
    county.applied(*[p.path for p in town.export(tmp_path / "t1")], trust=[town.fingerprint])
    with county.db.session() as s:
        delete_enterprise(s, county.actor, ids["enterprise"])
    with town.db.session() as s:
        s.get(Enterprise, ids["enterprise"]).address = "南伞镇2号"
    (res,) = county.applied(*[p.path for p in town.export(tmp_path / "t2")])
    assert res.counts["conflicts"] == res.counts["rejected"] == 0
    with county.db.session() as s:
        ent = s.get(Enterprise, ids["enterprise"])
        assert (ent.deleted, ent.address) == (True, "南伞镇2号")

    (res,) = town.applied(*[p.path for p in county.export(tmp_path / "c1", TOWN)])
    with town.db.session() as s:
        ent = s.get(Enterprise, ids["enterprise"])
        assert (ent.deleted, ent.address) == (True, "南伞镇2号")
    (res,) = county.applied(*[p.path for p in town.export(tmp_path / "t3")])
    assert res.counts["conflicts"] == res.counts["rejected"] == 0
    (res,) = town.applied(*[p.path for p in county.export(tmp_path / "c2", TOWN)])
    assert not any("删除" in w for w in res.warnings), res.warnings


def test_a_township_restoring_its_record_after_the_county_deleted_it_wins(tmp_path):
    """The township took the county's deletion and then restored the record (its own flag, its
    decision): its package undeletes it at the county, and the county does not send the deletion
    again."""
    from zkdesk.services.enterprises import delete_enterprise

    county, town = pair(tmp_path)
    ids = make_records(town, TOWN)
    county.applied(*[p.path for p in town.export(tmp_path / "t1")], trust=[town.fingerprint])
    with county.db.session() as s:
        delete_enterprise(s, county.actor, ids["enterprise"])
    town.applied(*[p.path for p in county.export(tmp_path / "c1", TOWN)])
    county.applied(*[p.path for p in town.export(tmp_path / "t2")])
    with town.db.session() as s:
        s.get(Enterprise, ids["enterprise"]).deleted = False
    (res,) = county.applied(*[p.path for p in town.export(tmp_path / "t3")])
    assert res.counts["conflicts"] == res.counts["rejected"] == 0
    with county.db.session() as s:
        assert s.get(Enterprise, ids["enterprise"]).deleted is False
    (res,) = town.applied(*[p.path for p in county.export(tmp_path / "c2", TOWN)])
    assert not any("删除" in w for w in res.warnings), res.warnings
    with town.db.session() as s:
        assert s.get(Enterprise, ids["enterprise"]).deleted is False


def test_the_county_is_told_before_deleting_a_townships_record_and_the_township_sees_it_by_name(tmp_path):
    """The county's delete confirmation names the township that will delete its copy too
    (services.deletion_notice); the township's preview and import result name what the county
    deleted, as a line 删除 with the reason."""
    from zkdesk.services.deletion_notice import deletion_notice
    from zkdesk.services.enterprises import delete_enterprise

    county, town = pair(tmp_path)
    ids = make_records(town, TOWN)
    with county.db.session() as s:  # typed in at the county and never sent: the township has nothing to delete
        typed = Enterprise(origin=TOWN, name="南伞县里录入的企业", township_code=TOWN)
        own = Enterprise(origin=COUNTY, name="县本级企业", township_code=TOWN)
        s.add_all([typed, own])
        s.flush()
        typed_id, own_id = typed.id, own.id
        assert deletion_notice(s, "enterprise", ids["enterprise"]) == ""  # not received yet
    county.applied(*[p.path for p in town.export(tmp_path / "t1")], trust=[town.fingerprint])
    with county.db.session() as s:
        assert deletion_notice(s, "enterprise", ids["enterprise"]) == \
            "该记录由南伞镇录入，删除后将在下次发往南伞镇的数据包中通知该乡镇一并删除。"
        assert "南伞镇" in deletion_notice(s, "studio", ids["studio"])
        assert deletion_notice(s, "enterprise", typed_id) == deletion_notice(s, "enterprise", own_id) == ""
        delete_enterprise(s, county.actor, ids["enterprise"])
    with town.db.session() as s:  # at a township nothing is said: its deletions are its own
        assert deletion_notice(s, "enterprise", ids["nomination"]) == deletion_notice(s, "nomination", ids["nomination"]) == ""

    package = [p.path for p in county.export(tmp_path / "c1", TOWN)]
    (preview,) = town.import_(*package, dry_run=True)
    lines = [n for n in preview.records if n.action == "delete"]
    assert sorted((n.table_label, n.label, n.action_label) for n in lines) == [
        ("企业", f"南伞糖厂{TOWN}", "删除"), ("企业年度情况", f"南伞糖厂{TOWN} 2025年", "删除")]
    reasons = {n.table: n.reason for n in lines}  # the year went with its enterprise: nobody deleted it by name
    assert reasons == {"enterprise": f"县总工会删除了这条记录（操作人：{county.actor.username}），本机将一并删除",
                       "enterprise_year": "县总工会删除了这条记录，本机将一并删除"}
    assert any(f"县总工会删除了本单位的2条记录：企业“南伞糖厂{TOWN}”" in w for w in preview.warnings), preview.warnings
    assert deleted(town, ids)["enterprise"] is False  # a preview changes nothing

    (res,) = town.applied(*package)
    assert [n.label for n in res.records if n.action == "delete" and n.table == "enterprise"] == [f"南伞糖厂{TOWN}"]
    assert deleted(town, ids)["enterprise"] is True
