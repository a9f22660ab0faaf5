"""Several clerks at once, each in a process of their own, on one office database (the SQLite
file; on the PostgreSQL pass a server database): every save over someone else's newer change
is refused and reported with who made it, no saved change is lost, the audit chain holds; and
packages imported at the same moment are all applied, exactly once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

from sqlalchemy import select

from tests.conftest import COUNTY
from tests.unit.exchange_world import TOWNSHIPS, make_office_at
from tests.unit.test_exchange_roundtrip import township_data
from zkdesk.services.audit import verify_chain
from zkdesk.services.enterprises import EnterpriseInput, create_enterprise
from zkdesk.store.models import AuditEntry, AwardSession, Enterprise, ExchangeInbound
from zkdesk.store.seed import seed_id

WORKER = Path(__file__).resolve().parents[1] / "clerk_worker.py"
ROOT = Path(__file__).resolve().parents[2]
CLERKS, ROUNDS, RECORDS = 8, 20, 4


def _target(db) -> str:
    return str(db.path) if db.path else db.url.render_as_string(hide_password=False)


def _start(*args: str) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen([sys.executable, str(WORKER), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, encoding="utf-8", env=env, cwd=str(ROOT))


def _outcomes(procs: list[subprocess.Popen]) -> list[dict]:
    lines = []
    for p in procs:
        out, err = p.communicate(timeout=600)
        assert p.returncode == 0, err
        lines += [json.loads(line) for line in out.splitlines() if line.strip()]
    return lines


def test_eight_clerks_editing_the_same_records_lose_no_update_and_every_conflict_is_reported(county_db):
    db, admin = county_db
    with db.session() as s:
        ids = [create_enterprise(s, admin, EnterpriseInput(name=f"共用企业{i}", township_code="530924103")).id
               for i in range(RECORDS)]
    procs = [_start("edit", _target(db), str(w), ",".join(ids), str(ROUNDS), COUNTY) for w in range(CLERKS)]
    outcomes = _outcomes(procs)

    assert len(outcomes) == CLERKS * ROUNDS
    kinds = Counter(o["kind"] for o in outcomes)
    assert kinds["busy"] == 0 and kinds["saved"] + kinds["conflict"] == CLERKS * ROUNDS
    assert kinds["conflict"] > 0, "eight clerks on four records must collide"
    saved = {rid: [o["token"] for o in outcomes if o["kind"] == "saved" and o["id"] == rid] for rid in ids}
    with db.read_session() as s:
        for rid in ids:
            ent = s.get(Enterprise, rid)
            kept = [t for t in ent.note.split("|") if t]
            # every saved change is in the note, once, each built on the one before it
            assert sorted(kept) == sorted(saved[rid]), rid
            assert ent.revision == 1 + len(saved[rid])
        updates = s.scalars(select(AuditEntry).where(AuditEntry.action == "update", AuditEntry.entity == "enterprise")).all()
        assert len(updates) == kinds["saved"]
        assert verify_chain(s).ok
    for o in outcomes:
        if o["kind"] == "conflict":
            me = f"clerk{o['token'][1:].split('-')[0]}"
            assert o["current"] > o["seen"]
            assert o["changed_by"] and all(name.startswith("clerk") for name in o["changed_by"])
            assert me not in o["changed_by"] or len(o["changed_by"]) > 1 or o["current"] - o["seen"] > 1
            assert "重新载入" in o["message"] and "仍然覆盖" in o["message"]


def test_packages_imported_at_the_same_moment_are_all_applied_exactly_once(tmp_path):
    """Seven townships' reports, and one of them twice, imported by eight processes at once."""
    county = make_office_at(tmp_path, COUNTY)
    towns = {code: make_office_at(tmp_path, code) for code in TOWNSHIPS}
    try:
        with county.db.session() as s:  # a township's report carries a nomination for this session
            s.add(AwardSession(id=seed_id("award", 5), origin=COUNTY, name="第五届镇康县劳动模范", number=5, year=2026))
        county.export(tmp_path / "usb1")
        for town in towns.values():
            town.applied(tmp_path / "usb1", trust=[county.fingerprint])
            township_data(town)
            (report,) = town.export(tmp_path / "usb2")
        packages = sorted((tmp_path / "usb2").glob("*.zkx"))
        assert len(packages) == 7
        with county.db.read_session() as s:
            before = s.scalar(select(Enterprise.id).limit(1)), len(s.scalars(select(Enterprise.id)).all())
        prints = {code: town.fingerprint for code, town in towns.items()}
        jobs = [*packages, packages[0]]
        procs = [
            _start("import", _target(county.db), str(p), str(county.backups), prints[_sender(p, towns)], COUNTY)
            for p in jobs
        ]
        outcomes = _outcomes(procs)
        assert [o["error"] for o in outcomes] == [None] * 8
        applied = [o for o in outcomes if o["applied"]]
        assert sorted(o["sender"] for o in applied) == sorted(TOWNSHIPS)  # each once
        assert all(o["counts"]["new"] == 8 and o["counts"]["rejected"] == 0 for o in applied)
        assert sum(1 for o in outcomes if o["duplicate"]) == 1
        with county.db.read_session() as s:
            assert len(s.scalars(select(Enterprise.id)).all()) == before[1] + 2 * 7
            assert len(s.scalars(select(ExchangeInbound.id)).all()) == 7
            assert verify_chain(s).ok
    finally:
        for office in [county, *towns.values()]:
            office.db.dispose()


def _sender(package: Path, towns) -> str:
    from zkdesk.exchange.container import unseal
    from zkdesk.exchange.importing import read_package

    return unseal(read_package(package), package.name).sender
