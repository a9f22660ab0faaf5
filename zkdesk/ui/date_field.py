"""A date that may be empty: a line edit clerks type into, with a calendar to pick from."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import QCalendarWidget, QHBoxLayout, QLineEdit, QMenu, QToolButton, QWidget, QWidgetAction

from zkdesk.domain.dates import format_date, parse_date_text


class DateField(QWidget):
    changed = Signal()

    def __init__(self, object_name: str, what: str, parent=None):
        super().__init__(parent)
        self.what = what  # e.g. "命名日期", for error messages
        self.edit = QLineEdit(objectName=object_name, placeholderText="如 2022-03-01")
        self.edit.setMaximumWidth(140)
        self.edit.textChanged.connect(self.changed)
        self.calendar = QCalendarWidget()
        self.calendar.setGridVisible(True)
        self.calendar.clicked.connect(self._picked)
        menu = QMenu(self)
        action = QWidgetAction(menu)
        action.setDefaultWidget(self.calendar)
        menu.addAction(action)
        self.menu = menu
        button = QToolButton(objectName=f"{object_name}Pick", text="…", toolTip="从日历中选择")
        button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        button.setMenu(menu)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit)
        layout.addWidget(button)
        layout.addStretch(1)

    def _picked(self, day: QDate) -> None:
        self.edit.setText(day.toString("yyyy-MM-dd"))
        self.menu.hide()

    def value(self) -> date | None:
        """The date, None when empty; raises DateTextError (Chinese) when unreadable."""
        return parse_date_text(self.edit.text(), self.what)

    def set_value(self, day: date | None) -> None:
        self.edit.setText(format_date(day))
        if day:
            self.calendar.setSelectedDate(QDate(day.year, day.month, day.day))
