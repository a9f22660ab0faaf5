"""报送情况 at the county: per township the last package, gaps, records, open conflicts and
whether each year's indicator values are all in."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.unit.exchange_world import COUNTY, make_office_at
from tests.unit.test_exchange_conflicts import TOWN, conflicted
from zkdesk.exchange.submissions import submissions
from zkdesk.services.errors import UserError
from zkdesk.store.models import Indicator, IndicatorValue, Plan


def test_the_county_sees_what_each_township_sent(tmp_path):
    county, town, _ent = conflicted(tmp_path)  # two packages from 忙丙乡, one conflict open
    with town.db.session() as s:
        plan_id = s.scalars(select(Plan.id).where(Plan.status == "active")).first()
        first = s.scalars(select(Indicator).where(Indicator.plan_id == plan_id, Indicator.source == "",
                                                  Indicator.level != "county_only").order_by(Indicator.sort_key)).first()
        s.add(IndicatorValue(origin=TOWN, indicator_id=first.id, org_code=TOWN, year=2022, value=3.0))
    town.export(tmp_path / "skipped")  # package 3 never reaches the county
    (fourth,) = town.export(tmp_path / "o4")
    county.applied(fourth.path)
    with county.db.session() as s:
        rows = {r.code: r for r in submissions(s, county.actor, 2023)}
    mine = rows[TOWN]
    assert (mine.name, mine.last_sequence, mine.gaps, mine.packages, mine.open_conflicts) == ("忙丙乡", 4, (3,), 3, 1)
    assert mine.gap_text == "缺第3号" and mine.last_received is not None
    assert mine.last_counts["new"] == 1 and mine.records >= 2
    assert sorted(mine.years) == [2021, 2022, 2023]
    assert mine.years[2022].filled == 1 and mine.years[2022].expected > 1 and not mine.years[2022].complete
    assert mine.years[2022].text == f"1/{mine.years[2022].expected}" and mine.years[2021].filled == 0
    other = rows["530924101"]
    assert (other.last_sequence, other.last_text, other.packages) == (None, "尚未收到", 0)
    assert len(rows) == 7
    assert "years" in mine.to_json() and mine.to_json()["gaps"] == [3]


def test_a_township_is_told_it_is_the_countys_view(tmp_path):
    town = make_office_at(tmp_path, "530924201")
    with town.db.session() as s, pytest.raises(UserError, match="县总工会"):
        submissions(s, town.actor, 2023)
    assert COUNTY
