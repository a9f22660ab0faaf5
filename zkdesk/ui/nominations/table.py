"""The nomination list as a Qt table model (rows come masked from services/nominations.py)."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from zkdesk.domain import nomination_workflow as wf
from zkdesk.services.nominations import NominationRow

SORT_ROLE = Qt.ItemDataRole.UserRole + 1  # units sort by code (the official order), ages as numbers

COLUMNS = (
    ("推荐单位", lambda r: r.township_name),
    ("姓名", lambda r: r.name),
    ("性别", lambda r: r.gender),
    ("民族", lambda r: r.ethnicity),
    ("年龄", lambda r: "" if r.age is None else str(r.age)),
    ("身份证号", lambda r: r.id_number),
    ("联系电话", lambda r: r.phone),
    ("工作单位", lambda r: r.employer),
    ("职务/职称", lambda r: r.job_title),
    ("人员类别", lambda r: r.category),
    ("产业工人", lambda r: "是" if r.industrial_worker else ""),
    ("政治面貌", lambda r: r.political_status),
    ("状态", lambda r: r.status_label),
    ("提示", lambda r: _notes(r)),
)

_STATUS_COLOURS = {
    wf.HONOURED: "#1b7f3b",
    wf.REJECTED: "#8a8a8a",
    wf.PUBLICIZED: "#a15c00",
}


def _notes(row: NominationRow) -> str:
    notes = []
    if row.duplicate_of:
        notes.append("重复推荐：" + "、".join(h.township_name for h in row.duplicate_of))
    if row.has_objections:
        notes.append("公示有异议")
    if row.status == wf.PUBLICIZED and row.publicity_end:
        notes.append(f"公示至{row.publicity_end:%m月%d日}")
    return "；".join(notes)


class NominationTableModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[NominationRow] = []

    def set_rows(self, rows: list[NominationRow]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 (Qt's name)
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section][0]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[index.column()][1](row)
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        if role == SORT_ROLE:
            if index.column() == 0:
                return row.township_code
            if COLUMNS[index.column()][0] == "年龄":
                return row.age if row.age is not None else -1
            return COLUMNS[index.column()][1](row)
        if role == Qt.ItemDataRole.ForegroundRole:
            if COLUMNS[index.column()][0] == "提示" and row.duplicate_of:
                return QBrush(QColor("#b00020"))
            colour = _STATUS_COLOURS.get(row.status)
            if colour and COLUMNS[index.column()][0] == "状态":
                return QBrush(QColor(colour))
        return None

    def row_of(self, nomination_id: str) -> int:
        for i, r in enumerate(self.rows):
            if r.id == nomination_id:
                return i
        return -1
