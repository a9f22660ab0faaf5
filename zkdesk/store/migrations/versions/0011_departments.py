"""责任单位 as units: the county departments (department) and each indicator's lead and
co-responsible departments (indicator_duty)

Two new tables. An existing database gets the shipped departments and, for every indicator,
the duties its plan's 责任单位 list names (the first named leads), as a new database gets them
when the catalog is loaded (store/seed.py seed_duties); nothing existing changes.

Revision ID: 0011_departments
Revises: 0010_personal_data
"""
from alembic import op
import sqlalchemy as sa
import zkdesk.store.base


revision = '0011_departments'
down_revision = '0010_personal_data'
branch_labels = None
depends_on = None


def _travelling(table: str) -> list:
    return [
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('revision', sa.Integer(), nullable=False),
        sa.Column('updated_at', zkdesk.store.base.UTCDateTime(), nullable=False),
        sa.Column('deleted', sa.Boolean(), nullable=False),
        sa.Column('origin', sa.String(length=12), nullable=False),
        sa.ForeignKeyConstraint(['origin'], ['org_unit.code'], name=op.f(f'fk_{table}_origin_org_unit')),
        sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{table}')),
    ]


def upgrade() -> None:
    op.create_table('department',
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    *_travelling('department'),
    sa.UniqueConstraint('code', name=op.f('uq_department_code'))
    )
    with op.batch_alter_table('department', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_department_origin'), ['origin'], unique=False)

    op.create_table('indicator_duty',
    sa.Column('indicator_id', sa.String(length=36), nullable=False),
    sa.Column('department_id', sa.String(length=36), nullable=False),
    sa.Column('role', sa.String(length=8), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    *_travelling('indicator_duty'),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'],
                            name=op.f('fk_indicator_duty_department_id_department')),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicator.id'], name=op.f('fk_indicator_duty_indicator_id_indicator')),
    sa.UniqueConstraint('indicator_id', 'department_id', name=op.f('uq_indicator_duty_indicator_id_department_id'))
    )
    with op.batch_alter_table('indicator_duty', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_indicator_duty_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_indicator_duty_indicator_id'), ['indicator_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_indicator_duty_origin'), ['origin'], unique=False)

    conn = op.get_bind()
    if conn.execute(sa.text("SELECT count(*) FROM org_unit WHERE code = '530924'")).scalar():
        from zkdesk.store.seed import seed_duties

        seed_duties(conn)


def downgrade() -> None:
    with op.batch_alter_table('indicator_duty', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_indicator_duty_origin'))
        batch_op.drop_index(batch_op.f('ix_indicator_duty_indicator_id'))
        batch_op.drop_index(batch_op.f('ix_indicator_duty_department_id'))
    op.drop_table('indicator_duty')
    with op.batch_alter_table('department', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_department_origin'))
    op.drop_table('department')
