"""The entry grid's table model: indicators grouped by plan item, checked as they are typed.

Each indicator row keeps the texts as typed; every edit re-runs the domain checks, so a hard
error turns its cell red (and blocks saving) and a warning turns it yellow until a 说明 is
written. Rates take numerator and denominator; the percentage is computed. Where a register
covers only part of the total (06.x: the studios' results, SheetRow.partial) the register's
part of the year is shown read only (登记部分) and the value typed is the other part (其他); the
累计 column adds both.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QFont

from zkdesk.domain.indicator_checks import (
    DENOMINATOR,
    NUMERATOR,
    TOTAL,
    VALUE,
    Checked,
    check_entry,
)
from zkdesk.domain.progress import CUMULATIVE, GROWTH, RATE, format_number
from zkdesk.services.indicator_values import Sheet, SheetRow, ValueEntry
from zkdesk.ui.indicators.common import (
    ERROR_COLOR,
    GROUP_COLOR,
    READ_ONLY_COLOR,
    WARNING_COLOR,
    figure_text,
    local_time,
)

(COL_CODE, COL_NAME, COL_UNIT, COL_REGISTER, COL_VALUE, COL_DEN, COL_COMPUTED, COL_TARGET, COL_NOTE,
 COL_CHANGED) = range(10)
# short headers, so the grid fits a 1366×768 screen; each says in full what it holds on hover
HEADERS = ["编号", "指标", "单位", "登记", "本年/分子", "分母", "比率/累计", "目标", "说明", "最后修改"]
HEADER_TIPS = [
    "指标编号（规划条目.序号）",
    "指标名称",
    "计量单位",
    "登记部分：由登记数据（如三室一站登记）自动计算的部分，只读；与本年填报的其他部分相加",
    "本年数值；比率指标填分子；登记部分以外的指标填其他部分",
    "比率指标的分母",
    "比率指标：自动计算的百分比；累计指标：截至本年的累计数（也可直接填写累计数）",
    "本单位本年的目标",
    "说明：数值可疑时写明原因",
    "最后修改的用户和时间",
]
_FIELD_COLUMN = {VALUE: COL_VALUE, NUMERATOR: COL_VALUE, DENOMINATOR: COL_DEN, TOTAL: COL_COMPUTED}


def _text(number: float | None) -> str:
    return format_number(number, "")


@dataclass
class _Line:
    """One indicator row: the stored row and what has been typed over it."""

    row: SheetRow
    value: str = ""
    numerator: str = ""
    denominator: str = ""
    total: str = ""  # a running total typed for a cumulative indicator
    note: str = ""
    dirty: bool = False
    checked: Checked | None = None
    issues_by_column: dict[int, list[str]] = field(default_factory=dict)

    @classmethod
    def from_row(cls, row: SheetRow) -> _Line:
        line = cls(row, _text(row.value), _text(row.numerator), _text(row.denominator), "", row.note)
        line.recheck()
        return line

    def recheck(self) -> None:
        if self.row.derived:
            self.checked, self.issues_by_column = None, {}
            return
        self.checked = check_entry(self.row.kind, self.row.unit, self.value, self.numerator, self.denominator,
                                   self.note, self.row.history, self.total or None)
        self.issues_by_column = {}
        for issue in self.checked.issues:
            self.issues_by_column.setdefault(_FIELD_COLUMN[issue.field], []).append(issue.message)

    @property
    def has_error(self) -> bool:
        return bool(self.checked and self.checked.errors)

    @property
    def needs_note(self) -> bool:
        return bool(self.checked and not self.checked.complete)

    def entry(self) -> ValueEntry:
        if self.row.kind == RATE:
            return ValueEntry(self.row.indicator_id, numerator=self.numerator, denominator=self.denominator,
                              note=self.note, seen_revision=self.row.revision)
        if self.total:
            return ValueEntry(self.row.indicator_id, total=self.total, note=self.note, seen_revision=self.row.revision)
        return ValueEntry(self.row.indicator_id, value=self.value, note=self.note, seen_revision=self.row.revision)


class EntryModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.sheet: Sheet | None = None
        self._rows: list[tuple[int, str] | _Line] = []  # (item, title) group headers and lines

    # -- loading and reading back -------------------------------------------------------
    def load(self, sheet: Sheet) -> None:
        self.beginResetModel()
        self.sheet = sheet
        self._rows = []
        current_item = None
        for row in sheet.rows:
            if row.item != current_item:
                current_item = row.item
                self._rows.append((row.item, sheet.items.get(row.item, "")))
            self._rows.append(_Line.from_row(row))
        self.endResetModel()

    def lines(self) -> list[_Line]:
        return [r for r in self._rows if isinstance(r, _Line)]

    def line_at(self, row: int) -> _Line | None:
        entry = self._rows[row] if 0 <= row < len(self._rows) else None
        return entry if isinstance(entry, _Line) else None

    def row_of(self, code: str) -> int:
        return next(i for i, r in enumerate(self._rows) if isinstance(r, _Line) and r.row.code == code)

    def dirty_entries(self) -> list[ValueEntry]:
        return [line.entry() for line in self.lines() if line.dirty]

    def is_dirty(self) -> bool:
        return any(line.dirty for line in self.lines())

    def errors(self) -> list[str]:
        return [f"{line.row.code} {line.row.name}：{i.message}" for line in self.lines() if line.checked
                for i in line.checked.errors]

    def unexplained(self) -> list[str]:
        return [f"{line.row.code} {line.row.name}：{line.checked.warnings[0].message}"
                for line in self.lines() if line.needs_note]

    # -- Qt model ------------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole:
            return HEADER_TIPS[section]
        return None

    def editable(self, row: int, column: int) -> bool:
        line = self.line_at(row)
        if line is None or self.sheet is None or not self.sheet.editable or line.row.derived:
            return False
        if column in (COL_VALUE, COL_NOTE):
            return True
        if column == COL_DEN:
            return line.row.kind == RATE
        return column == COL_COMPUTED and line.row.kind == CUMULATIVE and not line.row.partial

    def flags(self, index):
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.editable(index.row(), index.column()):
            base |= Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        entry = self._rows[index.row()]
        col = index.column()
        if isinstance(entry, tuple):
            return self._group_data(entry, col, role)
        line: _Line = entry
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return self._text(line, col, role == Qt.ItemDataRole.EditRole)
        if role == Qt.ItemDataRole.BackgroundRole:
            if col in line.issues_by_column:
                return ERROR_COLOR if line.has_error else WARNING_COLOR
            if col == COL_NOTE and line.needs_note:
                return WARNING_COLOR
            if line.row.derived or (self.sheet and not self.sheet.editable):
                return READ_ONLY_COLOR
            if col in (COL_REGISTER, COL_VALUE, COL_DEN, COL_COMPUTED) and not self.editable(index.row(), col):
                return READ_ONLY_COLOR
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(line, col)
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (COL_REGISTER, COL_VALUE, COL_DEN, COL_COMPUTED,
                                                                 COL_TARGET):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and line.dirty and col in (COL_VALUE, COL_DEN, COL_COMPUTED, COL_NOTE):
            font = QFont()
            font.setBold(True)
            return font
        return None

    def _group_data(self, entry, col, role):
        item, title = entry
        if role == Qt.ItemDataRole.DisplayRole and col == COL_CODE:
            return f"第{item}条"
        if role == Qt.ItemDataRole.DisplayRole and col == COL_NAME:
            return title
        if role == Qt.ItemDataRole.BackgroundRole:
            return GROUP_COLOR
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def _text(self, line: _Line, col: int, editing: bool) -> str:
        r = line.row
        if col == COL_CODE:
            return r.code
        if col == COL_NAME:
            return r.name
        if col == COL_UNIT:
            return r.unit
        if col == COL_REGISTER:
            return _text(r.register_part) if r.partial else ""
        if col == COL_VALUE:
            if r.derived:
                return figure_text(r.numerator if r.kind == RATE else r.value, "count")
            if r.kind == RATE:
                return line.numerator
            if line.total and line.checked and line.checked.value is not None:
                return _text(line.checked.value)
            return line.value
        if col == COL_DEN:
            if r.derived:
                return _text(r.denominator)
            return line.denominator if r.kind == RATE else ""
        if col == COL_COMPUTED:
            return self._computed(line, editing)
        if col == COL_TARGET:
            if r.target is None:
                return "无目标" if r.comparator != "not_below_last" else "不低于上一届"
            return figure_text(r.target, r.kind)
        if col == COL_NOTE:
            return line.note
        if col == COL_CHANGED:
            if line.dirty:
                return "（未保存）"
            return f"{r.changed_by} {local_time(r.updated_at)[:10]}".strip()  # the time on hover
        return ""

    def _computed(self, line: _Line, editing: bool) -> str:
        r = line.row
        if r.kind == RATE:
            value = r.value if r.derived or line.checked is None else line.checked.value
            return figure_text(value, RATE)
        if r.kind != CUMULATIVE:
            return ""
        if r.derived or (self.sheet and self.sheet.rollup):
            return _text(r.total)
        if r.partial:  # both parts to date: the stored 其他 of the year replaced by what is typed
            if line.checked is None or line.checked.errors:
                return _text(r.total)
            if r.total is None and line.checked.value is None:
                return ""
            return _text((r.total or 0.0) - (r.value or 0.0) + (line.checked.value or 0.0))
        if editing and line.total:
            return line.total
        if line.checked is None or line.checked.errors:
            return line.total
        if line.checked.value is None and not r.history.years_before:
            return ""  # nothing entered for any year yet: no total, not a total of 0
        return _text(r.history.total_before + (line.checked.value or 0.0))

    def _tooltip(self, line: _Line, col: int) -> str | None:
        r = line.row
        messages = line.issues_by_column.get(col)
        if messages:
            return "\n".join(messages)
        if col == COL_NOTE and line.needs_note:
            return "该数值有疑问，请在“说明”中写明原因"
        if r.partial and col == COL_REGISTER:
            return f"{r.register_label}：{r.register_note or '由登记数据自动计算'}（只读，在登记中修改）"
        if r.partial and col == COL_VALUE:
            return f"{r.other_label}：本年新增数，不含{r.register_label}已有的部分；与登记部分相加"
        if r.partial and col == COL_COMPUTED:
            return f"截至本年的累计数（{r.register_label}加其他部分）"
        if r.kind == RATE and col == COL_VALUE:
            return f"分子：{r.numerator_label}"
        if r.kind == RATE and col == COL_DEN:
            return f"分母：{r.denominator_label}"
        if r.target_kind == GROWTH and col == COL_VALUE:
            return "年末人数（存量）；减去基期数即为增加的人数，与目标比较；人数减少也可照实填写"
        if r.kind == CUMULATIVE and col == COL_VALUE:
            return "本年新增数（规划期内逐年相加得累计数）"
        if r.kind == CUMULATIVE and col == COL_COMPUTED:
            before = _text(r.history.total_before) if r.history.years_before else "尚无填报"
            return f"截至本年的累计数；也可直接填写累计数（截至上年 {before}）"
        if col == COL_NAME:
            return r.name
        if col == COL_CHANGED and r.updated_at is not None and not line.dirty:
            return f"{r.changed_by} {local_time(r.updated_at)}"
        if col == COL_NOTE and line.note:
            return line.note  # the column shows its start
        if col == COL_TARGET and r.rule_words:
            return f"考核方式：{r.rule_words}"
        return None

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole):
        if role != Qt.ItemDataRole.EditRole or not self.editable(index.row(), index.column()):
            return False
        line = self.line_at(index.row())
        text = str(value if value is not None else "").strip()
        col = index.column()
        r = line.row
        if col == COL_NOTE:
            changed = text != line.note
            line.note = text
        elif col == COL_DEN:
            changed = text != line.denominator
            line.denominator = text
        elif col == COL_COMPUTED:
            changed = text != line.total
            line.total, line.value = text, ""
        elif r.kind == RATE:
            changed = text != line.numerator
            line.numerator = text
        else:
            changed = text != line.value or bool(line.total)
            line.value, line.total = text, ""
        if not changed:
            return False
        line.dirty = True
        line.recheck()
        self.dataChanged.emit(self.index(index.row(), 0), self.index(index.row(), len(HEADERS) - 1))
        return True
