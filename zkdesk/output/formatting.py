"""How a value prints in a cell, by the column's `format`. Shared by PDF and xlsx."""

from __future__ import annotations

from datetime import date, datetime

from zkdesk.domain.progress import format_number

NUMERIC_FORMATS = ("int", "number", "decimal1", "decimal2", "rate")
NOT_APPLICABLE = "—"  # a rate whose denominator is zero


def format_value(value: object, fmt: str = "text") -> str:
    if fmt == "rate":
        return NOT_APPLICABLE if value is None else f"{float(value):.2f}"
    if value is None or value == "":
        return ""
    if isinstance(value, bool) or fmt == "yesno":
        return "是" if value else "否"
    if fmt == "int":
        return f"{round(float(value)):d}"
    if fmt == "number" and isinstance(value, (int, float)):
        return format_number(value)  # 12, 85.7, 64.34: no trailing zeros
    if fmt == "decimal1":
        return f"{float(value):.1f}"
    if fmt == "decimal2":
        return f"{float(value):.2f}"
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.strftime("%Y.%m") if fmt == "month" else value.strftime("%Y.%m.%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def cell_value(value: object, fmt: str) -> object:
    """The value an xlsx cell keeps: numbers stay numbers, everything else is its printed text."""
    if fmt in NUMERIC_FORMATS and isinstance(value, (int, float)) and not isinstance(value, bool):
        return round(float(value)) if fmt == "int" else float(value)
    return format_value(value, fmt)
