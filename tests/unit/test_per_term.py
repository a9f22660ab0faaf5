"""12.1–12.4 人选不低于上一届的比例人数: the term sitting in the year against the previous 届
(terms are data in the catalog, with their years), share and number both, the county's own
congress kept apart from the townships' (issue 15)."""

import json

import pytest

from tests.conftest import COUNTY, NANSAN
from zkdesk.domain.progress import Term, terms_at, terms_of
from zkdesk.paths import plans_dir
from zkdesk.services.baselines import BaselineEntry, save_baselines
from zkdesk.services.indicator_values import ValueEntry, save_values
from zkdesk.services.progress import progress_for
from zkdesk.store.seed import CatalogError, load_org_units, load_plan_catalog

FENGWEI = "530924101"


@pytest.fixture
def county(county_plan):
    return county_plan


def _row(db, plan_id, org, year, code):
    with db.read_session() as s:
        return next(r for r in progress_for(s, plan_id, org, year) if r.code == code)


def test_terms_are_data_with_their_years():
    terms = terms_of(json.dumps([{"label": "本届", "year": 2021}, {"label": "上一届", "year": 2016}]))
    assert terms == (Term("上一届", 2016), Term("本届", 2021))
    assert terms_at(terms, 2023) == (Term("本届", 2021), Term("上一届", 2016))
    assert terms_at(terms, 2019) == (Term("上一届", 2016), None)
    assert Term("本届", 2021).title == "本届（2021年）"


def test_a_township_term_against_the_previous_one_entered_as_its_baseline(county):
    db, admin, plan_id, ids = county
    with db.session() as s:
        # 上一届 (2016): 18 of 150 were industrial workers (12%)
        save_baselines(s, admin, plan_id, NANSAN, [BaselineEntry(ids["12.1"], numerator="18", denominator="150")])
        save_values(s, admin, plan_id, NANSAN, 2021, [ValueEntry(ids["12.1"], numerator="20", denominator="150")])
    row = _row(db, plan_id, NANSAN, 2021, "12.1")
    assert (row.status, row.actual, row.target, row.baseline) == ("已完成", 13.33, 12.0, 12.0)
    assert row.status_reason == "本届（2021年）13.33%（20人），不低于上一届（2016年）12%（18人）"
    # the term sits until the next one: 2023 is judged on the 2021 term, not on "last year"
    assert _row(db, plan_id, NANSAN, 2023, "12.1").status == "已完成"
    with db.session() as s:  # more members, a higher share, but fewer industrial workers: not met
        save_values(s, admin, plan_id, NANSAN, 2021, [ValueEntry(ids["12.1"], numerator="17", denominator="120")])
    fewer = _row(db, plan_id, NANSAN, 2024, "12.1")
    assert fewer.status == "未达标（本年）" and "人数低于上一届（2016年）" in fewer.status_reason
    # without the previous term there is nothing to compare with
    assert _row(db, plan_id, FENGWEI, 2021, "12.1").status == "无目标"


def test_the_county_congress_is_not_summed_with_the_townships(county):
    db, admin, plan_id, ids = county
    with db.session() as s:
        save_baselines(s, admin, plan_id, COUNTY, [BaselineEntry(ids["12.2"], numerator="30", denominator="200")])
        save_values(s, admin, plan_id, COUNTY, 2021, [ValueEntry(ids["12.2"], numerator="28", denominator="210")])
        save_baselines(s, admin, plan_id, NANSAN, [BaselineEntry(ids["12.2"], numerator="5", denominator="50")])
        save_values(s, admin, plan_id, NANSAN, 2021, [ValueEntry(ids["12.2"], numerator="40", denominator="60")])
    county_row = _row(db, plan_id, COUNTY, 2022, "12.2")
    assert (county_row.numerator, county_row.denominator, county_row.target) == (28, 210, 15.0)  # 县人大 alone
    assert county_row.status == "未达标（本年）" and "比例和人数低于" in county_row.status_reason
    assert _row(db, plan_id, NANSAN, 2022, "12.2").status == "已完成"


def test_a_per_term_target_without_two_terms_is_refused(fresh_db, tmp_path):
    text = (plans_dir() / "zk-2021-2025.toml").read_text(encoding="utf-8")
    broken = text.replace('terms = [{ label = "上一届", year = 2016 }, { label = "本届", year = 2021 }]\n', "", 1)
    assert broken != text
    path = tmp_path / "broken.toml"
    path.write_text(broken, encoding="utf-8")
    with fresh_db.session() as s:
        load_org_units(s)
        with pytest.raises(CatalogError, match="至少两届"):
            load_plan_catalog(s, path)


def test_a_copied_plan_compares_its_own_term_with_the_last_one(county):
    from zkdesk.services.plans import copy_plan

    db, admin, plan_id, ids = county
    with db.session() as s:
        new = copy_plan(s, admin, plan_id, "zk-2026-2030", "十五五规划", "十五五", 2026, 2030)
        term = next(i for i in new.indicators if i.code == "12.1")
        assert json.loads(term.terms) == [{"label": "上一届", "year": 2021}, {"label": "本届", "year": 2026}]
        assert next(i for i in new.indicators if i.code == "01.1").terms == "[]"
