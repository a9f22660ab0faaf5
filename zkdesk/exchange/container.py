"""The .zkx package file: a small signed envelope around a compressed, encrypted payload.

    "ZKDESK" | format version (u16) | header length (u32) | header (JSON, UTF-8)
    | body | Ed25519 signature (64 bytes) | CRC-32 (u32)

The header names sender, receiver, sequence, creation time and the sender's public keys. The
body is the zlib-compressed payload JSON, encrypted with ChaCha20-Poly1305 under a key from
X25519(ephemeral key, receiver's key) through HKDF-SHA256, with everything before the body as
associated data. The signature covers everything before it; the CRC-32 covers everything
before itself, so accidental damage (a bad stick) is told apart from a forgery.

After `zkdesk keys rotate` the header also carries `key_changes`: each new key pair with the
signature of the signing key it replaced, so a receiver that trusts the old key accepts the new
one; the old encryption key still opens packages sealed for it.

The one package sent in clear is the county's first one to a township whose key it does not
have yet (kind "setup"): it may carry only the county's catalog records and its public keys
(not the county's form files, which wait for the first encrypted package: see forms.py).
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
import zlib
from dataclasses import dataclass
from datetime import datetime

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from zkdesk.services.errors import UserError
from zkdesk.services.exchange_keys import OfficeKeys, b64, fingerprint, unb64

MAGIC = b"ZKDESK"
FORMAT_VERSION = 1
SUFFIX = ".zkx"
_PREFIX = struct.Struct(">6sHI")  # magic, format version, header length
_TRAILER = 64 + 4

MAX_FILE_BYTES = 128 * 1024 * 1024
MAX_HEADER_BYTES = 64 * 1024
MAX_PAYLOAD_BYTES = 256 * 1024 * 1024  # after decompression
_HKDF_INFO = b"zkdesk package v1"

KINDS = ("report", "county", "setup")


class PackageRefused(UserError):
    """A package that will not be imported. `code` says why, for callers that react to it."""

    def __init__(self, message: str, code: str, **info):
        super().__init__(message)
        self.code = code
        self.info = info


@dataclass(frozen=True)
class Sealed:
    """A package whose structure, checksum and signature are verified; payload still sealed."""

    header: dict
    prefix_and_header: bytes
    body: bytes
    digest: str  # sha256 of the whole file

    @property
    def sender(self) -> str:
        return self.header["sender"]

    @property
    def receiver(self) -> str:
        return self.header["receiver"]

    @property
    def sequence(self) -> int:
        return self.header["sequence"]

    @property
    def kind(self) -> str:
        return self.header["kind"]

    @property
    def created(self) -> datetime:
        return datetime.fromisoformat(self.header["created"])

    @property
    def sign_key(self) -> bytes:
        return unb64(self.header["sign_key"])

    @property
    def box_key(self) -> bytes:
        return unb64(self.header["box_key"])

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.sign_key, self.box_key)

    @property
    def key_changes(self) -> list:
        """The sender's key rotations, each signed by the key it replaced (services.exchange_keys)."""
        return self.header.get("key_changes", [])


def _aead_key(shared: bytes, ephemeral: bytes, receiver: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=ephemeral + receiver, info=_HKDF_INFO).derive(shared)


def seal_compressed(keys: OfficeKeys, header: dict, compressed: bytes, payload_size: int,
                    receiver_box_key: bytes | None) -> bytes:
    """Build the file from an already compressed payload (tests use it to build hostile files)."""
    header = dict(header, sign_key=b64(keys.sign_public), box_key=b64(keys.box_public), payload_size=payload_size,
                  compression="zlib", body_size=len(compressed) + (16 if receiver_box_key is not None else 0))
    if receiver_box_key is not None:
        ephemeral = X25519PrivateKey.generate()
        eph_pub = ephemeral.public_key().public_bytes_raw()
        nonce = os.urandom(12)
        header.update(encrypted=True, cipher="chacha20poly1305", ephemeral_key=b64(eph_pub), nonce=b64(nonce))
    else:
        header.update(encrypted=False, cipher="", ephemeral_key="", nonce="")
    header_bytes = json.dumps(header, ensure_ascii=False, sort_keys=True).encode("utf-8")
    head = _PREFIX.pack(MAGIC, FORMAT_VERSION, len(header_bytes)) + header_bytes
    if receiver_box_key is not None:
        shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(receiver_box_key))
        body = ChaCha20Poly1305(_aead_key(shared, eph_pub, receiver_box_key)).encrypt(nonce, compressed, head)
    else:
        body = compressed
    signed = head + body
    signature = keys.sign_private.sign(signed)
    return signed + signature + struct.pack(">I", zlib.crc32(signed + signature))


