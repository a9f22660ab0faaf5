"""Which records an org unit sees, as SQL: the county sees every township, a township its own.
The same rule in Python is Actor.sees / Actor.require_scope (domain.orgcodes.in_scope)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, true

from zkdesk.domain.orgcodes import is_county


def org_filter(column, org_code: str) -> ColumnElement[bool]:
    """A WHERE clause limiting `column` (a township code column) to `org_code`'s records."""
    if is_county(org_code):
        return true()
    return column == org_code
