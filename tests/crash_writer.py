"""Writes import-like transactions into a zkdesk database until it is killed.

Run by tests/unit/test_crash.py as `python crash_writer.py HOME ROWS TAG`. Each round does what
an importer does through the services: a backup first (backup_now, trigger "import"), then one
transaction adding ROWS enterprises with their audit entry. After each commit it prints
"committed TAG-N", so the test knows which imports must have survived the kill.
"""

from __future__ import annotations

import sys
from pathlib import Path

from zkdesk.config import Home
from zkdesk.services import audit
from zkdesk.services.backups import backup_now
from zkdesk.store.migrate import open_database
from zkdesk.store.models import Enterprise

TOWNSHIP = "530924103"


def main() -> None:
    home = Home(Path(sys.argv[1]))
    rows, tag = int(sys.argv[2]), sys.argv[3]
    db = open_database(home.db_path, home.backups_dir)
    print("ready", flush=True)
    n = 0
    while True:
        batch = f"{tag}-{n}"
        backup_now(home, home.db_path, "import")
        with db.session() as s:
            for i in range(rows):
                s.add(Enterprise(name=f"{batch}-{i}", township_code=TOWNSHIP, origin=TOWNSHIP, note=batch))
                if i % 200 == 199:
                    s.flush()  # pages reach the WAL long before the commit
            audit.record(s, "crash-test", "import", "enterprise", batch, {"rows": rows})
        print(f"committed {batch}", flush=True)
        n += 1


if __name__ == "__main__":
    main()
