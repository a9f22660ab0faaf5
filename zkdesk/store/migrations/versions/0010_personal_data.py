"""personal data sealed: ID and phone numbers encrypted with the data key, a keyed hash beside the ID number

The columns holding ID and phone numbers (nomination.id_number and phone, studio.lead_id_number
and lead_phone, enterprise.contact_phone) widen to hold a sealed value (store/sealed.py);
nomination gets `id_number_hmac` (the keyed hash duplicate checks and the natural key use) and
loses the index on the number itself. When the data key is at hand here — a database upgraded
from before 0009_key_slots, whose key waits in `data_key_pending` — every value is sealed now.
Otherwise (no password is known during a migration) the values stay as they are until the first
login that unlocks the key, which seals them (services.key_slots).

Revision ID: 0010_personal_data
Revises: 0009_key_slots
"""
from alembic import op
import sqlalchemy as sa


revision = '0010_personal_data'
down_revision = '0009_key_slots'
branch_labels = None
depends_on = None

_WIDENED = {
    'nomination': ((('id_number', 18), ('phone', 30))),
    'studio': (('lead_phone', 30), ('lead_id_number', 18)),
    'enterprise': (('contact_phone', 30),),
}


def upgrade() -> None:
    with op.batch_alter_table('nomination', schema=None) as batch_op:
        batch_op.add_column(sa.Column('id_number_hmac', sa.String(length=64), server_default='', nullable=False))
        batch_op.drop_index('ix_nomination_id_number')
        batch_op.create_index(batch_op.f('ix_nomination_id_number_hmac'), ['id_number_hmac'], unique=False)
    for table, columns in _WIDENED.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column, length in columns:
                batch_op.alter_column(column, existing_type=sa.String(length=length), type_=sa.String(length=200),
                                      existing_nullable=False)

    from zkdesk.store import key_material as km
    from zkdesk.store import sealed

    conn = op.get_bind()
    pending = conn.execute(sa.text("SELECT value FROM setting WHERE key = :k"), {"k": km.PENDING_KEY}).scalar()
    if not pending:
        return  # sealed at the first login that unlocks the key
    tables = {
        name: sa.table(name, sa.column('id', sa.String), *(sa.column(c, sa.String) for c, _ in columns),
                       *(sa.column(h, sa.String) for h in sealed.HMAC_COLUMNS.get(name, {}).values()))
        for name, columns in _WIDENED.items()
    }
    sealed.seal_plain_values(conn, km.unb64(pending), tables)


def downgrade() -> None:
    raise NotImplementedError("the personal numbers are sealed; restore the backup made before the upgrade")
