"""The studio dialog: its fields, members, status and dates, notes, and its yearly results.

"保存" registers a new studio (or saves the changes) in one action and keeps the dialog open,
so the yearly results can be entered next; results are saved one year at a time. The townships,
host enterprises and the studio itself are read off the GUI thread (QueryOp), saving is an Op.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from zkdesk.domain.choices import INDUSTRIES, STUDIO_LEVELS, STUDIO_STATUSES, STUDIO_TYPES, industry_label
from zkdesk.domain.dates import DateTextError
from zkdesk.domain.roles import Permission
from zkdesk.domain.studio_rules import APPLIED, NAMED, REVIEWED, REVOKED, suggest_name
from zkdesk.services.errors import UserError
from zkdesk.services.orgs import township_choices
from zkdesk.services.studios import (
    StudioInput,
    add_member,
    get_studio,
    host_enterprise_choices,
    register_studio,
    remove_member,
    update_member,
    update_studio,
)
from zkdesk.ui import unsaved
from zkdesk.ui.date_field import DateField
from zkdesk.ui.form_parts import error_label, searchable
from zkdesk.ui.messages import confirm
from zkdesk.ui.ops import Op, QueryOp
from zkdesk.ui.studios.members import MembersEditor
from zkdesk.ui.studios.results import ResultsTab

NOT_LISTED = "（不在企业名录中，手工填写）"


class StudioDialog(QDialog):
    def __init__(self, ctx, studio_id: str | None = None, parent=None):
        super().__init__(parent)
        self.revision: int | None = None  # of the studio as loaded
        self.ctx = ctx
        self.studio_id = studio_id
        self._suggested = ""
        self._saved_state: tuple = ()
        self._host_industry: dict[str, str] = {}
        self._hosts_token = 0
        self.setObjectName("studioDialog")
        self.resize(980, 640)

        self.tabs = QTabWidget(objectName="studioTabs")
        self.tabs.addTab(self._basic_tab(), "基本情况")
        self.members = MembersEditor()
        self.tabs.addTab(self.members, "成员")
        self.tabs.addTab(self._notes_tab(), "场所、设备与经费")
        self.results = ResultsTab(ctx)
        self.tabs.addTab(self.results, "年度成果")

        self.error = error_label()
        self.saved = QLabel(objectName="savedLabel")
        self.saved.setStyleSheet("color: #1b6e20;")
        self.save_button = QPushButton("保存", objectName="saveStudioButton")
        self.save_button.setEnabled(ctx.actor.can(Permission.EDIT))
        self.save_button.clicked.connect(self.save)
        self.close_button = QPushButton("关闭", objectName="closeStudioButton")
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.saved, 1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.error)
        layout.addLayout(buttons)

        self.load(townships=True)
        unsaved.track_edits(self, self._save_for_guard)  # asked about if the window goes

    # ------------------------------------------------------------ layout

    def _basic_tab(self) -> QWidget:
        self.kind = QComboBox(objectName="kindCombo")
        self.kind.addItems(STUDIO_TYPES)
        self.lead_name = QLineEdit(objectName="leadNameEdit")
        self.name = QLineEdit(objectName="nameEdit", placeholderText="按领衔人和类型自动建议")
        self.suggest_button = QPushButton("按惯例命名", objectName="suggestNameButton")
        self.suggest_button.clicked.connect(lambda: self.name.setText(self._suggestion()))
        name_row = QHBoxLayout()
        name_row.addWidget(self.name, 1)
        name_row.addWidget(self.suggest_button)
        self.township = QComboBox(objectName="townshipCombo")
        self.host = searchable(QComboBox(objectName="hostCombo"))  # hundreds of enterprises: type to find
        self.host_name = QLineEdit(objectName="hostNameEdit", placeholderText="依托单位名称（不在企业名录中时填写）")
        self.industry = QComboBox(objectName="industryCombo")
        for code in INDUSTRIES:
            self.industry.addItem(industry_label(code), code)  # 蔗糖, stored as 糖
        self.level = QComboBox(objectName="levelCombo")
        self.level.addItems(STUDIO_LEVELS)
        self.lead_honours = QLineEdit(objectName="leadHonoursEdit", placeholderText="如 云南省劳动模范、临沧市五一劳动奖章")
        self.lead_phone = QLineEdit(objectName="leadPhoneEdit")
        self.lead_id = QLineEdit(objectName="leadIdEdit", placeholderText="18位身份证号码")

        form = QFormLayout()
        form.addRow("类型：", self.kind)
        form.addRow("领衔人：", self.lead_name)
        form.addRow("名称：", name_row)
        form.addRow("所在乡镇：", self.township)
        form.addRow("依托企业：", self.host)
        form.addRow("依托单位名称：", self.host_name)
        form.addRow("产业：", self.industry)
        form.addRow("级别：", self.level)
        form.addRow("领衔人荣誉：", self.lead_honours)
        form.addRow("领衔人电话：", self.lead_phone)
        form.addRow("领衔人身份证号码：", self.lead_id)

        self.status = QComboBox(objectName="statusCombo")
        self.status.addItems(STUDIO_STATUSES)
        self.applied_on = DateField("appliedOnEdit", "申报日期")
        self.named_on = DateField("namedOnEdit", "命名日期")
        self.reviewed_on = DateField("reviewedOnEdit", "复核日期")
        self.revoked_on = DateField("revokedOnEdit", "撤销日期")
        self.doc_no = QLineEdit(objectName="namingDocNoEdit", placeholderText="如 镇工发〔2024〕12号")
        status_box = QGroupBox("状态与命名")
        grid = QGridLayout(status_box)
        grid.addWidget(QLabel("状态："), 0, 0)
        grid.addWidget(self.status, 0, 1)
        grid.addWidget(QLabel("命名文号："), 0, 2)
        grid.addWidget(self.doc_no, 0, 3)
        grid.addWidget(QLabel("申报日期："), 1, 0)
        grid.addWidget(self.applied_on, 1, 1)
        grid.addWidget(QLabel("命名日期："), 1, 2)
        grid.addWidget(self.named_on, 1, 3)
        grid.addWidget(QLabel("复核日期："), 2, 0)
        grid.addWidget(self.reviewed_on, 2, 1)
        grid.addWidget(QLabel("撤销日期："), 2, 2)
        grid.addWidget(self.revoked_on, 2, 3)
        hint = QLabel("申报 → 命名 → 年度复核 → 撤销；命名日期不得早于申报日期，撤销之日起不再计入“命名且未撤销”。")
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #555;")
        grid.addWidget(hint, 3, 0, 1, 4)

        self.kind.currentTextChanged.connect(self._maybe_suggest)
        self.lead_name.textChanged.connect(self._maybe_suggest)
        self.host_name.textChanged.connect(self._maybe_suggest)
        self.host.currentIndexChanged.connect(self._host_changed)
        self.host.activated.connect(self._host_picked)
        self.township.currentIndexChanged.connect(self._township_changed)
        self.status.currentTextChanged.connect(self._status_changed)

        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addLayout(form)
        layout.addWidget(status_box)
        layout.addStretch(1)
        return page

    def _notes_tab(self) -> QWidget:
        self.room_notes = QPlainTextEdit(objectName="roomNotesEdit", placeholderText="场所：面积、位置、功能分区")
        self.equipment_notes = QPlainTextEdit(objectName="equipmentNotesEdit", placeholderText="设备：主要设备、工具")
        self.funding_notes = QPlainTextEdit(objectName="fundingNotesEdit", placeholderText="经费：来源、金额、用途")
        page = QWidget()
        form = QFormLayout(page)
        form.addRow("场所：", self.room_notes)
        form.addRow("设备：", self.equipment_notes)
        form.addRow("经费：", self.funding_notes)
        return page

    # ------------------------------------------------------------ loading

    def _township_changed(self) -> None:
        """Another township chosen: its enterprises become the hosts to choose from."""
        code, current = self.township.currentData(), self.host.currentData()
        self._hosts_token += 1
        token = self._hosts_token
        if not code:
            self._fill_hosts([], current)
            return

        def arrived(hosts) -> None:
            if token == self._hosts_token:  # not overtaken by another township
                self._fill_hosts(hosts, current)

        QueryOp(self, lambda s, actor: host_enterprise_choices(s, actor, code)).success(arrived) \
            .failure(self.error.setText).run()

    def _fill_hosts(self, hosts, selected: str | None) -> None:
        self.host.blockSignals(True)
        self.host.clear()
        self.host.addItem(NOT_LISTED, None)
        for ent_id, name, industry in hosts:
            self.host.addItem(name, ent_id)
            self._host_industry[ent_id] = industry
        index = self.host.findData(selected) if selected else 0
        self.host.setCurrentIndex(max(index, 0))
        self.host.blockSignals(False)
        self._host_changed()

    def _host_changed(self) -> None:
        listed = self.host.currentData() is not None
        self.host_name.setEnabled(not listed)
        if listed:
            self.host_name.setText(self.host.currentText())
        self._maybe_suggest()

    def _set_industry(self, value: str) -> None:
        index = self.industry.findData(value)
        if index < 0:  # not one of the five (an older record): shown as it is
            self.industry.addItem(industry_label(value), value)
            index = self.industry.count() - 1
        self.industry.setCurrentIndex(index)

    def _host_picked(self) -> None:
        """A host chosen by the user brings its industry along, when it is one of the five."""
        industry = self._host_industry.get(self.host.currentData())
        if industry in INDUSTRIES:
            self._set_industry(industry)

    def _status_changed(self, status: str) -> None:
        """Only the dates a status has are open for input."""
        wanted = {
            self.named_on: status in (NAMED, REVIEWED, REVOKED),
            self.reviewed_on: status in (REVIEWED, REVOKED),
            self.revoked_on: status == REVOKED,
        }
        for field, enabled in wanted.items():
            field.setEnabled(enabled)
            if not enabled:
                field.set_value(None)
        self.doc_no.setEnabled(status != APPLIED)

    def _suggestion(self) -> str:
        host = self.host.currentText() if self.host.currentData() else self.host_name.text()
        return suggest_name(self.kind.currentText(), self.lead_name.text(), host)

    def _maybe_suggest(self) -> None:
        """Fill in the usual name while the user has not typed one of their own."""
        suggestion = self._suggestion()
        if not self.name.text().strip() or self.name.text() == self._suggested:
            self.name.setText(suggestion)
        self._suggested = suggestion

    def load(self, townships: bool = False) -> None:
        """Read the studio (and, the first time, the townships) with the hosts of its township,
        off the GUI thread; 保存 waits for them."""
        self.save_button.setEnabled(False)
        studio_id, current = self.studio_id, self.township.currentData()
        self._hosts_token += 1  # a host list on its way is out of date

        def work(s, actor):
            towns = township_choices(s, actor) if townships else None
            detail = get_studio(s, actor, studio_id) if studio_id is not None else None
            code = detail.data.township_code if detail is not None else current
            if code is None and towns:
                code = towns[0][0]
            hosts = host_enterprise_choices(s, actor, code) if code else []
            return towns, detail, code, hosts

        QueryOp(self, work).success(self._loaded).failure(self._load_failed).run()

    def _load_failed(self, message: str) -> None:
        self.error.setText(message)

    def _loaded(self, result) -> None:
        towns, detail, code, hosts = result
        self.township.blockSignals(True)
        if towns is not None:
            self.township.clear()
            for township_code, name in towns:
                self.township.addItem(name, township_code)
        self.township.setCurrentIndex(max(self.township.findData(code), 0))
        self.township.blockSignals(False)
        self._fill_hosts(hosts, detail.data.enterprise_id if detail is not None else self.host.currentData())
        if detail is None:
            self.setWindowTitle("登记“三室一站”")
            self.status.setCurrentText(APPLIED)
            self._set_industry(StudioInput.industry)
            self._status_changed(APPLIED)
            self.members.load([])
        else:
            self.revision = detail.revision  # handed back when saving: refused over someone else's change
            self.setWindowTitle(f"“三室一站” — {detail.data.name}")
            self._show(detail.data)
            self.members.load(detail.members)
        self.results.set_studio(self.studio_id)
        self.tabs.setTabEnabled(3, self.studio_id is not None)
        self._saved_state = self._state()
        self.save_button.setEnabled(self.ctx.actor.can(Permission.EDIT))

    def _show(self, d: StudioInput) -> None:
        self.kind.setCurrentText(d.kind)
        self.host.setCurrentIndex(max(self.host.findData(d.enterprise_id), 0) if d.enterprise_id else 0)
        self.host_name.setText(d.host_name)
        self.lead_name.setText(d.lead_name)
        self.name.setText(d.name)
        self._suggested = self._suggestion()
        self._set_industry(d.industry)
        self.level.setCurrentText(d.level)
        self.lead_honours.setText(d.lead_honours)
        self.lead_phone.setText(d.lead_phone)
        self.lead_id.setText(d.lead_id_number)
        self.status.setCurrentText(d.status)
        self._status_changed(d.status)
        for field, value in ((self.applied_on, d.applied_on), (self.named_on, d.named_on),
                             (self.reviewed_on, d.reviewed_on), (self.revoked_on, d.revoked_on)):
            field.set_value(value)
        self.doc_no.setText(d.naming_doc_no)
        self.room_notes.setPlainText(d.room_notes)
        self.equipment_notes.setPlainText(d.equipment_notes)
        self.funding_notes.setPlainText(d.funding_notes)

    # ------------------------------------------------------------ saving

    def form_input(self) -> StudioInput:
        """What the form says; DateTextError when a date cannot be read."""
        return StudioInput(
            name=self.name.text(), kind=self.kind.currentText(), township_code=self.township.currentData() or "",
            lead_name=self.lead_name.text(), applied_on=self.applied_on.value(), industry=self.industry.currentData() or "",
            level=self.level.currentText(), status=self.status.currentText(), enterprise_id=self.host.currentData(),
            host_name=self.host_name.text(), lead_honours=self.lead_honours.text(), lead_phone=self.lead_phone.text(),
            lead_id_number=self.lead_id.text(), named_on=self.named_on.value(), reviewed_on=self.reviewed_on.value(),
            revoked_on=self.revoked_on.value(), naming_doc_no=self.doc_no.text(),
            room_notes=self.room_notes.toPlainText(), equipment_notes=self.equipment_notes.toPlainText(),
            funding_notes=self.funding_notes.toPlainText(),
        )

    def save(self) -> None:
        """Register or save the studio and its members in one action, off the GUI thread; the
        dialog stays open (reloaded) for the yearly results."""
        self.error.clear()
        self.saved.clear()
        try:
            data = self.form_input()
            rows = self.members.rows()
        except (UserError, DateTextError) as exc:
            self.error.setText(str(exc))
            return
        removed = list(self.members.removed_ids())
        studio_id, seen = self.studio_id, self.revision

        def work(s, actor) -> str:
            if studio_id is None:
                return register_studio(s, actor, data, [m for _id, m in rows])
            update_studio(s, actor, studio_id, data, seen_revision=seen)
            _save_members(s, actor, studio_id, rows, removed)
            return studio_id

        self.save_button.setEnabled(False)
        Op(self, work).success(self._saved).failure(self._save_failed).reload(self.load).run()

    def _save_for_guard(self, done) -> None:
        """保存 in the unsaved-work question: answered once the save in the background ends."""
        self._guard_done = done
        self.save()
        if not self.save_button.isEnabled() or self.error.text():
            return  # saving, or refused before starting (the reason is on the error line)
        self._answer_guard(False)

    def _answer_guard(self, ok: bool) -> None:
        done, self._guard_done = getattr(self, "_guard_done", None), None
        if done is not None:
            done(ok)

    def _saved(self, studio_id: str) -> None:
        self.studio_id = studio_id
        self.load()
        self.saved.setText("已保存。可在“年度成果”中逐年登记成果。")
        self._answer_guard(True)

    def _save_failed(self, message: str) -> None:
        self.error.setText(message)
        self.save_button.setEnabled(self.ctx.actor.can(Permission.EDIT))
        self._answer_guard(False)

    def _state(self) -> tuple:
        texts = [w.text() for w in (self.name, self.lead_name, self.host_name, self.lead_honours, self.lead_phone,
                                    self.lead_id, self.doc_no)]
        texts += [w.edit.text() for w in (self.applied_on, self.named_on, self.reviewed_on, self.revoked_on)]
        texts += [w.toPlainText() for w in (self.room_notes, self.equipment_notes, self.funding_notes)]
        combos = [c.currentIndex() for c in (self.kind, self.township, self.host, self.industry, self.level, self.status)]
        members = [(i, vars(m)) for i, m in self.members.rows()]
        return tuple(texts), tuple(combos), repr(members), tuple(self.members.removed_ids())

    def reject(self) -> None:
        loaded = bool(self._saved_state)  # closed before the studio arrived: nothing typed to lose
        if loaded and self._state() != self._saved_state and self.ctx.actor.can(Permission.EDIT):
            if not confirm(self, "有未保存的修改，确定关闭吗？"):
                return
        super().reject()

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt naming
        # Enter in a line edit must not close the dialog; the user saves with the button.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            return
        super().keyPressEvent(event)


def _save_members(session, actor, studio_id: str, rows, removed: list[str]) -> None:
    # Additions first, removals last: the member minimum holds at every step.
    with_ids = {m.id: m for m in get_studio(session, actor, studio_id).members}
    for member_id, member in rows:
        if member_id is None:
            add_member(session, actor, studio_id, member)
        elif member_id in with_ids:
            update_member(session, actor, member_id, member)
    for member_id in removed:
        remove_member(session, actor, member_id)
