"""This office's exchange key pair and the peers whose keys it trusts.

Each office makes its own Ed25519 (signing) and X25519 (encryption) key pair at first run.
The private keys are stored sealed with the office's data key (services/key_slots.py,
store/key_material.py), which only a user's login (or the 恢复码) unlocks: a copy of the database
or of a backup does not let anyone sign or read packages as this office. The public halves are
kept in the clear, for the fingerprint.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from zkdesk.domain.roles import Permission
from zkdesk.services import audit, key_slots
from zkdesk.services.actor import Actor
from zkdesk.services.errors import UserError
from zkdesk.services.settings import get_raw, office_code, put_raw
from zkdesk.store import key_material as km
from zkdesk.store.base import utcnow
from zkdesk.store.models import OrgUnit
from zkdesk.store.models.exchange import ExchangePeer


_RAW = dict(encoding=serialization.Encoding.Raw, format=serialization.PublicFormat.Raw)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def fingerprint(sign_key: bytes, box_key: bytes) -> str:
    """80 bits of SHA-256 over both public keys, in groups short enough to read on the phone."""
    digest = hashlib.sha256(b"zkdesk-key\x00" + sign_key + box_key).hexdigest()[:20].upper()
    return "-".join(digest[i : i + 4] for i in range(0, 20, 4))


def normalise_fingerprint(text: str) -> str:
    raw = "".join(ch for ch in text.upper() if ch.isalnum())
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


@dataclass(frozen=True)
class OfficeKeys:
    code: str
    sign_private: Ed25519PrivateKey
    box_private: X25519PrivateKey
    # the encryption keys before a rotation: a package a peer sealed before it learned the new one
    previous_box: tuple[X25519PrivateKey, ...] = ()
    # the rotations a peer may not know yet, each signed by the key it replaced (exchange/container.py)
    key_changes: tuple[dict, ...] = ()

    @property
    def sign_public(self) -> bytes:
        return self.sign_private.public_key().public_bytes(**_RAW)

    @property
    def box_public(self) -> bytes:
        return self.box_private.public_key().public_bytes(**_RAW)

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.sign_public, self.box_public)


def _private_raw(key) -> bytes:
    return key.private_bytes(
        encoding=serialization.Encoding.Raw,
        format=serialization.PrivateFormat.Raw,
        encryption_algorithm=serialization.NoEncryption(),
    )


def ensure_office_keys(session: Session) -> bool:
    """Create this office's key pair, sealed with the data key, if it has none yet; True when
    one was made."""
    if get_raw(session, km.SEALED_KEYS):
        return False
    sign, box = Ed25519PrivateKey.generate(), X25519PrivateKey.generate()
    put_raw(session, km.SEALED_KEYS, km.seal_private_keys(key_slots.data_key(session), _private_raw(sign), _private_raw(box)))
    put_raw(session, km.SIGN_PUBLIC, b64(sign.public_key().public_bytes(**_RAW)))
    put_raw(session, km.BOX_PUBLIC, b64(box.public_key().public_bytes(**_RAW)))
    session.flush()
    return True


def office_keys(session: Session) -> OfficeKeys:
    """This office's keys (made on first use), opened with the data key a login unlocked."""
    code = office_code(session)
    if not code:
        raise UserError("数据库尚未初始化，没有本单位代码")
    if ensure_office_keys(session):
        audit.record(session, "system", "create", "exchange_key", code, {"new": "本单位密钥已生成"})
    opened = km.open_private_keys(key_slots.data_key(session), get_raw(session, km.SEALED_KEYS))
    if opened is None:
        raise UserError("本单位的交换密钥无法用当前数据密钥打开（数据库可能被改动过），请运行 zkdesk verify")
    sign, box = opened
    previous = []
    for sealed in json.loads(get_raw(session, PREVIOUS_KEYS) or "[]"):
        old = km.open_private_keys(key_slots.data_key(session), sealed)
        if old is not None:
            previous.append(X25519PrivateKey.from_private_bytes(old[1]))
    return OfficeKeys(code=code, sign_private=Ed25519PrivateKey.from_private_bytes(sign),
                      box_private=X25519PrivateKey.from_private_bytes(box), previous_box=tuple(previous),
                      key_changes=tuple(json.loads(get_raw(session, KEY_CHANGES) or "[]")))


PREVIOUS_KEYS = "exchange_keys_previous"  # sealed key pairs replaced by `keys rotate` (JSON list)
KEY_CHANGES = "exchange_key_changes"  # their announcements, oldest first (JSON list)
_CHANGE_CONTEXT = b"zkdesk key change\x00"


def change_statement(old_sign: bytes, new_sign: bytes, new_box: bytes) -> bytes:
    """What the replaced signing key signs when a key pair is rotated."""
    return _CHANGE_CONTEXT + old_sign + new_sign + new_box


