"""the plan as the plan says it: target kinds, levels, projection method

Every indicator gets how its target is judged (target_kind), who reports it (level) and how
its target year's figure is projected. Existing rows keep every value: target_kind starts as
their kind, level as both (what they were treated as), projection as a line. The shipped
十四五 catalog's indicators then get what the plan's sentences say (the mapping below is
the catalog's version 2), and the plan is marked as at version 2, so that loading the
shipped catalog never overwrites targets the county edited in the program.

Revision ID: 0004_plan_kinds
Revises: 0003_postgresql
"""
from alembic import op
import sqlalchemy as sa


revision = '0004_plan_kinds'
down_revision = '0003_postgresql'
branch_labels = None
depends_on = None

SHIPPED_PLAN = "zk-2021-2025"
TARGET_KINDS = {"04.1": "threshold_every_year", "14.1": "threshold_every_year",
                "07.1": "growth_over_baseline",
                "12.1": "per_term", "12.2": "per_term", "12.3": "per_term", "12.4": "per_term"}
COUNTY_ONLY = ("03.1", "05.2", "08.1", "08.2", "09.1", "09.2", "09.3", "12.3", "12.5", "18.1")
STEP_PROJECTION = ("03.1",)


def upgrade() -> None:
    with op.batch_alter_table('indicator', schema=None) as batch_op:
        batch_op.add_column(sa.Column('target_kind', sa.String(length=24), server_default='', nullable=False))
        batch_op.add_column(sa.Column('level', sa.String(length=16), server_default='both', nullable=False))
        batch_op.add_column(sa.Column('projection_method', sa.String(length=8), server_default='line', nullable=False))

    indicator = sa.table('indicator', sa.column('plan_id', sa.String), sa.column('code', sa.String),
                         sa.column('kind', sa.String), sa.column('target_kind', sa.String),
                         sa.column('level', sa.String), sa.column('projection_method', sa.String))
    plan = sa.table('plan', sa.column('id', sa.String), sa.column('code', sa.String),
                    sa.column('catalog_version', sa.Integer))
    op.execute(indicator.update().where(indicator.c.target_kind == '').values(target_kind=indicator.c.kind))
    shipped = sa.select(plan.c.id).where(plan.c.code == SHIPPED_PLAN).scalar_subquery()
    of_shipped = indicator.c.plan_id == shipped
    for code, kind in TARGET_KINDS.items():
        op.execute(indicator.update().where(of_shipped, indicator.c.code == code).values(target_kind=kind))
    op.execute(indicator.update().where(of_shipped, indicator.c.code.in_(COUNTY_ONLY)).values(level='county_only'))
    op.execute(indicator.update().where(of_shipped, indicator.c.code.in_(STEP_PROJECTION)).values(projection_method='step'))
    op.execute(plan.update().where(plan.c.code == SHIPPED_PLAN, plan.c.catalog_version < 2).values(catalog_version=2))


def downgrade() -> None:
    with op.batch_alter_table('indicator', schema=None) as batch_op:
        batch_op.drop_column('projection_method')
        batch_op.drop_column('level')
        batch_op.drop_column('target_kind')
