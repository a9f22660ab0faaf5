"""A read-only, sortable table of records, each row remembering its record's key."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

KEY_ROLE = Qt.ItemDataRole.UserRole


class _Item(QTableWidgetItem):
    """Numbers sort as numbers."""

    def __lt__(self, other):
        mine, theirs = self.data(Qt.ItemDataRole.EditRole), other.data(Qt.ItemDataRole.EditRole)
        if isinstance(mine, (int, float)) and isinstance(theirs, (int, float)):
            return mine < theirs
        return str(mine) < str(theirs)


class RecordTable(QTableWidget):
    def __init__(self, headers: Sequence[str], objectName: str, stretch_column: int | None = 0, sortable: bool = True,
                 widths: dict[int, int] | None = None, wrap: bool = False):
        super().__init__(0, len(headers), objectName=objectName)
        self.setHorizontalHeaderLabels(list(headers))
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAlternatingRowColors(True)
        self.verticalHeader().setVisible(False)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        if stretch_column is not None:
            header.setSectionResizeMode(stretch_column, QHeaderView.ResizeMode.Stretch)
        for column, width in (widths or {}).items():
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            self.setColumnWidth(column, width)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # the service's order until a header is clicked
        self.setWordWrap(wrap)
        self._wrap = wrap
        self._sortable = sortable

    def fill(self, rows: Iterable, cells: Callable[[object], Sequence], key: Callable[[object], str]) -> None:
        """Replace the contents; keeps the selected record selected when it is still there."""
        selected = self.current_key()
        self.setSortingEnabled(False)
        rows = list(rows)
        self.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, value in enumerate(cells(row)):
                item = _Item()
                item.setData(Qt.ItemDataRole.EditRole if isinstance(value, (int, float)) else Qt.ItemDataRole.DisplayRole,
                             value if isinstance(value, (int, float)) else ("" if value is None else str(value)))
                if isinstance(value, str) and len(value) > 6:
                    item.setToolTip(value)  # long names and explanations may be cut off
                if c == 0:
                    item.setData(KEY_ROLE, key(row))
                self.setItem(r, c, item)
        self.setSortingEnabled(self._sortable)
        if self._wrap:
            self.resizeRowsToContents()
        if selected:
            self.select_key(selected)

    def current_key(self) -> str | None:
        row = self.currentRow()
        if row < 0 or self.item(row, 0) is None:
            return None
        return self.item(row, 0).data(KEY_ROLE)

    def select_key(self, key: str) -> None:
        for r in range(self.rowCount()):
            if self.item(r, 0).data(KEY_ROLE) == key:
                self.selectRow(r)
                return

    def column_texts(self, column: int) -> list[str]:
        return [self.item(r, column).text() for r in range(self.rowCount())]
