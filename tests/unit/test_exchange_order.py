"""Packages out of order, missing ones, and conflicts settled either way."""

from __future__ import annotations

import json

from sqlalchemy import select

from tests.unit.exchange_world import COUNTY, dump, make_office_at
from zkdesk.exchange.conflicts import list_conflicts, resolve_conflict
from zkdesk.services.errors import UserError
from zkdesk.store.models import AuditEntry, Enterprise, ExchangeLogEntry
from zkdesk.store.models.exchange import ExchangeConflict

TOWN = "530924201"


def pair(tmp_path):
    county, town = make_office_at(tmp_path, COUNTY), make_office_at(tmp_path, TOWN)
    county.export(tmp_path / "setup", TOWN)
    town.applied(tmp_path / "setup", trust=[county.fingerprint])
    return county, town


def test_older_after_newer_rolls_nothing_back_and_gaps_are_reported(tmp_path):
    county, town = pair(tmp_path)
    with town.db.session() as s:
        ent = Enterprise(origin=TOWN, name="忙丙第一版", township_code=TOWN)
        s.add(ent)
        s.flush()
        ent_id = ent.id
    packages = []
    for name in ("忙丙第二版", "忙丙第三版"):
        packages += town.export(tmp_path / "out")
        with town.db.session() as s:
            s.get(Enterprise, ent_id).name = name
    packages += town.export(tmp_path / "out")
    assert [p.sequence for p in packages] == [1, 2, 3]

    (third,) = county.applied(packages[2].path, trust=[town.fingerprint])
    assert third.counts["new"] == 1 and "缺少第1、2号数据包" in third.warnings
    (first,) = county.applied(packages[0].path)
    assert first.counts == {"new": 0, "updated": 0, "unchanged": 1, "conflicts": 0, "rejected": 0}
    assert "缺少第2号数据包" in first.warnings
    (second,) = county.applied(packages[1].path)
    assert second.warnings == [] and second.counts["unchanged"] == 1
    with county.db.session() as s:
        assert s.get(Enterprise, ent_id).name == "忙丙第三版"
        log = s.scalars(select(ExchangeLogEntry).order_by(ExchangeLogEntry.id)).all()
        assert [(e.direction, e.sequence, e.status) for e in log] == [("out", 1, "exported"), ("in", 3, "applied"),
                                                                       ("in", 1, "applied"), ("in", 2, "applied")]
        assert "缺少第1、2号数据包" in json.loads(log[1].summary)["warnings"]


def test_same_package_twice_changes_nothing(tmp_path):
    county, town = pair(tmp_path)
    with town.db.session() as s:
        s.add(Enterprise(origin=TOWN, name="忙丙茶厂", township_code=TOWN))
    (pkg,) = town.export(tmp_path / "out")
    county.applied(pkg.path, trust=[town.fingerprint])
    before = dump(county.db)
    (again,) = county.applied(pkg.path)
    assert again.duplicate and not again.applied and "已经导入过" in again.warnings[0]
    assert dump(county.db) == before


def _conflict(tmp_path, county, town):
    with town.db.session() as s:
        ent = Enterprise(origin=TOWN, name="忙丙糖厂", township_code=TOWN, contact_person="张三")
        s.add(ent)
        s.flush()
        ent_id = ent.id
    county.applied(*[p.path for p in town.export(tmp_path / "o1")], trust=[town.fingerprint])
    with town.db.session() as s:
        s.get(Enterprise, ent_id).contact_person = "李四"
    with county.db.session() as s:
        s.get(Enterprise, ent_id).contact_person = "王五"
    county.applied(*[p.path for p in town.export(tmp_path / "o2")])
    return ent_id


def test_keeping_the_local_version_and_a_later_change_conflicting_again(tmp_path):
    county, town = pair(tmp_path)
    ent_id = _conflict(tmp_path, county, town)
    with county.db.session() as s:
        (c,) = list_conflicts(s, county.actor)
        assert (c.local, c.remote, c.title) == ({"contact_person": "王五"}, {"contact_person": "李四"}, "忙丙糖厂")
        resolve_conflict(s, county.actor, c.id, "local")
    with county.db.session() as s:
        assert s.get(Enterprise, ent_id).contact_person == "王五"
        assert list_conflicts(s, county.actor) == []
        assert s.scalars(select(AuditEntry.action).order_by(AuditEntry.id.desc())).first() == "resolve_conflict"
        try:
            resolve_conflict(s, county.actor, c.id, "remote")
        except UserError as exc:
            assert "已经处理过" in str(exc)
        else:
            raise AssertionError("a settled conflict was settled twice")
    # The township changes another field: it merges. It changes the same field again: conflict.
    with town.db.session() as s:
        s.get(Enterprise, ent_id).address = "忙丙街1号"
    (res,) = county.applied(*[p.path for p in town.export(tmp_path / "o3")])
    assert (res.counts["updated"], res.counts["conflicts"]) == (1, 0)
    with town.db.session() as s:
        s.get(Enterprise, ent_id).contact_person = "赵六"
    (res,) = county.applied(*[p.path for p in town.export(tmp_path / "o4")])
    assert res.counts["conflicts"] == 1
    with county.db.session() as s:
        ent = s.get(Enterprise, ent_id)
        assert (ent.contact_person, ent.address) == ("王五", "忙丙街1号")


def test_a_newer_conflict_supersedes_the_open_one(tmp_path):
    county, town = pair(tmp_path)
    ent_id = _conflict(tmp_path, county, town)
    with town.db.session() as s:
        s.get(Enterprise, ent_id).contact_person = "钱七"
    county.applied(*[p.path for p in town.export(tmp_path / "o3")])
    with county.db.session() as s:
        statuses = s.scalars(select(ExchangeConflict.status).order_by(ExchangeConflict.id)).all()
        assert statuses == ["superseded", "open"]
        (c,) = list_conflicts(s, county.actor)
        assert c.remote == {"contact_person": "钱七"}
        resolve_conflict(s, county.actor, c.id, "remote")
    with county.db.session() as s:
        assert s.get(Enterprise, ent_id).contact_person == "钱七"


def test_county_packages_set_up_new_org_units(tmp_path):
    county, town = pair(tmp_path)
    from zkdesk.store.models import OrgUnit

    with county.db.session() as s:
        s.add(OrgUnit(code="530924901", name="镇康县教育系统工会", short_name="教育工会", level="unit",
                      parent_code=COUNTY, sort_order=20))
        s.get(OrgUnit, TOWN).short_name = "忙丙"
    (pkg,) = county.export(tmp_path / "back", TOWN)
    (res,) = town.applied(pkg.path)
    assert res.applied
    with town.db.session() as s:
        assert s.get(OrgUnit, "530924901").name == "镇康县教育系统工会"
        assert s.get(OrgUnit, TOWN).short_name == "忙丙"
    before = dump(town.db)
    (again,) = town.applied(pkg.path)
    assert again.duplicate and dump(town.db) == before
