"""the county marks one plan current (设为当前规划)

A column on plan, false for every existing plan: until the county marks one, the dashboard and
the reports open on the plan of the working year, as before.

Revision ID: 0014_current_plan
Revises: 0013_alias_peer
"""
from alembic import op
import sqlalchemy as sa


revision = '0014_current_plan'
down_revision = '0013_alias_peer'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.add_column(sa.Column('current', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.drop_column('current')