def seal(keys: OfficeKeys, *, receiver: str, sequence: int, kind: str, created: datetime, payload: bytes,
         receiver_box_key: bytes | None) -> bytes:
    header = {"sender": keys.code, "receiver": receiver, "sequence": sequence, "kind": kind,
              "created": created.isoformat(timespec="seconds")}
    if keys.key_changes:  # `keys rotate`: the new keys, each vouched for by the key it replaced
        header["key_changes"] = list(keys.key_changes)
    return seal_compressed(keys, header, zlib.compress(payload, 6), len(payload), receiver_box_key)


def _damaged(name: str, why: str) -> PackageRefused:
    return PackageRefused(f"数据包 {name} 已损坏（{why}），未作任何改动。请让对方重新导出一份。", "damaged")


def _check_header(header, name: str) -> None:
    try:
        ok = (
            isinstance(header, dict)
            and isinstance(header["sender"], str) and header["sender"].isdigit()
            and isinstance(header["receiver"], str) and header["receiver"].isdigit()
            and isinstance(header["sequence"], int) and header["sequence"] > 0
            and header["kind"] in KINDS
            and isinstance(header["encrypted"], bool)
            and isinstance(header["payload_size"], int)
            and len(unb64(header["sign_key"])) == 32 and len(unb64(header["box_key"])) == 32
            and isinstance(header.get("key_changes", []), list)
            and all(isinstance(c, dict) for c in header.get("key_changes", []))
        )
        datetime.fromisoformat(header["created"])
        if header["encrypted"]:
            ok = ok and len(unb64(header["ephemeral_key"])) == 32 and len(unb64(header["nonce"])) == 12
    except (KeyError, TypeError, ValueError):
        ok = False
    if not ok:
        raise _damaged(name, "文件头内容无效")


def unseal(data: bytes, name: str) -> Sealed:
    """Check a file's structure, checksum and signature (made with the key it carries).

    Whether that key is the one this office trusts is the caller's question.
    """
    if len(data) > MAX_FILE_BYTES:
        raise PackageRefused(f"文件 {name} 超过数据包大小上限（{MAX_FILE_BYTES // 1024 // 1024} MB），未导入。", "too_large")
    if len(data) < len(MAGIC) or data[: len(MAGIC)] != MAGIC:
        raise PackageRefused(f"文件 {name} 不是 zkdesk 数据包，未导入。", "not_package")
    if len(data) < _PREFIX.size:
        raise _truncated(name)
    # Nothing in the file is believed before the checksum over all of it holds: a bit flipped in
    # the format version is damage, not a package from a newer zkdesk.
    _magic, version, header_len = _PREFIX.unpack_from(data)
    crc_ok = len(data) >= _PREFIX.size + _TRAILER and zlib.crc32(data[:-4]) == struct.unpack(">I", data[-4:])[0]
    header, expected = _read_header(data, header_len) if header_len <= MAX_HEADER_BYTES else (None, None)
    if not crc_ok:
        # Tell a file cut short (a stick pulled out) from one with damaged bytes.
        at_least = expected or _PREFIX.size + (header_len if header_len <= MAX_HEADER_BYTES else 0) + _TRAILER
        if len(data) < at_least:
            raise _truncated(name)
        raise _damaged(name, "校验和不符")
    if version > FORMAT_VERSION:
        # Intact, so either really newer or forged with a recomputed checksum. When it reads as
        # ours, its signature decides: a file re-signed by nobody is a forgery, not an upgrade.
        if header is not None and len(data) == expected and not _signature_holds(data, header):
            raise _forged(name)
        raise PackageRefused(
            f"数据包 {name} 由更新版本的 zkdesk 生成（格式版本 {version}，本程序只能读取 {FORMAT_VERSION}），"
            "请先升级 zkdesk，未作任何改动。", "newer_format")
    if version < 1 or header_len > MAX_HEADER_BYTES:
        raise _damaged(name, "文件头无效")
    if header is None:
        raise _damaged(name, "文件头无法读取")
    if len(data) != expected:
        raise _damaged(name, "文件长度与文件头不符")
    _check_header(header, name)
    if not _signature_holds(data, header):
        raise _forged(name)
    if header["payload_size"] > MAX_PAYLOAD_BYTES:
        raise PackageRefused(f"数据包 {name} 的内容超过上限（{MAX_PAYLOAD_BYTES // 1024 // 1024} MB），未导入。", "too_large")
    head_end = _PREFIX.size + header_len
    return Sealed(header, data[:head_end], data[head_end: -_TRAILER], hashlib.sha256(data).hexdigest())


