"""Write a new alembic migration from the difference between the models and the last
migration: `python tools/new_migration.py "what changed"`. Review the file it writes."""

import sys
import tempfile
from pathlib import Path

from alembic import command

from zkdesk.store.engine import Database
from zkdesk.store.migrate import _run, alembic_config


def main() -> None:
    message = sys.argv[1] if len(sys.argv) > 1 else "schema change"
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(Path(tmp) / "scratch.sqlite3")
        _run(db, command.upgrade, "head")
        cfg = alembic_config()
        with db.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.revision(cfg, message=message, autogenerate=True)
        db.dispose()


if __name__ == "__main__":
    main()
