"""The office's data key and what it protects, as stored in `setting` (no secret in the clear).

One random data key per office (32 bytes). It is stored only wrapped, like the key slots of disk
encryption: once per user under a key derived with scrypt from that user's password — the 32
bytes that follow the stored hash in the same scrypt output, so one scrypt per login opens both
(services/passwords.py) — (`data_key_slot:user:<id>`), and once under the 恢复码 shown at first run
(`data_key_slot:recovery`). The office's exchange private keys are stored encrypted with it
(`exchange_keys_sealed`; the public halves in the clear beside them), and the audit chain's head
is vouched for by an HMAC under a key derived from it (`audit_head_mac`). Backups copy only
these wrapped forms.

A database upgraded from a version that kept the private keys in the clear gets a data key from
the migration (0009_key_slots) before any password is known: it waits, in the clear, in
`data_key_pending` until every active user has logged in once (each login wraps it for that
user), then it is deleted. `services.key_slots` holds the rules; this module only the formats
and the cryptography (AES-256-GCM, scrypt, HMAC-SHA256), so the migration can use it too.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets

SLOT_PREFIX = "data_key_slot:"
RECOVERY_SLOT = SLOT_PREFIX + "recovery"
PENDING_KEY = "data_key_pending"
SEALED_KEYS = "exchange_keys_sealed"
SIGN_PUBLIC = "exchange_sign_public"
BOX_PUBLIC = "exchange_box_public"
HEAD_MAC = "audit_head_mac"  # = audit_head.HEAD_MAC_KEY
# where an older zkdesk kept the private keys in the clear (removed by 0009_key_slots)
PLAIN_SIGN = "exchange_sign_private"
PLAIN_BOX = "exchange_box_private"

DATA_KEY_BYTES = 32
_RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off paper
RECOVERY_GROUPS, RECOVERY_GROUP = 6, 5  # 30 characters of 5 bits: 150 bits


def user_slot(user_id: int) -> str:
    return f"{SLOT_PREFIX}user:{int(user_id)}"


def new_data_key() -> bytes:
    return os.urandom(DATA_KEY_BYTES)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def _aead(key: bytes):
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # only where a key is used

    return AESGCM(key)


def _recovery_kek(code: str, salt: bytes) -> bytes:
    # 150 random bits need no stretching: a keyed hash with the slot's salt is enough
    return hmac.new(salt, b"zkdesk recovery\x00" + normalise_recovery_code(code).encode("ascii"), hashlib.sha256).digest()


def wrap(data_key: bytes, slot_name: str, *, kek: bytes | None = None, recovery_code: str | None = None) -> str:
    """The slot's text: the data key encrypted under the key from the user's password (`kek`,
    services.passwords.password_key: bound to the stored hash's salt) or from the 恢复码."""
    salt, nonce = os.urandom(16), os.urandom(12)
    if kek is not None:
        slot = {"v": 1, "kdf": "password-hash"}
    elif recovery_code is not None:
        kek = _recovery_kek(recovery_code, salt)
        slot = {"v": 1, "kdf": "recovery", "salt": b64(salt)}
    else:
        raise ValueError("wrap needs a password key or a recovery code")
    wrapped = _aead(kek).encrypt(nonce, data_key, slot_name.encode("utf-8"))
    slot.update(nonce=b64(nonce), wrapped=b64(wrapped))
    return json.dumps(slot, sort_keys=True)


def unwrap(slot_text: str, slot_name: str, *, kek: bytes | None = None, recovery_code: str | None = None) -> bytes | None:
    """The data key from a slot and the password's key or the 恢复码; None when it is the wrong
    one or the slot unreadable."""
    from cryptography.exceptions import InvalidTag

    try:
        slot = json.loads(slot_text)
        nonce, wrapped = unb64(slot["nonce"]), unb64(slot["wrapped"])
        if slot["kdf"] == "password-hash" and kek is not None:
            key = kek
        elif slot["kdf"] == "recovery" and recovery_code is not None:
            key = _recovery_kek(recovery_code, unb64(slot["salt"]))
        else:
            return None
        return _aead(key).decrypt(nonce, wrapped, slot_name.encode("utf-8"))
    except (InvalidTag, ValueError, KeyError, TypeError):
        return None


def new_recovery_code() -> str:
    chars = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(RECOVERY_GROUPS * RECOVERY_GROUP))
    return "-".join(chars[i: i + RECOVERY_GROUP] for i in range(0, len(chars), RECOVERY_GROUP))


def normalise_recovery_code(text: str) -> str:
    raw = "".join(ch for ch in text.upper() if ch.isalnum())
    return "-".join(raw[i: i + RECOVERY_GROUP] for i in range(0, len(raw), RECOVERY_GROUP))


def seal_private_keys(data_key: bytes, sign_private: bytes, box_private: bytes) -> str:
    nonce = os.urandom(12)
    plain = json.dumps({"sign": b64(sign_private), "box": b64(box_private)}).encode("ascii")
    sealed = _aead(data_key).encrypt(nonce, plain, b"zkdesk exchange keys")
    return json.dumps({"v": 1, "nonce": b64(nonce), "sealed": b64(sealed)}, sort_keys=True)


def open_private_keys(data_key: bytes, text: str) -> tuple[bytes, bytes] | None:
    """(sign, box) raw private keys, or None when the data key does not open them."""
    from cryptography.exceptions import InvalidTag

    try:
        box = json.loads(text)
        plain = _aead(data_key).decrypt(unb64(box["nonce"]), unb64(box["sealed"]), b"zkdesk exchange keys")
        keys = json.loads(plain)
        return unb64(keys["sign"]), unb64(keys["box"])
    except (InvalidTag, ValueError, KeyError, TypeError):
        return None


def head_mac(data_key: bytes, count: int, head_hash: str) -> str:
    """HMAC-SHA256 of the audit chain's head under a key derived from the data key."""
    mac_key = hmac.new(data_key, b"zkdesk audit head mac key", hashlib.sha256).digest()
    return hmac.new(mac_key, f"{int(count)}:{head_hash}".encode("ascii"), hashlib.sha256).hexdigest()


def head_mac_text(data_key: bytes, count: int, head_hash: str) -> str:
    return json.dumps({"count": int(count), "hash": head_hash, "mac": head_mac(data_key, count, head_hash)},
                      sort_keys=True)


def read_head_mac(text: str | None) -> tuple[int, str, str] | None:
    try:
        data = json.loads(text or "")
        return int(data["count"]), str(data["hash"]), str(data["mac"])
    except (ValueError, KeyError, TypeError):
        return None
