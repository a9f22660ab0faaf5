"""Who decides which field of a travelling record: the one explicit map of the exchange.

The county (530924) decides
  - every field of the tables in COUNTY_TABLES (plan catalog, targets, year locks, award sessions);
  - every field of a record whose origin is the county (e.g. the NominationStep rows it writes);
  - the review fields in COUNTY_FIELDS;
  - a nomination's status once it is past 乡镇审核 (STAGED_FIELDS).
The county also decides every printable form definition (the forms/*.toml files, FORMS_OWNER):
its own forms travel to the townships, and a township's package never carries one back.
Everything else belongs to the record's origin office. A package is read only for the fields
its sender decides: a township's package never sets a county field, and the county's package
never sets a field of the receiving township's own records.
"""

from __future__ import annotations

from collections.abc import Iterable

from zkdesk.domain.orgcodes import COUNTY_CODE

COUNTY_TABLES = frozenset({"plan", "plan_item", "indicator", "indicator_target", "year_lock", "award_session",
                           "department", "indicator_duty"})

COUNTY_FIELDS: dict[str, frozenset[str]] = {
    "indicator_value": frozenset({"review_status", "review_opinion"}),
}

# Fields whose owner depends on the value: the origin's while the value is one of these
# stages, the county's beyond them.
NOMINATION_TOWNSHIP_STAGES = frozenset({"draft", "unit_recommended", "township_reviewed"})
STAGED_FIELDS: dict[str, dict[str, frozenset[str]]] = {
    "nomination": {"status": NOMINATION_TOWNSHIP_STAGES},
}

FORMS_OWNER = COUNTY_CODE


def takes_forms_from(sender: str) -> bool:
    """Whether a package from `sender` may bring form definition files."""
    return sender == FORMS_OWNER


# Carried with every record, never compared or taken as data.
META_FIELDS = frozenset({"id", "origin", "revision", "updated_at"})


def county_owns_record(table: str, origin: str) -> bool:
    return table in COUNTY_TABLES or origin == COUNTY_CODE


def owned_fields(table: str, origin: str, columns: Iterable[str], by_county: bool) -> frozenset[str]:
    """The fields of one record its county side (by_county) or its origin side decides,
    leaving out META_FIELDS and the value-dependent STAGED_FIELDS."""
    data = frozenset(columns) - META_FIELDS
    if county_owns_record(table, origin):
        return data if by_county else frozenset()
    county = COUNTY_FIELDS.get(table, frozenset())
    if by_county:
        return data & county
    return data - county - frozenset(STAGED_FIELDS.get(table, {}))


_NONE: dict[str, frozenset[str]] = {}


def staged_fields(table: str, origin: str) -> dict[str, frozenset[str]]:
    if table not in STAGED_FIELDS or county_owns_record(table, origin):
        return _NONE
    return STAGED_FIELDS[table]


def takes_staged(stages: frozenset[str], local_value, incoming_value, from_county: bool) -> bool:
    """Whether a staged field is taken from the package.

    From a township: only moves among its own stages, and only while the county has not
    moved the record beyond them. From the county: its decisions beyond those stages, and a
    record it sends back (from beyond the stages to one of them).
    """
    if from_county:
        return incoming_value not in stages or (local_value is not None and local_value not in stages)
    return incoming_value in stages and (local_value is None or local_value in stages)


def sender_decides_something(table: str, origin: str, columns: Iterable[str], by_county: bool) -> bool:
    """Whether a record is worth sending at all: the receiver takes at least one field."""
    return bool(owned_fields(table, origin, columns, by_county) or (by_county and staged_fields(table, origin)))
