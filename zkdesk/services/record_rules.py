"""The field rules a record arriving by another way than a form or a sheet meets: a package's
records are checked by the same rules as the form and the Excel import (ID number check
digit, credit code, plausible dates, real numbers, no control characters, lengths the
columns hold, the register's own field rules), each failure a Chinese reason naming the field.
A nomination meets the form's checks (services/nominations.check_input: ID number, gender and
birth date agreeing with it, age in the 届次's year, the lists of choices, lengths of deeds), a
studio its own field rules (services/studios.studio_field_problems), a studio's yearly results
theirs (services/studio_results.result_problems); the record they need beside it (the 届次, the
studio) is the one the import leaves, found by the caller's `lookup`. A studio meets the form's
two checks reading other records too (services/studios.township_problem, host_problem): its
所在乡镇 is one of the county's townships (the org unit as the import leaves it, `lookup` of
ORG_UNIT) and its 依托企业 a live enterprise of that township (as the import leaves it).

Only the fields the package would change are judged: a stored value that breaks a rule made
later does not stop an update of another field. A rule that reads two fields (a birth date and
the ID number it must agree with, a status and its dates) is judged when either changes.
"""

from __future__ import annotations

import math
from functools import lru_cache
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Date, DateTime, String, Table

from zkdesk.domain.cell_text import has_control
from zkdesk.domain.contract_rules import contract_problems
from zkdesk.domain.dates import EARLIEST_YEAR, LATEST_YEAR
from zkdesk.domain.enterprise_rules import field_problems as enterprise_problems
from zkdesk.services.enterprises import UnionInput, YearInput, union_problems, year_problems
from zkdesk.services.nominations import NominationInput, check_input
from zkdesk.services.record_labels import field_label
from zkdesk.services.studio_results import result_problems
from zkdesk.services.studios import StudioInput, host_problem, studio_field_problems, township_problem
from zkdesk.store import models  # noqa: F401  registers every table
from zkdesk.store.base import Base

_BOOKKEEPING = frozenset({"id", "origin", "revision", "updated_at", "deleted"})
# (table, id) -> that record as the import leaves it (a package's values as it carries them,
# else ours), or None: the record a register's rule reads beside the one judged
Lookup = Callable[[str, str], Mapping | None]
READ_BESIDE = ("award_session", "studio", "enterprise")  # the tables `lookup` is asked for
ORG_UNIT = "org_unit"  # and an org unit by its code ({"code", "level", "short_name", ...})
_STATUS_DATES = ("status", "applied_on", "named_on", "reviewed_on", "revoked_on")
# per table: a finding about a field is judged too when one of these others changes
_READ_WITH = {
    "nomination": {"birth_date": ("id_number", "session_id"), "gender": ("id_number",)},
    "studio": dict.fromkeys(_STATUS_DATES, _STATUS_DATES) | {"enterprise_id": ("township_code",)},
    "studio_result": {"year": ("studio_id",), "proposals_adopted": ("proposals",), "patent_details": ("patents",)},
}
_STUDIO_PLACE = frozenset({"township_code", "enterprise_id"})  # a studio's fields checked against other records
_NOMINATION_FIELDS = tuple(NominationInput.__dataclass_fields__)
_STUDIO_FIELDS = tuple(StudioInput.__dataclass_fields__)


@dataclass(frozen=True)
class _Shape:
    """What the rules need to know of a table's columns, found once per table (a package
    checks thousands of records of the same few tables)."""

    order: dict[str, int]  # column -> position, for reasons in form order
    limits: dict[str, int]  # text column -> longest length
    datetimes: tuple[str, ...]
    dates: tuple[str, ...]


@lru_cache(maxsize=None)
def _shape(table: Table) -> _Shape:
    limits, datetimes, dates = {}, [], []
    for column in table.columns:
        kind = column.type
        if isinstance(kind, String) and getattr(kind, "length", None):
            limits[column.name] = kind.length
        elif isinstance(kind, DateTime):
            datetimes.append(column.name)
        elif isinstance(kind, Date):
            dates.append(column.name)
    return _Shape({name: i for i, name in enumerate(table.columns.keys())}, limits, tuple(datetimes), tuple(dates))


_SHAPES: dict[str, _Shape] = {}


def _decoded(shape: _Shape, values: Mapping) -> dict:
    """Dates of a stored record as a package carries them (ISO text) back to dates."""
    out = values  # copied only when a date is read back
    for names, parse in ((shape.datetimes, datetime.fromisoformat), (shape.dates, date.fromisoformat)):
        for name in names:
            value = out.get(name)
            if value.__class__ is str:
                try:
                    parsed = parse(value)
                except ValueError:
                    continue
                if out is values:
                    out = dict(values)
                out[name] = parsed
    return out


def _column_problems(table: Table, shape: _Shape, name: str, value) -> list[tuple[str, str]]:
    if value is None or name not in shape.order:
        return []
    if value.__class__ is str:
        if has_control(value):
            return [(name, f"{field_label(table.name, name)}含有不可见的控制字符")]
        limit = shape.limits.get(name)
        if limit and len(value) > limit:
            return [(name, f"{field_label(table.name, name)}过长（最多{limit}字，现为{len(value)}字）")]
        return []
    if isinstance(value, float) and not math.isfinite(value):
        return [(name, f"{field_label(table.name, name)}不是有效的数字（{value}）")]
    if isinstance(value, date) and not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        return [(name, f"{field_label(table.name, name)}“{value.isoformat()[:10]}”不合理")]
    return []


