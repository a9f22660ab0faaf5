"""Small input widgets the enterprise dialogs share: an optional date, combos of org units."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QComboBox, QLineEdit

from zkdesk.domain.dates import DateTextError, format_date, parse_date_text
from zkdesk.services.errors import UserError


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
            return parse_date_text(self.text(), self.label)
        except DateTextError as exc:
            raise UserError(str(exc)) from None

    def peek(self) -> date | None:
        """The date if the text is one, else None (for live previews)."""
        try:
            return parse_date_text(self.text(), self.label)
        except DateTextError:
            return None

    def set_value(self, day: date | None) -> None:
        self.setText(format_date(day))


def fmt_rate(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}%"


def select_data(combo: QComboBox, data) -> None:
    index = combo.findData(data)
    if index >= 0:
        combo.setCurrentIndex(index)
