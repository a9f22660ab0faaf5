"""Password hashing with scrypt (memory-hard, in the standard library)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

# n=2**15, r=8 → 32 MiB per hash: slow enough to resist guessing a stolen file,
# quick enough (≈0.1 s) for a login on an old office PC.
_N, _R, _P = 2**15, 8, 1


def hash_password(password: str) -> str:
    salt = os.urandom(16)
    key = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, maxmem=64 * 1024 * 1024, dklen=32)
    return "scrypt${}${}${}${}${}".format(
        _N, _R, _P, base64.b64encode(salt).decode(), base64.b64encode(key).decode()
    )


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt_b64, key_b64 = stored.split("$")
        if scheme != "scrypt":
            return False
        salt, expected = base64.b64decode(salt_b64), base64.b64decode(key_b64)
        key = hashlib.scrypt(
            password.encode("utf-8"), salt=salt, n=int(n), r=int(r), p=int(p), maxmem=128 * 1024 * 1024, dklen=len(expected)
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(key, expected)


def password_problem(password: str, username: str) -> str:
    """Empty when the password is acceptable; otherwise the Chinese reason."""
    if len(password) < 8:
        return "密码至少需要8位"
    if password.strip().lower() == username.strip().lower():
        return "密码不能与用户名相同"
    if password.isdigit() and len(set(password)) <= 2:
        return "密码过于简单"
    return ""
