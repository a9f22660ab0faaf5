"""劳模推荐: award sessions, the (masked) nomination list with filters, the session checks,
the nomination form and the review steps."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QSplitter, QVBoxLayout, QWidget

from zkdesk.domain import choices
from zkdesk.domain import nomination_workflow as wf
from zkdesk.services.award_sessions import SessionRow, list_sessions
from zkdesk.services.errors import UserError
from zkdesk.services.nomination_checks import session_checks
from zkdesk.services.nominations import delete_nomination, list_nominations
from zkdesk.ui import bus
from zkdesk.ui.messages import show_error
from zkdesk.ui.nominations.checks_panel import SessionChecksPanel
from zkdesk.ui.nominations.form import NominationDialog
from zkdesk.ui.nominations.review_panel import ReviewPanel
from zkdesk.ui.nominations.session_dialog import SessionDialog
from zkdesk.ui.nominations.table import COLUMNS
from zkdesk.ui.delete_confirm import delete_asking
from zkdesk.ui.refresh import Refresher
from zkdesk.ui.widgets.record_view import RecordView


class NominationsPage(QWidget):
    def __init__(self, ctx, spec, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.sessions: list[SessionRow] = []
        self.form: NominationDialog | None = None
        self._wanted_session: str | None = None  # a session just set up: chosen when the list arrives
        self._wanted_nomination: str | None = None  # a nomination just saved: selected when the list arrives

        self.session_combo = QComboBox(objectName="sessionCombo")
        self.session_combo.setMinimumWidth(260)
        self.new_session_button = QPushButton("设立届次…", objectName="newSessionButton")
        if not ctx.actor.at_county:  # hidden only: shown before it has a parent it would be a window
            self.new_session_button.hide()
        self.township_filter = QComboBox(objectName="townshipFilter")
        self.township_filter.addItem("全部单位", "")
        for code, name in ctx.townships:  # the units a nomination may come from (services.nominations)
            self.township_filter.addItem(name, code)
        if ctx.actor.at_county:
            self.township_filter.addItem("县直单位", ctx.actor.office_code)
        if self.township_filter.count() <= 2:
            self.township_filter.hide()
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
        self.table = RecordView(COLUMNS, key=lambda r: r.id, objectName="nominationTable",
                                empty="本届暂无推荐人选：点击“新增推荐人选”")
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

        self.refresher = Refresher(self.table, self._read, self._show, (bus.NOMINATIONS,))
        self.session_combo.currentIndexChanged.connect(self.refresh)
        ctx.current_year.changed.connect(self._follow_year)
        for combo in (self.township_filter, self.status_filter, self.category_filter):
            combo.currentIndexChanged.connect(self.refresh)
        self.search.textChanged.connect(self.refresh)
        self.new_session_button.clicked.connect(self.new_session)
        self.new_button.clicked.connect(self.new_nomination)
        self.open_button.clicked.connect(self.open_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.table.doubleClicked.connect(lambda _index: self.open_selected())
        self.table.current_changed.connect(self.review.show_nomination)

    # --- data: sessions, the list and the checks, read together off the GUI thread -------------

    def current_session(self) -> SessionRow | None:
        index = self.session_combo.currentIndex()
        return self.sessions[index] if 0 <= index < len(self.sessions) else None

    def load_sessions(self, select_id: str | None = None) -> None:
        """Read the sessions again (and the list of the chosen one); `select_id` is chosen."""
        self._wanted_session = select_id or self._wanted_session
        self.refresh()

    def refresh(self) -> None:
        self.refresher.request()

    def _follow_year(self, year: int) -> None:
        """The working year changed on another page: the 届次 of that year, where there is one."""
        pick, current = session_for_year(self.sessions, year), self.current_session()
        if pick is not None and pick.year == year and (current is None or pick.id != current.id):
            self._wanted_session = pick.id
            self.refresh()

    def _read(self):
        current = self.current_session()
        wanted = self._wanted_session or (current.id if current else None)
        year = self.ctx.current_year.value
        township, status = self.township_filter.currentData() or None, self.status_filter.currentData() or None
        category, text = self.category_filter.currentData() or None, self.search.text()

        def work(s, actor):
            sessions = list_sessions(s, actor)
            award = next((r for r in sessions if r.id == wanted), session_for_year(sessions, year))
            if award is None:
                return sessions, None, [], None
            rows = list_nominations(s, actor, award.id, township_code=township, status=status, category=category,
                                    text=text)
            return sessions, award.id, rows, session_checks(s, actor, award.id)

        return work

    def _show(self, result) -> None:
        sessions, award_id, rows, checks = result
        self._wanted_session = None
        self.sessions = sessions
        self.session_combo.blockSignals(True)
        self.session_combo.clear()
        for row in sessions:
            self.session_combo.addItem(row.label, row.id)
        if award_id is not None:
            self.session_combo.setCurrentIndex(self.session_combo.findData(award_id))
        self.session_combo.blockSignals(False)
        self.table.set_rows(rows)
        self.checks.show_checks(checks)
        if award_id is None:
            self.count_label.setText("尚未设立届次" + ("" if self.ctx.actor.at_county else "：请导入县总工会下发的数据包"))
        else:
            self.count_label.setText(f"共 {len(rows)} 人")
        self.new_button.setEnabled(award_id is not None)
        wanted, self._wanted_nomination = self._wanted_nomination, None
        if wanted:
            self.table.select_key(wanted)
        self.review.show_nomination(self.table.current_key())

    def selected_id(self) -> str | None:
        return self.table.current_key()

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
            self._wanted_nomination = form.saved_id  # the save's Op announced it: the list refreshes onto it
        if form is not None:
            form.deleteLater()

    def new_nomination(self) -> None:
        self._open_form(None)

    def open_selected(self) -> None:
        nomination_id = self.selected_id()
        if nomination_id:
            self._open_form(nomination_id)

    def delete_selected(self) -> None:
        row = self.table.current_row()
        if row is None:
            return
        delete_asking(self, "nomination", row.id, f"删除推荐人选“{row.name}”的草稿？",
                      lambda s, actor: delete_nomination(s, actor, row.id))


def session_for_year(sessions: list[SessionRow], year: int) -> SessionRow | None:
    """The 届次 a page opens on for the working year: that year's (the latest number), else the
    latest before it, else the earliest there is. `sessions` come newest first."""
    return (next((r for r in sessions if r.year == year), None) or next((r for r in sessions if r.year < year), None)
            or (sessions[-1] if sessions else None))
