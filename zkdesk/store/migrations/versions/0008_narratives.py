"""evaluation narratives: the typed 成效, 问题, 下一步 of an evaluation report

A new table, one row per plan, org unit and report range; nothing existing changes.

Revision ID: 0008_narratives
Revises: 0007_baselines
"""
from alembic import op
import sqlalchemy as sa
import zkdesk.store.base


revision = '0008_narratives'
down_revision = '0007_baselines'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('evaluation_narrative',
    sa.Column('plan_id', sa.String(length=36), nullable=False),
    sa.Column('org_code', sa.String(length=12), nullable=False),
    sa.Column('year_from', sa.Integer(), nullable=False),
    sa.Column('year_to', sa.Integer(), nullable=False),
    sa.Column('effects', sa.Text(), nullable=False),
    sa.Column('problems', sa.Text(), nullable=False),
    sa.Column('next_steps', sa.Text(), nullable=False),
    sa.Column('changed_by', sa.String(length=50), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('updated_at', zkdesk.store.base.UTCDateTime(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('origin', sa.String(length=12), nullable=False),
    sa.ForeignKeyConstraint(['org_code'], ['org_unit.code'], name=op.f('fk_evaluation_narrative_org_code_org_unit')),
    sa.ForeignKeyConstraint(['origin'], ['org_unit.code'], name=op.f('fk_evaluation_narrative_origin_org_unit')),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], name=op.f('fk_evaluation_narrative_plan_id_plan')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_narrative')),
    sa.UniqueConstraint('plan_id', 'org_code', 'year_from', 'year_to',
                        name=op.f('uq_evaluation_narrative_plan_id_org_code_year_from_year_to'))
    )
    with op.batch_alter_table('evaluation_narrative', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_narrative_origin'), ['origin'], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_narrative_plan_id'), ['plan_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('evaluation_narrative', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_narrative_plan_id'))
        batch_op.drop_index(batch_op.f('ix_evaluation_narrative_origin'))
    op.drop_table('evaluation_narrative')
