"""The nomination form (劳动模范推荐人选登记): every field, with the checks live as the user types.

Errors (red) stop the save; warnings (orange) are shown and do not. The service checks the
same rules again on save, and the duplicate check, so nothing here is the last word.
The nomination, the townships and the employers to choose from are read off the GUI thread
(QueryOp; 保存 waits for them), and saving is an Op.
"""

from __future__ import annotations

from datetime import date
from html import escape

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from zkdesk.domain import choices
from zkdesk.domain import nomination_rules as rules
from zkdesk.domain.idcard import normalize_id_number
from zkdesk.domain.roles import Permission
from zkdesk.services.award_sessions import SessionRow
from zkdesk.services.nominations import (
    NominationInput,
    check_input,
    create_nomination,
    employer_choices,
    get_nomination,
    nomination_township_choices,
    update_nomination,
)
from zkdesk.ui import unsaved
from zkdesk.ui.context import UiContext
from zkdesk.ui.ops import Op, QueryOp

_RED, _ORANGE, _GREY = "#b00020", "#a15c00", "#666666"
_NO_DATE = QDate(1900, 1, 1)


def _combo(name: str, items, blank: str = "") -> QComboBox:
    combo = QComboBox(objectName=name)
    if blank:
        combo.addItem(blank, "")
    for item in items:
        combo.addItem(item, item)
    return combo


def _select(combo: QComboBox, value: str) -> None:
    index = combo.findData(value)
    combo.setCurrentIndex(index if index >= 0 else 0)


