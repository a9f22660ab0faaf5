"""劳模推荐: award sessions, the (masked) nomination list with filters, the session checks,
the nomination form and the review steps."""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from zkdesk.domain import choices
from zkdesk.domain import nomination_workflow as wf
from zkdesk.services.award_sessions import SessionRow, list_sessions
from zkdesk.services.errors import UserError
from zkdesk.services.nomination_checks import session_checks
from zkdesk.services.nominations import delete_nomination, list_nominations, nomination_township_choices
from zkdesk.ui import bus
from zkdesk.ui.messages import confirm, show_error
from zkdesk.ui.nominations.checks_panel import SessionChecksPanel
from zkdesk.ui.nominations.form import NominationDialog
from zkdesk.ui.nominations.review_panel import ReviewPanel
from zkdesk.ui.nominations.session_dialog import SessionDialog
from zkdesk.ui.nominations.table import SORT_ROLE, NominationTableModel


class NominationsPage(QWidget):
    def __init__(self, ctx, spec, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.sessions: list[SessionRow] = []
        self.form: NominationDialog | None = None

        self.session_combo = QComboBox(objectName="sessionCombo")
        self.session_combo.setMinimumWidth(260)
        self.new_session_button = QPushButton("设立届次…", objectName="newSessionButton")
        self.new_session_button.setVisible(ctx.actor.at_county)
        self.township_filter = QComboBox(objectName="townshipFilter")
        self.township_filter.addItem("全部单位", "")
        with ctx.db.session() as s:
            for code, name in nomination_township_choices(s, ctx.actor):
                self.township_filter.addItem(name, code)
        self.township_filter.setVisible(self.township_filter.count() > 2)
        self.status_filter = QComboBox(objectName="statusFilter")
        self.status_filter.addItem("全部状态", "")
        for code, label in wf.STATUS_LABELS.items():
            self.status_filter.addItem(label, code)
        self.category_filter = QComboBox(objectName="categoryFilter")
        self.category_filter.addItem("全部类别", "")
        for c in choices.PERSON_CATEGORIES:
            self.category_filter.addItem(c, c)
        self.search = QLineEdit(objectName="searchEdit", placeholderText="姓名、单位或职务", clearButtonEnabled=True)

        top = QHBoxLayout()
        top.addWidget(QLabel("<h2>劳模推荐</h2>"))
        top.addSpacing(12)
        top.addWidget(QLabel("届次："))
        top.addWidget(self.session_combo)
        top.addWidget(self.new_session_button)
        top.addStretch(1)
        filters = QHBoxLayout()
        filters.addWidget(QLabel("筛选："))
        filters.addWidget(self.township_filter)
        filters.addWidget(self.status_filter)
        filters.addWidget(self.category_filter)
        filters.addWidget(self.search, 1)

        self.checks = SessionChecksPanel()
        self.model = NominationTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView(objectName="nominationTable")
        self.table.setModel(self.proxy)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # the service's order
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.count_label = QLabel(objectName="listCount")

        self.new_button = QPushButton("新增推荐人选", objectName="newNominationButton")
        self.open_button = QPushButton("修改/查看", objectName="openNominationButton")
        self.delete_button = QPushButton("删除草稿", objectName="deleteNominationButton")
        actions = QHBoxLayout()
        for b in (self.new_button, self.open_button, self.delete_button):
            actions.addWidget(b)
        actions.addStretch(1)
        actions.addWidget(self.count_label)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.table, 1)
        left_layout.addLayout(actions)
        self.review = ReviewPanel(ctx)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.review)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([800, 320])

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addWidget(self.checks)
        layout.addWidget(splitter, 1)

        self.session_combo.currentIndexChanged.connect(self.refresh)
        for combo in (self.township_filter, self.status_filter, self.category_filter):
            combo.currentIndexChanged.connect(self.refresh)
        self.search.textChanged.connect(self.refresh)
        self.new_session_button.clicked.connect(self.new_session)
        self.new_button.clicked.connect(self.new_nomination)
        self.open_button.clicked.connect(self.open_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.table.doubleClicked.connect(lambda _index: self.open_selected())
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.review.changed.connect(lambda _id: ctx.bus.notify(bus.NOMINATIONS))
        ctx.bus.changed.connect(self._on_changed)
        self.load_sessions()

    # --- data ---------------------------------------------------------------------------------

    def _on_changed(self, kind: str) -> None:
        if kind == bus.ALL:
            self.load_sessions()
        elif kind == bus.NOMINATIONS:
            self.refresh()

    def current_session(self) -> SessionRow | None:
        index = self.session_combo.currentIndex()
        return self.sessions[index] if 0 <= index < len(self.sessions) else None

    def load_sessions(self, select_id: str | None = None) -> None:
        keep = select_id or (self.current_session().id if self.current_session() else None)
        with self.ctx.db.session() as s:
            self.sessions = list_sessions(s, self.ctx.actor)
        self.session_combo.blockSignals(True)
        self.session_combo.clear()
        for row in self.sessions:
            self.session_combo.addItem(row.label, row.id)
        if keep and self.session_combo.findData(keep) >= 0:
            self.session_combo.setCurrentIndex(self.session_combo.findData(keep))
        self.session_combo.blockSignals(False)
        self.refresh()

    def selected_id(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return self.proxy.data(rows[0], Qt.ItemDataRole.UserRole) if rows else None

    def refresh(self) -> None:
        award = self.current_session()
        keep = self.selected_id()
        if award is None:
            self.model.set_rows([])
            self.checks.show_checks(None)
            self.count_label.setText("尚未设立届次" + ("" if self.ctx.actor.at_county else "：请导入县总工会下发的数据包"))
        else:
            with self.ctx.db.session() as s:
                rows = list_nominations(
                    s, self.ctx.actor, award.id, township_code=self.township_filter.currentData() or None,
                    status=self.status_filter.currentData() or None, category=self.category_filter.currentData() or None,
                    text=self.search.text(),
                )
                checks = session_checks(s, self.ctx.actor, award.id)
            self.model.set_rows(rows)
            self.checks.show_checks(checks)
            self.count_label.setText(f"共 {len(rows)} 人")
        self.new_button.setEnabled(award is not None)
        self.select(keep)

    def select(self, nomination_id: str | None) -> None:
        row = self.model.row_of(nomination_id) if nomination_id else -1
        if row < 0:
            self.table.clearSelection()
            self.review.show_nomination(None)
            return
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        self.table.selectRow(index.row())
        self.review.show_nomination(nomination_id)

    def _selection_changed(self, *_args) -> None:
        self.review.show_nomination(self.selected_id())

    # --- actions ------------------------------------------------------------------------------

    def new_session(self) -> None:
        dialog = SessionDialog(self.ctx, self)
        if dialog.exec() and dialog.created_id:
            self.load_sessions(select_id=dialog.created_id)

    def _open_form(self, nomination_id: str | None) -> None:
        award = self.current_session()
        if award is None:
            return
        try:
            self.form = NominationDialog(self.ctx, award, nomination_id, self)
        except UserError as exc:
            show_error(self, str(exc))
            return
        self.form.finished.connect(self._form_closed)
        self.form.open()  # window-modal, without a nested event loop

    def _form_closed(self, _result: int) -> None:
        form, self.form = self.form, None
        if form is not None and form.saved_id:
            self.ctx.bus.notify(bus.NOMINATIONS)
            self.select(form.saved_id)
        if form is not None:
            form.deleteLater()

    def new_nomination(self) -> None:
        self._open_form(None)

    def open_selected(self) -> None:
        nomination_id = self.selected_id()
        if nomination_id:
            self._open_form(nomination_id)

    def delete_selected(self) -> None:
        nomination_id = self.selected_id()
        if not nomination_id:
            return
        name = self.model.rows[self.model.row_of(nomination_id)].name
        if not confirm(self, f"删除推荐人选“{name}”的草稿？"):
            return
        try:
            with self.ctx.db.session() as s:
                delete_nomination(s, self.ctx.actor, nomination_id)
        except UserError as exc:
            show_error(self, str(exc))
            return
        self.ctx.bus.notify(bus.NOMINATIONS)
