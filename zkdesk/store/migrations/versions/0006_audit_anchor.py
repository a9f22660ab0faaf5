"""anchor the audit chain of an existing database: its head (count, last hash) in setting

Data only, no schema change. A database made before the head existed gets one for the chain as
it stands, so that from now on cutting entries off its end is found. A chain that is already
broken is anchored all the same at its last entry: verify reports the break itself.

Revision ID: 0006_audit_anchor
Revises: 0005_natural_keys
"""
from alembic import op
import sqlalchemy as sa


revision = '0006_audit_anchor'
down_revision = '0005_natural_keys'
branch_labels = None
depends_on = None

HEAD_KEY = "audit_head"  # store/audit_head.py


def upgrade() -> None:
    import json

    conn = op.get_bind()
    count = conn.execute(sa.text("SELECT count(*) FROM audit_log")).scalar() or 0
    exists = conn.execute(sa.text("SELECT count(*) FROM setting WHERE key = :k"), {"k": HEAD_KEY}).scalar()
    if count == 0 or exists:
        return
    last = conn.execute(sa.text("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1")).scalar()
    conn.execute(sa.text("INSERT INTO setting (key, value) VALUES (:k, :v)"),
                 {"k": HEAD_KEY, "v": json.dumps({"count": int(count), "hash": last}, sort_keys=True)})


def downgrade() -> None:
    op.get_bind().execute(sa.text("DELETE FROM setting WHERE key = :k"), {"k": HEAD_KEY})
