"""NBS region codes (统计用区划代码) of the county and its townships: matched by code, never name."""

from __future__ import annotations

COUNTY_CODE = "530924"


def is_county(code: str) -> bool:
    return code == COUNTY_CODE


def is_township_code(code: str) -> bool:
    return len(code) == 9 and code.isdigit() and code.startswith(COUNTY_CODE)
