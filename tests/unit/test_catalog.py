"""The shipped plan catalog holds every quantitative target of items 1–18 of the plan text."""

import re
import tomllib
from pathlib import Path

import pytest
from sqlalchemy import func, select

from zkdesk.paths import plans_dir, resources_dir
from zkdesk.store.models import Indicator, OrgUnit, Plan, PlanItem
from zkdesk.store.seed import CatalogError, load_plan_catalog, load_shipped_data

PLAN_TEXT = Path(__file__).resolve().parents[1] / "fixtures" / "zhenkang-workforce-plan-2022.txt"  # copy of shared/seed


def _indicators(s):
    plan = s.scalars(select(Plan).where(Plan.code == "zk-2021-2025")).one()
    return {i.code: i for i in s.scalars(select(Indicator).where(Indicator.plan_id == plan.id))}


def test_catalog_has_every_item_and_about_55_targets(fresh_db):
    with fresh_db.session() as s:
        load_shipped_data(s)
        indicators = _indicators(s)
        items = set(s.scalars(select(PlanItem.number)))
    assert items == set(range(1, 19))
    assert 55 <= len(indicators) <= 70
    # every item with a number in the text has at least one indicator; 11 and 17 have tasks only
    assert {i.item for i in indicators.values()} == set(range(1, 19))
    assert {i.target_kind for i in indicators.values() if i.item in (11, 17)} == {"milestone"}


@pytest.mark.parametrize(
    "name_part, unit, comparator, target, kind",
    [
        ("党组织覆盖率", "%", "ge", 70, "rate"),
        ("劳动模范", None, "ge", 20, "cumulative"),
        ("合理化建议", "件", "ge", 100, "cumulative"),
        ("三室一站", "家", "ge", 5, "cumulative"),
        ("单独签订集体合同率", "%", "ge", 80, "rate"),
        ("知晓率", "%", "ge", 90, "rate"),
        ("高技能人才", "人", "ge", 1000, "stock"),
        ("送温暖资金", "万元", "ge", 500, "cumulative"),
    ],
)
def test_sample_targets_match_the_plan_text(fresh_db, name_part, unit, comparator, target, kind):
    with fresh_db.session() as s:
        load_shipped_data(s)
        matches = [i for i in _indicators(s).values() if name_part in i.name]
    assert matches, f"no indicator named like {name_part}"
    ind = matches[0]
    assert ind.target == target
    assert ind.comparator == comparator
    if unit:
        assert ind.unit == unit
    assert ind.target_year == 2025


def test_quotes_are_taken_from_the_plan_text():
    """Every indicator quotes its sentence; the quote must really be in the plan."""
    text = re.sub(r"\s+", "", PLAN_TEXT.read_text(encoding="utf-8"))
    data = tomllib.loads((plans_dir() / "zk-2021-2025.toml").read_text(encoding="utf-8"))
    for entry in data["indicator"]:
        assert re.sub(r"\s+", "", entry["quote"]) in text, entry["code"]


def test_loading_twice_changes_nothing(fresh_db):
    with fresh_db.session() as s:
        load_shipped_data(s)
    with fresh_db.session() as s:
        before = s.scalar(select(func.count(Indicator.id)))
        summaries = load_shipped_data(s)
        assert s.scalar(select(func.count(Indicator.id))) == before
    assert all(not x.created and x.indicators_added == 0 for x in summaries)


def test_a_second_plan_is_just_another_file(fresh_db, tmp_path):
    source = (plans_dir() / "zk-2021-2025.toml").read_text(encoding="utf-8")
    second = (
        source.replace('code = "zk-2021-2025"', 'code = "zk-2026-2030"')
        .replace("start_year = 2021", "start_year = 2026")
        .replace("end_year = 2025", "end_year = 2030")
        .replace("target_year = 2025", "target_year = 2030")
        .replace("“十四五”", "“十五五”")
        .replace('short_name = "十四五"', 'short_name = "十五五"')
    )
    path = tmp_path / "zk-2026-2030.toml"
    path.write_text(second, encoding="utf-8")
    with fresh_db.session() as s:
        load_shipped_data(s)
        summary = load_plan_catalog(s, path)
        assert summary.created
        plans = s.scalars(select(Plan).order_by(Plan.start_year)).all()
    assert [p.short_name for p in plans] == ["十四五", "十五五"]
    assert plans[1].end_year == 2030


def test_a_malformed_catalog_is_refused_in_chinese(fresh_db, tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('[plan]\ncode="x"\nname="x"\nstart_year=2026\nend_year=2030\n[[indicator]]\ncode="1.1"\nitem=1\n', encoding="utf-8")
    with fresh_db.session() as s:
        load_shipped_data(s)
        with pytest.raises(CatalogError, match="缺少"):
            load_plan_catalog(s, path)


def test_org_units_match_the_nbs_codes(fresh_db):
    expected = {
        "530924": "镇康县", "530924101": "凤尾镇", "530924102": "勐捧镇", "530924103": "南伞镇",
        "530924201": "忙丙乡", "530924202": "勐堆乡", "530924204": "木场乡", "530924205": "军赛乡",
    }
    with fresh_db.session() as s:
        load_shipped_data(s)
        units = {u.code: u for u in s.scalars(select(OrgUnit))}
    assert {c: u.short_name for c, u in units.items()} == expected
    assert all(units[c].parent_code == "530924" for c in expected if c != "530924")
    assert units["530924205"].name.startswith("军赛佤族拉祜族傈僳族德昂族乡")
    assert (resources_dir() / "orgunits.toml").exists()
