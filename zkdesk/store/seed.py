"""Load the shipped data files: org units and plan catalogs. Idempotent.

Seed records get deterministic UUIDs (uuid5 of their natural keys), so the county's and
every township's database give the same catalog the same ids without exchanging it first.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from zkdesk.domain.orgcodes import COUNTY_CODE
from zkdesk.domain.progress import (
    BOTH, COMPARATORS, GROWTH, KINDS, LEVELS, LINE, PER_TERM, PROJECTIONS, STOCK, TARGET_KINDS,
)
from zkdesk.paths import plans_dir, resources_dir
from zkdesk.store.models import Indicator, OrgUnit, Plan, PlanItem

_NAMESPACE = uuid.UUID("6f1c2a52-3c1e-4f6e-9a57-5a0d3c92d4a1")



def seed_id(*parts: object) -> str:
    return str(uuid.uuid5(_NAMESPACE, "/".join(str(p) for p in parts)))


class CatalogError(ValueError):
    """A plan catalog file is malformed. Chinese message naming the file and entry."""


def shipped_org_units(path: Path | None = None) -> list[dict]:
    """The entries of resources/orgunits.toml, in the file's order."""
    return tomllib.loads((path or resources_dir() / "orgunits.toml").read_text(encoding="utf-8"))["org"]


def load_org_units(session: Session, path: Path | None = None) -> int:
    """Insert missing org units from resources/orgunits.toml; returns how many were added."""
    existing = set(session.scalars(select(OrgUnit.code)))
    added = 0
    # parents first, so the self-reference is satisfied at every flush
    for entry in sorted(shipped_org_units(path), key=lambda e: len(e["code"])):
        if entry["code"] in existing:
            continue
        session.add(
            OrgUnit(
                code=entry["code"],
                name=entry["name"],
                short_name=entry["short_name"],
                level=entry["level"],
                parent_code=entry.get("parent") or None,
                sort_order=entry.get("sort", 0),
            )
        )
        session.flush()
        added += 1
    return added


@dataclass(frozen=True)
class CatalogSummary:
    plan_code: str
    created: bool
    indicators_added: int
    indicators_updated: int


def _check_indicator(entry: dict, where: str) -> None:
    for key in ("code", "item", "name", "unit", "kind", "comparator", "target_year"):
        if key not in entry:
            raise CatalogError(f"{where}：缺少“{key}”")
    if entry["kind"] not in KINDS:
        raise CatalogError(f"{where}：指标类型“{entry['kind']}”无效")
    if entry.get("target_kind", entry["kind"]) not in TARGET_KINDS:
        raise CatalogError(f"{where}：目标类型“{entry['target_kind']}”无效")
    if entry.get("level", BOTH) not in LEVELS:
        raise CatalogError(f"{where}：填报层级“{entry['level']}”无效")
    if entry.get("projection", LINE) not in PROJECTIONS:
        raise CatalogError(f"{where}：预测方式“{entry['projection']}”无效")
    if entry.get("target_kind") == GROWTH and entry["kind"] != STOCK:
        raise CatalogError(f"{where}：比基期增加的指标须按存量（每年年末数）填报（kind = \"stock\"）")
    terms = entry.get("terms", [])
    if not isinstance(terms, list) or any(not isinstance(t, dict) or not isinstance(t.get("year"), int)
                                          or not str(t.get("label", "")).strip() for t in terms):
        raise CatalogError(f"{where}：届次（terms）应为若干个 {{ label = \"…\", year = 年份 }}")
    if [t["year"] for t in terms] != sorted({t["year"] for t in terms}):
        raise CatalogError(f"{where}：届次应按年份从早到晚排列，年份不重复")
    if entry.get("target_kind") == PER_TERM and len(terms) < 2:
        raise CatalogError(f"{where}：“不低于上一届”的指标须列出至少两届（上一届和本届）及其年份")
    if entry["comparator"] not in COMPARATORS:
        raise CatalogError(f"{where}：比较方式“{entry['comparator']}”无效")
    if entry["comparator"] != "not_below_last" and entry.get("target") is None:
        raise CatalogError(f"{where}：缺少目标值")
    if entry["kind"] == "rate" and not (entry.get("numerator") and entry.get("denominator")):
        raise CatalogError(f"{where}：比率指标须写明分子和分母")


