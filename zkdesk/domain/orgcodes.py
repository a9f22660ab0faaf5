"""NBS region codes (统计用区划代码) of the county and its townships: matched by code, never name.

A county's code has 6 digits, its townships' 9 digits beginning with it. `is_county` and
`in_scope` are the only definitions of "county office" and "which units an office keeps".
"""

from __future__ import annotations

COUNTY_CODE = "530924"


def is_county(code: str | None) -> bool:
    return code is not None and len(code) == 6 and code.isdigit()


def is_township_code(code: str) -> bool:
    return len(code) == 9 and code.isdigit() and code.startswith(COUNTY_CODE)


def in_scope(office_code: str, org_code: str | None) -> bool:
    """Whether an office keeps `org_code`'s records: its own, and a county every unit below it."""
    if not org_code:
        return False
    return org_code == office_code or (is_county(office_code) and org_code.startswith(office_code))
