"""The members table of a studio dialog: add, edit in place, remove. Saved with the studio."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from zkdesk.domain.studio_rules import MIN_MEMBERS, SKILL_LEVELS
from zkdesk.services.studios import MemberInput, MemberRow

_ID_ROLE = Qt.ItemDataRole.UserRole


class MembersEditor(QWidget):
    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self._removed: list[str] = []
        self.name = QLineEdit(objectName="memberNameEdit", placeholderText="姓名")
        self.job = QLineEdit(objectName="memberJobEdit", placeholderText="岗位/职务")
        self.skill = QComboBox(objectName="memberSkillCombo", editable=True)
        self.skill.addItems(["", *SKILL_LEVELS])
        self.skill.lineEdit().setPlaceholderText("技能等级")
        self.add_button = QPushButton("添加成员", objectName="addMemberButton")
        self.add_button.clicked.connect(self.add_from_inputs)
        self.name.returnPressed.connect(self.add_from_inputs)

        self.table = QTableWidget(0, 3, objectName="membersTable")
        self.table.setHorizontalHeaderLabels(["姓名", "岗位/职务", "技能等级"])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.itemChanged.connect(lambda _item: self.changed.emit())
        self.remove_button = QPushButton("移除所选成员", objectName="removeMemberButton")
        self.remove_button.clicked.connect(self.remove_selected)
        self.count = QLabel(objectName="memberCountLabel")

        entry = QHBoxLayout()
        entry.addWidget(self.name, 1)
        entry.addWidget(self.job, 2)
        entry.addWidget(self.skill, 1)
        entry.addWidget(self.add_button)
        below = QHBoxLayout()
        below.addWidget(self.count, 1)
        below.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.addLayout(entry)
        layout.addWidget(self.table, 1)
        layout.addLayout(below)
        self.changed.connect(self._update_count)
        self._update_count()

    def load(self, members: Sequence[MemberRow]) -> None:
        self._removed = []
        self.table.blockSignals(True)
        self.table.setRowCount(0)
        for m in members:
            self._append(m.id, m.name, m.job, m.skill_level)
        self.table.blockSignals(False)
        self.changed.emit()

    def add_from_inputs(self) -> None:
        if not self.name.text().strip():
            self.count.setText("请先填写成员姓名，再点“添加成员”")
            self.name.setFocus()
            return
        self.table.blockSignals(True)
        self._append(None, self.name.text().strip(), self.job.text().strip(), self.skill.currentText().strip())
        self.table.blockSignals(False)
        self.name.clear()
        self.job.clear()
        self.skill.setCurrentIndex(0)
        self.name.setFocus()
        self.changed.emit()

    def remove_selected(self) -> None:
        rows = sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True)
        for row in rows:
            member_id = self.table.item(row, 0).data(_ID_ROLE)
            if member_id:
                self._removed.append(member_id)
            self.table.removeRow(row)
        if rows:
            self.changed.emit()

    def rows(self) -> list[tuple[str | None, MemberInput]]:
        """(id or None for a new member, what the table shows) per row."""
        out = []
        for row in range(self.table.rowCount()):
            texts = [(self.table.item(row, c).text() if self.table.item(row, c) else "") for c in range(3)]
            out.append((self.table.item(row, 0).data(_ID_ROLE), MemberInput(*texts)))
        return out

    def removed_ids(self) -> list[str]:
        return list(self._removed)

    def _append(self, member_id: str | None, name: str, job: str, skill: str) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        for col, text in enumerate((name, job, skill)):
            item = QTableWidgetItem(text)
            if col == 0:
                item.setData(_ID_ROLE, member_id)
            self.table.setItem(row, col, item)

    def _update_count(self) -> None:
        n = self.table.rowCount()
        text = f"成员 {n} 人"
        if n < MIN_MEMBERS:
            text += f"（至少需要{MIN_MEMBERS}人）"
        self.count.setText(text)
