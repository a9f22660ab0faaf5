"""store/bulk.execute_many writes exactly what SQLAlchemy's own executemany writes: dates,
aware datetimes (stored as naive UTC), booleans, NULLs; inserts and updates by bound key."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from sqlalchemy import bindparam, select, update

from tests.conftest import COUNTY, make_office
from tests.databases import new_database
from zkdesk.store.base import new_uuid
from zkdesk.store.bulk import execute_many
from zkdesk.store.models import Enterprise, EnterpriseYear

TOWN = "530924103"


def _rows(n: int, tag: str) -> tuple[list[dict], list[dict]]:
    when = datetime(2026, 3, 1, 8, 30, 15, 123456, tzinfo=timezone(timedelta(hours=8)))
    ents, years = [], []
    for i in range(n):
        eid = new_uuid()
        ents.append(dict(id=eid, origin=TOWN, revision=1, updated_at=when, deleted=False, name=f"{tag}企业{i}", uscc="",
                         township_code=TOWN, ownership="非公", industry="茶", is_company=bool(i % 2), address="",
                         contact_person="", contact_phone="", note=""))
        years.append(dict(id=new_uuid(), origin=TOWN, revision=1, updated_at=when, deleted=False, enterprise_id=eid,
                          year=2024, employees=i, operating_status="正常经营",
                          status_date=date(2024, 5, i % 28 + 1) if i % 3 else None))
    return ents, years


def _read(db, names: set[str]) -> list[dict]:
    """The rows as stored, without ids and names (which differ between the two sets)."""
    with db.session() as s:
        ents = s.execute(select(Enterprise.__table__).where(Enterprise.name.in_(names))).mappings().all()
        years = s.execute(select(EnterpriseYear.__table__).where(
            EnterpriseYear.enterprise_id.in_([e["id"] for e in ents]))).mappings().all()
    ent_order = {e["id"]: int(e["name"][3:]) for e in ents}
    out = sorted(({k: v for k, v in e.items() if k not in ("id", "name")} | {"n": ent_order[e["id"]]} for e in ents),
                 key=lambda r: r["n"])
    out += sorted(({k: v for k, v in y.items() if k not in ("id", "enterprise_id")} for y in years),
                  key=lambda r: r["employees"])
    return out


def test_execute_many_writes_what_sqlalchemy_writes(tmp_path):
    db = new_database(tmp_path)
    make_office(db, COUNTY)  # the org units
    try:
        fast_e, fast_y = _rows(30, "甲")
        slow_e, slow_y = _rows(30, "乙")
        with db.session() as s:
            execute_many(s, Enterprise.__table__.insert(), fast_e)
            execute_many(s, EnterpriseYear.__table__.insert(), fast_y)
            s.execute(Enterprise.__table__.insert(), slow_e)
            s.execute(EnterpriseYear.__table__.insert(), slow_y)
        fast = _read(db, {e["name"] for e in fast_e})
        slow = _read(db, {e["name"] for e in slow_e})
        assert len(fast) == 60
        assert fast == slow
        with db.session() as s:
            got = s.execute(select(EnterpriseYear.updated_at, EnterpriseYear.status_date)
                            .where(EnterpriseYear.id == fast_y[1]["id"])).one()
        assert got.updated_at == datetime(2026, 3, 1, 0, 30, 15, 123456, tzinfo=UTC)
        assert got.status_date == date(2024, 5, 2)

        t = EnterpriseYear.__table__
        stmt = update(t).where(t.c.id == bindparam("_id")).values(employees=bindparam("v_employees"),
                                                                  status_date=bindparam("v_status_date"))
        with db.session() as s:
            execute_many(s, stmt, [{"_id": y["id"], "v_employees": 7, "v_status_date": date(2025, 1, 2)} for y in fast_y])
        with db.session() as s:
            assert set(s.execute(select(t.c.employees, t.c.status_date).where(t.c.id.in_([y["id"] for y in fast_y])))) \
                == {(7, date(2025, 1, 2))}
    finally:
        db.dispose()


def test_a_utc_time_is_stored_as_the_same_text_as_sqlalchemy_stores_it(tmp_path):
    """The faster conversion of UTC times writes byte for byte what SQLAlchemy writes: whole
    seconds and microseconds, other time zones; a naive time is refused as before."""
    db = new_database(tmp_path)
    make_office(db, COUNTY)
    try:
        ents, _years = _rows(4, "丙")
        times = [datetime(2026, 3, 1, 8, 30, tzinfo=timezone(timedelta(hours=8))), datetime(2026, 3, 1, 0, 0, 0, 1, tzinfo=UTC),
                 datetime(999, 12, 31, 23, 59, 59, tzinfo=UTC), datetime(2026, 7, 1, 12, 0, 0, 999999, tzinfo=UTC)]
        for row, when in zip(ents, times, strict=True):
            row["updated_at"] = when
        twins = [dict(r, id=new_uuid(), name=r["name"].replace("丙", "丁")) for r in ents]
        with db.session() as s:
            execute_many(s, Enterprise.__table__.insert(), ents)
            s.execute(Enterprise.__table__.insert(), twins)
        if db.engine.dialect.name != "sqlite":
            return  # the server takes SQLAlchemy's way for both
        with db.session() as s:
            stored = dict(s.connection().exec_driver_sql("SELECT name, updated_at FROM enterprise").all())
        assert [stored[r["name"]] for r in ents] == [stored[r["name"]] for r in twins]
        assert stored[ents[0]["name"]] == "2026-03-01 00:30:00.000000"
        naive = [dict(r, id=new_uuid(), name=r["name"] + "x", updated_at=datetime(2026, 1, 1)) for r in ents]
        with db.session() as s:
            try:
                execute_many(s, Enterprise.__table__.insert(), naive)
            except Exception as exc:  # noqa: BLE001 - SQLAlchemy wraps it
                assert "naive datetime" in str(exc)
            else:
                raise AssertionError("a naive time was written")
    finally:
        db.dispose()
