"""baselines: each org unit's figure of an indicator in the year before the plan (基期)

A new travelling table, indicator_baseline (indicator + org unit). No existing value changes.

Revision ID: 0007_baselines
Revises: 0006_audit_anchor
"""
from alembic import op
import sqlalchemy as sa
import zkdesk.store.base


revision = '0007_baselines'
down_revision = '0006_audit_anchor'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('indicator_baseline',
    sa.Column('indicator_id', sa.String(length=36), nullable=False),
    sa.Column('org_code', sa.String(length=12), nullable=False),
    sa.Column('value', sa.Float(), nullable=True),
    sa.Column('numerator', sa.Float(), nullable=True),
    sa.Column('denominator', sa.Float(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('changed_by', sa.String(length=50), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('updated_at', zkdesk.store.base.UTCDateTime(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('origin', sa.String(length=12), nullable=False),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicator.id'], name=op.f('fk_indicator_baseline_indicator_id_indicator')),
    sa.ForeignKeyConstraint(['org_code'], ['org_unit.code'], name=op.f('fk_indicator_baseline_org_code_org_unit')),
    sa.ForeignKeyConstraint(['origin'], ['org_unit.code'], name=op.f('fk_indicator_baseline_origin_org_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator_baseline')),
    sa.UniqueConstraint('indicator_id', 'org_code', name=op.f('uq_indicator_baseline_indicator_id_org_code'))
    )
    with op.batch_alter_table('indicator_baseline', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_indicator_baseline_indicator_id'), ['indicator_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_indicator_baseline_org_code'), ['org_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_indicator_baseline_origin'), ['origin'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('indicator_baseline', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_indicator_baseline_origin'))
        batch_op.drop_index(batch_op.f('ix_indicator_baseline_org_code'))
        batch_op.drop_index(batch_op.f('ix_indicator_baseline_indicator_id'))

    op.drop_table('indicator_baseline')
