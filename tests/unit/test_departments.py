"""责任单位 as units: the departments as data, each indicator's lead and co-responsible
departments made once from the plan's 责任单位 lists (the first named leads), then edited."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests import databases
from tests.conftest import make_office
from zkdesk.services import departments as dep
from zkdesk.services.actor import Actor
from zkdesk.services.catalog import indicator_responsible, plan_indicators
from zkdesk.services.errors import PermissionDenied, UserError
from zkdesk.services.plans import copy_plan
from zkdesk.services.progress import plan_by_code
from zkdesk.store.migrate import open_database
from zkdesk.store.models import AuditEntry, Department, Indicator, IndicatorDuty
from zkdesk.store.seed import load_shipped_data, shipped_departments

PLAN = "zk-2021-2025"
PLAN_TEXT = Path(__file__).resolve().parents[1] / "fixtures" / "zhenkang-workforce-plan-2022.txt"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def plan_text_duties() -> list[list[str]]:
    """The 〔责任单位：…〕 lists of the plan's items 1–18, as the plan text words them."""
    flat = re.sub(r"\s+", "", PLAN_TEXT.read_text(encoding="utf-8"))
    lists = [re.split("[、，]", m) for m in re.findall("〔责任单位：(.*?)〕", flat)]
    return lists[:18]


def test_every_indicator_has_the_plan_texts_departments_with_the_first_named_leading(county_db):
    db, _ = county_db
    text = plan_text_duties()
    with db.read_session() as s:
        plan = plan_by_code(s, PLAN)
        duties = dep.plan_duties(s, plan.id)
        departments = {d.code: d for d in dep.list_departments(s)}
        indicators = plan_indicators(s, plan.id)
    assert [d.code for d in departments.values()] == [e["code"] for e in shipped_departments()]
    assert len(text) == 18
    for ind in indicators:
        d = duties[ind.id]
        assert list(d.names) == text[ind.item - 1], ind.code
        assert len(d.lead) == 1 and d.lead[0].name == text[ind.item - 1][0]
        # every unit the plan names is a department of the shipped list (none made up from a name)
        assert all(code in departments for code in d.codes)


def test_duties_are_edited_and_loading_the_catalog_again_keeps_the_edit(county_db):
    db, admin = county_db
    with db.session() as s:
        plan = plan_by_code(s, PLAN)
        ind = next(i for i in plan_indicators(s, plan.id) if i.code == "01.1")
        new = dep.set_duties(s, admin, ind.id, "zgh", ["zzb", "xz"])
        ind_id = ind.id
    assert new.names == ("县总工会", "县委组织部", "各乡（镇）")
    with db.session() as s:
        load_shipped_data(s)
    with db.read_session() as s:
        ind = s.get(Indicator, ind_id)
        assert indicator_responsible(s, ind) == ["县总工会", "县委组织部", "各乡（镇）"]
        assert dep.indicator_duties(s, ind_id).names == ("县总工会", "县委组织部", "各乡（镇）")
        # the units no longer named are tombstoned (the change travels), not deleted
        removed = s.scalars(select(IndicatorDuty).where(IndicatorDuty.indicator_id == ind_id,
                                                        IndicatorDuty.deleted.is_(True))).all()
        assert {s.get(Department, d.department_id).code for d in removed} == {"gxj", "gzw", "gsl"}
        entry = s.scalars(select(AuditEntry).where(AuditEntry.entity_id == ind_id).order_by(AuditEntry.id.desc())).first()
        assert "牵头：县总工会" in json.loads(entry.details)["new"]["责任单位"]


def test_bad_duties_are_refused_in_chinese(county_db, fresh_db):
    db, admin = county_db
    with db.session() as s:
        plan = plan_by_code(s, PLAN)
        ind = plan_indicators(s, plan.id)[0]
        with pytest.raises(UserError, match="没有代码为“nope”的责任单位"):
            dep.set_duties(s, admin, ind.id, "nope")
        with pytest.raises(UserError, match="不能同时为配合单位"):
            dep.set_duties(s, admin, ind.id, "zgh", ["zgh"])
        with pytest.raises(UserError, match="请为指标 01.1 选择牵头单位"):
            dep.set_duties(s, admin, ind.id, "")
        township = Actor(username="t", display_name="t", role=admin.role, office_code="530924103")
        with pytest.raises(PermissionDenied):
            dep.set_duties(s, township, ind.id, "zgh")