def _read_header(data: bytes, header_len: int) -> tuple[dict | None, int | None]:
    """The header as JSON and the file length it implies, or (None, None) when unreadable."""
    head_end = _PREFIX.size + header_len
    try:
        header = json.loads(data[_PREFIX.size:head_end].decode("utf-8"))
        expected = head_end + header["body_size"] + _TRAILER
        if not isinstance(header, dict) or not isinstance(expected, int):
            raise TypeError
        return header, expected
    except (UnicodeDecodeError, ValueError, TypeError, KeyError, RecursionError):
        return None, None


def claimed_sender(data: bytes) -> str:
    """The sender a file names in its header, unverified (for the audit trail of a refusal), or ""."""
    if len(data) < _PREFIX.size or data[: len(MAGIC)] != MAGIC:
        return ""
    header_len = _PREFIX.unpack_from(data)[2]
    header = _read_header(data, header_len)[0] if header_len <= MAX_HEADER_BYTES else None
    sender = header.get("sender") if header else None
    return sender[:20] if isinstance(sender, str) else ""


def _signature_holds(data: bytes, header: dict) -> bool:
    """Whether the signature verifies under the key the header carries (False when unreadable)."""
    try:
        key = Ed25519PublicKey.from_public_bytes(unb64(header["sign_key"]))
        key.verify(data[-_TRAILER:-4], data[: -_TRAILER])
        return True
    except (InvalidSignature, KeyError, TypeError, ValueError):
        return False


def _forged(name: str) -> PackageRefused:
    return PackageRefused(f"数据包 {name} 签名无效：文件在导出后被改动，或是伪造的，未作任何改动。", "bad_signature")


def _truncated(name: str) -> PackageRefused:
    return PackageRefused(f"数据包 {name} 不完整（可能U盘在写入时被拔出），未作任何改动。请让对方重新导出一份。", "truncated")


def open_payload(sealed: Sealed, keys: OfficeKeys, name: str) -> dict:
    """Decrypt and decompress the payload (bounded: a decompression bomb is refused)."""
    h = sealed.header
    if h["encrypted"]:
        eph = unb64(h["ephemeral_key"])
        compressed = None
        for box in (keys.box_private, *keys.previous_box):  # sealed for a key rotated since: the old one
            shared = box.exchange(X25519PublicKey.from_public_bytes(eph))
            box_public = box.public_key().public_bytes_raw()
            try:
                compressed = ChaCha20Poly1305(_aead_key(shared, eph, box_public)).decrypt(
                    unb64(h["nonce"]), sealed.body, sealed.prefix_and_header)
                break
            except InvalidTag:
                continue
        if compressed is None:
            raise PackageRefused(
                f"数据包 {name} 无法解密：它不是用本单位当前的密钥加密的（本单位是否重新安装过 zkdesk？），未作任何改动。",
                "decrypt") from None
    else:
        compressed = sealed.body
    declared = h["payload_size"]
    inflater = zlib.decompressobj()
    try:
        raw = inflater.decompress(compressed, declared + 1)
    except zlib.error:
        raise _damaged(name, "内容无法解压") from None
    if len(raw) > declared or inflater.unconsumed_tail:
        raise PackageRefused(f"数据包 {name} 解压后的内容超过声明的大小（疑似“压缩炸弹”），未导入。", "too_large")
    if len(raw) != declared or not inflater.eof:
        raise _damaged(name, "内容长度不符")
    try:
        payload = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise _damaged(name, "内容无法读取") from None
    if not isinstance(payload, dict):
        raise _damaged(name, "内容格式无效")
    return payload


def package_file_name(sender: str, receiver: str, created: datetime, sequence: int, county_sender: bool) -> str:
    """530924103-20261124-0007.zkx from a township; 530924-530924103-20261124-0003.zkx from the county."""
    stem = f"{sender}-{receiver}" if county_sender else sender
    return f"{stem}-{created:%Y%m%d}-{sequence:04d}{SUFFIX}"
