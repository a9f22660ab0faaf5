"""Which records an org unit sees: the county sees every township, a township its own."""

from __future__ import annotations

from sqlalchemy import ColumnElement, true

from zkdesk.domain.orgcodes import is_county


def org_filter(column, org_code: str) -> ColumnElement[bool]:
    """A WHERE clause limiting `column` (a township code column) to `org_code`'s records."""
    if is_county(org_code):
        return true()
    return column == org_code
