"""audit_log indexes for the audit screen's filters: time, user, action, and record (entity + id)

Only indexes: nothing in the table changes, so the hash chain is untouched.

Revision ID: 0012_audit_indexes
Revises: 0011_departments
"""
from alembic import op


revision = '0012_audit_indexes'
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


def downgrade() -> None:
    for name, _columns in reversed(_INDEXES):
        op.drop_index(name, table_name='audit_log')
