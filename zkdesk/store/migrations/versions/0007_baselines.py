"""baselines: each org unit's figure of an indicator in the year before the plan (基期)

A new travelling table, indicator_baseline (indicator + org unit), and the terms (届) a
per-term target compares (indicator.terms; 12.1–12.4 of the shipped catalog: 2016 and 2021),
and milestone (indicator + org unit: a qualitative task done on a date, with its evidence).

A growth target (比基期增加, 07.1 职业技术在校学生人数增加1000人以上) is now measured as a
headcount (stock) and judged as the headcount less the org unit's baseline, so that a fall can
be entered. Until now it was a cumulative count of yearly increases, which could not fall.
Existing figures are carried over without losing one: an org unit's yearly increases become
running totals (its growth since the baseline year, each year's increase being the difference
of two years), and it gets a baseline of 0 with a note saying so; its growth, and so its status,
is what it was. The clerk may later enter the real baseline and headcounts. The shipped 十四五
catalog is marked as at version 3 (07.1 measured as a stock), so loading it overwrites nothing.

Revision ID: 0007_baselines
Revises: 0006_audit_anchor
"""
import uuid
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa
import zkdesk.store.base


revision = '0007_baselines'
down_revision = '0006_audit_anchor'
branch_labels = None
depends_on = None