def rotate_office_keys(session: Session, actor: Actor) -> tuple[str, str]:
    """`zkdesk keys rotate`: a new signing and encryption key pair. The old signing key signs the
    new public keys; every package from now on carries that statement, so a peer that trusts the
    old key accepts the new one without a phone call. The old encryption key is kept (sealed) to
    open packages sealed for it before the peer learned the new one. Returns (old, new) fingerprints."""
    actor.require(Permission.MANAGE_USERS)
    old = office_keys(session)
    sign, box = Ed25519PrivateKey.generate(), X25519PrivateKey.generate()
    new_sign, new_box = sign.public_key().public_bytes(**_RAW), box.public_key().public_bytes(**_RAW)
    data_key = key_slots.data_key(session)
    previous = json.loads(get_raw(session, PREVIOUS_KEYS) or "[]") + [get_raw(session, km.SEALED_KEYS)]
    changes = list(old.key_changes) + [{
        "from_sign_key": b64(old.sign_public), "sign_key": b64(new_sign), "box_key": b64(new_box),
        "signature": b64(old.sign_private.sign(change_statement(old.sign_public, new_sign, new_box))),
    }]
    put_raw(session, PREVIOUS_KEYS, json.dumps(previous))
    put_raw(session, KEY_CHANGES, json.dumps(changes, sort_keys=True))
    put_raw(session, km.SEALED_KEYS, km.seal_private_keys(data_key, _private_raw(sign), _private_raw(box)))
    put_raw(session, km.SIGN_PUBLIC, b64(new_sign))
    put_raw(session, km.BOX_PUBLIC, b64(new_box))
    session.flush()
    new_print = fingerprint(new_sign, new_box)
    audit.record(session, actor.username, "rotate_key", "exchange_key", old.code,
                 {"old": {"fingerprint": old.fingerprint}, "new": {"fingerprint": new_print}})
    return old.fingerprint, new_print


def rotated_key(trusted_sign_key: bytes, changes, sign_key: bytes, box_key: bytes) -> bool:
    """Whether a chain of announced key changes leads, each signed by the key before it, from the
    signing key we trust to the keys a package was signed with."""
    from cryptography.exceptions import InvalidSignature

    current = trusted_sign_key
    if not isinstance(changes, list):
        return False
    for change in changes:
        try:
            if unb64(change["from_sign_key"]) != current:
                continue
            new_sign, new_box = unb64(change["sign_key"]), unb64(change["box_key"])
            Ed25519PublicKey.from_public_bytes(current).verify(
                unb64(change["signature"]), change_statement(current, new_sign, new_box))
        except (InvalidSignature, KeyError, TypeError, ValueError):
            return False
        current = new_sign
        if (new_sign, new_box) == (sign_key, box_key):
            return True
    return False


def accept_rotated_key(session: Session, actor: Actor, code: str, sign_key: bytes, box_key: bytes) -> ExchangePeer:
    """A peer's new keys, vouched for by its old signing key (`rotated_key`), replace the trusted ones."""
    peer = get_peer(session, code)
    old_print, new_print = peer.fingerprint, fingerprint(sign_key, box_key)
    peer.sign_key, peer.box_key, peer.fingerprint = b64(sign_key), b64(box_key), new_print
    peer.trusted_at, peer.trusted_by = utcnow(), actor.username
    audit.record(session, actor.username, "trust_rotated_key", "exchange_peer", code,
                 {"old": {"fingerprint": old_print}, "new": {"fingerprint": new_print}})
    return peer


def office_fingerprint(session: Session) -> str:
    """This office's key fingerprint from the public halves (no login needed); "" before keys exist."""
    sign, box = get_raw(session, km.SIGN_PUBLIC), get_raw(session, km.BOX_PUBLIC)
    return fingerprint(unb64(sign), unb64(box)) if sign and box else ""


@dataclass(frozen=True)
class PeerRow:
    code: str
    name: str
    fingerprint: str
    trusted_at: datetime | None
    trusted_by: str
    last_out_seq: int
    acked_out_seq: int


def get_peer(session: Session, code: str) -> ExchangePeer:
    """The peer's row, created empty (no keys) when first needed."""
    peer = session.get(ExchangePeer, code)
    if peer is None:
        peer = ExchangePeer(code=code, last_out_seq=0, acked_out_seq=0)
        session.add(peer)
        session.flush()
    return peer


def trust_peer_key(session: Session, actor: Actor, code: str, sign_key: bytes, box_key: bytes) -> ExchangePeer:
    """Record a peer's keys as trusted (after the fingerprint was checked by phone).

    A different key for a peer that already has one is refused: replacing it is a separate,
    deliberate act (`forget_peer_key`).
    """
    actor.require(Permission.EXCHANGE)
    peer = get_peer(session, code)
    new_print = fingerprint(sign_key, box_key)
    if peer.sign_key:
        if peer.fingerprint == new_print:
            return peer
        raise UserError(f"{_name(session, code)}的密钥已变更（已信任 {peer.fingerprint}，收到 {new_print}），拒绝接收")
    peer.sign_key, peer.box_key, peer.fingerprint = b64(sign_key), b64(box_key), new_print
    peer.trusted_at, peer.trusted_by = utcnow(), actor.username
    audit.record(session, actor.username, "trust_key", "exchange_peer", code, {"new": {"fingerprint": new_print}})
    return peer


def forget_peer_key(session: Session, actor: Actor, code: str) -> None:
    """Drop a peer's trusted key (it reinstalled zkdesk); its next package asks again."""
    actor.require(Permission.MANAGE_USERS)
    peer = session.get(ExchangePeer, code)
    if peer is None or not peer.sign_key:
        raise UserError(f"尚未信任{_name(session, code)}的密钥")
    audit.record(session, actor.username, "forget_key", "exchange_peer", code, {"old": {"fingerprint": peer.fingerprint}})
    peer.sign_key = peer.box_key = peer.fingerprint = ""
    peer.trusted_at, peer.trusted_by = None, ""


def list_peers(session: Session, actor: Actor) -> list[PeerRow]:
    actor.require(Permission.VIEW)
    names = dict(session.execute(select(OrgUnit.code, OrgUnit.name)).all())
    return [
        PeerRow(p.code, names.get(p.code, p.code), p.fingerprint, p.trusted_at, p.trusted_by, p.last_out_seq, p.acked_out_seq)
        for p in session.scalars(select(ExchangePeer).order_by(ExchangePeer.code))
    ]


def _name(session: Session, code: str) -> str:
    unit = session.get(OrgUnit, code)
    return f"{unit.name}（{code}）" if unit else code
