"""Password hashing with scrypt (memory-hard, in the standard library)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

# n=2**15, r=8 → 32 MiB per hash: slow enough to resist guessing a stolen file,
# quick enough (≈0.1 s) for a login on an old office PC.
_N, _R, _P = 2**15, 8, 1


# scrypt's output is PBKDF2's, block by block: asking 32 bytes more gives the same first 32 (the
# stored hash) and 32 more that are never stored: the key that wraps the user's slot of the office
# data key (services/key_slots.py). One scrypt per login opens both, and guessing against the slot
# costs exactly what guessing against the hash does.
KEY_BYTES = 32


def hash_password_and_key(password: str) -> tuple[str, bytes]:
    """(the stored hash, the password's key-wrapping key)."""
    salt = os.urandom(16)
    out = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, maxmem=64 * 1024 * 1024,
                         dklen=32 + KEY_BYTES)
    stored = "scrypt${}${}${}${}${}".format(
        _N, _R, _P, base64.b64encode(salt).decode(), base64.b64encode(out[:32]).decode()
    )
    return stored, out[32:]


def hash_password(password: str) -> str:
    return hash_password_and_key(password)[0]


def password_key(password: str, stored: str) -> bytes | None:
    """The key-wrapping key when `password` matches `stored`, else None."""
    try:
        scheme, n, r, p, salt_b64, key_b64 = stored.split("$")
        if scheme != "scrypt":
            return None
        salt, expected = base64.b64decode(salt_b64), base64.b64decode(key_b64)
        out = hashlib.scrypt(
            password.encode("utf-8"), salt=salt, n=int(n), r=int(r), p=int(p), maxmem=128 * 1024 * 1024,
            dklen=len(expected) + KEY_BYTES,
        )
    except (ValueError, TypeError):
        return None
    return out[len(expected):] if hmac.compare_digest(out[: len(expected)], expected) else None


def verify_password(password: str, stored: str) -> bool:
    return password_key(password, stored) is not None


def password_problem(password: str, username: str) -> str:
    """Empty when the password is acceptable; otherwise the Chinese reason."""
    if len(password) < 8:
        return "密码至少需要8位"
    if password.strip().lower() == username.strip().lower():
        return "密码不能与用户名相同"
    if password.isdigit() and len(set(password)) <= 2:
        return "密码过于简单"
    return ""
