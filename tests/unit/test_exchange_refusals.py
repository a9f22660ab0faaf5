"""Every kind of package the county must refuse: a clear Chinese message, the database untouched."""

from __future__ import annotations

import json
import struct
import zlib
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from tests.unit.exchange_world import COUNTY, dump, make_office_at
from zkdesk.exchange import container
from zkdesk.exchange.container import seal, seal_compressed
from zkdesk.services.exchange_keys import OfficeKeys, office_keys, unb64
from zkdesk.store.base import utcnow
from sqlalchemy import select

from zkdesk.services.audit import verify_chain
from zkdesk.store.models import AuditEntry, Enterprise
from zkdesk.store.models.exchange import ExchangePeer

TOWN = "530924103"
OTHER = "530924101"


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    """The county and 南伞镇 after set-up and one report, so each trusts the other's key."""
    root = tmp_path_factory.mktemp("pair")
    county, town = make_office_at(root, COUNTY), make_office_at(root, TOWN)
    county.export(root / "setup", TOWN)
    town.applied(root / "setup", trust=[county.fingerprint])
    with town.db.session() as s:
        s.add(Enterprise(origin=TOWN, name="南伞制糖有限公司", township_code=TOWN))
    (first,) = town.export(root / "first")
    county.applied(first.path, trust=[town.fingerprint])
    with town.db.session() as s:
        s.add(Enterprise(origin=TOWN, name="南伞茶业有限公司", township_code=TOWN))
    (report,) = town.export(root / "report")
    yield root, county, town, report.path
    county.db.dispose()
    town.db.dispose()


def keys_of(office) -> OfficeKeys:
    with office.db.session() as s:
        return office_keys(s)


def county_box_key(county) -> bytes:
    return keys_of(county).box_public


def refusals(db) -> list[dict]:
    with db.read_session() as s:
        return [dict(json.loads(e.details), by=e.username, entity_id=e.entity_id) for e in s.scalars(
            select(AuditEntry).where(AuditEntry.action == "package_refused").order_by(AuditEntry.id))]


def refused(county, path: Path, *, trust=()) -> str:
    before, logged = dump(county.db, skip=("audit_log",)), refusals(county.db)
    (res,) = county.import_(path, trust=trust)
    assert res.error and not res.applied
    assert dump(county.db, skip=("audit_log",)) == before  # not a record changed: only the refusal is noted
    (entry,) = refusals(county.db)[len(logged):]  # one audit entry: who, which file, from whom, why
    assert entry["file"] == path.name == entry["entity_id"] and entry["by"] == county.actor.username
    assert entry["message"] == res.error and entry["reason"] == res.error_code
    assert entry["sender"] in ("", TOWN, OTHER, COUNTY)
    with county.db.read_session() as s:
        assert verify_chain(s).ok
    return res.error


def write(root: Path, name: str, data: bytes) -> Path:
    path = root / "bad" / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(data)
    return path


def resign(data: bytes, keys: OfficeKeys | None = None, new_body: bytes | None = None) -> bytes:
    """Recompute the trailer (optionally with another key), as a forger would."""
    signed = data[:-68] if new_body is None else new_body
    signature = keys.sign_private.sign(signed) if keys else data[-68:-4]
    return signed + signature + struct.pack(">I", zlib.crc32(signed + signature))


def test_the_genuine_package_is_accepted_in_a_dry_run(pair):
    _root, county, _town, report = pair
    (res,) = county.import_(report, dry_run=True)
    assert res.error is None and res.counts["new"] == 1


