"""The faster paths for personal data keep the same stored form: a value sealed with the cached
cipher opens with a fresh AES-GCM object as an older zkdesk builds it (and the other way round),
the hash key derived once hashes as before, forgetting the keys forgets the cached ciphers too,
the audit trail masks what it masked before, and mask_phone counts digits as it did."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from zkdesk.domain.idcard import mask_phone
from zkdesk.services import audit
from zkdesk.store import sealed


def old_seal(data_key: bytes, kind: str, value: str) -> str:
    """How zkdesk sealed a value before the cipher was cached (one AESGCM per value)."""
    nonce = os.urandom(12)
    body = AESGCM(data_key).encrypt(nonce, value.encode("utf-8"), f"zkdesk personal {kind}".encode("ascii"))
    return f"zk1:{sealed._mask(kind, value)}:{base64.b64encode(nonce + body).decode('ascii')}"


def old_open(data_key: bytes, kind: str, stored: str) -> str:
    raw = base64.b64decode(stored[4:].rpartition(":")[2])
    return AESGCM(data_key).decrypt(raw[:12], raw[12:], f"zkdesk personal {kind}".encode("ascii")).decode("utf-8")


@pytest.mark.parametrize("kind, value", [("phone", "13912345678"), ("phone", "0883-1234567"),
                                         ("id", "53092419690215123X"), ("phone", "８８１２３４５")])
def test_sealed_values_round_trip_with_the_older_code(kind, value):
    key = os.urandom(32)
    new = sealed.seal(key, kind, value)
    assert new.startswith("zk1:") and value not in new
    assert old_open(key, kind, new) == value  # an older zkdesk reads what this one writes
    assert sealed.open_sealed(key, kind, old_seal(key, kind, value)) == value  # and this one reads the older's
    assert new.rpartition(":")[0] == old_seal(key, kind, value).rpartition(":")[0]  # the same masked prefix
    assert sealed.seal(key, kind, value) != new  # a fresh nonce every time


def test_the_cached_cipher_belongs_to_its_key():
    one, two = os.urandom(32), os.urandom(32)
    stored = sealed.seal(one, "phone", "13912345678")
    assert sealed.open_sealed(two, "phone", stored) == "139****5678"  # another key: masked, never opened
    assert sealed.open_sealed(one, "phone", stored) == "13912345678"
    assert sealed._opens(one, "phone", stored) and not sealed._opens(two, "phone", stored)
    assert sealed.open_sealed(one, "id", stored) == "139****5678"  # the kind is bound in too


def test_forgetting_the_keys_forgets_the_cached_ciphers_and_hash_keys():
    key = os.urandom(32)
    sealed.seal(key, "phone", "13912345678")
    sealed.keyed_hash(key, "53092419690215123X")
    assert key in sealed._ciphers and key in sealed._hash_keys
    sealed.forget_all()
    assert key not in sealed._ciphers and key not in sealed._hash_keys


def test_the_keyed_hash_is_the_same_as_before():
    key = os.urandom(32)
    hash_key = hmac.new(key, b"zkdesk personal data hash key", hashlib.sha256).digest()
    for value in ("53092419690215123x", " 53092419690215123X "):
        expected = hmac.new(hash_key, value.strip().upper().encode("utf-8"), hashlib.sha256).hexdigest()
        assert sealed.keyed_hash(key, value) == expected
        assert sealed.keyed_hash(key, value) == expected  # from the cached hash key too


def test_mask_phone_counts_digits_as_before():
    def before(number):
        number = (number or "").strip()
        if sum(c.isdigit() for c in number) >= 11:
            return number[:3] + "*" * (len(number) - 7) + number[-4:]
        if len(number) <= 2:
            return "*" * len(number)
        return "*" * (len(number) - 2) + number[-2:]

    for number in ("13812345678", "0883-1234567", "8812345", "", "1", "１３８１２３４５６７８", "138 1234 5678",
                   "٠١٢٣٤٥٦٧٨٩٠", "12345678901234", "  13812345678  ", None):
        assert mask_phone(number) == before(number), number


def test_the_audit_entry_masks_personal_fields_and_leaves_the_rest(county_db):
    db, _admin = county_db
    with db.session() as s:
        plain = audit.record(s, "admin", "import", "enterprise", "", {
            "file": "名册.xlsx", "created": [{"id": "x", "row": 3, "key": ["13912345678"]}]})
        personal = audit.record(s, "admin", "import", "enterprise", "", {
            "file": "名册.xlsx", "updated": [{"id": "y", "row": 4, "old": {"contact_phone": "13912345678"},
                                              "new": {"contact_phone": "13812345678", "name": "甲"}}]})
        # a number outside a personal field is not a personal field's (a key, a file name): as written
        assert "13912345678" in plain.details
        assert "13912345678" not in personal.details and "13812345678" not in personal.details
        assert '"139****5678"' in personal.details and '"138****5678"' in personal.details
        assert personal.details == audit._json(audit._masked({
            "file": "名册.xlsx", "updated": [{"id": "y", "row": 4, "old": {"contact_phone": "13912345678"},
                                              "new": {"contact_phone": "13812345678", "name": "甲"}}]}))
