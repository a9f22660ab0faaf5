"""key slots: the exchange private keys sealed with a new data key, no longer in the clear

Data only, no schema change (store/key_material.py has the formats). The private keys an older
zkdesk kept as plain base64 in `setting` are sealed with a new random data key and deleted; the
public halves stay in the clear for the fingerprint; the audit chain's head gets its HMAC. No
password is known here, so the data key waits in `data_key_pending` until every active user has
logged in once (each login wraps it for that user) and an administrator has made a 恢复码
(services/key_slots.py); `zkdesk verify` names who is still to log in.

Revision ID: 0009_key_slots
Revises: 0008_narratives
"""
from alembic import op
import sqlalchemy as sa


revision = '0009_key_slots'
down_revision = '0008_narratives'
branch_labels = None
depends_on = None


def _get(conn, key):
    return conn.execute(sa.text("SELECT value FROM setting WHERE key = :k"), {"k": key}).scalar()


def _put(conn, key, value):
    if _get(conn, key) is None:
        conn.execute(sa.text("INSERT INTO setting (key, value) VALUES (:k, :v)"), {"k": key, "v": value})
    else:
        conn.execute(sa.text("UPDATE setting SET value = :v WHERE key = :k"), {"k": key, "v": value})


def upgrade() -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    from zkdesk.store import key_material as km
    from zkdesk.store.audit_head import HEAD_KEY, ChainHead

    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("PRAGMA secure_delete=ON")  # the plain keys' bytes are zeroed, not left in free pages
    if _get(conn, "office_code") is None or _get(conn, km.SEALED_KEYS) is not None:
        return  # not set up yet (first run makes the key), or already sealed
    data_key = km.new_data_key()
    sign, box = _get(conn, km.PLAIN_SIGN), _get(conn, km.PLAIN_BOX)
    if sign and box:
        sign_raw, box_raw = km.unb64(sign), km.unb64(box)
        raw = dict(encoding=Encoding.Raw, format=PublicFormat.Raw)
        _put(conn, km.SEALED_KEYS, km.seal_private_keys(data_key, sign_raw, box_raw))
        _put(conn, km.SIGN_PUBLIC, km.b64(Ed25519PrivateKey.from_private_bytes(sign_raw).public_key().public_bytes(**raw)))
        _put(conn, km.BOX_PUBLIC, km.b64(X25519PrivateKey.from_private_bytes(box_raw).public_key().public_bytes(**raw)))
    conn.execute(sa.text("DELETE FROM setting WHERE key IN (:a, :b)"), {"a": km.PLAIN_SIGN, "b": km.PLAIN_BOX})
    _put(conn, km.PENDING_KEY, km.b64(data_key))
    head = ChainHead.from_text(_get(conn, HEAD_KEY))
    if head is not None:
        _put(conn, km.HEAD_MAC, km.head_mac_text(data_key, head.count, head.hash))


def downgrade() -> None:
    raise NotImplementedError("the private keys are sealed; restore the backup made before the upgrade")
