"""Dates as clerks type them, in a form field or a spreadsheet cell: 2022-03-01, 2022/3/1,
2022.3.1, 20220301, 2022年3月1日, with full-width digits, spaces around the separators, or a
time of day after the date (which is dropped)."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

_SEPARATED = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_MONTH_ONLY = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")
EARLIEST_YEAR, LATEST_YEAR = 1900, 2100  # outside these, a typo (0222 for 2022), not a date


class DateTextError(ValueError):
    """Carries a Chinese message for the user."""


def _checked(year: int, month: int, day: int, shown: str, what: str = "日期") -> date:
    """The date, or DateTextError when it does not exist or is not a plausible year."""
    try:
        result = date(year, month, day)
    except ValueError:
        raise DateTextError(f"{what}“{shown}”不存在") from None
    if not EARLIEST_YEAR <= result.year <= LATEST_YEAR:
        raise DateTextError(f"{what}“{shown}”不合理")
    return result


def parse_date_text(text: str, what: str = "日期") -> date | None:
    """None for empty text; DateTextError naming `what` for text that is not a real date."""
    shown = (text or "").strip()
    if not shown:
        return None
    cleaned = unicodedata.normalize("NFKC", shown).strip()  # ２０２３年５月１日 too
    match = _SEPARATED.match(cleaned) or _COMPACT.match(cleaned)
    if match:
        return _checked(int(match[1]), int(match[2]), int(match[3]), shown, what)
    if _MONTH_ONLY.match(cleaned):
        raise DateTextError(f"{what}“{shown}”缺少日，请写完整，如 2023-05-01")
    raise DateTextError(f"无法识别的{what}“{shown}”，请写成 2023-05-01 或 2023年5月1日")


def format_date(day: date | None) -> str:
    return day.isoformat() if day else ""