class NominationDialog(QDialog):
    """New nomination (nomination_id None) or an existing one; read-only unless a draft the user may edit."""

    def __init__(self, ctx: UiContext, award: SessionRow, nomination_id: str | None = None, parent=None):
        super().__init__(parent)
        self.setObjectName("nominationDialog")
        self.ctx, self.award, self.nomination_id = ctx, award, nomination_id
        self.saved_id: str | None = None
        self.revision: int | None = None  # handed back when saving
        self.read_only = not ctx.actor.can(Permission.EDIT)
        self._employers_token = 0
        self.setWindowTitle(f"劳动模范推荐人选 — {award.name}")
        self.resize(1120, 720)
        self._build()
        self._set_read_only(self.read_only)
        self.save_button.setEnabled(False)  # until the form is on screen
        self.recheck()
        self._read()

    def _read(self) -> None:
        nomination_id = self.nomination_id

        def work(s, actor):
            detail = get_nomination(s, actor, nomination_id) if nomination_id else None
            townships = nomination_township_choices(s, actor)
            code = detail.fields.township_code if detail is not None else (townships[0][0] if townships else "")
            return detail, townships, employer_choices(s, actor, code)

        QueryOp(self, work).success(self._loaded).failure(self._load_failed).run()

    def _load_failed(self, message: str) -> None:
        self.findings.setText(f"<span style='color:{_RED}'>{escape(message)}</span>")

    def _loaded(self, result) -> None:
        detail, townships, employers = result
        self.township.blockSignals(True)
        for code, name in townships:
            self.township.addItem(name, code)
        self.township.blockSignals(False)
        self.revision = detail.revision if detail is not None else None
        self.read_only = not self.ctx.actor.can(Permission.EDIT) or (detail is not None and detail.status != "draft")
        verb = "查看" if self.read_only else ("修改" if detail else "新增")
        self.setWindowTitle(f"{verb}劳动模范推荐人选 — {self.award.name}")
        if detail:
            self.township.blockSignals(True)
            _select(self.township, detail.fields.township_code)
            self.township.blockSignals(False)
        self._fill_employers(employers)
        if detail:
            self._fill(detail.fields)
        self._set_read_only(self.read_only)
        self.save_button.setEnabled(True)
        self.recheck()
        if detail and self.read_only:
            self.findings.setText(f"当前状态：{detail.status_label}。只有草稿可以修改。" if detail.status != "draft"
                                  else "当前用户没有录入和修改数据的权限，只能查看。")
        unsaved.track_edits(self, unsaved.save_by_accepting(self, self.save))  # asked about if the window goes

    # --- building -----------------------------------------------------------------------------

    def _build(self) -> None:
        self.township = QComboBox(objectName="townshipCombo")
        self.name = QLineEdit(objectName="nameEdit", placeholderText="与身份证一致")
        self.id_number = QLineEdit(objectName="idNumberEdit", placeholderText="18位公民身份号码", maxLength=20)
        self.id_error = QLabel(objectName="idError")
        self.id_error.setWordWrap(True)
        self.gender = _combo("genderCombo", choices.GENDERS, "（按身份证）")
        self.birth = QDateEdit(objectName="birthDateEdit", calendarPopup=True, displayFormat="yyyy-MM-dd")
        self.birth.setMinimumDate(_NO_DATE)
        self.birth.setSpecialValueText("（按身份证）")
        self.birth.setDate(_NO_DATE)
        self.ethnicity = _combo("ethnicityCombo", choices.ETHNICITIES)
        self.political = _combo("politicalCombo", choices.POLITICAL_STATUSES)
        _select(self.political, "群众")
        self.education = _combo("educationCombo", choices.EDUCATION_LEVELS, "（未填）")
        self.employer = QComboBox(objectName="employerCombo", editable=True)
        self.employer.lineEdit().setPlaceholderText("从企业台账选择，或直接填写单位名称")
        self.employer.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.employer_link = QLabel(objectName="employerLink")
        self.employer_link.setStyleSheet(f"color: {_GREY};")
        self.job = QLineEdit(objectName="jobTitleEdit")
        self.phone = QLineEdit(objectName="phoneEdit", placeholderText="手机号或带区号的固定电话")
        self.category = _combo("categoryCombo", choices.PERSON_CATEGORIES, "（请选择）")
        self.industrial = QCheckBox("属于产业工人", objectName="industrialCheck")
        # what the rule makes of 人员类别 and the tick (domain.nomination_rules.industrial_worker)
        self.industrial_reason = QLabel(objectName="industrialReason", wordWrap=True)
        self.industrial_reason.setStyleSheet(f"color: {_GREY};")
        self._free_tick = False  # the tick as the clerk set it; it counts only where the category does not decide
        self.honours = QPlainTextEdit(objectName="honoursEdit", placeholderText="例如：2019年 临沧市五一劳动奖章")
        self.honours.setFixedHeight(64)

        person = QFormLayout()
        person.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        person.addRow("届次：", QLabel(self.award.label, objectName="sessionLabel"))
        person.addRow("推荐单位：", self.township)
        person.addRow("姓名：", self.name)
        person.addRow("身份证号：", self.id_number)
        person.addRow("", self.id_error)
        person.addRow("性别：", self.gender)
        person.addRow("出生日期：", self.birth)
        person.addRow("民族：", self.ethnicity)
        person.addRow("政治面貌：", self.political)
        person.addRow("学历：", self.education)
        person.addRow("工作单位：", self.employer)
        person.addRow("", self.employer_link)
        person.addRow("职务/职称：", self.job)
        person.addRow("联系电话：", self.phone)
        person.addRow("人员类别：", self.category)
        industrial_row = QHBoxLayout()
        industrial_row.addWidget(self.industrial)
        industrial_row.addWidget(self.industrial_reason, 1)
        person.addRow("", industrial_row)
        person.addRow("曾获荣誉：", self.honours)
        left = QGroupBox("人员信息")
        left_layout = QVBoxLayout(left)
        left_layout.addLayout(person)
        left_layout.addStretch(1)

        self.deeds_short = QPlainTextEdit(objectName="deedsShortEdit")
        self.deeds_short_count = QLabel(objectName="deedsShortCount")
        self.deeds_full = QPlainTextEdit(objectName="deedsFullEdit")
        self.deeds_full_count = QLabel(objectName="deedsFullCount")
        deeds = QGroupBox("主要事迹")
        deeds_layout = QVBoxLayout(deeds)
        deeds_layout.addWidget(QLabel(f"{rules.DEEDS_SHORT.label}（约{rules.DEEDS_SHORT.target}字，用于推荐审批表）："))
        deeds_layout.addWidget(self.deeds_short, 1)
        deeds_layout.addWidget(self.deeds_short_count)
        deeds_layout.addWidget(QLabel(f"{rules.DEEDS_FULL.label}（约{rules.DEEDS_FULL.target}字）："))
        deeds_layout.addWidget(self.deeds_full, 2)
        deeds_layout.addWidget(self.deeds_full_count)

        scroll_body = QWidget()
        grid = QGridLayout(scroll_body)
        grid.addWidget(left, 0, 0)
        grid.addWidget(deeds, 0, 1)
        grid.setColumnStretch(0, 5)
        grid.setColumnStretch(1, 6)
        scroll = QScrollArea(widgetResizable=True)
        scroll.setWidget(scroll_body)

        self.findings = QLabel(objectName="findingsLabel")
        self.findings.setWordWrap(True)
        self.findings.setTextFormat(Qt.TextFormat.RichText)
        self.save_button = QPushButton("保存", objectName="saveButton")
        self.save_button.setDefault(True)
        self.cancel_button = QPushButton("关闭", objectName="cancelButton")
        buttons = QHBoxLayout()
        buttons.addWidget(self.findings, 1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.cancel_button)

        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)

        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)
        self.township.currentIndexChanged.connect(self._load_employers)
        self.id_number.textChanged.connect(self._id_changed)
        self.category.currentIndexChanged.connect(self._show_industrial)
        self.industrial.clicked.connect(self._tick_clicked)
        for signal in (
            self.name.textChanged, self.phone.textChanged, self.employer.currentTextChanged,
            self.deeds_short.textChanged, self.deeds_full.textChanged, self.gender.currentIndexChanged,
            self.birth.dateChanged, self.ethnicity.currentIndexChanged, self.political.currentIndexChanged,
            self.education.currentIndexChanged, self.category.currentIndexChanged,
        ):
            signal.connect(self.recheck)

    def _load_employers(self) -> None:
        """Another township chosen: its enterprises become the employers to choose from."""
        code = self.township.currentData() or ""
        self._employers_token += 1
        token = self._employers_token

        def arrived(options) -> None:
            if token == self._employers_token:
                self._fill_employers(options)

        QueryOp(self, lambda s, actor: employer_choices(s, actor, code)).success(arrived) \
            .failure(self._load_failed).run()

    def _fill_employers(self, options) -> None:
        text = self.employer.currentText()
        self.employer.blockSignals(True)
        self.employer.clear()
        for ent_id, name in options:
            self.employer.addItem(name, ent_id)
        self.employer.setCurrentIndex(-1)
        self.employer.setEditText(text)
        self.employer.blockSignals(False)
        self.recheck()

    def _fill(self, f: NominationInput) -> None:
        _select(self.township, f.township_code)
        self.name.setText(f.name)
        self.id_number.setText(f.id_number)
        _select(self.gender, f.gender)
        self.birth.setDate(QDate(f.birth_date) if f.birth_date else _NO_DATE)
        _select(self.ethnicity, f.ethnicity)
        _select(self.political, f.political_status)
        _select(self.education, f.education)
        self.employer.setEditText(f.employer)
        self.job.setText(f.job_title)
        self.phone.setText(f.phone)
        _select(self.category, f.category)
        self._free_tick = f.industrial_worker
        self._show_industrial()
        self.honours.setPlainText(f.earlier_honours)
        self.deeds_short.setPlainText(f.deeds_short)
        self.deeds_full.setPlainText(f.deeds_full)

    def _set_read_only(self, read_only: bool) -> None:
        for w in (self.name, self.id_number, self.job, self.phone):
            w.setReadOnly(read_only)
        for w in (self.honours, self.deeds_short, self.deeds_full):
            w.setReadOnly(read_only)
        for w in (self.township, self.gender, self.birth, self.ethnicity, self.political, self.education,
                  self.employer, self.category, self.industrial):
            w.setEnabled(not read_only)
        self.township.setEnabled(not read_only and self.nomination_id is None and self.township.count() > 1)
        self.save_button.setVisible(not read_only)
        self._show_industrial()

    # --- 产业工人: the 人员类别 decides where it can, the tick where it cannot ----------------------

    def _tick_clicked(self, checked: bool) -> None:
        self._free_tick = checked
        self._show_industrial()

    def _show_industrial(self) -> None:
        judged = rules.industrial_worker(self.category.currentData() or "", self._free_tick)
        self.industrial.setChecked(judged.counts)
        self.industrial.setEnabled(not self.read_only and not judged.by_category)
        self.industrial.setToolTip("由人员类别决定" if judged.by_category else "人员类别不能确定时，按此勾选认定")
        self.industrial_reason.setText(judged.reason)

    # --- live checks --------------------------------------------------------------------------

    def _id_changed(self) -> None:
        """Fill gender and birth date from a valid ID number, as the clerk would copy them."""
        info, _ = rules.check_id(self.id_number.text())
        if info is not None and not self.read_only:
            _select(self.gender, info.gender)
            self.birth.setDate(QDate(info.birth_date))
        self.recheck()

    def _enterprise_id(self) -> str | None:
        index = self.employer.findText(self.employer.currentText().strip(), Qt.MatchFlag.MatchExactly)
        return self.employer.itemData(index) if index >= 0 else None

    def current_input(self) -> NominationInput:
        birth = self.birth.date()
        return NominationInput(
            session_id=self.award.id, township_code=self.township.currentData() or "", name=self.name.text(),
            id_number=self.id_number.text(), gender=self.gender.currentData() or "",
            birth_date=None if birth == _NO_DATE else date(birth.year(), birth.month(), birth.day()),
            ethnicity=self.ethnicity.currentData() or "", political_status=self.political.currentData() or "",
            education=self.education.currentData() or "", employer=self.employer.currentText().strip(),
            enterprise_id=self._enterprise_id(), job_title=self.job.text(), phone=self.phone.text(),
            category=self.category.currentData() or "", industrial_worker=self.industrial.isChecked(),
            earlier_honours=self.honours.toPlainText(), deeds_short=self.deeds_short.toPlainText(),
            deeds_full=self.deeds_full.toPlainText(),
        )

    def recheck(self) -> list[rules.Finding]:
        if not hasattr(self, "findings"):
            return []
        data = self.current_input()
        found = check_input(self.award.year, data)
        self._show_id(data.id_number, [f for f in found if f.field == "id_number"])
        for text, bounds, label in ((data.deeds_short, rules.DEEDS_SHORT, self.deeds_short_count),
                                    (data.deeds_full, rules.DEEDS_FULL, self.deeds_full_count)):
            count, level = rules.deeds_count_text(text, bounds)
            label.setText(f"字数：{count}")
            label.setStyleSheet(f"color: {_RED if level == rules.ERROR else _ORANGE if level else _GREY};")
        linked = data.enterprise_id is not None
        self.employer_link.setText("已关联企业台账" if linked else ("未在企业台账中，按填写的名称保存" if data.employer else ""))
        self.employer_link.setVisible(bool(self.employer_link.text()))
        if not self.read_only:
            self._show_findings(found)
        return found

    def _show_id(self, raw: str, found: list[rules.Finding]) -> None:
        typed = normalize_id_number(raw)
        self.id_error.setVisible(bool(raw.strip()))
        if not raw.strip():
            self.id_error.setText("")
        elif found and len(typed) < 18 and self.id_number.hasFocus():
            self.id_error.setText(f"已输入{len(typed)}/18位")
            self.id_error.setStyleSheet(f"color: {_GREY};")
            return
        elif found:
            self.id_error.setText(found[0].message)
        else:
            info, _ = rules.check_id(raw)
            self.id_error.setText(f"校验通过：{info.birth_date:%Y年%m月%d日}出生，{info.gender}，"
                                  f"{self.award.year}年{rules.age_in_year(info.birth_date, self.award.year)}岁")
            self.id_error.setStyleSheet(f"color: {_GREY};")
            return
        self.id_error.setStyleSheet(f"color: {_RED};")

    def _show_findings(self, found: list[rules.Finding]) -> None:
        lines = [
            f"<span style='color:{_RED if f.is_error else _ORANGE}'>{'✗' if f.is_error else '!'} {escape(f.message)}</span>"
            for f in found
        ]
        self.findings.setText("<br>".join(lines) if lines else f"<span style='color:{_GREY}'>各项校验通过。</span>")

    # --- saving -------------------------------------------------------------------------------

    def save(self) -> None:
        found = self.recheck()
        if any(f.is_error for f in found):
            errors = [f for f in found if f.is_error]
            self.findings.setText(
                f"<span style='color:{_RED}'><b>不能保存：</b>{escape('；'.join(f.message for f in errors))}</span>"
            )
            if any(f.field == "id_number" for f in errors):
                self.id_error.setText(next(f.message for f in errors if f.field == "id_number"))
                self.id_error.setStyleSheet(f"color: {_RED};")
            return
        nomination_id, data, seen = self.nomination_id, self.current_input(), self.revision

        def work(s, actor) -> str:
            if nomination_id:
                update_nomination(s, actor, nomination_id, data, seen_revision=seen)
                return nomination_id
            return create_nomination(s, actor, data)

        def refused(message: str) -> None:
            self.save_button.setEnabled(True)
            self.findings.setText(f"<span style='color:{_RED}'><b>不能保存：</b>{escape(message)}</span>")

        self.save_button.setEnabled(False)
        Op(self, work).success(self._saved).failure(refused).reload(self._reload).run()

    def _saved(self, nomination_id: str) -> None:
        self.saved_id = nomination_id
        self.accept()

    def _reload(self) -> None:
        """重新载入 after someone else's change: the form shows the nomination as it is now."""
        self.save_button.setEnabled(False)
        nomination_id = self.nomination_id
        QueryOp(self, lambda s, actor: get_nomination(s, actor, nomination_id)) \
            .success(self._reloaded).failure(self._load_failed).run()

    def _reloaded(self, detail) -> None:
        self.revision = detail.revision
        self._fill(detail.fields)
        self.save_button.setEnabled(True)
        self.recheck()
