"""This office's exchange key pair and the peers whose keys it trusts.

Each office makes its own Ed25519 (signing) and X25519 (encryption) key pair on first use.
The private keys live in the database's local settings, so they are exactly as protected as
the database file itself: whoever copies the file can sign and read packages as this office.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import datetime

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from zkdesk.domain.roles import Permission
from zkdesk.services import audit
from zkdesk.services.actor import Actor
from zkdesk.services.errors import UserError
from zkdesk.services.settings import get_raw, office_code, put_raw
from zkdesk.store.base import utcnow
from zkdesk.store.models import OrgUnit
from zkdesk.store.models.exchange import ExchangePeer

SIGN_KEY_SETTING = "exchange_sign_private"
BOX_KEY_SETTING = "exchange_box_private"

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
    """Create this office's key pair if it has none yet; True when one was made."""
    if get_raw(session, SIGN_KEY_SETTING) and get_raw(session, BOX_KEY_SETTING):
        return False
    put_raw(session, SIGN_KEY_SETTING, b64(_private_raw(Ed25519PrivateKey.generate())))
    put_raw(session, BOX_KEY_SETTING, b64(_private_raw(X25519PrivateKey.generate())))
    session.flush()
    return True


def office_keys(session: Session) -> OfficeKeys:
    """This office's keys, made on first use."""
    code = office_code(session)
    if not code:
        raise UserError("数据库尚未初始化，没有本单位代码")
    if ensure_office_keys(session):
        audit.record(session, "system", "create", "exchange_key", code, {"new": "本单位密钥已生成"})
    return OfficeKeys(
        code=code,
        sign_private=Ed25519PrivateKey.from_private_bytes(unb64(get_raw(session, SIGN_KEY_SETTING))),
        box_private=X25519PrivateKey.from_private_bytes(unb64(get_raw(session, BOX_KEY_SETTING))),
    )


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