SHIPPED_PLAN = "zk-2021-2025"
PER_TERM = ("12.1", "12.2", "12.3", "12.4")
SHIPPED_MILESTONES = (  # code, item, name, the plan's sentence: as the catalog, version 3
    ("03.2", 3, "修订《镇康县劳动模范评选服务管理办法》", "修订《镇康县劳动模范评选服务管理办法》"),
    ("06.8", 6, "制订“三室一站”选树创建管理办法", "研究制订镇康县劳模创新工作室、工匠创新工作室、职工创新工作室、"
     "职工技师工作站“三室一站”选树创建管理办法"),
    ("11.1", 11, "建立完善教育学习网络平台", "建立完善教育学习网络平台"),
    ("15.5", 15, "建立劳动争议多元化解机制", "建立工会、人力资源社会保障、司法、法院共同参与的劳动争议多元化解机制"),
    ("17.1", 17, "完成基层工会组织和工会会员实名制录入", "完成镇康县基层工会组织和工会会员实名制录入工作"),
    ("17.2", 17, "与云南省“数字工会”服务职工平台实现信息共享", "与云南省“数字工会”服务职工平台实现信息共享"),
)
SHIPPED_TERMS = [{"label": "上一届", "year": 2016}, {"label": "本届", "year": 2021}]  # as the catalog, version 3
CONVERTED_NOTE = ("由旧版“本年新增人数”换算：各年数值为比基期累计增加的人数，基期数记为0。"
                  "如掌握基期实际在校人数，请录入基期数，并把各年改为年末在校人数。")


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
    with op.batch_alter_table('indicator', schema=None) as batch_op:
        batch_op.add_column(sa.Column('terms', sa.Text(), server_default='[]', nullable=False))
    op.create_table('milestone',
    sa.Column('indicator_id', sa.String(length=36), nullable=False),
    sa.Column('org_code', sa.String(length=12), nullable=False),
    sa.Column('done_on', sa.Date(), nullable=True),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.Column('changed_by', sa.String(length=50), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('updated_at', zkdesk.store.base.UTCDateTime(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('origin', sa.String(length=12), nullable=False),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicator.id'], name=op.f('fk_milestone_indicator_id_indicator')),
    sa.ForeignKeyConstraint(['org_code'], ['org_unit.code'], name=op.f('fk_milestone_org_code_org_unit')),
    sa.ForeignKeyConstraint(['origin'], ['org_unit.code'], name=op.f('fk_milestone_origin_org_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_milestone')),
    sa.UniqueConstraint('indicator_id', 'org_code', name=op.f('uq_milestone_indicator_id_org_code'))
    )
    with op.batch_alter_table('milestone', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_milestone_indicator_id'), ['indicator_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_milestone_org_code'), ['org_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_milestone_origin'), ['origin'], unique=False)
    _growth_as_headcount()
    _shipped_terms()
    _shipped_milestones()


def _shipped_milestones() -> None:
    """The shipped catalog's qualitative tasks (version 3), added to a database that has the
    十四五 plan, as the catalog would add them (same ids), without touching other indicators."""
    conn = op.get_bind()
    plan_id = conn.execute(sa.text("SELECT id FROM plan WHERE code = :c"), {"c": SHIPPED_PLAN}).scalar()
    if plan_id is None:
        return
    indicator = sa.table('indicator', *(sa.column(c) for c in (
        'id', 'plan_id', 'code', 'item', 'sort_key', 'name', 'unit', 'kind', 'target_kind', 'level',
        'projection_method', 'comparator', 'target', 'target_year', 'numerator_label', 'denominator_label', 'source',
        'responsible', 'quote', 'terms', 'revision', 'updated_at', 'deleted', 'origin')))
    have = set(conn.execute(sa.text("SELECT code FROM indicator WHERE plan_id = :p"), {"p": plan_id}).scalars())
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    namespace = uuid.UUID("6f1c2a52-3c1e-4f6e-9a57-5a0d3c92d4a1")  # store/seed.py _NAMESPACE
    for code, item, name, quote in SHIPPED_MILESTONES:
        if code in have:
            continue
        number, _, seq = code.partition(".")
        conn.execute(indicator.insert().values(
            id=str(uuid.uuid5(namespace, f"indicator/{SHIPPED_PLAN}/{code}")), plan_id=plan_id, code=code, item=item,
            sort_key=f"{int(number):03d}.{int(seq):03d}", name=name, unit="项", kind="stock", target_kind="milestone",
            level="county_only", projection_method="line", comparator="ge", target=1.0, target_year=2025,
            numerator_label="", denominator_label="", source="", responsible="[]", quote=quote, terms="[]",
            revision=1, updated_at=now, deleted=False, origin="530924"))


def _shipped_terms() -> None:
    """The shipped catalog's per-term targets (12.1–12.4) compare the 2021 term with the 2016 one."""
    import json

    indicator = sa.table('indicator', sa.column('plan_id', sa.String), sa.column('code', sa.String),
                         sa.column('terms', sa.Text))
    plan = sa.table('plan', sa.column('id', sa.String), sa.column('code', sa.String))
    shipped = sa.select(plan.c.id).where(plan.c.code == SHIPPED_PLAN).scalar_subquery()
    op.execute(indicator.update().where(indicator.c.plan_id == shipped, indicator.c.code.in_(PER_TERM))
               .values(terms=json.dumps(SHIPPED_TERMS, ensure_ascii=False)))


def _growth_as_headcount() -> None:
    conn = op.get_bind()
    indicator = sa.table('indicator', sa.column('id', sa.String), sa.column('plan_id', sa.String),
                         sa.column('kind', sa.String), sa.column('target_kind', sa.String))
    plan = sa.table('plan', sa.column('id', sa.String), sa.column('code', sa.String),
                    sa.column('start_year', sa.Integer), sa.column('catalog_version', sa.Integer))
    value = sa.table('indicator_value', sa.column('id', sa.String), sa.column('indicator_id', sa.String),
                     sa.column('org_code', sa.String), sa.column('year', sa.Integer), sa.column('value', sa.Float),
                     sa.column('deleted', sa.Boolean))
    baseline = sa.table('indicator_baseline', *(sa.column(c) for c in (
        'id', 'indicator_id', 'org_code', 'value', 'numerator', 'denominator', 'note', 'changed_by', 'revision',
        'updated_at', 'deleted', 'origin')))
    growth = conn.execute(
        sa.select(indicator.c.id, plan.c.start_year).join(plan, plan.c.id == indicator.c.plan_id)
        .where(indicator.c.target_kind == 'growth_over_baseline', indicator.c.kind == 'cumulative')).all()
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    for indicator_id, start_year in growth:
        rows = conn.execute(
            sa.select(value.c.id, value.c.org_code, value.c.year, value.c.value)
            .where(value.c.indicator_id == indicator_id, value.c.deleted.is_(False), value.c.value.is_not(None),
                   value.c.year >= start_year)
            .order_by(value.c.org_code, value.c.year)).all()
        totals: dict[str, float] = {}
        for row_id, org, _year, amount in rows:
            totals[org] = totals.get(org, 0.0) + amount
            conn.execute(value.update().where(value.c.id == row_id).values(value=totals[org]))
        for org in totals:
            conn.execute(baseline.insert().values(
                id=str(uuid.uuid4()), indicator_id=indicator_id, org_code=org, value=0.0, numerator=None,
                denominator=None, note=CONVERTED_NOTE, changed_by='', revision=1, updated_at=now, deleted=False,
                origin=org))
        conn.execute(indicator.update().where(indicator.c.id == indicator_id).values(kind='stock'))
    conn.execute(plan.update().where(plan.c.code == SHIPPED_PLAN, plan.c.catalog_version < 3).values(catalog_version=3))



def downgrade() -> None:
    with op.batch_alter_table('milestone', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_milestone_origin'))
        batch_op.drop_index(batch_op.f('ix_milestone_org_code'))
        batch_op.drop_index(batch_op.f('ix_milestone_indicator_id'))

    op.drop_table('milestone')
    with op.batch_alter_table('indicator', schema=None) as batch_op:
        batch_op.drop_column('terms')
    with op.batch_alter_table('indicator_baseline', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_indicator_baseline_origin'))
        batch_op.drop_index(batch_op.f('ix_indicator_baseline_org_code'))
        batch_op.drop_index(batch_op.f('ix_indicator_baseline_indicator_id'))

    op.drop_table('indicator_baseline')
