"""One enterprise: register fields (with a live 统一社会信用代码 warning), its per-year table,
and its union with democratic management. Saving is one unit of work (an Op); an existing
enterprise is read in the background while the dialog is already open."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QMessageBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QVBoxLayout,
)

from zkdesk.domain import choices
from zkdesk.domain.uscc import check_uscc, normalize_uscc
from zkdesk.services.enterprises import (
    MAX_YEAR,
    MIN_YEAR,
    EnterpriseInput,
    UnionInput,
    YearInput,
    create_enterprise,
    get_enterprise,
    replace_enterprise_years,
    save_union,
    update_enterprise,
    uscc_warnings,
)
from zkdesk.services.errors import UserError
from zkdesk.ui import unsaved
from zkdesk.ui.enterprises.fields import DateField, select_data
from zkdesk.ui.form_parts import error_label, ok_cancel
from zkdesk.ui.ops import Op, QueryOp

YEAR_COL, EMPLOYEES_COL, STATUS_COL, DATE_COL = range(4)


class EnterpriseDialog(QDialog):
    def __init__(self, ctx, enterprise_id: str | None = None, default_year: int | None = None, parent=None):
        super().__init__(parent)
        self.setObjectName("enterpriseDialog")
        self.ctx = ctx
        self.enterprise_id = enterprise_id
        self.saved_warnings: tuple[str, ...] = ()
        self.setWindowTitle("修改企业信息" if enterprise_id else "新增企业")
        self.resize(900, 620)

        self.name = QLineEdit(objectName="entName")
        self.uscc = QLineEdit(objectName="entUscc", placeholderText="18位统一社会信用代码")
        self.uscc.setMaxLength(22)
        self.uscc_warning = QLabel(objectName="usccWarning", wordWrap=True)
        self.uscc_warning.setStyleSheet("color: #a15c00;")
        self.township = QComboBox(objectName="entTownship")
        if len(ctx.townships) > 1:  # the county chooses: no township is chosen for it
            self.township.addItem("（请选择乡镇）", None)
        for code, name in ctx.townships:
            self.township.addItem(name, code)
        self.ownership = QComboBox(objectName="entOwnership")
        self.ownership.addItems(choices.OWNERSHIP_TYPES)
        self.ownership.setCurrentText("非公")
        self.industry = QComboBox(objectName="entIndustry", editable=True)
        self.industry.addItems(["", *(choices.industry_label(i) for i in choices.INDUSTRIES)])  # 蔗糖, stored as 糖
        self.is_company = QCheckBox("公司制企业（设职工董事、职工监事）", objectName="entIsCompany")
        self.is_company.setChecked(True)
        self.address = QLineEdit(objectName="entAddress")
        self.contact_person = QLineEdit(objectName="entContact")
        self.contact_phone = QLineEdit(objectName="entPhone")
        self.note = QLineEdit(objectName="entNote")

        form = QFormLayout()
        form.addRow("企业名称：", self.name)
        form.addRow("统一社会信用代码：", self.uscc)
        form.addRow("", self.uscc_warning)
        form.addRow("所属乡镇：", self.township)
        form.addRow("所有制类型：", self.ownership)
        form.addRow("所属行业：", self.industry)
        form.addRow("", self.is_company)
        form.addRow("地址：", self.address)
        form.addRow("联系人：", self.contact_person)
        form.addRow("联系电话：", self.contact_phone)
        form.addRow("备注：", self.note)
        register_box = QGroupBox("企业登记信息")
        register_box.setLayout(form)

        self.years = QTableWidget(0, 4, objectName="yearsTable")
        self.years.setHorizontalHeaderLabels(["年度", "职工人数", "经营状态", "状态日期"])
        self.years.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.years.verticalHeader().setVisible(False)
        add_year = QPushButton("添加年度", objectName="addYear", clicked=self._add_year_clicked)
        remove_year = QPushButton("删除所选年度", objectName="removeYear", clicked=self._remove_year)
        years_box = QGroupBox("分年度职工人数和经营状态")
        years_layout = QVBoxLayout(years_box)
        years_layout.addWidget(self.years)
        row = QHBoxLayout()
        row.addWidget(add_year)
        row.addWidget(remove_year)
        row.addStretch(1)
        years_layout.addLayout(row)

        union_box = self._build_union_box()

        self.error = error_label()
        self.buttons = ok_cancel(self, self.submit, "保存", ok_name="saveButton")

        right = QVBoxLayout()
        right.addWidget(years_box, 1)
        right.addWidget(union_box)
        columns = QHBoxLayout()
        columns.addWidget(register_box, 1)
        columns.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(columns, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

        self.uscc.textChanged.connect(self._update_uscc_warning)
        self.is_company.toggled.connect(self._company_toggled)
        self.has_union.toggled.connect(self._union_toggled)
        self.congress.toggled.connect(self.congress_on.setEnabled)
        self.openness.toggled.connect(self.openness_on.setEnabled)
        self._uscc_timer = QTimer(self, singleShot=True, interval=300)
        self._uscc_timer.timeout.connect(self._check_uscc_duplicates)
        self.revision: int | None = None  # as loaded: a save over someone else's newer change is refused
        if enterprise_id:
            self._load()
        else:
            self._add_year(YearInput(default_year or date.today().year, 0))
        self._union_toggled(self.has_union.isChecked())
        self._company_toggled(self.is_company.isChecked())
        unsaved.track_edits(self, unsaved.save_by_accepting(self, self.submit))  # asked about if the window goes

    # ---- building -----------------------------------------------------------------

    def _build_union_box(self) -> QGroupBox:
        self.has_union = QCheckBox("已建立工会", objectName="hasUnion")
        self.union_established = DateField("工会成立日期", objectName="unionEstablished")
        self.union_members = QSpinBox(objectName="unionMembers", maximum=1_000_000)
        self.union_chair = QLineEdit(objectName="unionChair")
        self.congress = QCheckBox("已建立职工代表大会制度", objectName="congress")
        self.congress_on = DateField("职代会建立日期", objectName="congressOn")
        self.openness = QCheckBox("已建立厂务公开制度", objectName="openness")
        self.openness_on = DateField("厂务公开建立日期", objectName="opennessOn")
        self.worker_director = QCheckBox("设职工董事", objectName="workerDirector")
        self.worker_supervisor = QCheckBox("设职工监事", objectName="workerSupervisor")
        self.union_fields = [self.union_established, self.union_members, self.union_chair, self.congress,
                             self.congress_on, self.openness, self.openness_on, self.worker_director,
                             self.worker_supervisor]
        form = QFormLayout()
        form.addRow(self.has_union)
        form.addRow("成立日期：", self.union_established)
        form.addRow("会员人数：", self.union_members)
        form.addRow("工会主席：", self.union_chair)
        form.addRow(self.congress, self.congress_on)
        form.addRow(self.openness, self.openness_on)
        pair = QHBoxLayout()
        pair.addWidget(self.worker_director)
        pair.addWidget(self.worker_supervisor)
        pair.addStretch(1)
        form.addRow(pair)
        box = QGroupBox("工会与民主管理")
        box.setLayout(form)
        return box

    def _add_year(self, row: YearInput) -> None:
        r = self.years.rowCount()
        self.years.insertRow(r)
        year = QSpinBox(minimum=MIN_YEAR, maximum=MAX_YEAR, objectName=f"yearSpin{r}")
        year.setValue(row.year)
        employees = QSpinBox(maximum=10_000_000, objectName=f"employeesSpin{r}")
        employees.setValue(row.employees)
        status = QComboBox(objectName=f"statusCombo{r}")
        status.addItems(choices.OPERATING_STATUSES)
        status.setCurrentText(row.operating_status)
        day = DateField(f"{row.year}年状态日期", objectName=f"statusDate{r}")
        day.set_value(row.status_date)
        for col, widget in ((YEAR_COL, year), (EMPLOYEES_COL, employees), (STATUS_COL, status), (DATE_COL, day)):
            self.years.setCellWidget(r, col, widget)

    def _add_year_clicked(self) -> None:
        years = [self.years.cellWidget(r, YEAR_COL).value() for r in range(self.years.rowCount())]
        last = self.years.cellWidget(self.years.rowCount() - 1, EMPLOYEES_COL).value() if years else 0
        status = self.years.cellWidget(self.years.rowCount() - 1, STATUS_COL).currentText() if years else "正常经营"
        self._add_year(YearInput(max(years) + 1 if years else date.today().year, last, status))

    def _remove_year(self) -> None:
        row = self.years.currentRow()
        if row < 0 and self.years.rowCount():
            row = self.years.rowCount() - 1
        if row >= 0:
            self.years.removeRow(row)

    def _load(self) -> None:
        self.buttons.setEnabled(False)  # until the record is on screen
        enterprise_id = self.enterprise_id
        QueryOp(self, lambda s, actor: get_enterprise(s, actor, enterprise_id)).success(self._fill) \
            .failure(self._load_failed).run()

    def _load_failed(self, message: str) -> None:
        self.error.setText(message)
        self.buttons.setEnabled(True)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)

    def _fill(self, detail) -> None:
        self.buttons.setEnabled(True)
        self.revision = detail.revision
        self.years.setRowCount(0)
        self.error.setText("")
        d = detail.data
        self.name.setText(d.name)
        self.uscc.setText(d.uscc)
        select_data(self.township, d.township_code)
        self.ownership.setCurrentText(d.ownership)
        self.industry.setCurrentText(choices.industry_label(d.industry))
        self.is_company.setChecked(d.is_company)
        self.address.setText(d.address)
        self.contact_person.setText(d.contact_person)
        self.contact_phone.setText(d.contact_phone)
        self.note.setText(d.note)
        for row in detail.years:
            self._add_year(row)
        u = detail.union
        self.has_union.setChecked(u is not None)
        if u is not None:
            self.union_established.set_value(u.established_on)
            self.union_members.setValue(u.members)
            self.union_chair.setText(u.chair)
            self.congress.setChecked(u.congress)
            self.congress_on.set_value(u.congress_on)
            self.openness.setChecked(u.openness)
            self.openness_on.set_value(u.openness_on)
            self.worker_director.setChecked(u.worker_director)
            self.worker_supervisor.setChecked(u.worker_supervisor)

    # ---- live behaviour -----------------------------------------------------------

    def _update_uscc_warning(self, text: str) -> None:
        code = normalize_uscc(text)
        if not code:
            self.uscc_warning.setText("")
        elif len(code) < 18:
            self.uscc_warning.setText(f"已输入{len(code)}位，统一社会信用代码应为18位")
        elif len(code) > 18:
            self.uscc_warning.setText(check_uscc(code).message)
        else:
            check = check_uscc(code)  # the check digit at once; duplicates once typing pauses
            self._show_uscc_warnings([] if check.ok else [check.message])
            self._uscc_timer.start()

    def _show_uscc_warnings(self, warnings: list[str]) -> None:
        self.uscc_warning.setText("；".join(warnings) + ("（可以保存，请核对）" if warnings else ""))

    def _check_uscc_duplicates(self) -> None:
        code, exclude = normalize_uscc(self.uscc.text()), self.enterprise_id

        def show(warnings: list[str]) -> None:
            if normalize_uscc(self.uscc.text()) == code:  # still the code that was checked
                self._show_uscc_warnings(warnings)

        QueryOp(self, lambda s, actor: uscc_warnings(s, code, exclude_id=exclude)).success(show).run()

    def _union_toggled(self, on: bool) -> None:
        for widget in self.union_fields:
            widget.setEnabled(on)
        if on:
            self.congress_on.setEnabled(self.congress.isChecked())
            self.openness_on.setEnabled(self.openness.isChecked())
            self._company_toggled(self.is_company.isChecked())

    def _company_toggled(self, company: bool) -> None:
        for box in (self.worker_director, self.worker_supervisor):
            box.setEnabled(company and self.has_union.isChecked())
            if not company:
                box.setChecked(False)

    # ---- saving -------------------------------------------------------------------

    def _inputs(self) -> tuple[EnterpriseInput, list[YearInput], UnionInput | None]:
        data = EnterpriseInput(
            name=self.name.text(), township_code=self.township.currentData() or "", uscc=self.uscc.text(),
            ownership=self.ownership.currentText(), industry=choices.industry_value(self.industry.currentText()),
            is_company=self.is_company.isChecked(), address=self.address.text(),
            contact_person=self.contact_person.text(), contact_phone=self.contact_phone.text(), note=self.note.text(),
        )
        years = []
        for r in range(self.years.rowCount()):
            years.append(YearInput(
                year=self.years.cellWidget(r, YEAR_COL).value(),
                employees=self.years.cellWidget(r, EMPLOYEES_COL).value(),
                operating_status=self.years.cellWidget(r, STATUS_COL).currentText(),
                status_date=self.years.cellWidget(r, DATE_COL).value(),
            ))
        if not years:
            raise UserError("请至少填写一个年度的职工人数和经营状态")
        union = None
        if self.has_union.isChecked():
            union = UnionInput(
                established_on=self.union_established.value(), members=self.union_members.value(),
                chair=self.union_chair.text(), congress=self.congress.isChecked(), congress_on=self.congress_on.value(),
                openness=self.openness.isChecked(), openness_on=self.openness_on.value(),
                worker_director=self.worker_director.isChecked(), worker_supervisor=self.worker_supervisor.isChecked(),
            )
        return data, years, union

    def submit(self) -> None:
        try:
            data, years, union = self._inputs()
        except UserError as exc:
            self.error.setText(str(exc))
            return
        missing = [label for label, empty in (
            ("行业", not data.industry.strip()), ("职工人数", all(y.employees == 0 for y in years)),
            ("统一社会信用代码", not data.uscc.strip())) if empty]
        if missing and self.enterprise_id is None and not self._save_anyway(missing):  # asked when registering
            return
        enterprise_id, seen = self.enterprise_id, self.revision

        def save(s, actor):
            if enterprise_id:
                saved = update_enterprise(s, actor, enterprise_id, data, seen_revision=seen)
            else:
                saved = create_enterprise(s, actor, data)
            replace_enterprise_years(s, actor, saved.id, years)
            save_union(s, actor, saved.id, union)
            return saved

        self.error.setText("")
        Op(self, save).success(self._saved).failure(self.error.setText).reload(self._load).run()

    def _save_anyway(self, missing: list[str]) -> bool:
        """A record missing what its indicators need (行业, 职工人数, 信用代码): said, and saved only if wished."""
        box = QMessageBox(QMessageBox.Icon.Warning, "有内容未填写",
                          f"{'、'.join(missing)}未填写。按行业、规模统计的指标（工会组建率、集体合同覆盖率等）"
                          "需要这些内容，缺少时该企业不计入。\n\n仍然保存吗？", QMessageBox.StandardButton.NoButton, self)
        box.setObjectName("incompleteBox")
        anyway = box.addButton("仍然保存", QMessageBox.ButtonRole.AcceptRole)
        back = box.addButton("返回填写", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(back)
        box.setEscapeButton(back)
        box.exec()
        return box.clickedButton() is anyway

    def _saved(self, saved) -> None:
        self.enterprise_id, self.saved_warnings = saved.id, saved.warnings
        self.accept()
