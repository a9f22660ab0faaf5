"""A table that types like a spreadsheet: typing starts editing, Enter commits and moves
down, Tab moves right, Shift+Tab left; read-only cells and group rows are skipped."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QAbstractItemDelegate, QAbstractItemView, QApplication, QHeaderView, QStyledItemDelegate, QTableView

_COMMIT_KEYS = {Qt.Key.Key_Return: "down", Qt.Key.Key_Enter: "down", Qt.Key.Key_Tab: "right", Qt.Key.Key_Backtab: "left"}


class _SpreadsheetDelegate(QStyledItemDelegate):
    def __init__(self, view: EntryTable):
        super().__init__(view)
        self.view = view
        self.editor = None  # the open editor, to hand it keys that reach the table

    def createEditor(self, parent, option, index):
        # The latest editor is the open one whenever the table is in its editing state.
        self.editor = super().createEditor(parent, option, index)
        return self.editor

    def eventFilter(self, editor, event):
        if event.type() == QEvent.Type.KeyPress and event.key() in _COMMIT_KEYS:
            direction = _COMMIT_KEYS[event.key()]
            if event.key() == Qt.Key.Key_Tab and event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                direction = "left"
            self.commitData.emit(editor)
            self.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.NoHint)
            self.view.move(direction)
            return True
        return super().eventFilter(editor, event)


class EntryTable(QTableView):
    def __init__(self, parent=None, objectName: str = ""):
        super().__init__(parent)
        self.setObjectName(objectName)
        self.delegate = _SpreadsheetDelegate(self)
        self.setItemDelegate(self.delegate)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setTabKeyNavigation(False)  # Tab is ours: next editable cell
        self.setAlternatingRowColors(False)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.verticalHeader().setDefaultSectionSize(26)
        self.setWordWrap(False)
        self._run_start: int | None = None  # column where a run of Tabs began

    def commit_editor(self) -> None:
        """What is typed in an open cell goes into the model (before a save or a question)."""
        editor = self.delegate.editor
        if self.state() == QAbstractItemView.State.EditingState and editor is not None:
            self.delegate.commitData.emit(editor)
            self.delegate.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.NoHint)

    def mousePressEvent(self, event):
        self._run_start = None
        super().mousePressEvent(event)

    def _editable(self, row: int, column: int) -> bool:
        model = self.model()
        return bool(model and model.editable(row, column))

    def next_editable(self, row: int, column: int, direction: str) -> tuple[int, int] | None:
        model = self.model()
        rows, cols = model.rowCount(), model.columnCount()
        if direction == "down":
            for r in range(row + 1, rows):
                if self._editable(r, column):
                    return r, column
            return None
        step = 1 if direction == "right" else -1
        position = row * cols + column + step
        while 0 <= position < rows * cols:
            r, c = divmod(position, cols)
            if self._editable(r, c):
                return r, c
            position += step
        return None

    def first_editable(self) -> tuple[int, int] | None:
        return self.next_editable(0, -1, "right") if self.model() and self.model().rowCount() else None

    def move(self, direction: str) -> None:
        """Like a spreadsheet: after a run of Tabs, Enter goes to the next row's cell below
        the column where the run began."""
        current = self.currentIndex()
        row, column = (current.row(), current.column()) if current.isValid() else (0, -1)
        if direction == "down":
            if self._run_start is not None:
                column, self._run_start = self._run_start, None
        elif self._run_start is None:
            self._run_start = column
        target = self.next_editable(row, column, direction)
        if target is not None:
            self.setCurrentIndex(self.model().index(*target))

    def event(self, event):
        # Tab would move the focus out of the table before keyPressEvent sees it.
        if event.type() == QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab) \
                and not event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier):
            self.keyPressEvent(event)
            return True
        return super().event(event)

    def keyPressEvent(self, event):
        # While a cell is being edited, keys sent to the table belong to its editor.
        if self.state() == QAbstractItemView.State.EditingState:
            editor = self.delegate.editor
            if editor is not None:
                QApplication.sendEvent(editor, event)
                return
        if event.key() in _COMMIT_KEYS:
            direction = _COMMIT_KEYS[event.key()]
            if event.key() == Qt.Key.Key_Tab and event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                direction = "left"
            self.move(direction)
            return
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self._editable(
                self.currentIndex().row(), self.currentIndex().column()):
            self.model().setData(self.currentIndex(), "")
            return
        super().keyPressEvent(event)