def _sort_key(code: str) -> str:
    item, _, seq = code.partition(".")
    return f"{int(item):03d}.{int(seq or 0):03d}"


def load_plan_catalog(session: Session, path: Path) -> CatalogSummary:
    """Create or update one plan from a catalog file. Running it twice changes nothing."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CatalogError(f"规划目录文件 {path.name} 无法读取：{exc}") from exc
    head = data.get("plan") or {}
    code = head.get("code")
    if not code:
        raise CatalogError(f"规划目录文件 {path.name} 缺少 [plan] code")
    origin = head.get("owner", COUNTY_CODE)
    plan = session.get(Plan, seed_id("plan", code))
    created = plan is None
    fields = dict(
        code=code,
        name=head["name"],
        short_name=head.get("short_name", code),
        document=head.get("document", ""),
        start_year=int(head["start_year"]),
        end_year=int(head["end_year"]),
        catalog_version=int(head.get("catalog_version", 1)),
    )
    if created:
        plan = Plan(id=seed_id("plan", code), origin=origin, **fields)
        session.add(plan)
    elif plan.catalog_version >= fields["catalog_version"]:
        # Already loaded at this version (or edited later in the program): keep what is there.
        return CatalogSummary(code, False, 0, 0)
    else:
        for key, value in fields.items():
            setattr(plan, key, value)
    session.flush()

    for entry in data.get("item", []):
        item = session.get(PlanItem, seed_id("plan-item", code, entry["number"]))
        values = dict(
            plan_id=plan.id,
            number=int(entry["number"]),
            section=entry.get("section", ""),
            title=entry["title"],
            responsible=json.dumps(entry.get("responsible", []), ensure_ascii=False),
        )
        if item is None:
            session.add(PlanItem(id=seed_id("plan-item", code, entry["number"]), origin=origin, **values))
        else:
            for key, value in values.items():
                setattr(item, key, value)

    added = updated = 0
    seen: set[str] = set()
    for n, entry in enumerate(data.get("indicator", []), start=1):
        where = f"{path.name} 第{n}个指标（{entry.get('code', '?')}）"
        _check_indicator(entry, where)
        if entry["code"] in seen:
            raise CatalogError(f"{where}：编号重复")
        seen.add(entry["code"])
        values = dict(
            plan_id=plan.id,
            code=entry["code"],
            item=int(entry["item"]),
            sort_key=_sort_key(entry["code"]),
            name=entry["name"],
            unit=entry["unit"],
            kind=entry["kind"],
            target_kind=entry.get("target_kind", entry["kind"]),
            level=entry.get("level", BOTH),
            projection_method=entry.get("projection", LINE),
            comparator=entry["comparator"],
            target=None if entry.get("target") is None else float(entry["target"]),
            target_year=int(entry["target_year"]),
            numerator_label=entry.get("numerator", ""),
            denominator_label=entry.get("denominator", ""),
            source=entry.get("source", ""),
            responsible=json.dumps(entry.get("responsible", []), ensure_ascii=False),
            quote=entry.get("quote", ""),
            terms=json.dumps([{"label": t["label"], "year": t["year"]} for t in entry.get("terms", [])],
                             ensure_ascii=False),
        )
        ind_id = seed_id("indicator", code, entry["code"])
        indicator = session.get(Indicator, ind_id)
        if indicator is None:
            session.add(Indicator(id=ind_id, origin=origin, **values))
            added += 1
        else:
            for key, value in values.items():
                setattr(indicator, key, value)
            updated += 1
    session.flush()
    return CatalogSummary(code, created, added, updated)


def shipped_catalogs() -> list[Path]:
    return sorted(plans_dir().glob("*.toml"))


def shipped_departments(path: Path | None = None) -> list[dict]:
    """The entries of resources/departments.toml (the 责任单位), in the file's order."""
    return tomllib.loads((path or resources_dir() / "departments.toml").read_text(encoding="utf-8"))["department"]


