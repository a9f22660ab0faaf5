"""exchange aliases per sending office: the primary key of exchange_alias takes peer_code

A link from another office's UUID to one of our records was keyed by table and UUID alone,
so a UUID learnt from one township would have redirected another township's record with the
same UUID. Existing links keep the office they came from (peer_code was already stored; ""
for a merge made here).

Revision ID: 0013_alias_peer
Revises: 0012_audit_and_sealing
"""
from alembic import op


revision = '0013_alias_peer'
down_revision = '0012_audit_and_sealing'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('exchange_alias', schema=None, recreate='always') as batch_op:
        batch_op.drop_constraint('pk_exchange_alias', type_='primary')
        batch_op.create_primary_key('pk_exchange_alias', ['table_name', 'remote_id', 'peer_code'])


def downgrade() -> None:
    # back to one link per UUID: where two offices sent the same UUID, the earliest link stays
    op.execute("DELETE FROM exchange_alias WHERE EXISTS (SELECT 1 FROM exchange_alias AS other "
               "WHERE other.table_name = exchange_alias.table_name AND other.remote_id = exchange_alias.remote_id "
               "AND (other.created_at < exchange_alias.created_at OR (other.created_at = exchange_alias.created_at "
               "AND other.peer_code < exchange_alias.peer_code)))")
    with op.batch_alter_table('exchange_alias', schema=None, recreate='always') as batch_op:
        batch_op.drop_constraint('pk_exchange_alias', type_='primary')
        batch_op.create_primary_key('pk_exchange_alias', ['table_name', 'remote_id'])
