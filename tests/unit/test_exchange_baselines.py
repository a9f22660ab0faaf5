"""Baselines travel in packages as indicator values do: the township's reaches the county, the
county's 代录 of the same indicator + org unit is the same record (issue 15)."""

from __future__ import annotations

from sqlalchemy import select

from tests.unit.exchange_world import COUNTY, make_office_at
from zkdesk.services.baselines import BaselineEntry, save_baselines
from zkdesk.services.progress import plan_by_code, progress_for
from zkdesk.store.models import IndicatorBaseline
from zkdesk.store.seed import seed_id

TOWN = "530924103"
STOCK = seed_id("indicator", "zk-2021-2025", "04.2")


def _baselines(office) -> list[tuple]:
    with office.db.read_session() as s:
        return [(r.org_code, r.value, r.note) for r in s.scalars(
            select(IndicatorBaseline).where(IndicatorBaseline.deleted.is_(False)))]


def _enter(office, value: str, note: str = "") -> str:
    with office.db.session() as s:
        plan = plan_by_code(s, "zk-2021-2025")
        save_baselines(s, office.actor, plan.id, TOWN, [BaselineEntry(STOCK, value=value, note=note)])
        return s.scalars(select(IndicatorBaseline.id)).one()


def test_a_township_baseline_reaches_the_county_and_its_typed_copy_is_one_record(tmp_path):
    county, town = make_office_at(tmp_path, COUNTY), make_office_at(tmp_path, TOWN)
    county.export(tmp_path / "setup", TOWN)
    town.applied(tmp_path / "setup", trust=[county.fingerprint])
    typed = _enter(county, "5", "县总工会代录")  # the county typed the township's paper report in
    _enter(town, "6", "2020年底名册")
    (res,) = county.applied(*[p.path for p in town.export(tmp_path / "r1")], trust=[town.fingerprint])
    assert res.counts["rejected"] == 0 and res.counts["conflicts"] == 0, res.rejected
    assert _baselines(county) == [(TOWN, 6.0, "2020年底名册")]
    with county.db.read_session() as s:
        assert s.scalars(select(IndicatorBaseline.id)).one() == typed  # the same record, not a second one
        plan = plan_by_code(s, "zk-2021-2025")
        row = next(r for r in progress_for(s, plan.id, COUNTY, 2022) if r.code == "04.2")
    assert row.baseline == 6.0
    # a change travels again
    with town.db.session() as s:
        plan = plan_by_code(s, "zk-2021-2025")
        save_baselines(s, town.actor, plan.id, TOWN, [BaselineEntry(STOCK, value="7")])
    county.applied(*[p.path for p in town.export(tmp_path / "r2")], trust=[town.fingerprint])
    assert _baselines(county) == [(TOWN, 7.0, "")]