def test_truncated_file(pair):
    root, county, _town, report = pair
    data = report.read_bytes()
    for cut in (len(data) // 2, len(data) - 1, 20):
        msg = refused(county, write(root, f"cut{cut}.zkx", data[:cut]))
        assert "不完整" in msg and "U盘" in msg


def test_bit_flipped_file(pair):
    root, county, _town, report = pair
    data = bytearray(report.read_bytes())
    data[len(data) // 2] ^= 0x10
    assert "已损坏" in refused(county, write(root, "flip.zkx", bytes(data)))


def test_altered_content_with_a_fixed_checksum_fails_the_signature(pair):
    root, county, _town, report = pair
    data = bytearray(report.read_bytes())
    data[len(data) // 2] ^= 0x01
    msg = refused(county, write(root, "altered.zkx", resign(bytes(data))))
    assert "签名无效" in msg


def test_altered_signature(pair):
    root, county, _town, report = pair
    data = bytearray(report.read_bytes())
    data[-10] ^= 0x80  # inside the signature
    msg = refused(county, write(root, "sig.zkx", resign(bytes(data))))
    assert "签名无效" in msg


def test_forged_package_with_another_key_claiming_to_be_the_township(pair):
    root, county, _town, _report = pair
    forger = OfficeKeys(TOWN, Ed25519PrivateKey.generate(), X25519PrivateKey.generate())
    data = seal(forger, receiver=COUNTY, sequence=9, kind="report", created=utcnow(),
                payload=b'{"records": {}}', receiver_box_key=county_box_key(county))
    msg = refused(county, write(root, "forged.zkx", data))
    assert "密钥与已信任" in msg and "伪造" in msg


def test_package_for_another_office(pair):
    root, county, town, _report = pair
    (for_other,) = county.export(root / "for-other", OTHER)
    before = dump(town.db)
    (res,) = town.import_(for_other.path)
    assert "不是发给本单位" in res.error and "凤尾镇总工会" in res.error
    assert dump(town.db) == before
    assert refusals(town.db)[-1] | {"message": ""} == {
        "file": for_other.path.name, "entity_id": for_other.path.name, "by": town.actor.username, "message": "",
        "reason": "other_office", "sender": COUNTY, "sequence": for_other.sequence,
        "fingerprint": keys_of(county).fingerprint, "dry_run": False}


def test_untrusted_key_shows_the_fingerprint_and_a_wrong_one_does_not_help(pair):
    root, county, _town, _report = pair
    stranger_keys = OfficeKeys(OTHER, Ed25519PrivateKey.generate(), X25519PrivateKey.generate())
    data = seal(stranger_keys, receiver=COUNTY, sequence=1, kind="report", created=utcnow(),
                payload=b'{"records": {}}', receiver_box_key=county_box_key(county))
    path = write(root, "stranger.zkx", data)
    msg = refused(county, path)
    assert "首次收到凤尾镇总工会" in msg and stranger_keys.fingerprint in msg and "打电话" in msg
    msg = refused(county, path, trust=["0000-0000-0000-0000-0000"])
    assert stranger_keys.fingerprint in msg


def test_changed_key_after_trust(pair):
    root, county, _town, _report = pair
    with county.db.session() as s:
        trusted = s.get(ExchangePeer, TOWN).fingerprint
    new_keys = OfficeKeys(TOWN, Ed25519PrivateKey.generate(), X25519PrivateKey.generate())
    data = seal(new_keys, receiver=COUNTY, sequence=3, kind="report", created=utcnow(),
                payload=b'{"records": {}}', receiver_box_key=county_box_key(county))
    msg = refused(county, write(root, "newkey.zkx", data), trust=[new_keys.fingerprint])
    assert trusted in msg and new_keys.fingerprint in msg and "不一致" in msg


def test_newer_format_version(pair):
    root, county, town, report = pair
    data = bytearray(report.read_bytes())
    struct.pack_into(">H", data, 6, container.FORMAT_VERSION + 1)
    msg = refused(county, write(root, "newer.zkx", resign(bytes(data), keys_of(town))))  # made and signed so
    assert "更新版本的 zkdesk" in msg and "升级" in msg


@pytest.mark.parametrize("flip", [0x01, 0x40, 0x4e])  # 0x4e: version 1 becomes 19969, as in the report
def test_a_flipped_version_byte_is_damage_not_a_newer_version(pair, flip):
    root, county, _town, report = pair
    data = bytearray(report.read_bytes())
    data[6] ^= flip  # the high byte of the format version; the checksum no longer holds
    msg = refused(county, write(root, f"version-flip-{flip}.zkx", bytes(data)))
    assert "已损坏" in msg and "校验和不符" in msg
    assert "更新版本" not in msg and "升级" not in msg


def test_a_changed_version_with_a_recomputed_checksum_is_a_forgery(pair):
    root, county, _town, report = pair
    data = bytearray(report.read_bytes())
    struct.pack_into(">H", data, 6, 19979)
    msg = refused(county, write(root, "version-forged.zkx", resign(bytes(data))))
    assert "签名无效" in msg and "更新版本" not in msg


def test_oversized_file_is_refused_before_reading(pair):
    root, county, _town, _report = pair
    path = root / "bad" / "huge.zkx"
    path.parent.mkdir(exist_ok=True)
    with open(path, "wb") as fh:
        fh.truncate(container.MAX_FILE_BYTES + 1)  # sparse: costs no disk
    assert "大小上限" in refused(county, path)


def test_declared_content_over_the_limit(pair):
    root, county, town, _report = pair
    header = {"sender": TOWN, "receiver": COUNTY, "sequence": 20, "kind": "report", "created": utcnow().isoformat()}
    data = seal_compressed(keys_of(town), header, zlib.compress(b"{}"), container.MAX_PAYLOAD_BYTES + 1,
                           county_box_key(county))
    assert "超过上限" in refused(county, write(root, "declared.zkx", data))


def test_decompression_bomb(pair):
    root, county, town, _report = pair
    header = {"sender": TOWN, "receiver": COUNTY, "sequence": 21, "kind": "report", "created": utcnow().isoformat()}
    bomb = zlib.compress(b"\0" * (40 * 1024 * 1024), 9)  # 40 MB of zeros in about 40 KB
    data = seal_compressed(keys_of(town), header, bomb, 1000, county_box_key(county))
    assert len(data) < 100_000
    assert "压缩炸弹" in refused(county, write(root, "bomb.zkx", data))


@pytest.mark.parametrize("table", ["../../etc/passwd", "sqlite_master; drop", "C:\\\\x", ""])
def test_path_tricks_in_table_names(pair, table):
    root, county, town, _report = pair
    payload = {"records": {table: {"columns": ["id", "origin", "revision"], "rows": [["x", TOWN, 1]]}}}
    data = seal(keys_of(town), receiver=COUNTY, sequence=22, kind="report", created=utcnow(),
                payload=json.dumps(payload).encode(), receiver_box_key=county_box_key(county))
    msg = refused(county, write(root, "tricks.zkx", data))
    assert "内容格式无效" in msg and "数据表名" in msg


def test_not_a_package_at_all(pair):
    root, county, _town, _report = pair
    for name, data in (("empty.zkx", b""), ("text.zkx", "这只是一个文本文件".encode()), ("pdf.zkx", b"%PDF-1.7\n" + b"x" * 500)):
        assert "不是 zkdesk 数据包" in refused(county, write(root, name, data))


def test_package_in_clear_from_a_township(pair):
    root, county, town, _report = pair
    data = seal(keys_of(town), receiver=COUNTY, sequence=23, kind="report", created=utcnow(),
                payload=b'{"records": {}}', receiver_box_key=None)
    assert "没有加密" in refused(county, write(root, "clear.zkx", data))


def test_package_encrypted_to_an_old_key(pair):
    root, county, town, _report = pair
    old_county_key = X25519PrivateKey.generate().public_key().public_bytes_raw()
    data = seal(keys_of(town), receiver=COUNTY, sequence=24, kind="report", created=utcnow(),
                payload=b'{"records": {}}', receiver_box_key=old_county_key)
    assert "无法解密" in refused(county, write(root, "oldkey.zkx", data))


def test_set_up_package_in_clear_may_carry_only_the_catalog(pair):
    root, county, town, _report = pair
    payload = {"records": {"enterprise": {"columns": ["id", "origin", "revision"], "rows": []}}}
    data = seal(keys_of(county), receiver=TOWN, sequence=50, kind="setup", created=utcnow(),
                payload=json.dumps(payload).encode(), receiver_box_key=None)
    before = dump(town.db)
    (res,) = town.import_(write(root, "setup-plus.zkx", data))
    assert "规划目录以外" in res.error
    assert dump(town.db) == before
    assert refusals(town.db)[-1]["reason"] == "content"


def test_a_lost_stick_reveals_nothing(pair):
    _root, _county, _town, report = pair
    data = report.read_bytes()
    header_len = struct.unpack(">I", data[8:12])[0]
    header = json.loads(data[12 : 12 + header_len])
    assert header["encrypted"] is True and header["cipher"] == "chacha20poly1305"
    assert len(unb64(header["ephemeral_key"])) == 32
    body = data[12 + header_len : -68]
    with pytest.raises(zlib.error):
        zlib.decompress(body)  # without the county's private key the body is noise
    assert "南伞茶业".encode() not in data and b"enterprise" not in data


def test_records_a_township_may_not_send_are_rejected_one_by_one(pair):
    """Not a refusal of the package: the good records go in, the bad ones are listed with reasons."""
    root, county, town, _report = pair
    from zkdesk.store.seed import seed_id

    cols = ["id", "origin", "revision", "updated_at", "deleted", "indicator_id", "org_code", "year", "value"]
    now = utcnow().isoformat()
    ind = seed_id("indicator", "zk-2021-2025", "01.1")
    payload = {"records": {
        "indicator_value": {"columns": cols, "rows": [
            ["v-good", TOWN, 1, now, False, ind, TOWN, 2024, 5.0],
            ["v-other-town", TOWN, 1, now, False, ind, OTHER, 2024, 5.0],
            ["v-other-origin", OTHER, 1, now, False, ind, OTHER, 2023, 5.0],
            ["v-bad-value", TOWN, 1, now, False, ind, TOWN, 2023, "五"],
            ["v-no-indicator", TOWN, 1, now, False, "nope", TOWN, 2022, 5.0],
        ]},
        "plan": {"columns": ["id", "origin", "revision"], "rows": [[seed_id("plan", "zk-2021-2025"), TOWN, 9]]},
    }}
    data = seal(keys_of(town), receiver=COUNTY, sequence=30, kind="report", created=utcnow(),
                payload=json.dumps(payload).encode(), receiver_box_key=county_box_key(county))
    (res,) = county.import_(write(root, "mixed.zkx", data))
    assert res.error is None and res.applied
    assert (res.counts["new"], res.counts["rejected"]) == (1, 5)
    reasons = {r["id"]: r["reason"] for r in res.rejected}
    assert "只能报送本乡镇" in reasons["v-other-town"]
    assert "不能由 530924103 报送" in reasons["v-other-origin"]
    assert "数值的值无效" in reasons["v-bad-value"]
    assert "所引用的指标在本机没有" in reasons["v-no-indicator"] and "indicator_id" not in reasons["v-no-indicator"]
    assert "县总工会决定" in reasons[seed_id("plan", "zk-2021-2025")]
    # the receipt going back names them
    (back,) = county.export(root / "receipt", TOWN)
    (got,) = town.applied(back.path)
    with town.db.session() as s:
        from zkdesk.store.models.exchange import ExchangeReceipt

        receipt = s.get(ExchangeReceipt, (COUNTY, 30))
        details = json.loads(receipt.details)
    assert receipt.status == "accepted_with_issues" and len(details["rejected_records"]) == 5


def test_a_forged_package_names_the_sender_it_claims_in_the_audit_trail(pair):
    root, county, _town, report = pair
    data = bytearray(report.read_bytes())
    data[len(data) // 2] ^= 0x01
    refused(county, write(root, "claims.zkx", resign(bytes(data))))
    entry = refusals(county.db)[-1]
    assert entry["reason"] == "bad_signature" and entry["sender"] == TOWN and entry["sender_verified"] is False


def test_a_refusal_seen_in_a_preview_is_noted_too(pair):
    root, county, _town, report = pair
    data = bytearray(report.read_bytes())
    data[len(data) // 2] ^= 0x10
    path = write(root, "preview.zkx", bytes(data))
    before = len(refusals(county.db))
    (res,) = county.import_(path, dry_run=True)
    assert res.error and refusals(county.db)[before:][0]["dry_run"] is True


def test_packages_for_other_offices_found_in_a_folder_are_skipped_without_a_note(pair):
    root, county, _town, _report = pair
    folder = root / "stick"
    (for_other,) = county.export(folder, OTHER)
    before = len(refusals(county.db))
    (res,) = county.import_(folder)
    assert res.skipped and len(refusals(county.db)) == before
