"""数据交换 → 冲突: one row per conflict with the record's Chinese name; below, the current
conflict field by field (label, 本地值, 对方值, and a choice per field). 保留本地 / 采用对方 act on
every selected row; 按逐项选择处理 on the current one. The list is read by a Refresher and each
decision runs as an Op (audited by the service), never on the GUI thread."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from PySide6.QtCore import Qt

from zkdesk.exchange.conflicts import CHOICES, list_conflicts, resolve_conflict, resolve_conflicts
from zkdesk.ui import bus
from zkdesk.ui.messages import show_error
from zkdesk.ui.ops import Op
from zkdesk.ui.refresh import Refresher
from zkdesk.ui.widgets.record_view import Column, RecordView

PER_FIELD = [("local", CHOICES["local"]), ("theirs", CHOICES["remote"])]


def _values(diffs, side: str) -> str:
    values = [(d.label, getattr(d, side)) for d in diffs]
    if len(values) == 1:
        return values[0][1]
    return "；".join(f"{label}：{value}" for label, value in values)


class ConflictsTab(QWidget):
    def __init__(self, ctx, on_count=None, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.on_count = on_count or (lambda n: None)
        self.rows = []
        note = QLabel("两边在上次交换后都修改过的记录列在这里。选中一条或多条（按住 Ctrl 或 Shift 多选），"
                      "选择保留本机的版本或采用对方的版本；也可以在下方逐项选择。选择前，本机的数据保持不变；"
                      "保留本机的值会在下一个数据包中发给对方。", wordWrap=True)
        self.view = RecordView([
            Column("对方", lambda c: c.peer_name),
            Column("数据", lambda c: c.table_label),
            Column("记录", lambda c: c.title, width=260),
            Column("冲突项", lambda c: "、".join(d.label for d in c.diffs)),
            Column("本地值", lambda c: _values(c.diffs, "local"), width=200),
            Column("对方值", lambda c: _values(c.diffs, "remote"), width=200),
            Column("发现于", lambda c: f"第{c.sequence}号数据包 {c.created_at.astimezone():%m-%d %H:%M}"
                   if c.created_at else f"第{c.sequence}号数据包", stretch=True),
        ], key=lambda c: c.id, objectName="conflictsTable", empty="没有需要处理的冲突")
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())
        self.view.current_changed.connect(lambda _key: self._show_fields())

        self.detail_title = QLabel(objectName="conflictTitle", wordWrap=True)
        self.fields = QTableWidget(0, 4, objectName="conflictFields")
        self.fields.setHorizontalHeaderLabels(["项目", "本地值", "对方值", "采用"])
        self.fields.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.fields.verticalHeader().setVisible(False)
        header = self.fields.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)

        self.selected_label = QLabel(objectName="conflictSelection")
        self.keep_local = QPushButton(CHOICES["local"], objectName="keepLocalButton")
        self.take_remote = QPushButton(CHOICES["remote"], objectName="takeRemoteButton")
        self.per_field = QPushButton("按逐项选择处理", objectName="perFieldButton")
        self.keep_local.clicked.connect(lambda: self._resolve("local"))
        self.take_remote.clicked.connect(lambda: self._resolve("remote"))
        self.per_field.clicked.connect(self._resolve_per_field)

        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.view, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.selected_label, 1)
        buttons.addWidget(self.keep_local)
        buttons.addWidget(self.take_remote)
        top_layout.addLayout(buttons)
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addWidget(self.detail_title)
        bottom_layout.addWidget(self.fields, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.per_field)
        bottom_layout.addLayout(row)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(top)
        split.addWidget(bottom)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(split, 1)

        self.refresher = Refresher(self, self._query, self._apply, kinds=(bus.EXCHANGE,), ctx=ctx)
        self._selection_changed()

    # ---- loading ---------------------------------------------------------------------------

    def _query(self):
        return lambda session, actor: list_conflicts(session, actor)

    def _apply(self, rows) -> None:
        self.rows = rows
        self.view.set_rows(rows)
        if self.view.current_key() is None and rows:
            self.view.select_key(rows[0].id)
        self._show_fields()
        self._selection_changed()
        self.on_count(len(rows))

    def request(self) -> None:
        self.refresher.request()

    # ---- the current conflict, field by field ----------------------------------------------

    def current(self):
        return self.view.current_row()

    def _show_fields(self) -> None:
        c = self.current()
        diffs = c.diffs if c is not None else ()
        self.detail_title.setText(f"<b>{c.table_label}：{c.title}</b>（{c.peer_name}第{c.sequence}号数据包）"
                                  if c is not None else "")
        self.fields.setRowCount(len(diffs))
        for r, d in enumerate(diffs):
            for col, text in enumerate((d.label, d.local, d.remote)):
                item = QTableWidgetItem(text)
                item.setToolTip(text if len(text) > 20 else "")
                self.fields.setItem(r, col, item)
            choice = QComboBox(objectName=f"fieldChoice_{d.field}")
            for value, label in PER_FIELD:
                choice.addItem(label, value)
            self.fields.setCellWidget(r, 3, choice)
        self.per_field.setEnabled(c is not None)

    def field_choices(self) -> dict[str, str]:
        c = self.current()
        if c is None:
            return {}
        return {d.field: self.fields.cellWidget(r, 3).currentData() for r, d in enumerate(c.diffs)}

    def _selection_changed(self) -> None:
        n = len(self.view.selected_keys())
        self.selected_label.setText(f"已选 {n} 条" if n else "")
        self.keep_local.setEnabled(n > 0)
        self.take_remote.setEnabled(n > 0)

    # ---- decisions -------------------------------------------------------------------------

    def _resolve(self, choice: str) -> None:
        ids = self.view.selected_keys()
        if not ids:
            show_error(self, "请先在列表中选择冲突")
            return
        word = CHOICES[choice]
        question = f"对所选的 {len(ids)} 条冲突都“{word}”？" if len(ids) > 1 else None
        Op(self, lambda s, actor: resolve_conflicts(s, actor, ids, choice), confirm=question, busy="正在处理冲突…",
           ctx=self.ctx).success(self._done).run()

    def _resolve_per_field(self) -> None:
        c = self.current()
        if c is None:
            show_error(self, "请先在列表中选择一条冲突")
            return
        choices, conflict_id = self.field_choices(), c.id
        Op(self, lambda s, actor: resolve_conflict(s, actor, conflict_id, "", per_field=choices),
           busy="正在处理冲突…", ctx=self.ctx).success(self._done).run()

    def _done(self, _result) -> None:
        self.refresher.request()
