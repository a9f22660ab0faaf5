"""集体合同企业: the enterprise register, collective contracts, quality evaluations, the rates
of items 4, 13 and 14 they give, and a reminders panel always in view."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from zkdesk.domain import choices
from zkdesk.domain.dates import format_date
from zkdesk.domain.orgcodes import is_county
from zkdesk.domain.roles import Permission
from zkdesk.services.contracts import ContractFilter, delete_contract, list_contracts
from zkdesk.services.enterprise_rates import enterprise_rates
from zkdesk.services.enterprises import (
    SIZE_LARGE,
    SIZE_SMALL,
    EnterpriseFilter,
    count_enterprises,
    delete_enterprise,
    list_enterprises,
)
from zkdesk.services.errors import UserError
from zkdesk.services.evaluations import delete_evaluation, list_evaluations
from zkdesk.services.orgs import township_choices
from zkdesk.services.reminders import FILING, NO_UNION, RENEWAL, list_reminders
from zkdesk.ui import bus
from zkdesk.ui.enterprises.contract_dialog import ContractDialog
from zkdesk.ui.enterprises.enterprise_dialog import EnterpriseDialog
from zkdesk.ui.enterprises.evaluation_dialog import EvaluationDialog
from zkdesk.ui.enterprises.fields import fmt_rate
from zkdesk.ui.enterprises.tables import RecordTable
from zkdesk.ui.messages import confirm, show_error

COMPARATORS = {"ge": "≥", "le": "≤", "eq": "="}
REMINDER_COLOURS = {FILING: "#b00020", RENEWAL: "#9a5b00", NO_UNION: "#1d4f91"}
# Combo items carry "" for "all", never None: the filters read `currentData() or None`.


def _yes(flag: bool) -> str:
    return "是" if flag else ""


class EnterprisesPage(QWidget):
    def __init__(self, ctx, spec, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        can_edit = ctx.actor.can(Permission.EDIT)

        self.year = QSpinBox(objectName="yearSpin", minimum=2000, maximum=2100, value=date.today().year, suffix=" 年")
        self.township = QComboBox(objectName="townshipFilter")
        with ctx.db.session() as s:
            townships = township_choices(s, ctx.actor)
        if is_county(ctx.actor.office_code):
            self.township.addItem("全县", "")
        for code, name in townships:
            self.township.addItem(name, code)
        self.township.setEnabled(self.township.count() > 1)
        header = QHBoxLayout()
        header.addWidget(QLabel(f"<h2>{spec.label}</h2>"))
        header.addStretch(1)
        header.addWidget(QLabel("年度："))
        header.addWidget(self.year)
        header.addWidget(QLabel("乡镇："))
        header.addWidget(self.township)

        self.tabs = QTabWidget(objectName="enterpriseTabs")
        self.tabs.addTab(self._build_enterprise_tab(can_edit), "企业名录")
        self.tabs.addTab(self._build_contract_tab(can_edit), "集体合同")
        self.tabs.addTab(self._build_evaluation_tab(can_edit), "质效评估")
        self.tabs.addTab(self._build_rates_tab(), "指标测算")

        self.reminders = QListWidget(objectName="reminderList", wordWrap=True)
        self.reminders.setAlternatingRowColors(True)
        self.reminders.itemDoubleClicked.connect(self._open_reminder)
        self.reminder_box = QGroupBox("提醒事项", objectName="reminderBox")
        box_layout = QVBoxLayout(self.reminder_box)
        box_layout.addWidget(self.reminders)
        hint = QLabel("双击打开对应的合同或企业", wordWrap=True)
        hint.setStyleSheet("color: #666;")
        box_layout.addWidget(hint)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.tabs)
        splitter.addWidget(self.reminder_box)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([870, 260])

        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(splitter, 1)

        self.year.valueChanged.connect(self.refresh)
        self.township.currentIndexChanged.connect(self.refresh)
        ctx.bus.changed.connect(self._on_changed)
        self.refresh()

    # ---- tabs ---------------------------------------------------------------------

    def _build_enterprise_tab(self, can_edit: bool) -> QWidget:
        self.ownership_filter = QComboBox(objectName="ownershipFilter")
        self.ownership_filter.addItem("全部所有制", "")
        for o in choices.OWNERSHIP_TYPES:
            self.ownership_filter.addItem(o, o)
        self.industry_filter = QComboBox(objectName="industryFilter")
        self.industry_filter.addItem("全部行业", "")
        for i in choices.INDUSTRIES:
            self.industry_filter.addItem(i, i)
        self.size_filter = QComboBox(objectName="sizeFilter")
        for label, value in (("全部规模", ""), ("百人以上", SIZE_LARGE), ("百人以下", SIZE_SMALL)):
            self.size_filter.addItem(label, value)
        self.union_filter = QComboBox(objectName="unionFilter")
        for label, value in (("工会：全部", ""), ("已建工会", "yes"), ("未建工会", "no")):
            self.union_filter.addItem(label, value)
        self.search = QLineEdit(objectName="searchEdit", placeholderText="企业名称或信用代码", clearButtonEnabled=True)
        filters = QHBoxLayout()
        for w in (self.ownership_filter, self.industry_filter, self.size_filter, self.union_filter):
            filters.addWidget(w)
            w.currentIndexChanged.connect(self.refresh_enterprises)
        filters.addWidget(self.search, 1)
        self.search.textChanged.connect(self.refresh_enterprises)

        buttons = QHBoxLayout()
        for name, text, slot in (("newEnterprise", "新增企业", self.new_enterprise),
                                 ("editEnterprise", "修改", self.edit_enterprise),
                                 ("deleteEnterprise", "删除", self.remove_enterprise)):
            button = QPushButton(text, objectName=name, clicked=slot)
            button.setEnabled(can_edit or name == "editEnterprise")
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.enterprise_counts = QLabel(objectName="enterpriseCounts", wordWrap=True)

        self.enterprise_table = RecordTable(
            ["企业名称", "乡镇", "所有制", "行业", "职工数", "状态", "工会", "民主管理", "集体合同", "信用代码"],
            objectName="enterpriseTable", stretch_column=0)
        self.enterprise_table.doubleClicked.connect(lambda _index: self.edit_enterprise())
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addLayout(filters)
        layout.addLayout(buttons)
        layout.addWidget(self.enterprise_table, 1)
        layout.addWidget(self.enterprise_counts)
        return tab

    def _build_contract_tab(self, can_edit: bool) -> QWidget:
        self.kind_filter = QComboBox(objectName="kindFilter")
        self.kind_filter.addItem("全部类型", "")
        for k in choices.CONTRACT_TYPES:
            self.kind_filter.addItem(k, k)
        self.in_force_only = QCheckBox("只看本年度有效的合同", objectName="inForceOnly", checked=True)
        self.kind_filter.currentIndexChanged.connect(self.refresh_contracts)
        self.in_force_only.toggled.connect(self.refresh_contracts)
        row = QHBoxLayout()
        for name, text, slot in (("newContract", "新增合同", self.new_contract),
                                 ("editContract", "修改", self.edit_contract),
                                 ("deleteContract", "删除", self.remove_contract)):
            button = QPushButton(text, objectName=name, clicked=slot)
            button.setEnabled(can_edit or name == "editContract")
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(self.kind_filter)
        row.addWidget(self.in_force_only)
        self.contract_table = RecordTable(
            ["签订方", "合同类型", "状态", "乡镇", "签订日期", "期限", "到期日期", "报送日期", "生效日期", "单独签订",
             "协商建制", "工资增幅", "覆盖职工"], objectName="contractTable", stretch_column=None,
            widths={0: 230, 1: 130})
        self.contract_table.doubleClicked.connect(lambda _index: self.edit_contract())
        self.contract_counts = QLabel(objectName="contractCounts")
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addLayout(row)
        layout.addWidget(self.contract_table, 1)
        layout.addWidget(self.contract_counts)
        return tab

    def _build_evaluation_tab(self, can_edit: bool) -> QWidget:
        row = QHBoxLayout()
        for name, text, slot in (("newEvaluation", "录入评估", self.new_evaluation),
                                 ("editEvaluation", "修改", self.edit_evaluation),
                                 ("deleteEvaluation", "删除", self.remove_evaluation)):
            button = QPushButton(text, objectName=name, clicked=slot)
            button.setEnabled(can_edit or name == "editEvaluation")
            row.addWidget(button)
        row.addStretch(1)
        self.evaluation_table = RecordTable(
            ["企业名称", "乡镇", "总分", "受调查人数", "知晓人数", "知晓率", "满意人数", "满意度", "协商建制"],
            objectName="evaluationTable", stretch_column=0)
        self.evaluation_table.doubleClicked.connect(lambda _index: self.edit_evaluation())
        self.evaluation_counts = QLabel(objectName="evaluationCounts")
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addLayout(row)
        layout.addWidget(self.evaluation_table, 1)
        layout.addWidget(self.evaluation_counts)
        return tab

    def _build_rates_tab(self) -> QWidget:
        self.rates_table = RecordTable(["指标", "名称", "目标", "分子", "分母", "测算值", "口径说明"],
                                       objectName="ratesTable", stretch_column=6, sortable=False,
                                       widths={1: 260}, wrap=True)
        note = QLabel("按所选年度、乡镇从本页登记的企业、工会、集体合同和质效评估自动测算（百人以上企业按当年职工人数，"
                      "区域性、行业性合同按覆盖的每家企业计）。", wordWrap=True)
        note.setStyleSheet("color: #555;")
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(note)
        layout.addWidget(self.rates_table, 1)
        return tab

    # ---- refreshing ---------------------------------------------------------------

    def _on_changed(self, kind: str) -> None:
        if kind in (bus.ENTERPRISES, bus.PLANS, bus.ALL):
            self.refresh()

    @property
    def org_code(self) -> str:
        return self.township.currentData() or self.ctx.actor.office_code

    def refresh(self) -> None:
        self.refresh_enterprises()
        self.refresh_contracts()
        self.refresh_evaluations()
        self.refresh_rates()
        self.refresh_reminders()

    def refresh_enterprises(self) -> None:
        union = self.union_filter.currentData()
        flt = EnterpriseFilter(
            township_code=self.township.currentData() or None, ownership=self.ownership_filter.currentData() or None,
            industry=self.industry_filter.currentData() or None, size=self.size_filter.currentData() or None,
            has_union={"yes": True, "no": False}.get(union), text=self.search.text(),
        )
        with self.ctx.db.session() as s:
            rows = list_enterprises(s, self.ctx.actor, self.year.value(), flt)
        self.enterprise_table.fill(rows, lambda r: (
            r.name, r.township_name, r.ownership, r.industry, r.employees, r.status or "未登记",
            _yes(r.has_union), "、".join(label for flag, label in ((r.congress, "职代会"), (r.openness, "厂务公开")) if flag),
            "协商建制" if r.negotiated else ("有" if r.has_contract else ""), r.uscc_warning or "✓",
        ), key=lambda r: r.enterprise_id)
        c = count_enterprises(rows)
        self.enterprise_counts.setText(
            f"共 {c.total} 家；百人以上 {c.large} 家，其中已建工会 {c.large_with_union} 家；已建工会 {c.with_union} 家；"
            f"本年有有效集体合同 {c.with_contract} 家；信用代码需核对 {c.flagged_uscc} 家"
        )

    def refresh_contracts(self) -> None:
        flt = ContractFilter(township_code=self.township.currentData() or None, kind=self.kind_filter.currentData() or None,
                             year=self.year.value() if self.in_force_only.isChecked() else None)
        with self.ctx.db.session() as s:
            rows = list_contracts(s, self.ctx.actor, flt)
        self.contract_table.fill(rows, lambda r: (
            r.party, r.kind, r.status, r.township_name, format_date(r.signed_on), f"{r.term_years}年",
            format_date(r.expires_on), format_date(r.filed_on), format_date(r.effective_on), _yes(r.signed_alone),
            _yes(r.negotiation_established), "" if r.wage_increase_pct is None else f"{r.wage_increase_pct:g}%",
            r.employees_covered,
        ), key=lambda r: r.id)
        self.contract_counts.setText(f"共 {len(rows)} 份合同，覆盖企业 {sum(r.covered_count for r in rows)} 家次")

    def refresh_evaluations(self) -> None:
        with self.ctx.db.session() as s:
            rows = list_evaluations(s, self.ctx.actor, self.year.value(), self.township.currentData() or None)
        self.evaluation_table.fill(rows, lambda r: (
            r.enterprise_name, r.township_name, r.score_total, r.respondents, r.aware, fmt_rate(r.awareness_rate),
            r.satisfied, fmt_rate(r.satisfaction_rate), _yes(r.negotiated),
        ), key=lambda r: r.id)
        passed = sum(r.score_total >= 80 for r in rows)
        self.evaluation_counts.setText(f"{self.year.value()}年参加评估 {len(rows)} 家，其中80分以上 {passed} 家")

    def refresh_rates(self) -> None:
        with self.ctx.db.session() as s:
            lines = enterprise_rates(s, self.ctx.actor, self.org_code, self.year.value())

        def number(x):
            return "" if x is None else f"{x:g}"

        self.rates_table.fill(lines, lambda l: (
            l.code, l.name, f"{COMPARATORS.get(l.comparator, '')}{number(l.target)}%",
            number(l.derived.numerator), number(l.derived.denominator), fmt_rate(l.derived.value), l.derived.explanation,
        ), key=lambda l: l.source)

    def refresh_reminders(self) -> None:
        with self.ctx.db.session() as s:
            reminders = list_reminders(s, self.ctx.actor)
        self.reminders.clear()
        for r in reminders:
            item = QListWidgetItem(f"【{r.label}】{r.text}")
            item.setForeground(QColor(REMINDER_COLOURS[r.kind]))
            item.setData(Qt.ItemDataRole.UserRole, (r.record_kind, r.record_id))
            self.reminders.addItem(item)
        self.reminder_box.setTitle(f"提醒事项（{len(reminders)}）")

    # ---- actions ------------------------------------------------------------------

    def _open(self, dialog) -> None:
        """Open a dialog without blocking; a saved change tells every view."""
        dialog.accepted.connect(lambda: self.ctx.bus.notify(bus.ENTERPRISES))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def new_enterprise(self) -> None:
        self._open(EnterpriseDialog(self.ctx, default_year=self.year.value(), parent=self))

    def edit_enterprise(self, enterprise_id: str | None = None) -> None:
        enterprise_id = enterprise_id or self.enterprise_table.current_key()
        if enterprise_id:
            self._open(EnterpriseDialog(self.ctx, enterprise_id, parent=self))

    def remove_enterprise(self) -> None:
        self._remove(self.enterprise_table, delete_enterprise, "删除所选企业？其分年度数据和工会信息一并删除。")

    def new_contract(self) -> None:
        self._open(ContractDialog(self.ctx, enterprise_id=None, parent=self))

    def edit_contract(self, contract_id: str | None = None) -> None:
        contract_id = contract_id or self.contract_table.current_key()
        if contract_id:
            self._open(ContractDialog(self.ctx, contract_id, parent=self))

    def remove_contract(self) -> None:
        self._remove(self.contract_table, delete_contract, "删除所选集体合同？")

    def new_evaluation(self) -> None:
        self._open(EvaluationDialog(self.ctx, year=self.year.value(), parent=self))

    def edit_evaluation(self) -> None:
        key = self.evaluation_table.current_key()
        if key:
            self._open(EvaluationDialog(self.ctx, key, parent=self))

    def remove_evaluation(self) -> None:
        self._remove(self.evaluation_table, delete_evaluation, "删除所选质效评估记录？")

    def _remove(self, table: RecordTable, action, question: str) -> None:
        key = table.current_key()
        if not key or not confirm(self, question):
            return
        try:
            with self.ctx.db.session() as s:
                action(s, self.ctx.actor, key)
        except UserError as exc:
            show_error(self, str(exc))
            return
        self.ctx.bus.notify(bus.ENTERPRISES)

    def _open_reminder(self, item: QListWidgetItem) -> None:
        kind, record_id = item.data(Qt.ItemDataRole.UserRole)
        if kind == "contract":
            self.edit_contract(record_id)
        else:
            self.edit_enterprise(record_id)
