"""audit_log indexes for the audit screen's filters; personal data still plain is marked for sealing

- Indexes on audit_log for the audit screen's filters: time, user, action, and record (entity +
  id). Nothing in the table changes, so the hash chain is untouched.
- The setting `personal_data_plain` (store/sealed.py PLAIN_MARKER): values an older zkdesk or an
  upgrade without the key left plain — personal columns, the rows of open conflicts — are sealed
  at the first login that unlocks the key; from now on a login reads the registers only when
  this marker says something was written plain.

Revision ID: 0012_audit_and_sealing
Revises: 0011_departments
"""
from alembic import op
import sqlalchemy as sa


revision = '0012_audit_and_sealing'
down_revision = '0011_departments'
branch_labels = None
depends_on = None

_INDEXES = (
    ('ix_audit_log_at', ['at']),
    ('ix_audit_log_username', ['username']),
    ('ix_audit_log_action', ['action']),
    ('ix_audit_log_entity_entity_id', ['entity', 'entity_id']),
)


def upgrade() -> None:
    for name, columns in _INDEXES:
        op.create_index(name, 'audit_log', columns, unique=False)
    conn = op.get_bind()
    marker = 'personal_data_plain'
    if conn.execute(sa.text("SELECT 1 FROM setting WHERE key = :k"), {"k": marker}).first() is None:
        conn.execute(sa.text("INSERT INTO setting (key, value) VALUES (:k, '1')"), {"k": marker})


def downgrade() -> None:
    for name, _columns in reversed(_INDEXES):
        op.drop_index(name, table_name='audit_log')
