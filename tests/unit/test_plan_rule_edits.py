"""规划与目标: the county edits an indicator's target kind, level and terms; bad terms are refused in
Chinese; one save raises the plan's catalog version once, however many indicators it changes."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from tests.conftest import NANSAN
from zkdesk.domain.roles import Role
from zkdesk.services.actor import Actor
from zkdesk.services.errors import PermissionDenied, UserError
from zkdesk.services.plans import save_indicator_edits, set_indicator_rule
from zkdesk.store.models import AuditEntry, Indicator, Plan


@pytest.fixture
def county(county_plan):
    return county_plan


def _version(db, plan_id):
    with db.read_session() as s:
        return s.get(Plan, plan_id).catalog_version


def test_one_save_raises_the_catalog_version_once(county):
    db, admin, plan_id, ids = county
    before = _version(db, plan_id)
    with db.session() as s:
        changed = save_indicator_edits(s, admin, plan_id, [(ids["01.2"], {"target": 25}), (ids["05.1"], {"target": 6000})],
                                       [(ids["05.1"], {"target_kind": "cumulative", "level": "county_only"})])
    assert changed and _version(db, plan_id) == before + 1
    with db.session() as s:  # nothing changed: the version stays
        assert not save_indicator_edits(s, admin, plan_id, [(ids["01.2"], {"target": 25})])
    assert _version(db, plan_id) == before + 1
    with db.read_session() as s:
        assert s.get(Indicator, ids["05.1"]).level == "county_only"
        assert s.get(Indicator, ids["01.2"]).target == 25
        bumps = s.scalars(select(AuditEntry).where(AuditEntry.entity == "plan", AuditEntry.action == "update")).all()
    assert len(bumps) == 1


def test_terms_are_checked_in_chinese(county):
    db, admin, plan_id, ids = county
    cases = [
        ([("上一届", 2016), ("本届", 2016)], "指标 12.1 的届次年份重复：2016年"),
        ([("上一届", 1900), ("本届", 2021)], "指标 12.1 的上一届年份1900不合理：须在1949—2025年之间"),
        ([("上一届", 2016), ("本届", 2027)], "指标 12.1 的本届年份2027不合理：须在1949—2025年之间"),
        ([("上一届", "二〇一六"), ("本届", 2021)], "指标 12.1 的上一届年份“二〇一六”不是年份"),
        ([("", 2016), ("本届", 2021)], "指标 12.1 的届次须写明名称（如“上一届”“本届”）"),
        ([("本届", 2021)], "指标 12.1“不低于上一届”须列出至少两届（上一届和本届）及其年份"),
    ]
    for terms, message in cases:
        with db.session() as s, pytest.raises(UserError) as caught:
            set_indicator_rule(s, admin, ids["12.1"], target_kind="per_term", level="both", terms=terms)
        assert str(caught.value) == message
    with db.session() as s:  # given in any order, stored oldest first
        set_indicator_rule(s, admin, ids["12.1"], target_kind="per_term", level="both",
                           terms=[("本届", "2022"), ("上一届", 2017)])
    with db.read_session() as s:
        assert json.loads(s.get(Indicator, ids["12.1"]).terms) == [{"label": "上一届", "year": 2017},
                                                                   {"label": "本届", "year": 2022}]


def test_kinds_a_measure_may_be_judged_by(county):
    db, admin, plan_id, ids = county
    with db.session() as s, pytest.raises(UserError, match="01.2 按累计填报，考核方式只能是：累计"):
        set_indicator_rule(s, admin, ids["01.2"], target_kind="per_term", level="both")
    with db.session() as s, pytest.raises(UserError, match="完成事项与数值指标不能互相改换"):
        set_indicator_rule(s, admin, ids["03.2"], target_kind="stock", level="county_only")
    with db.session() as s, pytest.raises(UserError, match="请填写目标值"):  # leaving 不低于上一届 needs a target
        set_indicator_rule(s, admin, ids["12.1"], target_kind="rate", level="both")
    with db.session() as s:
        set_indicator_rule(s, admin, ids["12.1"], target_kind="rate", level="both", target=30)
        set_indicator_rule(s, admin, ids["01.1"], target_kind="per_term", level="both",
                           terms=[("上一届", 2016), ("本届", 2021)])
    with db.read_session() as s:
        moved, per_term = s.get(Indicator, ids["12.1"]), s.get(Indicator, ids["01.1"])
        assert (moved.target_kind, moved.comparator, moved.target) == ("rate", "ge", 30)
        assert (per_term.target_kind, per_term.comparator, per_term.target) == ("per_term", "not_below_last", None)


def test_a_township_cannot_edit_rules(county):
    db, admin, plan_id, ids = county
    clerk = Actor(username="nansan", display_name="南伞", role=Role.ADMIN, office_code=NANSAN)
    with db.session() as s, pytest.raises(PermissionDenied):
        save_indicator_edits(s, clerk, plan_id, [], [(ids["05.1"], {"target_kind": "cumulative", "level": "both"})])
