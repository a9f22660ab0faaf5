"""`zkdesk keys rotate`: a new key pair, announced in the next package with the old key's
signature; the receiver that trusted the old key takes the new one without a phone call, and
nothing else can make it change keys. Two offices, end to end."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from tests.unit.exchange_world import COUNTY, make_office_at
from zkdesk.exchange import container
from zkdesk.services import exchange_keys
from zkdesk.services.errors import UserError
from zkdesk.services.exchange_keys import rotate_office_keys
from zkdesk.store.models import AuditEntry
from zkdesk.store.models.exchange import ExchangePeer

TOWN = "530924103"


def pair(tmp_path):
    county, town = make_office_at(tmp_path, COUNTY), make_office_at(tmp_path, TOWN)
    county.export(tmp_path / "setup", TOWN)
    town.applied(tmp_path / "setup", trust=[county.fingerprint])
    town.export(tmp_path / "first", COUNTY)
    county.applied(tmp_path / "first", trust=[town.fingerprint])
    return county, town


def trusted(office, code: str) -> str:
    with office.db.read_session() as s:
        return s.get(ExchangePeer, code).fingerprint


def rotate(office) -> tuple[str, str]:
    with office.db.session() as s:
        return rotate_office_keys(s, office.actor)


def test_the_county_takes_the_township_s_new_key_from_its_next_package(tmp_path):
    county, town = pair(tmp_path)
    county.export(tmp_path / "in-flight", TOWN)  # sealed for the township's old key
    old, new = rotate(town)
    assert old != new and town.fingerprint == new and trusted(county, TOWN) == old

    (late,) = town.applied(tmp_path / "in-flight")  # the old encryption key still opens it
    assert late.error is None

    (package,) = town.export(tmp_path / "after", COUNTY)
    header = container.unseal(package.path.read_bytes(), package.path.name).header
    assert [c["sign_key"] for c in header["key_changes"]] == [header["sign_key"]]
    (res,) = county.applied(tmp_path / "after")  # no --trust-new-key: the old key vouched for it
    assert res.fingerprint == new and trusted(county, TOWN) == new
    with county.db.read_session() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "trust_rotated_key")).one()
        assert json.loads(entry.details) == {"old": {"fingerprint": old}, "new": {"fingerprint": new}}

    county.export(tmp_path / "reply", TOWN)  # sealed for the new key
    (reply,) = town.applied(tmp_path / "reply")
    assert reply.error is None


def test_two_rotations_before_a_package_are_followed_link_by_link(tmp_path):
    county, town = pair(tmp_path)
    rotate(town)
    _middle, last = rotate(town)
    town.export(tmp_path / "after", COUNTY)
    county.applied(tmp_path / "after")
    assert trusted(county, TOWN) == last


def test_a_new_key_not_signed_by_the_trusted_one_is_refused(tmp_path):
    from zkdesk.services.settings import get_raw
    from zkdesk.store import key_material as km

    county, town = pair(tmp_path)
    trusted_before = trusted(county, TOWN)
    stranger = make_office_at(tmp_path / "stranger", TOWN)  # the same code, keys of its own
    with county.db.read_session() as cs, stranger.db.session() as s:  # the county's public keys are no secret
        peer = exchange_keys.get_peer(s, COUNTY)
        peer.sign_key, peer.box_key = get_raw(cs, km.SIGN_PUBLIC), get_raw(cs, km.BOX_PUBLIC)
        peer.fingerprint = exchange_keys.fingerprint(km.unb64(peer.sign_key), km.unb64(peer.box_key))
    rotate(stranger)  # a change signed by the stranger's first key, which the county never trusted
    stranger.export(tmp_path / "forged", COUNTY)
    results = county.import_(*sorted((tmp_path / "forged").glob("*.zkx")))
    assert [r.error_code for r in results] == ["key_changed"]
    assert trusted(county, TOWN) == trusted_before


def test_only_an_administrator_rotates_and_only_with_the_key_unlocked(tmp_path):
    from dataclasses import replace

    from zkdesk.domain.roles import Role

    county, _town = pair(tmp_path)
    with county.db.session() as s, pytest.raises(UserError):
        rotate_office_keys(s, replace(county.actor, role=Role.CLERK))
