"""The exchange state keeps a short hash of each agreed field; for an ID or phone number an
unkeyed hash lets whoever holds the file test guesses, so those are keyed with the office's
data key. Hashes an older zkdesk wrote unkeyed are still understood, and keyed at the first
login: nothing that agreed before looks changed after."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import select

from tests.conftest import PASSWORD
from tests.unit.exchange_world import COUNTY, make_office_at
from zkdesk.services import key_slots
from zkdesk.services.auth import login_and_commit
from zkdesk.services.settings import put_raw
from zkdesk.store import sealed
from zkdesk.store.models import AwardSession, Nomination
from zkdesk.store.models.exchange import ExchangeRecordState
from zkdesk.store.seed import seed_id
from zkdesk.store.state_hashes import KEYED_PREFIX, UNKNOWN, value_hash

TOWN = "530924103"
SESSION = seed_id("award", 5)
ID_NUMBER = "530924198005010014"
PHONE = "13812345678"


def travelled(tmp_path):
    """A nomination typed in at the township, in the county's register after one package."""
    county, town = make_office_at(tmp_path, COUNTY), make_office_at(tmp_path, TOWN)
    with county.db.session() as s:
        s.add(AwardSession(id=SESSION, origin=COUNTY, name="第五届镇康县劳动模范", number=5, year=2026))
    county.export(tmp_path / "setup", TOWN)
    town.applied(tmp_path / "setup", trust=[county.fingerprint])
    with town.db.session() as s:
        nom = Nomination(origin=TOWN, session_id=SESSION, township_code=TOWN, name="李建国", id_number=ID_NUMBER,
                         phone=PHONE, birth_date=date(1980, 5, 1), employer="南伞糖厂", category="企业一线工人和专业技术人员",
                         status="township_reviewed")
        s.add(nom)
        s.flush()
        nom_id = nom.id
    county.applied(*[p.path for p in town.export(tmp_path / "t1")], trust=[town.fingerprint])
    return county, town, nom_id


def base_of(office, nom_id) -> dict:
    with office.db.read_session() as s:
        text = s.scalars(select(ExchangeRecordState.base_hashes).where(
            ExchangeRecordState.table_name == "nomination", ExchangeRecordState.record_id == nom_id)).one()
    return json.loads(text)


def test_the_agreed_hashes_of_personal_numbers_are_keyed(tmp_path):
    county, _town, nom_id = travelled(tmp_path)
    base = base_of(county, nom_id)
    assert base["id_number"].startswith(KEYED_PREFIX) and base["phone"].startswith(KEYED_PREFIX)
    assert base["name"] == value_hash("李建国")  # other fields as before
    with county.db.read_session() as s:
        every_state = " ".join(s.scalars(select(ExchangeRecordState.base_hashes)))
    for guess in (value_hash(ID_NUMBER), value_hash(PHONE)):
        assert guess not in every_state  # a thief's guess has nothing to be tested against
    if county.db.path is not None:  # nor anywhere in the file
        wal = county.db.path.with_name(county.db.path.name + "-wal")
        content = county.db.path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
        assert not any(g.encode("ascii") in content for g in (value_hash(ID_NUMBER), value_hash(PHONE)))


def test_unkeyed_hashes_of_an_older_zkdesk_still_agree_and_are_keyed_at_login(tmp_path):
    county, town, nom_id = travelled(tmp_path)
    with county.db.session() as s:  # the state as a zkdesk from before wrote it
        row = s.scalars(select(ExchangeRecordState).where(ExchangeRecordState.record_id == nom_id)).one()
        base = json.loads(row.base_hashes)
        base |= {"id_number": value_hash(ID_NUMBER), "phone": value_hash(PHONE)}
        row.base_hashes = json.dumps(base, sort_keys=True)
    with town.db.session() as s:  # the township changes the phone: changed there only, not here
        nom = s.get(Nomination, nom_id)
        nom.phone = "13912345678"
        nom.touch()
    (res,) = county.applied(*[p.path for p in town.export(tmp_path / "t2")])
    assert res.counts["conflicts"] == 0  # the old hash still says the county's phone is the agreed one
    with county.db.read_session() as s:
        assert s.get(Nomination, nom_id).phone == "13912345678"
    assert base_of(county, nom_id)["phone"].startswith(KEYED_PREFIX)  # the new agreement is keyed

    with county.db.session() as s:  # put the old hashes back, then the program starts again
        row = s.scalars(select(ExchangeRecordState).where(ExchangeRecordState.record_id == nom_id)).one()
        base = json.loads(row.base_hashes) | {"id_number": value_hash(ID_NUMBER), "phone": value_hash("13800000000")}  # phone changed here since
        row.base_hashes = json.dumps(base, sort_keys=True)
        put_raw(s, sealed.PLAIN_MARKER, "1")
    key_slots.forget_unlocked()
    login_and_commit(county.db, "admin", PASSWORD)
    base = base_of(county, nom_id)
    assert base["id_number"].startswith(KEYED_PREFIX) and base["id_number"] != UNKNOWN  # it was the local value's
    assert base["phone"] == UNKNOWN  # it was not: agrees with nothing, the clerk decides if it differs there
    assert value_hash(ID_NUMBER) not in json.dumps(base)
