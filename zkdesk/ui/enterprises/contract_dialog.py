"""One collective contract: its party (one enterprise, or the enterprises a regional / sector
contract covers), dates with the computed expiry and effective date, filing and review.

The enterprises and townships to choose from (and the contract being changed) are read off the
GUI thread when the dialog opens; 保存 is enabled once they are on screen."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialogButtonBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QVBoxLayout,
)

from zkdesk.domain import choices
from zkdesk.domain.contract_rules import RuleError, effective_date, expiry_date, filing_deadline
from zkdesk.domain.dates import format_date
from zkdesk.domain.orgcodes import COUNTY_CODE, is_county
from zkdesk.services.contracts import (
    ContractInput,
    contract_revision,
    create_contract,
    get_contract,
    is_multi_enterprise,
    update_contract,
)
from zkdesk.services.enterprises import enterprise_choices
from zkdesk.services.errors import UserError
from zkdesk.services.orgs import township_choices
from zkdesk.ui import unsaved
from zkdesk.ui.enterprises.fields import DateField, select_data
from zkdesk.ui.form_parts import error_label, ok_cancel, searchable
from zkdesk.ui.ops import Op, QueryOp


TOWNSHIP_ROLE = Qt.ItemDataRole.UserRole + 1


class ContractDialog(QDialog):
    def __init__(self, ctx, contract_id: str | None = None, enterprise_id: str | None = None, parent=None):
        super().__init__(parent)
        self.setObjectName("contractDialog")
        self.ctx = ctx
        self.contract_id = contract_id
        self._enterprise_id = enterprise_id  # the enterprise a new contract is for
        self.setWindowTitle("修改集体合同" if contract_id else "新增集体合同")
        self.resize(860, 600)

        self.kind = QComboBox(objectName="contractKind")
        self.kind.addItems(choices.CONTRACT_TYPES)
        self.enterprise = QComboBox(objectName="contractEnterprise", editable=True)
        self.enterprise.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        searchable(self.enterprise)
        self.township = QComboBox(objectName="contractTownship")
        self.title = QLineEdit(objectName="contractTitle")
        self.signed_alone = QCheckBox("企业单独签订", objectName="signedAlone", checked=True)
        self.negotiation = QCheckBox("已建立集体协商制度（集体协商建制）", objectName="negotiation", checked=True)
        self.signed_on = DateField("签订日期", objectName="signedOn")
        self.term = QSpinBox(objectName="termYears", minimum=1, maximum=3, value=3, suffix=" 年")
        self.expires = QLabel(objectName="expiresLabel")
        self.filed_on = DateField("报送日期", objectName="filedOn")
        self.filing_hint = QLabel(objectName="filingHint")
        self.filing_hint.setStyleSheet("color: #666;")
        self.objection = QCheckBox("审查提出异议", objectName="reviewObjection")
        self.opinion = QLineEdit(objectName="reviewOpinion", placeholderText="人社部门审查意见")
        self.effective = QLabel(objectName="effectiveLabel")
        self.wage = QLineEdit(objectName="wagePct", placeholderText="如 5.5（可不填）")
        self.wage.setMaximumWidth(140)
        self.employees = QSpinBox(objectName="employeesCovered", maximum=10_000_000, suffix=" 人")
        self.note = QLineEdit(objectName="contractNote")

        form = QFormLayout()
        form.addRow("合同类型：", self.kind)
        self.enterprise_label = QLabel("签订企业：")
        form.addRow(self.enterprise_label, self.enterprise)
        self.township_label = QLabel("签订单位：")
        form.addRow(self.township_label, self.township)
        form.addRow("合同名称：", self.title)
        form.addRow("", self.signed_alone)
        form.addRow("", self.negotiation)
        dates = QHBoxLayout()
        dates.addWidget(self.signed_on)
        dates.addWidget(QLabel("期限："))
        dates.addWidget(self.term)
        dates.addStretch(1)
        form.addRow("签订日期：", dates)
        form.addRow("到期日期：", self.expires)
        form.addRow("报送人社部门：", self.filed_on)
        form.addRow("", self.filing_hint)
        form.addRow("审查意见：", self.opinion)
        form.addRow("", self.objection)
        form.addRow("生效日期：", self.effective)
        form.addRow("工资增长幅度(%)：", self.wage)
        form.addRow("覆盖职工人数：", self.employees)
        form.addRow("备注：", self.note)
        main_box = QGroupBox("合同信息")
        main_box.setLayout(form)

        self.covered_filter = QLineEdit(objectName="coveredFilter", placeholderText="按名称筛选")
        self.covered = QListWidget(objectName="coveredList")
        self.covered_count = QLabel(objectName="coveredCount")
        self.covered_box = QGroupBox("覆盖的企业（区域性、行业性合同）")
        cov = QVBoxLayout(self.covered_box)
        cov.addWidget(self.covered_filter)
        cov.addWidget(self.covered, 1)
        cov.addWidget(self.covered_count)

        self.error = error_label()
        self.buttons = ok_cancel(self, self.submit, "保存", ok_name="saveButton")

        columns = QHBoxLayout()
        columns.addWidget(main_box, 3)
        columns.addWidget(self.covered_box, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(columns, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

        self.kind.currentTextChanged.connect(self._kind_changed)
        for signal in (self.signed_on.textChanged, self.term.valueChanged, self.filed_on.textChanged,
                       self.objection.toggled):
            signal.connect(self._update_dates)
        self.covered.itemChanged.connect(self._update_covered_count)
        self.covered_filter.textChanged.connect(self._filter_covered)
        self.township.currentIndexChanged.connect(self._filter_covered)
        self._kind_changed(self.kind.currentText())
        self._update_dates()
        self._update_covered_count()
        self._read_choices()

    # ---- loading ------------------------------------------------------------------

    def _read_choices(self) -> None:
        self.buttons.setEnabled(False)  # until the choices are on screen
        contract_id = self.contract_id

        def work(s, actor):
            contract = (get_contract(s, actor, contract_id), contract_revision(s, contract_id)) if contract_id else None
            return enterprise_choices(s, actor), township_choices(s, actor), contract

        QueryOp(self, work).success(self._fill_choices).failure(self._load_failed).run()

    def _load_failed(self, message: str) -> None:
        self.error.setText(message)
        self.buttons.setEnabled(True)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)

    def _fill_choices(self, result) -> None:
        enterprises, townships, contract = result
        self._enterprises = enterprises
        for e in enterprises:
            self.enterprise.addItem(f"{e.name}（{e.township_name}）", e.id)
        self.enterprise.setCurrentIndex(-1)
        self.township.blockSignals(True)
        if is_county(self.ctx.actor.office_code):
            self.township.addItem("镇康县（县级）", COUNTY_CODE)
        for code, name in townships:
            self.township.addItem(name, code)
        self.township.blockSignals(False)
        self.covered.blockSignals(True)
        for e in enterprises:
            item = QListWidgetItem(f"{e.name}（{e.township_name}）")
            item.setData(Qt.ItemDataRole.UserRole, e.id)
            item.setData(TOWNSHIP_ROLE, e.township_code)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.covered.addItem(item)
        self.covered.blockSignals(False)
        if contract is not None:
            self._show(*contract)
        else:
            if self._enterprise_id:
                select_data(self.enterprise, self._enterprise_id)
            select_data(self.township, self.ctx.actor.office_code)
        self._kind_changed(self.kind.currentText())
        self._update_dates()
        self._update_covered_count()
        self._filter_covered()
        self.buttons.setEnabled(True)
        unsaved.track_edits(self, unsaved.save_by_accepting(self, self.submit))  # asked about if the window goes

    def _load(self, contract_id: str) -> None:
        """Read the contract again (重新载入 after someone else's change)."""
        QueryOp(self, lambda s, actor: (get_contract(s, actor, contract_id), contract_revision(s, contract_id))) \
            .success(lambda loaded: self._show(*loaded)).failure(self.error.setText).run()

    def _show(self, c, revision: int) -> None:
        self.revision = revision  # handed back when saving
        self.kind.setCurrentText(c.kind)
        if c.enterprise_id:
            select_data(self.enterprise, c.enterprise_id)
        select_data(self.township, c.township_code)
        self.title.setText(c.title)
        self.signed_alone.setChecked(c.signed_alone)
        self.negotiation.setChecked(c.negotiation_established)
        self.signed_on.set_value(c.signed_on)
        self.term.setValue(c.term_years)
        self.filed_on.set_value(c.filed_on)
        self.opinion.setText(c.review_opinion)
        self.objection.setChecked(c.review_objection)
        self.wage.setText("" if c.wage_increase_pct is None else f"{c.wage_increase_pct:g}")
        self.employees.setValue(c.employees_covered)
        self.note.setText(c.note)
        wanted = set(c.covered_enterprise_ids)
        for i in range(self.covered.count()):
            item = self.covered.item(i)
            if item.data(Qt.ItemDataRole.UserRole) in wanted:
                item.setCheckState(Qt.CheckState.Checked)

    # ---- live behaviour -----------------------------------------------------------

    def _kind_changed(self, kind: str) -> None:
        multi = is_multi_enterprise(kind)
        self.covered_box.setEnabled(multi)
        self.enterprise.setEnabled(not multi)
        self.enterprise_label.setEnabled(not multi)
        self.township.setEnabled(multi)
        self.township_label.setEnabled(multi)
        self.signed_alone.setEnabled(not multi)
        if multi:
            self.signed_alone.setChecked(False)

    def _update_dates(self, *_args) -> None:
        signed, filed = self.signed_on.peek(), self.filed_on.peek()
        if signed is None:
            self.expires.setText("（按签订日期和期限自动计算）")
            self.filing_hint.setText("")
        else:
            try:
                self.expires.setText(f"{expiry_date(signed, self.term.value()):%Y-%m-%d}")
            except RuleError as exc:
                self.expires.setText(str(exc))
            deadline = filing_deadline(signed)
            late = filed is None and date.today() > deadline
            self.filing_hint.setText(f"应于{deadline:%Y-%m-%d}前报送" + ("，已逾期" if late else ""))
        effective = effective_date(filed, self.objection.isChecked())
        if effective is not None:
            self.effective.setText(f"{format_date(effective)}（报送后15日审查无异议即生效）")
        elif self.objection.isChecked():
            self.effective.setText("审查有异议，合同不生效")
        else:
            self.effective.setText("（报送后自动计算）")

    def _checked_ids(self) -> list[str]:
        return [
            self.covered.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.covered.count())
            if self.covered.item(i).checkState() == Qt.CheckState.Checked
        ]

    def _update_covered_count(self, *_args) -> None:
        self.covered_count.setText(f"已选 {len(self._checked_ids())} 家企业")

    def _filter_covered(self, *_args) -> None:
        """A township's regional contract covers its own enterprises; a county one any."""
        text, township = self.covered_filter.text().strip(), self.township.currentData()
        for i in range(self.covered.count()):
            item = self.covered.item(i)
            other_township = not is_county(township or "") and item.data(TOWNSHIP_ROLE) != township
            item.setHidden((bool(text) and text not in item.text()) or other_township)
            if other_township and item.checkState() == Qt.CheckState.Checked:
                item.setCheckState(Qt.CheckState.Unchecked)

    # ---- saving -------------------------------------------------------------------

    def _input(self) -> ContractInput:
        wage_text = self.wage.text().strip().rstrip("%")
        try:
            wage = float(wage_text) if wage_text else None
        except ValueError:
            raise UserError(f"工资增长幅度“{self.wage.text()}”不是数字") from None
        multi = is_multi_enterprise(self.kind.currentText())
        enterprise_id = None
        if not multi:
            index = self.enterprise.findText(self.enterprise.currentText())
            enterprise_id = self.enterprise.itemData(index) if index >= 0 else None
        return ContractInput(
            kind=self.kind.currentText(), signed_on=self.signed_on.value(), term_years=self.term.value(),
            enterprise_id=enterprise_id, township_code=self.township.currentData() if multi else "",
            covered_enterprise_ids=tuple(self._checked_ids()) if multi else (), title=self.title.text(),
            signed_alone=self.signed_alone.isChecked(), negotiation_established=self.negotiation.isChecked(),
            filed_on=self.filed_on.value(), review_opinion=self.opinion.text(),
            review_objection=self.objection.isChecked(), wage_increase_pct=wage,
            employees_covered=self.employees.value(), note=self.note.text(),
        )

    def submit(self) -> None:
        try:
            data = self._input()
        except UserError as exc:
            self.error.setText(str(exc))
            return
        contract_id, seen = self.contract_id, getattr(self, "revision", None)

        def save(s, actor) -> str:
            if contract_id:
                update_contract(s, actor, contract_id, data, seen_revision=seen)
                return contract_id
            return create_contract(s, actor, data)

        Op(self, save).success(self._saved).failure(self.error.setText).reload(self._reload).run()

    def _reload(self) -> None:
        for i in range(self.covered.count()):
            self.covered.item(i).setCheckState(Qt.CheckState.Unchecked)
        self._load(self.contract_id)

    def _saved(self, contract_id: str) -> None:
        self.contract_id = contract_id
        self.accept()
