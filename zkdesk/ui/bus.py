"""One app-wide broadcast of what changed, so views refresh themselves and never reach
into one another."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

# Kinds of records, as carried by the `changed` signal.
INDICATORS = "indicators"
NOMINATIONS = "nominations"
STUDIOS = "studios"
ENTERPRISES = "enterprises"
PLANS = "plans"
USERS = "users"
ALL = "all"  # after an import or a restore


class ChangeBus(QObject):
    changed = Signal(str)

    def notify(self, kind: str) -> None:
        self.changed.emit(kind)
