"""Dates as clerks type them, in a form field or a spreadsheet cell: 2022-03-01, 2022/3/1,
2022.3.1, 20220301, 2022年3月1日, with full-width digits, spaces around the separators, or a
time of day after the date (which is dropped)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

# [0-9], not \d: \d takes any script's digits (Arabic-Indic, Devanagari), which int() reads too
_SEPARATED = re.compile(r"^([0-9]{4})\s*[-/.年]\s*([0-9]{1,2})\s*[-/.月]\s*([0-9]{1,2})\s*日?"
                        r"(?:\s+[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?)?$")
_COMPACT = re.compile(r"^([0-9]{4})([0-9]{2})([0-9]{2})$")
_MONTH_ONLY = re.compile(r"^([0-9]{4})\s*[-/.年]\s*([0-9]{1,2})\s*月?$")
_NOT_A_NUMBER = re.compile(r"^[+-]?(inf|infinity|nan)$", re.IGNORECASE)
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


def _plain_digits(cleaned: str, shown: str, what: str) -> None:
    """DateTextError for digits of another script (full-width ones are folded before) and for
    the words a program writes for a failed calculation (inf, nan)."""
    foreign = [c for c in cleaned if c.isdigit() and not c.isascii()]
    if foreign:
        raise DateTextError(f"{what}“{shown}”含有非标准数字“{''.join(dict.fromkeys(foreign))[:3]}”，请用0—9录入")
    if _NOT_A_NUMBER.match(cleaned):
        raise DateTextError(f"{what}“{shown}”不是日期，像是计算出错的结果（{cleaned}），请填写如 2023-05-01 的日期")


def parse_date_text(text: str, what: str = "日期") -> date | None:
    """None for empty text; DateTextError naming `what` for text that is not a real date."""
    shown = (text or "").strip()
    if not shown:
        return None
    cleaned = unicodedata.normalize("NFKC", shown).strip()  # ２０２３年５月１日 too
    _plain_digits(cleaned, shown, what)
    match = _SEPARATED.match(cleaned) or _COMPACT.match(cleaned)
    if match:
        return _checked(int(match[1]), int(match[2]), int(match[3]), shown, what)
    if _MONTH_ONLY.match(cleaned):
        raise DateTextError(f"{what}“{shown}”缺少日，请写完整，如 2023-05-01")
    raise DateTextError(f"无法识别的{what}“{shown}”，请写成 2023-05-01 或 2023年5月1日")


@dataclass(frozen=True)
class YearMonth:
    """A date known to the month, as 出生年月 is written on Chinese forms (1969.02, 1969年2月)."""

    year: int
    month: int

    def __str__(self) -> str:
        return f"{self.year}年{self.month}月"

    def holds(self, day: date) -> bool:
        return (day.year, day.month) == (self.year, self.month)


_YEAR_MONTH = re.compile(r"^([0-9]{4})\s*(?:[-/.年]\s*([0-9]{1,2})\s*月?|([0-9]{2}))$")


def parse_year_month(text: str, what: str = "出生年月") -> YearMonth | None:
    """1969.02, 1969.2, 1969年2月, 1969-2, 1969/02, 196902 as a YearMonth; None when `text`
    is not written as a year and a month (it may be a full date); DateTextError naming
    `what` for a month that does not exist or an implausible year."""
    shown = (text or "").strip()
    cleaned = unicodedata.normalize("NFKC", shown)
    match = _YEAR_MONTH.match(cleaned)
    if not match:
        _plain_digits(cleaned.strip(), shown, what)
        return None
    year, month = int(match[1]), int(match[2] or match[3])
    if not 1 <= month <= 12 or not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise DateTextError(f"{what}“{shown}”不存在" if not 1 <= month <= 12 else f"{what}“{shown}”不合理")
    return YearMonth(year, month)


def format_date(day: date | None) -> str:
    return day.isoformat() if day else ""