def _register_problems(table: str, r: Mapping, lookup: Lookup | None) -> list[tuple[str, str]]:
    """The register's own field rules (the ones its form and import use) on the whole record."""
    if table == "enterprise":
        return enterprise_problems(r.get("name") or "", r.get("ownership") or "非公", r.get("uscc") or "",
                                   r.get("industry") or "", r.get("address") or "", r.get("contact_person") or "",
                                   r.get("contact_phone") or "")
    if table == "enterprise_year" and isinstance(r.get("year"), int) and isinstance(r.get("employees"), int):
        return year_problems(YearInput(r["year"], r["employees"], r.get("operating_status") or "正常经营",
                                       r.get("status_date")))
    if table == "enterprise_union":
        data = UnionInput(**{k: r[k] for k in UnionInput.__dataclass_fields__ if r.get(k) is not None})
        return union_problems(True, data)  # whether the enterprise is a company is its own record's
    if table == "collective_contract" and isinstance(r.get("term_years"), int):
        return contract_problems(
            kind=r.get("kind") or "", signed_on=r.get("signed_on"), term_years=r["term_years"],
            filed_on=r.get("filed_on"), review_objection=bool(r.get("review_objection")),
            wage_increase_pct=r.get("wage_increase_pct"), employees_covered=r.get("employees_covered") or 0,
            today=date.today(),
        )
    if table == "nomination":
        award = _beside(lookup, "award_session", r.get("session_id"))
        if award is None or not isinstance(award.get("year"), int):  # no such 届次: the reference check names it
            return []
        data = NominationInput(**{k: r[k] for k in _NOMINATION_FIELDS if k in r})
        return [(f.field, f.message) for f in check_input(award["year"], data) if f.is_error]
    if table == "studio":
        return studio_field_problems(StudioInput(**{k: r[k] for k in _STUDIO_FIELDS if k in r}))[1]
    if table == "studio_result" and isinstance(r.get("year"), int):
        studio = _beside(lookup, "studio", r.get("studio_id"))
        revoked = studio.get("revoked_on") if studio is not None else None
        return result_problems(revoked, r["year"], r)
    return []


def _studio_place_problems(r: Mapping, lookup: Lookup | None) -> list[tuple[str, str]]:
    """The form's checks of a studio's township and host enterprise, on the records the import
    leaves; a host found nowhere is left to the caller's reference check, which names it."""
    code = r.get("township_code")
    if lookup is None or not isinstance(code, str):
        return []
    township = lookup(ORG_UNIT, code)
    problems = []
    if (problem := township_problem(code, township.get("level") if township is not None else None)):
        problems.append(("township_code", problem))
    host = _beside(lookup, "enterprise", r.get("enterprise_id"))
    if host is not None:
        live = not host.get("deleted")
        problem = host_problem(host.get("name") if live else None, host.get("township_code"), code,
                               township.get("short_name") if township is not None else None)
        if problem:
            problems.append(("enterprise_id", problem))
    return problems


def _beside(lookup: Lookup | None, table: str, rid) -> Mapping | None:
    """The record `rid` of `table` as the import leaves it, its dates read back."""
    found = lookup(table, rid) if lookup is not None and isinstance(rid, str) else None
    if found is None:
        return None
    shape = _SHAPES.get(table) or _SHAPES.setdefault(table, _shape(Base.metadata.tables[table]))
    return _decoded(shape, found)


def record_problems(table: str, record: Mapping, fields: Iterable[str],
                    lookup: Lookup | None = None) -> list[tuple[str, str]]:
    """(field, Chinese reason) for each rule the record breaks in `fields`: `record` is the
    record as it would be stored (decoded values; dates of the stored part may be ISO text);
    `lookup` finds the records a register's rules read beside it (a nomination's 届次)."""
    fields = (fields.keys() if isinstance(fields, dict) else set(fields)) - _BOOKKEEPING  # one set made
    t = Base.metadata.tables.get(table)
    if t is None or not fields or record.get("deleted") is True:  # a tombstone is not judged
        return []
    shape = _SHAPES.get(table) or _SHAPES.setdefault(table, _shape(t))  # by name: hashing a Table costs more
    record = _decoded(shape, record)
    problems = []
    limits = shape.limits
    for name in fields:
        value = record.get(name)
        kind = value.__class__
        if value is None or kind is int or kind is bool or (
                kind is str and value.isprintable() and len(value) <= limits.get(name, len(value))):
            continue  # the usual case (fitting printable text, a whole number, a flag, nothing), without a call
        problems += _column_problems(t, shape, name, value)
    if problems:  # one reason is enough: the values the register's rules read are not sound
        order = shape.order
        problems.sort(key=lambda p: (order.get(p[0], len(order)), p[0]))
        return problems
    try:
        found = _register_problems(table, record, lookup)
        if table == "studio" and not fields.isdisjoint(_STUDIO_PLACE):  # read only when they change
            found += _studio_place_problems(record, lookup)
    except (TypeError, ValueError, AttributeError):  # a value of another type than the rule reads
        return [(name, f"{field_label(table, name)}的值无效") for name in sorted(fields)][:1]
    read_with = _READ_WITH.get(table, {})
    return [(name, message) for name, message in found
            if name in fields or not fields.isdisjoint(read_with.get(name, ()))]


def package_record_problem(table: str, write: Mapping, local: Mapping | None = None,
                           conflicting: Mapping | None = None, lookup: Lookup | None = None) -> str:
    """The first field rule a package's record breaks, as the Chinese reason a refused record
    shows in the preview; "" when it meets them. `write`: the decoded values the import would
    write; `conflicting`: the sender's values the user may still take; `local`: our stored
    record (as the package encodes it), for the fields the register's rules read beside them;
    `lookup`: the records those rules read beside this one (record_problems)."""
    changes = {**write, **conflicting} if conflicting else write  # read here, never changed
    record = {**local, **changes} if local else changes
    found = record_problems(table, record, changes, lookup)
    return found[0][1] if found else ""
