"""Small input widgets the enterprise dialogs share: an optional date, combos of org units."""

from __future__ import annotations

import re
from datetime import date

from PySide6.QtWidgets import QComboBox, QLineEdit

from zkdesk.services.errors import UserError

_PATTERNS = (
    re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


def parse_date(text: str) -> date | None:
    """2024-03-15, 2024/3/15, 2024.3.15, 2024年3月15日 or 20240315; empty gives None."""
    text = text.strip()
    if not text:
        return None
    for pattern in _PATTERNS:
        m = pattern.match(text)
        if m:
            try:
                return date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                break
    raise ValueError(text)


class DateField(QLineEdit):
    """A date that may be left empty (QDateEdit cannot be blank)."""

    def __init__(self, label: str, parent=None, objectName: str = ""):
        super().__init__(parent, objectName=objectName)
        self.label = label
        self.setPlaceholderText("如 2024-03-15")
        self.setMaximumWidth(140)

    def value(self) -> date | None:
        """The date typed, or None; raises UserError naming the field when it is no date."""
        try:
            return parse_date(self.text())
        except ValueError:
            raise UserError(f"“{self.label}”不是有效日期：{self.text().strip()}（请按 2024-03-15 的格式填写）") from None

    def peek(self) -> date | None:
        """The date if the text is one, else None (for live previews)."""
        try:
            return parse_date(self.text())
        except ValueError:
            return None

    def set_value(self, day: date | None) -> None:
        self.setText(f"{day:%Y-%m-%d}" if day else "")


def fmt_date(day: date | None) -> str:
    return f"{day:%Y-%m-%d}" if day else ""


def fmt_rate(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}%"


def select_data(combo: QComboBox, data) -> None:
    index = combo.findData(data)
    if index >= 0:
        combo.setCurrentIndex(index)
