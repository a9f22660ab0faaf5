"""Alembic environment: runs on the connection zkdesk hands over (see store/migrate.py)."""

from alembic import context

from zkdesk.store import models  # noqa: F401  registers every table
from zkdesk.store.base import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("zkdesk migrations run through zkdesk.store.migrate, with a connection")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies the table
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
