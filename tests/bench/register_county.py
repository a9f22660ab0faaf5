"""A county with large registers, for the list benchmarks: 100,000 enterprises (year rows over
several years, 60 % with a union), 30,000 contracts with coverage lists and evaluations,
20,000 nominations over 10 award sessions, 2,000 studios with members, and audit entries.
Built through the program's own store (open_database, the office service, Core bulk inserts
into the models' tables) and cached in a folder keyed by its size and the schema.

The shared city-size county is tests/bench/big_county.build_big_county (same call, more
registers); `county_builder()` takes it when present and this smaller one otherwise, so the
list benchmarks run on either.

    python tests/bench/register_county.py 100000     # build it once, print where it is
"""

from __future__ import annotations

import json
import random
import sqlite3
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sqlalchemy import insert  # noqa: E402

from zkdesk.domain import choices  # noqa: E402
from zkdesk.domain.idcard import id_check_char  # noqa: E402
from zkdesk.domain.orgcodes import COUNTY_CODE  # noqa: E402
from zkdesk.domain.uscc import CHARSET, uscc_check_char  # noqa: E402
from zkdesk.store import models as m  # noqa: E402
from zkdesk.store.migrate import head_revision, open_database  # noqa: E402

ADMIN_USER = "admin"
ADMIN_PASSWORD = "big-county-admin-9"
BUILD_VERSION = 1  # raise when what is built changes
TOWNSHIPS = ("530924101", "530924102", "530924103", "530924201", "530924202", "530924204", "530924205")
FIRST_YEAR, LAST_YEAR = 2016, 2025
BATCH = 5_000


def county_builder():
    """build_big_county from tests/bench/big_county.py where it exists, else this module's."""
    try:
        from tests.bench.big_county import build_big_county
    except ImportError:
        return build_register_county
    return build_big_county


