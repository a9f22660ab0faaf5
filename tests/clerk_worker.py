"""One clerk's process for the concurrency tests (tests/unit/test_concurrent_clerks.py): opens
the office database given on the command line and either edits records or imports a package,
printing one JSON line per outcome. Started many times at once."""

from __future__ import annotations

import json
import random
import sys
import time
from dataclasses import replace
from pathlib import Path

from zkdesk.domain.roles import Role
from zkdesk.services.actor import Actor
from zkdesk.services.enterprises import get_enterprise, update_enterprise
from zkdesk.services.records import RecordChanged
from zkdesk.store.engine import DatabaseBusy
from zkdesk.store.migrate import open_database


def say(**kw) -> None:
    sys.stdout.write(json.dumps(kw, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def edit(target: str, worker: int, ids: list[str], rounds: int, office: str) -> None:
    """Each round: load an enterprise as a form would, think, append a token to its note and save
    with the revision the form saw."""
    actor = Actor(username=f"clerk{worker}", display_name=f"录入员{worker}", role=Role.CLERK, office_code=office)
    rng = random.Random(worker)
    db = open_database(target)
    try:
        for k in range(rounds):
            rid = rng.choice(ids)
            with db.read_session() as s:
                detail = get_enterprise(s, actor, rid)
            time.sleep(rng.random() * 0.02)  # the clerk types
            token = f"w{worker}-{k}"
            data = replace(detail.data, note=f"{detail.data.note}|{token}")
            try:
                with db.session() as s:
                    update_enterprise(s, actor, rid, data, seen_revision=detail.revision)
                say(kind="saved", id=rid, token=token)
            except RecordChanged as exc:
                say(kind="conflict", id=rid, token=token, changed_by=list(exc.changed_by), message=str(exc),
                    seen=exc.seen_revision, current=exc.current_revision)
            except DatabaseBusy as exc:
                say(kind="busy", id=rid, token=token, message=str(exc))
    finally:
        db.dispose()


def import_package(target: str, package: str, backups: str, trust: str, office: str) -> None:
    from zkdesk.exchange.importing import import_packages
    from zkdesk.output.catalog import user_forms_dir

    from tests.conftest import PASSWORD
    from zkdesk.services.auth import login_and_commit

    db = open_database(target)
    try:
        actor = login_and_commit(db, "admin", PASSWORD)  # a login unlocks the office's keys in this process
        assert actor.office_code == office
        (result,) = import_packages(db, actor, [Path(package)], Path(backups), trust={trust},
                                    forms_dir=user_forms_dir(Path(backups).parent))
        say(kind="imported", sender=result.sender, sequence=result.sequence, error=result.error,
            counts=result.counts, applied=result.applied, duplicate=result.duplicate, warnings=list(result.warnings))
    finally:
        db.dispose()


if __name__ == "__main__":
    mode, target = sys.argv[1], sys.argv[2]
    if mode == "edit":
        edit(target, int(sys.argv[3]), sys.argv[4].split(","), int(sys.argv[5]), sys.argv[6])
    else:
        import_package(target, sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6])
