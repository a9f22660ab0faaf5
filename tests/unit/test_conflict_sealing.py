"""A conflict keeps both versions of a record (local_json, remote_json) and the values it sends
back: the ID and phone numbers in them are sealed with the data key like the columns, read
plain on the conflict screen, masked without a login; an older database's conflict rows are
sealed at the first login."""

from __future__ import annotations

from sqlalchemy import Text, select, type_coerce

from tests.conftest import PASSWORD
from tests.unit.exchange_world import COUNTY, make_office_at
from zkdesk.exchange.conflicts import list_conflicts, resolve_conflict
from zkdesk.services import key_slots
from zkdesk.services.auth import login_and_commit
from zkdesk.services.settings import put_raw
from zkdesk.store import sealed
from zkdesk.store.models import Enterprise
from zkdesk.store.models.exchange import ExchangeConflict

TOWN = "530924201"
THEIRS, OURS = "13812345678", "13987654321"


def conflicted(tmp_path):
    county, town = make_office_at(tmp_path, COUNTY), make_office_at(tmp_path, TOWN)
    county.export(tmp_path / "setup", TOWN)
    town.applied(tmp_path / "setup", trust=[county.fingerprint])
    with town.db.session() as s:
        ent = Enterprise(origin=TOWN, name="忙丙糖厂", township_code=TOWN, contact_person="张三", contact_phone="13700000000")
        s.add(ent)
        s.flush()
        ent_id = ent.id
    county.applied(*[p.path for p in town.export(tmp_path / "o1")], trust=[town.fingerprint])
    for office, phone in ((town, THEIRS), (county, OURS)):
        with office.db.session() as s:
            e = s.get(Enterprise, ent_id)
            e.contact_phone = phone
            e.touch()
    (res,) = county.applied(*[p.path for p in town.export(tmp_path / "o2")])
    assert res.counts["conflicts"] == 1
    return county, town, ent_id


def raw_conflicts(db) -> list[tuple[str, str, str]]:
    """The three texts as stored (not opened by the column type)."""
    t = ExchangeConflict.__table__
    with db.read_session() as s:
        return [tuple(r) for r in s.execute(select(*(type_coerce(t.c[c], Text) for c in ("local_json", "remote_json", "send_back"))))]


def test_the_numbers_of_a_conflict_are_sealed_and_shown_plain_with_the_key(tmp_path):
    county, _town, ent_id = conflicted(tmp_path)
    stored = raw_conflicts(county.db)
    text = " ".join(" ".join(row) for row in stored)
    assert THEIRS not in text and OURS not in text and sealed.PREFIX in text
    with county.db.read_session() as s:
        (c,) = list_conflicts(s, county.actor)
    assert [(d.label, d.local, d.remote) for d in c.diffs] == [("联系电话", OURS, THEIRS)]

    key_slots.forget_unlocked()  # nobody logged in: masked, never ciphertext
    with county.db.read_session() as s:
        (c,) = list_conflicts(s, county.actor)
    assert [(d.local, d.remote) for d in c.diffs] == [("139****4321", "138****5678")]

    login_and_commit(county.db, "admin", PASSWORD)
    with county.db.session() as s:
        conflict_id = s.scalars(select(ExchangeConflict.id)).one()
        resolve_conflict(s, county.actor, conflict_id, "local")  # ours travels back: send_back holds it
    (_local, _remote, back) = raw_conflicts(county.db)[0]
    assert back and OURS not in back and sealed.PREFIX in back
    with county.db.read_session() as s:
        assert OURS in s.scalars(select(ExchangeConflict.send_back)).one()
        assert s.get(Enterprise, ent_id).contact_phone == OURS


def test_an_older_database_s_plain_conflict_rows_are_sealed_at_the_next_login(tmp_path):
    county, _town, _ent_id = conflicted(tmp_path)
    with county.db.session() as s:  # as a zkdesk from before wrote it: the numbers plain
        s.execute(ExchangeConflict.__table__.update().values(
            remote_json=type_coerce(f'{{"contact_phone": "{THEIRS}", "name": "忙丙糖厂"}}', Text)))
        put_raw(s, sealed.PLAIN_MARKER, "1")  # what migration 0012 leaves
    assert THEIRS in raw_conflicts(county.db)[0][1]
    key_slots.forget_unlocked()
    login_and_commit(county.db, "admin", PASSWORD)
    assert THEIRS not in raw_conflicts(county.db)[0][1]
    with county.db.read_session() as s:
        assert THEIRS in s.scalars(select(ExchangeConflict.remote_json)).one()
