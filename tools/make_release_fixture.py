"""Write the fixture database of a released schema, for the migration tests:
`python tools/make_release_fixture.py tests/fixtures/zkdesk-X.Y.Z-....sqlite3 [--demo]`.
With --demo the database also holds the demo county, so data migrations are tested on real
records. Run it once at each release, at that release's code; never regenerate an old one."""

import sys
from pathlib import Path

from zkdesk.services.office import initialise
from zkdesk.store.migrate import open_database


def main() -> None:
    target = Path(sys.argv[1])
    target.unlink(missing_ok=True)
    db = open_database(target, target.parent / "unused-backups")
    with db.session() as s:
        initialise(s, "530924", "admin", "fixture-password-1", "管理员")
    if "--demo" in sys.argv[2:]:
        from zkdesk.services.demo import fill_demo

        with db.session() as s:
            fill_demo(s)
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.exec_driver_sql("PRAGMA journal_mode=DELETE")
    db.dispose()


if __name__ == "__main__":
    main()
