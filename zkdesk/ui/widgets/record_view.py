"""The one list component: a table of records described by column specs.

    view = RecordView([Column("企业名称", lambda r: r.name, stretch=True),
                       Column("职工数", lambda r: r.employees, fmt="int")],
                      key=lambda r: r.enterprise_id, empty="暂无企业：点击“新增企业”或从Excel导入",
                      objectName="enterpriseTable")
    view.set_rows(rows)              # on the GUI thread, e.g. from a Refresher's apply
    view.set_filter_text("南伞")      # text search over every column, in memory
    view.current_key(); view.select_key(key)

Built for any size: the model keeps the rows as given and an index list of what the search and
sort let through; the view asks only for the cells on screen; rows are revealed in batches as
the user scrolls (canFetchMore/fetchMore); columns are sized once from the header and the first
rows, never re-measured per cell. Search text per row is made once per set of rows, and a search
is one pass over those strings. The selection is kept by key across refreshes.

`shown_rows()` gives the rows in the order and filter on screen; `export_xlsx(path)` writes them.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QPainter
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from zkdesk.domain.dates import format_date

BATCH = 2000  # rows revealed at a time
SAMPLE = 60  # rows measured for column widths
MAX_AUTO_WIDTH = 420


@dataclass(frozen=True)
class Column:
    title: str
    value: Callable[[Any], Any]  # the cell's value: str, int, float, date, bool or None
    fmt: str = "text"  # text | int | number | date | yes (True → 是)
    width: int | None = None  # pixels; None: from the header and the first rows
    stretch: bool = False  # takes the remaining width
    colour: Callable[[Any], str | None] | None = None  # text colour of the cell, e.g. "#b00020"
    tooltip: Callable[[Any], str | None] | None = None  # default: the text itself when it is long
    searchable: bool = True
    sort: Callable[[Any], Any] | None = None  # what the column sorts by, when not its value (units by code)
    bold: Callable[[Any], bool] | None = None  # the cell in bold, e.g. a totals row
    personal: str = ""  # "id_number" | "phone": an export carrying it unmasked is a disclosure (audited)

    def text(self, row: Any) -> str:
        return display_text(self.value(row), self.fmt)


def display_text(value: Any, fmt: str = "text") -> str:
    if value is None:
        return ""
    if fmt == "yes" or isinstance(value, bool):
        return "是" if value else ""
    if isinstance(value, datetime):
        return value.astimezone().strftime("%Y-%m-%d %H:%M") if value.tzinfo else value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _sort_value(value: Any) -> tuple:
    """Numbers before text, None last, so mixed columns still sort."""
    if value is None:
        return (2, 0, "")
    if isinstance(value, bool):
        return (0, int(value), "")
    if isinstance(value, (int, float)):
        return (0, value, "")
    if isinstance(value, datetime):
        return (1, 0, value.isoformat())
    if isinstance(value, date):
        return (1, 0, value.isoformat())
    return (1, 0, str(value))


class RecordModel(QAbstractTableModel):
    def __init__(self, columns: Sequence[Column], key: Callable[[Any], Hashable], parent=None):
        super().__init__(parent)
        self.columns = list(columns)
        self.key = key
        self.rows: list[Any] = []
        self._haystacks: list[str] | None = None
        self._order: list[int] = []  # indexes into rows: filtered and sorted
        self._shown = 0  # how many of _order the view has been given
        self._needle = ""
        self._sort: tuple[int, Qt.SortOrder] | None = None

    # ---- contents ------------------------------------------------------------------------

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self._haystacks = None
        self._recompute()
        self.endResetModel()

    def set_needle(self, text: str) -> None:
        needle = " ".join(text.lower().split())
        if needle == self._needle:
            return
        self.beginResetModel()
        self._needle = needle
        self._recompute()
        self.endResetModel()

    def _haystack(self) -> list[str]:
        if self._haystacks is None:
            searchable = [c for c in self.columns if c.searchable]
            self._haystacks = ["\x1f".join(c.text(row) for c in searchable).lower() for row in self.rows]
        return self._haystacks

    def _recompute(self) -> None:
        if self._needle:
            words = self._needle.split(" ")
            hay = self._haystack()
            order = [i for i, h in enumerate(hay) if all(w in h for w in words)]
        else:
            order = list(range(len(self.rows)))
        if self._sort is not None:
            column, direction = self._sort
            spec = self.columns[column]
            by = spec.sort or spec.value
            values = {i: _sort_value(by(self.rows[i])) for i in order}
            order.sort(key=values.__getitem__, reverse=direction == Qt.SortOrder.DescendingOrder)
        self._order = order
        self._shown = min(len(order), BATCH)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """column < 0: back to the order the rows were given in (the service's)."""
        if column < 0 and self._sort is None:
            return
        self.layoutAboutToBeChanged.emit()
        self._sort = (column, order) if column >= 0 else None
        self._recompute()
        self.layoutChanged.emit()

    # ---- lookups -------------------------------------------------------------------------

    def row_at(self, visual_row: int) -> Any:
        return self.rows[self._order[visual_row]]

    def key_at(self, visual_row: int) -> Hashable:
        return self.key(self.row_at(visual_row))

    def visual_row_of(self, key: Hashable) -> int | None:
        for position, index in enumerate(self._order):
            if self.key(self.rows[index]) == key:
                if position >= self._shown:
                    self.beginInsertRows(QModelIndex(), self._shown, position)
                    self._shown = position + 1
                    self.endInsertRows()
                return position
        return None

    def shown_rows(self) -> list[Any]:
        """Every row the search lets through, in the order on screen (revealed or not yet)."""
        return [self.rows[i] for i in self._order]

    @property
    def matching(self) -> int:
        return len(self._order)

    # ---- Qt model --------------------------------------------------------------------------

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else self._shown

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def canFetchMore(self, parent=QModelIndex()) -> bool:
        return not parent.isValid() and self._shown < len(self._order)

    def fetchMore(self, parent=QModelIndex()) -> None:
        more = min(BATCH, len(self._order) - self._shown)
        if more <= 0:
            return
        self.beginInsertRows(QModelIndex(), self._shown, self._shown + more - 1)
        self._shown += more
        self.endInsertRows()

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].title
        return None

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        spec = self.columns[index.column()]
        row = self.row_at(index.row())
        if role == Qt.ItemDataRole.DisplayRole:
            return spec.text(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            if spec.tooltip is not None:
                return spec.tooltip(row)
            text = spec.text(row)
            return text if len(text) > 8 else None
        if role == Qt.ItemDataRole.ForegroundRole and spec.colour is not None:
            colour = spec.colour(row)
            return QBrush(QColor(colour)) if colour else None
        if role == Qt.ItemDataRole.FontRole and spec.bold is not None and spec.bold(row):
            font = QFont()  # the application's font
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and spec.fmt in ("int", "number"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class RecordView(QTableView):
    """A read-only, sortable, searchable list of records (see the module docstring)."""

    current_changed = Signal(object)  # the key of the current row, or None

    def __init__(self, columns: Sequence[Column], key: Callable[[Any], Hashable], *, objectName: str = "",
                 empty: str = "暂无记录", sortable: bool = True, wrap: bool = False, parent=None):
        super().__init__(parent)
        self.wrap = wrap  # short lists only: long texts wrap and rows grow to fit
        if objectName:
            self.setObjectName(objectName)
        self.empty_text = empty
        self.record_model = RecordModel(columns, key, self)
        self.setModel(self.record_model)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAlternatingRowColors(True)
        self.setWordWrap(wrap)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents if wrap else QHeaderView.ResizeMode.Fixed)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(not any(c.stretch for c in columns))
        header.setHighlightSections(False)
        for i, c in enumerate(columns):
            if c.stretch:
                header.setSectionResizeMode(i, QHeaderView.ResizeMode.Stretch)
        self._sized = False
        self.setSortingEnabled(sortable)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # the service's order until a header is clicked
        self.selectionModel().currentRowChanged.connect(lambda *_: self.current_changed.emit(self.current_key()))

    @property
    def columns(self) -> list[Column]:
        return self.record_model.columns

    # ---- contents ------------------------------------------------------------------------

    def set_rows(self, rows: Sequence[Any]) -> None:
        """Replace the rows; the search, the sort and the selected record stay."""
        selected = self.current_key()
        self.record_model.set_rows(rows)
        if not self._sized and rows:
            self._size_columns()
        if selected is not None:
            self.select_key(selected)
        self.viewport().update()

    def set_filter_text(self, text: str) -> None:
        selected = self.current_key()
        self.record_model.set_needle(text)
        if selected is not None:
            self.select_key(selected)
        self.viewport().update()

    def _size_columns(self) -> None:
        """Widths from the header and the first rows, once: never re-measured per cell."""
        metrics = self.fontMetrics()
        model = self.record_model
        sample = [model.row_at(r) for r in range(min(SAMPLE, model.rowCount()))]
        for i, column in enumerate(model.columns):
            if column.stretch:
                continue
            if column.width is not None:
                self.setColumnWidth(i, column.width)
                continue
            widest = max([metrics.horizontalAdvance(column.title) + 28,
                          *(metrics.horizontalAdvance(column.text(row)) + 16 for row in sample)])
            self.setColumnWidth(i, min(widest, MAX_AUTO_WIDTH))
        self._sized = True

    # ---- selection -----------------------------------------------------------------------

    def current_key(self) -> Hashable | None:
        index = self.currentIndex()
        if not index.isValid() or index.row() >= self.record_model.rowCount():
            return None
        return self.record_model.key_at(index.row())

    def current_row(self) -> Any | None:
        index = self.currentIndex()
        if not index.isValid() or index.row() >= self.record_model.rowCount():
            return None
        return self.record_model.row_at(index.row())

    def selected_keys(self) -> list[Hashable]:
        """The keys of every selected row, in the order shown (for a view allowing many)."""
        rows = sorted({i.row() for i in self.selectionModel().selectedRows()})
        return [self.record_model.key_at(r) for r in rows if r < self.record_model.rowCount()]

    def select_key(self, key: Hashable) -> bool:
        row = self.record_model.visual_row_of(key)
        if row is None:
            self.clearSelection()
            self.setCurrentIndex(QModelIndex())
            return False
        self.selectRow(row)
        self.scrollTo(self.record_model.index(row, 0))
        return True

    # ---- reading what is shown -------------------------------------------------------------

    def shown_rows(self) -> list[Any]:
        return self.record_model.shown_rows()

    def column_texts(self, column: int) -> list[str]:
        spec = self.columns[column]
        return [spec.text(row) for row in self.shown_rows()]

    def row_count(self) -> int:
        """Records that match the search (revealed or not)."""
        return self.record_model.matching

    def export_xlsx(self, path, actor, *, title: str = "", subtitle: str = "", sheet_title: str = "数据"):
        """Write the rows shown (search and sort applied) as they read on screen."""
        return write_shown_xlsx(path, self.columns, self.shown_rows(), actor, title=title, subtitle=subtitle,
                                sheet_title=sheet_title)

    # ---- empty state -----------------------------------------------------------------------

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        if self.record_model.rowCount() == 0 and self.empty_text:
            painter = QPainter(self.viewport())
            painter.setPen(QColor("#777777"))
            text = self.empty_text if not self.record_model.rows else "没有符合条件的记录"
            painter.drawText(self.viewport().rect().adjusted(12, 12, -12, -12),
                             int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap), text)
            painter.end()

    def sizeHint(self) -> QSize:
        return QSize(480, 240)


def write_shown_xlsx(path, columns: Sequence[Column], rows: Sequence[Any], actor, *, title: str = "",
                     subtitle: str = "", sheet_title: str = "数据"):
    """Rows (a RecordView's `shown_rows()`, taken on the GUI thread) as they read on screen; any
    thread: the rows are plain records, the columns pure functions of them."""
    from zkdesk.output.xlsx_export import ExportColumn, write_xlsx  # openpyxl only when exporting

    export = [ExportColumn(c.title, (lambda row, c=c: c.text(row)) if c.fmt not in ("int", "number")
                           else (lambda row, c=c: c.value(row)), fmt=c.fmt if c.fmt in ("int", "number") else "text")
              for c in columns]
    return write_xlsx(path, export, rows, actor, title=title, subtitle=subtitle, sheet_title=sheet_title)


def personal_rows(columns: Sequence[Column], rows: Sequence[Any]) -> int:
    """How many rows show an ID or phone number (masked or not: the caller knows whether the
    actor sees them unmasked)."""
    personal = [c for c in columns if c.personal]
    return sum(1 for row in rows if any(c.text(row) for c in personal)) if personal else 0
