"""The working year every page opens on and follows (当前工作年度).

One per window (`ctx.current_year`): it starts at the office's setting 当前工作年度 when an
administrator set one, else at the latest year with indicator values (`services.progress.
working_year`). A page whose year the user changes calls `set(year)`; every other page with a year
(指标台账, 集体合同企业, 打印报表, 报送情况) listens to `changed` and moves to it where it offers
that year — a page never asks about unsaved work for it: only the page on screen can hold any.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class WorkYear(QObject):
    changed = Signal(int)

    def __init__(self, year: int, parent: QObject | None = None):
        super().__init__(parent)
        self._year = int(year)

    @property
    def value(self) -> int:
        return self._year

    def set(self, year: int | None) -> None:
        if year is None or int(year) == self._year:
            return
        self._year = int(year)
        self.changed.emit(self._year)