def build_register_county(folder: Path, enterprises: int = 100_000, contracts: int = 30_000, nominations: int = 20_000,
                          studios: int = 2_000, audit_entries: int = 50_000, seed: int = 16, **_ignored) -> Path:
    """The .sqlite3 file of a county of this size, built once per size and schema."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    name = (f"register-county-e{enterprises}-c{contracts}-n{nominations}-s{studios}-a{audit_entries}-r{seed}"
            f"-{head_revision()}-v{BUILD_VERSION}.sqlite3")
    path = folder / name
    if path.exists():
        return path
    partial = path.with_suffix(".building")
    for leftover in folder.glob(partial.name + "*"):
        leftover.unlink()
    rng = random.Random(seed)
    db = open_database(partial, folder / "backups-of-building")
    try:
        from zkdesk.services.office import initialise

        with db.session() as s:
            initialise(s, COUNTY_CODE, ADMIN_USER, ADMIN_PASSWORD, "管理员")
        with db.session() as s:
            ids = _enterprises(s, rng, enterprises)
            _contracts(s, rng, ids, contracts)
            _nominations(s, rng, ids, nominations)
            _studios(s, rng, ids, studios)
            _audit(s, rng, audit_entries)
    finally:
        db.dispose()
    con = sqlite3.connect(partial)  # fold the WAL into the file: the copy the benchmarks open is one file
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        con.close()
    for suffix in ("-wal", "-shm"):
        Path(str(partial) + suffix).unlink(missing_ok=True)
    partial.rename(path)
    return path


def _travelling(origin: str) -> dict:
    return {"revision": 1, "updated_at": datetime.now(UTC), "deleted": False, "origin": origin}


def _insert(session, model, rows: list[dict]) -> None:
    for i in range(0, len(rows), BATCH):
        session.execute(insert(model), rows[i:i + BATCH])


def _uuid(rng: random.Random) -> str:
    return "%08x-%04x-4%03x-a%03x-%012x" % (rng.getrandbits(32), rng.getrandbits(16), rng.getrandbits(12),
                                             rng.getrandbits(12), rng.getrandbits(48))


def _uscc(rng: random.Random) -> str:
    body = "9153092" + "4" + "MA" + "".join(rng.choice(CHARSET) for _ in range(7))
    return body + uscc_check_char(body)


def _enterprises(session, rng: random.Random, count: int) -> list[tuple[str, str, int]]:
    """(id, township, base employees) of every enterprise."""
    made, years, unions, rows = [], [], [], []
    for n in range(count):
        township = TOWNSHIPS[n % len(TOWNSHIPS)]
        eid = _uuid(rng)
        base = rng.choice((rng.randint(5, 60), rng.randint(60, 99), rng.randint(100, 800)))
        ownership = rng.choices(("国有", "集体", "非公", "外资", "港澳台"), weights=(10, 4, 80, 4, 2))[0]
        uscc = "" if rng.random() < 0.02 else _uscc(rng)
        rows.append({"id": eid, **_travelling(township), "name": f"镇康县第{n + 1}号企业有限公司", "uscc": uscc,
                     "township_code": township, "ownership": ownership, "industry": rng.choice(choices.INDUSTRIES),
                     "is_company": rng.random() < 0.9, "address": "", "contact_person": "", "contact_phone": "",
                     "note": "基准测试"})
        first = rng.randint(FIRST_YEAR, LAST_YEAR)
        for year in sorted({first, *(rng.randint(first, LAST_YEAR) for _ in range(2))}):
            status = "停产" if rng.random() < 0.03 else ("注销" if rng.random() < 0.01 else "正常经营")
            years.append({"id": _uuid(rng), **_travelling(township), "enterprise_id": eid, "year": year,
                          "employees": max(3, base + rng.randint(-20, 20)), "status_date": None,
                          "operating_status": status})
        if rng.random() < 0.6:
            established = date(rng.randint(2005, LAST_YEAR), rng.randint(1, 12), rng.randint(1, 28))
            unions.append({"id": _uuid(rng), **_travelling(township), "enterprise_id": eid, "established_on": established,
                           "members": base // 2, "chair": "", "congress": rng.random() < 0.7,
                           "congress_on": established, "openness": rng.random() < 0.65, "openness_on": established,
                           "worker_director": False, "worker_supervisor": False})
        made.append((eid, township, base))
    _insert(session, m.Enterprise, rows)
    _insert(session, m.EnterpriseYear, years)
    _insert(session, m.EnterpriseUnion, unions)
    return made


def _contracts(session, rng: random.Random, enterprises: list[tuple[str, str, int]], count: int) -> None:
    rows, coverage, evaluations, evaluated = [], [], [], set()
    for _ in range(count):
        eid, township, base = rng.choice(enterprises)
        kind = rng.choices(choices.CONTRACT_TYPES, weights=(60, 20, 10, 6, 4))[0]
        signed = date(rng.randint(FIRST_YEAR, LAST_YEAR), rng.randint(1, 12), rng.randint(1, 28))
        term = rng.choice((1, 2, 3))
        cid = _uuid(rng)
        multi = kind in ("区域性集体合同", "行业性集体合同")
        rows.append({"id": cid, **_travelling(township), "enterprise_id": None if multi else eid,
                     "township_code": township, "kind": kind, "title": f"{kind}", "signed_alone": rng.random() < 0.8,
                     "negotiation_established": rng.random() < 0.9, "signed_on": signed, "term_years": term,
                     "expires_on": date(signed.year + term, signed.month, signed.day) - timedelta(days=1),
                     "filed_on": signed + timedelta(days=5), "review_opinion": "", "review_objection": rng.random() < 0.02,
                     "effective_on": signed + timedelta(days=20), "wage_increase_pct": 3.0, "employees_covered": base,
                     "note": ""})
        if multi:
            for covered in {rng.choice(enterprises)[0] for _ in range(rng.randint(3, 12))}:
                coverage.append({"id": _uuid(rng), **_travelling(township), "contract_id": cid, "enterprise_id": covered})
        for year in (signed.year, min(LAST_YEAR, signed.year + 1)):
            if not multi and (eid, year) not in evaluated and rng.random() < 0.5:
                evaluated.add((eid, year))
                respondents = max(5, base // 5)
                evaluations.append({"id": _uuid(rng), **_travelling(township), "enterprise_id": eid, "year": year,
                                    "score_parties": 16.0, "score_procedure": 16.0, "score_content": 16.0,
                                    "score_performance": 16.0, "score_overall": rng.uniform(10, 20),
                                    "score_total": round(rng.uniform(60, 98), 1), "respondents": respondents,
                                    "aware": int(respondents * 0.9), "satisfied": int(respondents * 0.8)})
    _insert(session, m.CollectiveContract, rows)
    _insert(session, m.ContractCoverage, coverage)
    _insert(session, m.QualityEvaluation, evaluations)


def _id_number(rng: random.Random) -> str:
    birth = date(rng.randint(1965, 1998), rng.randint(1, 12), rng.randint(1, 28))
    first17 = f"530924{birth:%Y%m%d}{rng.randrange(1000):03d}"
    return first17 + id_check_char(first17)


def _nominations(session, rng: random.Random, enterprises, count: int) -> None:
    sessions = []
    for number in range(1, 11):
        sessions.append({"id": _uuid(rng), **_travelling(COUNTY_CODE), "name": f"第{number}届镇康县劳动模范",
                         "number": number, "year": 2006 + 2 * number, "honour_type": "劳动模范", "level": "县级",
                         "quota": 30})
    _insert(session, m.AwardSession, sessions)
    rows = []
    for n in range(count):
        award = rng.choice(sessions)
        eid, township, _base = rng.choice(enterprises)
        rows.append({"id": _uuid(rng), **_travelling(township), "session_id": award["id"], "township_code": township,
                     "name": f"测试人员{n + 1}", "gender": "男", "ethnicity": "汉族", "birth_date": None,
                     "id_number": _id_number(rng), "political_status": "群众", "education": "",
                     "employer": f"镇康县第{n + 1}号企业有限公司", "enterprise_id": eid, "job_title": "",
                     "phone": "13800000000", "category": rng.choice(choices.PERSON_CATEGORIES), "industrial_worker": True,
                     "earlier_honours": "", "deeds_short": "", "deeds_full": "", "photo": None,
                     "status": rng.choice(("honoured", "honoured", "rejected", "county_reviewed", "draft")),
                     "publicity_start": None, "publicity_end": None, "objections": ""})
    _insert(session, m.Nomination, rows)


def _studios(session, rng: random.Random, enterprises, count: int) -> None:
    rows, members = [], []
    for n in range(count):
        eid, township, _base = rng.choice(enterprises)
        applied = date(rng.randint(FIRST_YEAR, LAST_YEAR), rng.randint(1, 12), rng.randint(1, 28))
        named = applied + timedelta(days=90) if rng.random() < 0.7 else None
        sid = _uuid(rng)
        rows.append({"id": sid, **_travelling(township), "name": f"第{n + 1}号职工创新工作室",
                     "kind": rng.choice(choices.STUDIO_TYPES), "enterprise_id": eid, "host_name": "",
                     "township_code": township, "industry": "其他", "lead_name": "测试", "lead_honours": "",
                     "lead_phone": "13900000000", "lead_id_number": "", "level": rng.choice(("县级", "县级", "市级", "省级")),
                     "status": "命名" if named else "申报", "applied_on": applied, "named_on": named, "reviewed_on": None,
                     "revoked_on": None, "naming_doc_no": "", "room_notes": "", "equipment_notes": "", "funding_notes": ""})
        for _ in range(4):
            members.append({"id": _uuid(rng), **_travelling(township), "studio_id": sid, "name": "成员", "job": "",
                            "skill_level": "技师"})
    _insert(session, m.Studio, rows)
    _insert(session, m.StudioMember, members)


def _audit(session, rng: random.Random, count: int) -> None:
    """Audit entries appended after the office's own (not a valid hash chain: the list
    benchmarks only read them)."""
    start = datetime(2021, 1, 1, tzinfo=UTC)
    rows = []
    for n in range(count):
        action = rng.choice(("create", "update", "update", "delete", "login", "export"))
        rows.append({"at": start + timedelta(minutes=15 * n), "username": rng.choice(("admin", "clerk1", "clerk2")),
                     "action": action, "entity": rng.choice(("enterprise", "nomination", "studio", "user")),
                     "entity_id": _uuid(rng), "details": json.dumps({"new": {"name": f"第{n}号"}}, ensure_ascii=False),
                     "prev_hash": "", "hash": f"{n:064x}"})
    _insert(session, m.AuditEntry, rows)


if __name__ == "__main__":
    import tempfile
    import time

    started = time.perf_counter()
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    built = county_builder()(Path(tempfile.gettempdir()) / "zkdesk-bench", enterprises=size)
    print(f"{built} ({built.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - started:.1f} s")