def test_departments_are_added_and_renamed_by_code(county_db):
    db, admin = county_db
    with db.session() as s:
        dep.save_department(s, admin, "xdj", "县档案馆", "镇康县档案馆")
        dep.save_department(s, admin, "rsj", "县人社局")
        with pytest.raises(UserError, match="已存在"):
            dep.save_department(s, admin, "abc", "县总工会")
        with pytest.raises(UserError, match="责任单位代码"):
            dep.save_department(s, admin, "县局", "县局")
    with db.read_session() as s:
        rows = {d.code: d for d in dep.list_departments(s)}
        plan = plan_by_code(s, PLAN)
        ind = next(i for i in plan_indicators(s, plan.id) if i.item == 8)
        assert rows["xdj"].name == "县档案馆" and list(rows)[-1] == "xdj"
        # a renamed department prints with its new name wherever it is responsible
        assert "县人社局" in indicator_responsible(s, ind)


def test_a_copied_plan_keeps_the_duties(county_db):
    db, admin = county_db
    with db.session() as s:
        source = plan_by_code(s, PLAN)
        one = next(i for i in plan_indicators(s, source.id) if i.code == "03.1")
        dep.set_duties(s, admin, one.id, "zgh", ["rsj"])
        new = copy_plan(s, admin, source.id, "zk-2026-2030", "十五五规划", "十五五", 2026, 2030)
        old_duties = {i.code: dep.plan_duties(s, source.id)[i.id].names for i in plan_indicators(s, source.id)}
        new_duties = {i.code: dep.plan_duties(s, new.id)[i.id].names for i in plan_indicators(s, new.id)}
    assert new_duties == old_duties and new_duties["03.1"] == ("县总工会", "县人力资源社会保障局")


def test_the_0_2_county_gets_departments_and_duties_when_upgraded(tmp_path):
    target = databases.load_fixture(FIXTURES / "zkdesk-0.2.0-county-demo.sqlite3", tmp_path)
    db = open_database(target, tmp_path / "backups")
    try:
        with db.read_session() as s:
            plan = plan_by_code(s, PLAN)
            indicators = plan_indicators(s, plan.id)
            duties = dep.plan_duties(s, plan.id)
            assert s.scalar(select(func.count(Department.id))) == len(shipped_departments())
        assert indicators and all(len(duties[i.id].lead) == 1 and duties[i.id].co for i in indicators)
        assert duties[indicators[0].id].lead[0].name == "县委组织部"
    finally:
        db.dispose()


def test_a_township_gets_the_same_duty_records_as_the_county(tmp_path):
    county = databases.new_database(tmp_path / "county")
    township = databases.new_database(tmp_path / "township")
    try:
        make_office(county, "530924")
        make_office(township, "530924103")
        ids = []
        for db in (county, township):
            with db.read_session() as s:
                ids.append(sorted(s.scalars(select(IndicatorDuty.id))))
        assert ids[0] and ids[0] == ids[1]
    finally:
        county.dispose()
        township.dispose()


def test_the_countys_duties_and_departments_travel_to_a_township(tmp_path):
    from tests.unit.exchange_world import COUNTY, make_office_at

    town_code = "530924103"
    county, town = make_office_at(tmp_path, COUNTY), make_office_at(tmp_path, town_code)
    county.export(tmp_path / "setup", town_code)
    town.applied(tmp_path / "setup", trust=[county.fingerprint])
    with county.db.session() as s:
        dep.save_department(s, county.actor, "xdj", "县档案馆")
        ind = next(i for i in plan_indicators(s, plan_by_code(s, PLAN).id) if i.code == "08.1")
        dep.set_duties(s, county.actor, ind.id, "xdj", ["zgh"])
        ind_id = ind.id
    (res,) = town.applied(*[p.path for p in county.export(tmp_path / "p1", town_code)], trust=[county.fingerprint])
    assert res.counts["rejected"] == 0 and res.counts["conflicts"] == 0, res.rejected
    with town.db.read_session() as s:
        assert dep.indicator_duties(s, ind_id).names == ("县档案馆", "县总工会")
        assert indicator_responsible(s, s.get(Indicator, ind_id)) == ["县档案馆", "县总工会"]
