"""ID and phone numbers are sealed with the office's data key in the database and its backups:
`strings` finds none of the demo's; every output still gets the plain numbers; without a login
they read masked; duplicate checks and natural keys go by a keyed hash; an older database is
sealed by the migration when its key is at hand, else at the first login."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import String, select, type_coerce

from tests import databases
from tests.conftest import PASSWORD, make_office
from zkdesk.config import Home
from zkdesk.services import key_slots
from zkdesk.services.auth import login_and_commit
from zkdesk.services.backups import backup_now
from zkdesk.services.demo import fill_demo
from zkdesk.services.nominations import duplicate_groups, find_duplicates
from zkdesk.store import sealed
from zkdesk.store.migrate import open_database
from zkdesk.store.models import Enterprise, Nomination, Studio

FIXTURE_0_2 = Path(__file__).resolve().parents[1] / "fixtures" / "zkdesk-0.2.0-county-demo.sqlite3"


@pytest.fixture
def office(tmp_path):
    home = Home(tmp_path / "home").ensure()
    db = open_database(home.db_path, home.backups_dir)
    admin = make_office(db)
    yield home, db, admin
    db.dispose()
    key_slots.forget_unlocked()


def on_disk(path: Path) -> bytes:
    data = path.read_bytes()
    wal = path.with_name(path.name + "-wal")
    return data + (wal.read_bytes() if wal.exists() else b"")


def personal_numbers(db) -> set[str]:
    """Every ID and phone number of the office, read (and opened) through the models."""
    with db.read_session() as s:
        found = set()
        for model, columns in ((Nomination, ("id_number", "phone")), (Studio, ("lead_id_number", "lead_phone")),
                               (Enterprise, ("contact_phone",))):
            for row in s.execute(select(*(getattr(model, c) for c in columns))):
                found.update(v for v in row if v)
    return found


def stored(db, model, column) -> list[str]:
    with db.read_session() as s:
        return [v for v in s.scalars(select(type_coerce(getattr(model, column), String))) if v]


def test_the_demo_s_numbers_are_in_neither_the_file_nor_a_backup(office):
    home, db, _admin = office
    with db.session() as s:
        fill_demo(s)
    numbers = personal_numbers(db)
    ids = {n for n in numbers if len(n) == 18}
    assert len(ids) >= 40 and all(n[:17].isdigit() for n in ids)
    assert not any(n.startswith(sealed.PREFIX) for n in numbers)  # read back plain
    backup = backup_now(home, db, "manual").path
    for path in (Path(db.path), backup):
        content = on_disk(path)
        assert [n for n in numbers if n.encode("ascii") in content] == []
    assert all(v.startswith(sealed.PREFIX) for v in stored(db, Nomination, "id_number"))


def test_without_a_login_the_numbers_read_masked_never_as_ciphertext(office):
    _home, db, _admin = office
    with db.session() as s:
        s.add(Nomination(origin="530924", session_id=_session(s), township_code="530924103", name="李建国",
                         id_number="530924198005010011", phone="13812345678"))
    key_slots.forget_unlocked()  # the program started again, nobody logged in
    with db.read_session() as s:
        nom = s.scalars(select(Nomination)).one()
        assert (nom.id_number, nom.phone) == ("530924********0011", "138****5678")
    login_and_commit(db, "admin", PASSWORD)
    with db.read_session() as s:
        nom = s.scalars(select(Nomination)).one()
        assert (nom.id_number, nom.phone) == ("530924198005010011", "13812345678")


def _session(s) -> str:
    from zkdesk.store.models import AwardSession

    award = AwardSession(origin="530924", name="第五届镇康县劳动模范", number=5, year=2026)
    s.add(award)
    s.flush()
    return award.id


def test_numbers_written_without_the_key_are_sealed_at_the_next_login(office):
    home, db, admin = office
    key_slots.forget_unlocked()  # e.g. `zkdesk demo` run without --user
    with db.session() as s:
        fill_demo(s)
    assert any(not v.startswith(sealed.PREFIX) for v in stored(db, Nomination, "id_number"))
    login_and_commit(db, "admin", PASSWORD)
    for model, column in ((Nomination, "id_number"), (Nomination, "phone"), (Studio, "lead_phone"),
                          (Enterprise, "contact_phone")):
        assert all(v.startswith(sealed.PREFIX) for v in stored(db, model, column)), column
    numbers = personal_numbers(db)
    backup = backup_now(home, db, "manual").path
    assert [n for n in numbers if n.encode("ascii") in on_disk(backup)] == []
    with db.read_session() as s:  # the keyed hashes were filled too: duplicates are still found
        nom = s.scalars(select(Nomination).where(Nomination.deleted.is_(False))).first()
        assert nom.id_number_hmac == sealed.keyed_hash(key_slots.unlocked(s), nom.id_number)
        assert nom.id in [h.nomination_id for h in find_duplicates(s, admin, nom.session_id, nom.id_number)]


def test_duplicates_are_found_by_the_keyed_hash(office):
    _home, db, admin = office
    with db.session() as s:
        award = _session(s)
        for town in ("530924103", "530924101"):
            s.add(Nomination(origin=town, session_id=award, township_code=town, name="李建国",
                             id_number="530924198005010011"))
    with db.read_session() as s:
        assert len(find_duplicates(s, admin, award, "530924198005010011")) == 2
        assert find_duplicates(s, admin, award, "530924198005010029") == []
        groups = duplicate_groups(s, admin, award)
        assert list(groups) == ["530924198005010011"] and len(groups["530924198005010011"]) == 2
    with db.session() as s:  # a corrected number gets its own hash
        nom = s.scalars(select(Nomination).where(Nomination.township_code == "530924101")).one()
        nom.id_number = "530924198005010029"
    with db.read_session() as s:
        assert duplicate_groups(s, admin, award) == {}
        assert len(find_duplicates(s, admin, award, "530924198005010029")) == 1


def test_an_older_database_is_sealed_by_the_upgrade_without_losing_a_number(tmp_path):
    target = databases.load_fixture(FIXTURE_0_2, tmp_path)
    if not isinstance(target, Path):
        pytest.skip("the file's bytes are looked at")
    with sqlite3.connect(f"file:{FIXTURE_0_2}?mode=ro", uri=True) as con:
        before = dict(con.execute("SELECT id, id_number FROM nomination WHERE id_number != ''").fetchall())
        phones = dict(con.execute("SELECT id, contact_phone FROM enterprise WHERE contact_phone != ''").fetchall())
    assert len(before) >= 10
    db = open_database(target, tmp_path / "backups")
    try:
        assert all(v.startswith(sealed.PREFIX) for v in stored(db, Nomination, "id_number"))
        key_slots.forget_unlocked()
        login_and_commit(db, "admin", "fixture-password-1")
        with db.read_session() as s:
            after = dict(s.execute(select(Nomination.id, Nomination.id_number).where(Nomination.id_number != "")).all())
            assert after == before
            assert dict(s.execute(select(Enterprise.id, Enterprise.contact_phone)).all()) | {} == {
                **{i: "" for i in s.scalars(select(Enterprise.id))}, **phones}
            hashes = s.scalars(select(Nomination.id_number_hmac).where(Nomination.id.in_(before))).all()
            assert all(len(h) == 64 for h in hashes)
    finally:
        db.dispose()
        key_slots.forget_unlocked()
    content = on_disk(Path(target))
    assert [n for n in before.values() if n.encode("ascii") in content] == []


def test_the_audit_trail_holds_the_numbers_masked(office):
    from zkdesk.services.nominations import NominationInput, create_nomination, update_nomination
    from zkdesk.store.models import AuditEntry

    home, db, admin = office
    with db.session() as s:
        award = _session(s)
    fields = dict(session_id=award, township_code="530924103", name="李芳", id_number="530924199007041329",
                  category="企业一线工人和专业技术人员", deeds_short="事" * 500, deeds_full="迹" * 2000)
    with db.session() as s:
        nid = create_nomination(s, admin, NominationInput(**fields, phone="13812345678"))
    with db.session() as s:
        update_nomination(s, admin, nid, NominationInput(**fields, phone="13912345670"))
    with db.read_session() as s:
        details = [e.details for e in s.scalars(select(AuditEntry).where(AuditEntry.entity == "nomination"))]
    assert len(details) == 2 and "530924********1329" in details[0] and "139****5670" in details[1]
    content = on_disk(Path(db.path)) + on_disk(backup_now(home, db, "manual").path)
    assert [n for n in (b"530924199007041329", b"13812345678", b"13912345670") if n in content] == []
