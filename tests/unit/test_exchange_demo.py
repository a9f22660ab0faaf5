"""The county demo and a township demo exchange cleanly: each office's demo has its own credit
codes (and ID numbers), so the township's package is taken whole, nothing refused, and no two
live enterprises share a credit code."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.unit.exchange_world import COUNTY, make_office_at
from zkdesk.services.demo import fill_demo
from zkdesk.store.models import Enterprise

TOWN = "530924103"


def shared_codes(office) -> int:
    with office.db.session() as s:
        return s.scalar(select(func.count()).select_from(
            select(Enterprise.uscc).where(Enterprise.deleted.is_(False), Enterprise.uscc != "")
            .group_by(Enterprise.uscc).having(func.count() > 1).subquery()))


def test_the_township_demo_imports_into_the_county_demo(tmp_path):
    county, town = make_office_at(tmp_path, COUNTY), make_office_at(tmp_path, TOWN)
    county.export(tmp_path / "setup", TOWN)
    town.applied(tmp_path / "setup", trust=[county.fingerprint])
    with county.db.session() as s:
        fill_demo(s)
    with town.db.session() as s:
        made = fill_demo(s)
    with county.db.session() as s, town.db.session() as t:
        theirs = set(t.scalars(select(Enterprise.uscc)))
        assert not theirs & set(s.scalars(select(Enterprise.uscc)))  # each office's demo its own codes
    (res,) = county.applied(*[p.path for p in town.export(tmp_path / "t1")], trust=[town.fingerprint])
    assert res.counts["new"] > 0 and res.counts["rejected"] == 0, res.rejected[:5]
    assert res.counts["conflicts"] == 0, res.conflicts[:5]
    assert shared_codes(county) == 0
    with county.db.session() as s:
        assert theirs <= set(s.scalars(select(Enterprise.uscc).where(Enterprise.deleted.is_(False))))
    assert made["企业"] == len(theirs)
