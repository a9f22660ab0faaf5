"""Lists of ids never go into one `IN (…)` whole (store/id_lists.py): engines cap the bound
parameters of a statement (SQLite 32,766, 999 on builds before 3.32; PostgreSQL 65,535) and a
county's registers pass them. The database here is a real SQLite file whose connections are held
to the old builds' 999, so a register of a few thousand rows is above the limit."""

from __future__ import annotations

import random
import sqlite3
from collections import defaultdict

import pytest
from sqlalchemy import event, select

from tests.bench import register_county as rc
from tests.conftest import make_office
from zkdesk.output.sources import SourceQuery
from zkdesk.output.sources.contracts import contract_list
from zkdesk.output.sources.studios import studio_summary
from zkdesk.services.contracts import coverage_lists
from zkdesk.services.enterprise_facts import contract_facts, covered_enterprise_ids
from zkdesk.store import models as m
from zkdesk.store.id_lists import CHUNK, chunks, id_parts

LIMIT = 999  # SQLite's SQLITE_MAX_VARIABLE_NUMBER before 3.32
SIZE = 2_500  # contracts and enterprises: well above it


def test_parts_of_an_id_list():
    assert list(id_parts(None)) == [None]
    assert list(id_parts([])) == []
    assert list(id_parts(["a", "b"])) == [["a", "b"]]
    assert list(id_parts([str(i) for i in range(CHUNK + 1)])) == [None]  # most of a table: read it whole
    parts = list(id_parts([str(i) for i in range(1200)], whole_above=5_000))
    assert [len(p) for p in parts] == [CHUNK, CHUNK, 200] and sum(parts, []) == [str(i) for i in range(1200)]
    assert [len(p) for p in chunks(list(range(1001)))] == [CHUNK, CHUNK, 1]


@pytest.fixture
def held_to_999(fresh_db):
    """The test's database, its register above LIMIT, each new connection held to LIMIT parameters."""
    if fresh_db.engine.dialect.name != "sqlite":
        pytest.skip("the limit is set on SQLite connections")
    actor = make_office(fresh_db)
    rng = random.Random(999)
    with fresh_db.session() as s:
        added = rc._enterprises(s, rng, SIZE)
        rc._contracts(s, rng, added, SIZE)
        rc._studios(s, rng, added, SIZE)

    def hold(dbapi_connection, _record) -> None:
        dbapi_connection.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, LIMIT)

    event.listen(fresh_db.engine, "connect", hold)
    fresh_db.engine.dispose()  # the pooled connections go: every new one is held
    with fresh_db.read_session() as s:  # the limit bites: a list that long in one IN fails
        ids = s.scalars(select(m.CollectiveContract.id)).all()
        with pytest.raises(Exception, match="too many SQL variables"):
            s.execute(select(m.ContractCoverage.id).where(m.ContractCoverage.contract_id.in_(ids))).all()
    return fresh_db, actor


@pytest.mark.slow
def test_coverage_of_every_contract_above_the_limit(held_to_999):
    db, _actor = held_to_999
    with db.read_session() as s:
        contracts = s.scalars(select(m.CollectiveContract).where(m.CollectiveContract.deleted.is_(False))).all()
        assert len(contracts) > LIMIT
        expected: dict[str, set[str]] = defaultdict(set)
        for contract_id, enterprise_id in s.execute(select(m.ContractCoverage.contract_id, m.ContractCoverage.enterprise_id)
                                                    .where(m.ContractCoverage.deleted.is_(False))):
            expected[contract_id].add(enterprise_id)
        covered = covered_enterprise_ids(s, contracts)
        assert sum(1 for ids in expected.values() if ids) > 100
        for c in contracts:
            assert covered[c.id] == expected[c.id] | ({c.enterprise_id} if c.enterprise_id else set()), c.id
        few = contracts[:10]  # a few: looked up by id, and nothing else comes along
        assert set(covered_enterprise_ids(s, few)) == {c.id for c in few}
        lists = coverage_lists(s, [c.id for c in contracts])
        assert lists == {cid: sorted(ids) for cid, ids in expected.items() if ids}
        assert any(contract_facts(s, year).covered for year in range(rc.FIRST_YEAR, rc.LAST_YEAR + 1))


@pytest.mark.slow
def test_the_county_prints_above_the_limit(held_to_999):
    db, actor = held_to_999
    with db.read_session() as s:
        year = rc.LAST_YEAR
        rows = contract_list(SourceQuery(s, actor, "530924", year)).rows
        assert len(rows) > LIMIT
        assert sum(1 for r in rows if r["union_members"]) > LIMIT / 2  # the unions were found for them
        studios = studio_summary(SourceQuery(s, actor, "530924", year)).rows
        assert len(studios) > LIMIT