def unnamed_department_code(name: str) -> str:
    """The code given to a 责任单位 a catalog names that departments.toml does not list: the same
    in every office (so the county's and a township's records are one)."""
    return "d" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]


def seed_duties(conn: Connection, departments: list[dict] | None = None) -> int:
    """Departments and duties from the plans' 责任单位 lists, once: the departments of
    resources/departments.toml that are missing are added; every indicator that has no duty
    record yet (not even a removed one) gets one per unit its list names (its own, else its
    item's): the first named leads (牵头), the others support (配合). A name the file does not
    list becomes a department of its own. Later edits are never overwritten. Core statements
    only, so that migrations run it too; returns how many duties were added."""
    department = sa.table("department", *(sa.column(c) for c in (
        "id", "code", "name", "full_name", "sort_order", "revision", "updated_at", "deleted", "origin")))
    duty = sa.table("indicator_duty", *(sa.column(c) for c in (
        "id", "indicator_id", "department_id", "role", "sort_order", "revision", "updated_at", "deleted", "origin")))
    now = datetime.now(UTC).replace(tzinfo=None)
    stamp = dict(revision=1, updated_at=now, deleted=False, origin=COUNTY_CODE)
    codes = {row.name: row.code for row in conn.execute(
        sa.select(department.c.name, department.c.code).where(department.c.deleted.is_(False))
        .order_by(department.c.sort_order.desc()))}
    known = {row.code: row.id for row in conn.execute(sa.select(department.c.code, department.c.id))}
    for entry in shipped_departments() if departments is None else departments:
        if entry["code"] not in known:
            known[entry["code"]] = seed_id("department", entry["code"])
            conn.execute(department.insert().values(
                id=known[entry["code"]], code=entry["code"], name=entry["name"],
                full_name=entry.get("full_name", ""), sort_order=entry.get("sort", 0), **stamp))
            codes.setdefault(entry["name"], entry["code"])
    items = {(row.plan_id, row.number): row.responsible for row in conn.execute(sa.text(
        "SELECT plan_id, number, responsible FROM plan_item WHERE deleted = :f"), {"f": False})}
    have = set(conn.execute(sa.select(duty.c.indicator_id).distinct()).scalars())
    added = 0
    for ind in conn.execute(sa.text("SELECT id, plan_id, item, responsible FROM indicator WHERE deleted = :f "
                                    "ORDER BY plan_id, sort_key"), {"f": False}):
        if ind.id in have:
            continue
        names = json.loads(ind.responsible or "[]") or json.loads(items.get((ind.plan_id, ind.item)) or "[]")
        seen: set[str] = set()
        for k, name in enumerate(n.strip() for n in names if n.strip()):
            code = codes.get(name)
            if code is None:
                code = unnamed_department_code(name)
                if code not in known:
                    known[code] = seed_id("department", code)
                    conn.execute(department.insert().values(
                        id=known[code], code=code, name=name, full_name="", sort_order=900 + len(known), **stamp))
                codes[name] = code
            if code in seen:
                continue
            conn.execute(duty.insert().values(
                id=seed_id("indicator-duty", ind.id, code), indicator_id=ind.id, department_id=known[code],
                role="co" if seen else "lead", sort_order=k, **stamp))
            seen.add(code)
            added += 1
    return added


def load_shipped_data(session: Session) -> list[CatalogSummary]:
    load_org_units(session)
    summaries = [load_plan_catalog(session, path) for path in shipped_catalogs()]
    seed_duties(session.connection())
    return summaries
