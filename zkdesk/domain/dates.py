"""Dates as clerks type them: 2022-03-01, 2022/3/1, 2022.3.1, 20220301, 2022年3月1日."""

from __future__ import annotations

import re
from datetime import date

_SEPARATED = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


class DateTextError(ValueError):
    """Carries a Chinese message for the user."""


def parse_date_text(text: str, what: str = "日期") -> date | None:
    """None for empty text; DateTextError naming `what` for text that is not a real date."""
    raw = (text or "").strip()
    if not raw:
        return None
    match = _SEPARATED.match(raw) or _COMPACT.match(raw)
    if not match:
        raise DateTextError(f"{what}“{raw}”格式不对，请按 2022-03-01 的格式填写")
    try:
        return date(*(int(g) for g in match.groups()))
    except ValueError:
        raise DateTextError(f"{what}“{raw}”不是有效的日期") from None


def format_date(day: date | None) -> str:
    return day.isoformat() if day else ""
