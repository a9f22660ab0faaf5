"""A true conflict: listed with Chinese labels, settled either way, and the decision travels back."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from tests.unit.exchange_world import COUNTY, make_office_at
from zkdesk.exchange.conflicts import list_conflicts, resolve_conflict
from zkdesk.services.errors import UserError
from zkdesk.store.models import AuditEntry, Enterprise
from zkdesk.store.models.exchange import ExchangeConflict

TOWN = "530924201"


def conflicted(tmp_path):
    """The township and the county each changed the same enterprise's contact and phone."""
    county, town = make_office_at(tmp_path, COUNTY), make_office_at(tmp_path, TOWN)
    county.export(tmp_path / "setup", TOWN)
    town.applied(tmp_path / "setup", trust=[county.fingerprint])
    with town.db.session() as s:
        ent = Enterprise(origin=TOWN, name="忙丙糖厂", township_code=TOWN, contact_person="张三", contact_phone="1")
        s.add(ent)
        s.flush()
        ent_id = ent.id
    county.applied(*[p.path for p in town.export(tmp_path / "o1")], trust=[town.fingerprint])
    with town.db.session() as s:
        e = s.get(Enterprise, ent_id)
        e.contact_person, e.contact_phone = "李四", "2"
        e.touch()
    with county.db.session() as s:
        e = s.get(Enterprise, ent_id)
        e.contact_person, e.contact_phone = "王五", "3"
        e.touch()
    (res,) = county.applied(*[p.path for p in town.export(tmp_path / "o2")])
    assert res.counts["conflicts"] == 1
    return county, town, ent_id


def contact(office, ent_id):
    with office.db.session() as s:
        e = s.get(Enterprise, ent_id)
        return e.contact_person, e.contact_phone


def round_trip(tmp_path, county, town, n):
    """County → township, then township → county; returns the township's import result."""
    (res,) = town.applied(*[p.path for p in county.export(tmp_path / f"c{n}", TOWN)])
    county.applied(*[p.path for p in town.export(tmp_path / f"t{n}")])
    return res


def test_the_conflict_is_listed_in_chinese(tmp_path):
    county, _town, _ent_id = conflicted(tmp_path)
    with county.db.session() as s:
        (c,) = list_conflicts(s, county.actor)
    assert (c.title, c.table_label, c.peer_name) == ("忙丙糖厂", "企业", "忙丙乡")
    assert [(d.label, d.local, d.remote) for d in c.diffs] == [("联系人", "王五", "李四"), ("联系电话", "3", "2")]
    shown = json.dumps(c.to_json(), ensure_ascii=False)
    assert "label" in c.to_json() and "联系人" in shown


def test_keeping_ours_travels_back_and_both_sides_end_equal(tmp_path):
    county, town, ent_id = conflicted(tmp_path)
    with county.db.session() as s:
        (c,) = list_conflicts(s, county.actor)
        resolve_conflict(s, county.actor, c.id, "local")
    with county.db.session() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "resolve_conflict")).one()
        assert "联系人" in entry.details and "王五" in entry.details
    back = round_trip(tmp_path, county, town, 1)
    assert any("保留了其版本" in w for w in back.warnings)
    assert contact(town, ent_id) == contact(county, ent_id) == ("王五", "3")
    with town.db.session() as s:
        assert s.scalars(select(AuditEntry.action).where(AuditEntry.action == "exchange_resolution")).all()
    # The township confirmed it: the decision is not sent again, nothing conflicts afterwards.
    again = round_trip(tmp_path, county, town, 2)
    assert not any("保留了其版本" in w for w in again.warnings)
    with county.db.session() as s:
        assert s.scalars(select(ExchangeConflict.acked)).all() == [True]
        assert list_conflicts(s, county.actor) == []
    assert contact(town, ent_id) == contact(county, ent_id) == ("王五", "3")


def test_taking_theirs_leaves_both_sides_equal(tmp_path):
    county, town, ent_id = conflicted(tmp_path)
    with county.db.session() as s:
        (c,) = list_conflicts(s, county.actor)
        resolve_conflict(s, county.actor, c.id, "theirs")
    round_trip(tmp_path, county, town, 1)
    assert contact(town, ent_id) == contact(county, ent_id) == ("李四", "2")
    with county.db.session() as s:
        assert list_conflicts(s, county.actor) == []


def test_field_by_field(tmp_path):
    county, town, ent_id = conflicted(tmp_path)
    with county.db.session() as s:
        (c,) = list_conflicts(s, county.actor)
        with pytest.raises(UserError, match="每一项"):
            resolve_conflict(s, county.actor, c.id, "", {"contact_person": "local"})
    with county.db.session() as s:
        resolve_conflict(s, county.actor, c.id, "", {"contact_person": "local", "contact_phone": "theirs"})
    round_trip(tmp_path, county, town, 1)
    assert contact(town, ent_id) == contact(county, ent_id) == ("王五", "2")


def test_a_field_changed_again_there_is_not_overwritten_by_the_decision(tmp_path):
    county, town, ent_id = conflicted(tmp_path)
    with county.db.session() as s:
        (c,) = list_conflicts(s, county.actor)
        resolve_conflict(s, county.actor, c.id, "local")
    with town.db.session() as s:
        e = s.get(Enterprise, ent_id)
        e.contact_person = "赵六"
        e.touch()
    (res,) = town.applied(*[p.path for p in county.export(tmp_path / "c1", TOWN)])
    assert contact(town, ent_id) == ("赵六", "3")  # the phone follows the decision, the newer name stays
    (res,) = county.applied(*[p.path for p in town.export(tmp_path / "t1")])
    assert res.counts["conflicts"] == 1  # and meets the county's kept name as a new conflict
