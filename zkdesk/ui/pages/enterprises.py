"""集体合同企业: the enterprise register, collective contracts, quality evaluations, the rates
of items 4, 13 and 14 they give, and a reminders panel always in view.

Every list is a RecordView kept current by a Refresher (read off the GUI thread, only while
on screen); every change goes through an Op.
"""

from __future__ import annotations

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
from zkdesk.domain.roles import Permission
from zkdesk.services.contracts import ContractFilter, delete_contract, list_contracts
from zkdesk.services.enterprise_rates import enterprise_rates
from zkdesk.services.enterprises import (
    DUPLICATE_CODE,
    SIZE_LARGE,
    SIZE_SMALL,
    EnterpriseFilter,
    count_enterprises,
    delete_enterprise,
    list_enterprises,
)
from zkdesk.services.evaluations import delete_evaluation, list_evaluations
from zkdesk.services.reminders import FILING, NO_UNION, RENEWAL, list_reminders
from zkdesk.ui import bus
from zkdesk.ui.enterprises.contract_dialog import ContractDialog
from zkdesk.ui.enterprises.enterprise_dialog import EnterpriseDialog
from zkdesk.ui.enterprises.evaluation_dialog import EvaluationDialog
from zkdesk.ui.enterprises.fields import fmt_rate
from zkdesk.ui.enterprises.merge_dialog import MergeDialog
from zkdesk.ui.delete_confirm import delete_asking
from zkdesk.ui.refresh import Refresher
from zkdesk.ui.widgets.record_view import Column, RecordView

COMPARATORS = {"ge": "≥", "le": "≤", "eq": "="}
REMINDER_COLOURS = {FILING: "#b00020", RENEWAL: "#9a5b00", NO_UNION: "#1d4f91"}
REGISTER_KINDS = (bus.ENTERPRISES, bus.PLANS)
# Combo items carry "" for "all", never None: the filters read `currentData() or None`.


def _number(x) -> str:
    return "" if x is None else f"{x:g}"


ENTERPRISE_COLUMNS = [
    Column("企业名称", lambda r: r.name, stretch=True),
    Column("乡镇", lambda r: r.township_name),
    Column("所有制", lambda r: r.ownership),
    Column("行业", lambda r: choices.industry_label(r.industry)),
    Column("职工数", lambda r: r.employees, fmt="int"),
    Column("状态", lambda r: r.status or "未登记"),
    Column("工会", lambda r: r.has_union, fmt="yes"),
    Column("民主管理", lambda r: "、".join(label for flag, label in ((r.congress, "职代会"), (r.openness, "厂务公开")) if flag)),
    Column("集体合同", lambda r: "协商建制" if r.negotiated else ("有" if r.has_contract else "")),
    Column("信用代码", lambda r: r.uscc_warning or "✓",
           colour=lambda r: "#b00020" if r.uscc_warning and r.uscc_warning != "未填写" else None,
           tooltip=lambda r: r.uscc or "未填写"),
]
CONTRACT_COLUMNS = [
    Column("签订方", lambda r: r.party, width=230),
    Column("合同类型", lambda r: r.kind, width=130),
    Column("状态", lambda r: r.status),
    Column("乡镇", lambda r: r.township_name),
    Column("签订日期", lambda r: r.signed_on, fmt="date"),
    Column("期限", lambda r: f"{r.term_years}年"),
    Column("到期日期", lambda r: r.expires_on, fmt="date"),
    Column("报送日期", lambda r: r.filed_on, fmt="date"),
    Column("生效日期", lambda r: r.effective_on, fmt="date"),
    Column("单独签订", lambda r: r.signed_alone, fmt="yes"),
    Column("协商建制", lambda r: r.negotiation_established, fmt="yes"),
    Column("工资增幅", lambda r: None if r.wage_increase_pct is None else f"{r.wage_increase_pct:g}%"),
    Column("覆盖职工", lambda r: r.employees_covered, fmt="int"),
]
EVALUATION_COLUMNS = [
    Column("企业名称", lambda r: r.enterprise_name, stretch=True),
    Column("乡镇", lambda r: r.township_name),
    Column("总分", lambda r: r.score_total, fmt="number"),
    Column("受调查人数", lambda r: r.respondents, fmt="int"),
    Column("知晓人数", lambda r: r.aware, fmt="int"),
    Column("知晓率", lambda r: fmt_rate(r.awareness_rate)),
    Column("满意人数", lambda r: r.satisfied, fmt="int"),
    Column("满意度", lambda r: fmt_rate(r.satisfaction_rate)),
    Column("协商建制", lambda r: r.negotiated, fmt="yes"),
]
RATE_COLUMNS = [
    Column("指标", lambda line: line.code),
    Column("名称", lambda line: line.name, width=260),
    Column("目标", lambda line: f"{COMPARATORS.get(line.comparator, '')}{_number(line.target)}%"),
    Column("分子", lambda line: _number(line.derived.numerator)),
    Column("分母", lambda line: _number(line.derived.denominator)),
    Column("测算值", lambda line: fmt_rate(line.derived.value)),
    Column("口径说明", lambda line: line.derived.explanation, stretch=True),
]


def _buttons(specs, can_edit: bool, edit_name: str) -> QHBoxLayout:
    row = QHBoxLayout()
    for name, text, slot in specs:
        button = QPushButton(text, objectName=name, clicked=slot)
        button.setEnabled(can_edit or name == edit_name)
        row.addWidget(button)
    return row


def _tab(*parts) -> QWidget:
    tab = QWidget()
    layout = QVBoxLayout(tab)
    for part in parts:
        if isinstance(part, QHBoxLayout):
            layout.addLayout(part)
        else:
            layout.addWidget(part, 1 if isinstance(part, RecordView) else 0)
    return tab


class EnterprisesPage(QWidget):
    def __init__(self, ctx, spec, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        can_edit = ctx.actor.can(Permission.EDIT)

        self.year = QSpinBox(objectName="yearSpin", minimum=2000, maximum=2100, value=ctx.current_year.value, suffix=" 年")
        self.township = QComboBox(objectName="townshipFilter")
        if ctx.actor.at_county:
            self.township.addItem("全县", "")
        for code, name in ctx.townships:
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

        self.refreshers = [
            Refresher(self.enterprise_table, self._read_enterprises, self._show_enterprises, REGISTER_KINDS),
            Refresher(self.contract_table, self._read_contracts, self._show_contracts, REGISTER_KINDS),
            Refresher(self.evaluation_table, self._read_evaluations, self._show_evaluations, REGISTER_KINDS),
            Refresher(self.rates_table, self._read_rates, self.rates_table.set_rows, REGISTER_KINDS),
            Refresher(self.reminders, lambda: list_reminders, self._show_reminders, REGISTER_KINDS),
        ]
        self.year.valueChanged.connect(self.refresh)
        self.year.valueChanged.connect(ctx.current_year.set)  # every page follows (ui.work_year)
        ctx.current_year.changed.connect(self.year.setValue)
        self.township.currentIndexChanged.connect(self.refresh)

    # ---- tabs ---------------------------------------------------------------------

    def _build_enterprise_tab(self, can_edit: bool) -> QWidget:
        self.ownership_filter = QComboBox(objectName="ownershipFilter")
        self.ownership_filter.addItem("全部所有制", "")
        for o in choices.OWNERSHIP_TYPES:
            self.ownership_filter.addItem(o, o)
        self.industry_filter = QComboBox(objectName="industryFilter")
        self.industry_filter.addItem("全部行业", "")
        for i in choices.INDUSTRIES:
            self.industry_filter.addItem(choices.industry_label(i), i)
        self.size_filter = QComboBox(objectName="sizeFilter")
        for label, value in (("全部规模", ""), ("百人以上", SIZE_LARGE), ("百人以下", SIZE_SMALL)):
            self.size_filter.addItem(label, value)
        self.union_filter = QComboBox(objectName="unionFilter")
        for label, value in (("工会：全部", ""), ("已建工会", "yes"), ("未建工会", "no")):
            self.union_filter.addItem(label, value)
        self.search = QLineEdit(objectName="searchEdit", placeholderText="搜索：企业名称、信用代码、乡镇、行业…",
                                clearButtonEnabled=True)
        filters = QHBoxLayout()
        for w in (self.ownership_filter, self.industry_filter, self.size_filter, self.union_filter):
            filters.addWidget(w)
            w.currentIndexChanged.connect(self.refresh_enterprises)
        filters.addWidget(self.search, 1)
        self.search.textChanged.connect(self._search_changed)

        buttons = _buttons((("newEnterprise", "新增企业", self.new_enterprise),
                            ("editEnterprise", "修改", self.edit_enterprise),
                            ("deleteEnterprise", "删除", self.remove_enterprise)), can_edit, "editEnterprise")
        self.merge_button = QPushButton("合并重复企业", objectName="mergeEnterprise", clicked=self.merge_enterprise,
                                        enabled=False)
        if not can_edit:  # (never shown before it has a parent: it would open as a window of its own)
            self.merge_button.hide()
        self.merge_button.setToolTip("所选企业的统一社会信用代码与其他企业重复时，可把它们合并为一家")
        buttons.addWidget(self.merge_button)
        buttons.addStretch(1)
        self.enterprise_counts = QLabel(objectName="enterpriseCounts", wordWrap=True)
        self.merge_result = QLabel(objectName="mergeResult", wordWrap=True)
        self.merge_result.setStyleSheet("color: #1b7f3b;")
        self.enterprise_table = RecordView(ENTERPRISE_COLUMNS, key=lambda r: r.enterprise_id, objectName="enterpriseTable",
                                           empty="暂无企业：点击“新增企业”登记，或从 文件 ▸ 导入Excel 导入企业名册")
        self.enterprise_table.doubleClicked.connect(lambda _index: self.edit_enterprise())
        self.enterprise_table.current_changed.connect(lambda _key: self._offer_merge())
        return _tab(filters, buttons, self.enterprise_table, self.enterprise_counts, self.merge_result)

    def _build_contract_tab(self, can_edit: bool) -> QWidget:
        self.kind_filter = QComboBox(objectName="kindFilter")
        self.kind_filter.addItem("全部类型", "")
        for k in choices.CONTRACT_TYPES:
            self.kind_filter.addItem(k, k)
        self.in_force_only = QCheckBox("只看本年度有效的合同", objectName="inForceOnly", checked=True)
        self.kind_filter.currentIndexChanged.connect(self.refresh_contracts)
        self.in_force_only.toggled.connect(self.refresh_contracts)
        row = _buttons((("newContract", "新增合同", self.new_contract),
                        ("editContract", "修改", self.edit_contract),
                        ("deleteContract", "删除", self.remove_contract)), can_edit, "editContract")
        self.contract_search = QLineEdit(objectName="contractSearch", placeholderText="搜索：合同、企业、乡镇…",
                                         clearButtonEnabled=True)
        row.addWidget(self.contract_search, 1)
        row.addWidget(self.kind_filter)
        row.addWidget(self.in_force_only)
        self.contract_table = RecordView(CONTRACT_COLUMNS, key=lambda r: r.id, objectName="contractTable",
                                         empty="本年度暂无有效的集体合同：点击“新增合同”登记")
        self.contract_search.textChanged.connect(self.contract_table.set_filter_text)
        self.contract_table.doubleClicked.connect(lambda _index: self.edit_contract())
        self.contract_counts = QLabel(objectName="contractCounts")
        return _tab(row, self.contract_table, self.contract_counts)

    def _build_evaluation_tab(self, can_edit: bool) -> QWidget:
        row = _buttons((("newEvaluation", "录入评估", self.new_evaluation),
                        ("editEvaluation", "修改", self.edit_evaluation),
                        ("deleteEvaluation", "删除", self.remove_evaluation)), can_edit, "editEvaluation")
        row.addStretch(1)
        self.evaluation_table = RecordView(EVALUATION_COLUMNS, key=lambda r: r.id, objectName="evaluationTable",
                                           empty="本年度暂无质效评估记录：点击“录入评估”")
        self.evaluation_table.doubleClicked.connect(lambda _index: self.edit_evaluation())
        self.evaluation_counts = QLabel(objectName="evaluationCounts")
        return _tab(row, self.evaluation_table, self.evaluation_counts)

    def _build_rates_tab(self) -> QWidget:
        self.rates_table = RecordView(RATE_COLUMNS, key=lambda line: line.source, objectName="ratesTable",
                                      sortable=False, wrap=True)
        note = QLabel("按所选年度、乡镇从本页登记的企业、工会、集体合同和质效评估自动测算（百人以上企业按当年职工人数，"
                      "区域性、行业性合同按覆盖的每家企业计）。", wordWrap=True)
        note.setStyleSheet("color: #555;")
        return _tab(note, self.rates_table)

    # ---- refreshing: each list reads in the background, only while it is on screen ------------

    @property
    def org_code(self) -> str:
        return self.township.currentData() or self.ctx.actor.office_code

    def refresh(self) -> None:
        for refresher in self.refreshers:
            refresher.request()

    def refresh_enterprises(self) -> None:
        self.refreshers[0].request()

    def refresh_contracts(self) -> None:
        self.refreshers[1].request()

    # The _read_* methods run on the GUI thread: they read the filters and return the work.

    def _read_enterprises(self):
        union, year = self.union_filter.currentData(), self.year.value()
        flt = EnterpriseFilter(
            township_code=self.township.currentData() or None, ownership=self.ownership_filter.currentData() or None,
            industry=self.industry_filter.currentData() or None, size=self.size_filter.currentData() or None,
            has_union={"yes": True, "no": False}.get(union),
        )
        return lambda s, actor: list_enterprises(s, actor, year, flt)

    def _show_enterprises(self, rows) -> None:
        self.enterprise_table.set_rows(rows)
        self._show_enterprise_counts()

    def _search_changed(self, text: str) -> None:
        self.enterprise_table.set_filter_text(text)
        self._show_enterprise_counts()

    def _show_enterprise_counts(self) -> None:
        c = count_enterprises(self.enterprise_table.shown_rows())
        self.enterprise_counts.setText(
            f"共 {c.total} 家；百人以上 {c.large} 家，其中已建工会 {c.large_with_union} 家；已建工会 {c.with_union} 家；"
            f"本年有有效集体合同 {c.with_contract} 家；信用代码需核对 {c.flagged_uscc} 家"
        )

    def _read_contracts(self):
        flt = ContractFilter(township_code=self.township.currentData() or None, kind=self.kind_filter.currentData() or None,
                             year=self.year.value() if self.in_force_only.isChecked() else None)
        return lambda s, actor: list_contracts(s, actor, flt)

    def _show_contracts(self, rows) -> None:
        self.contract_table.set_rows(rows)
        self.contract_counts.setText(f"共 {len(rows)} 份合同，覆盖企业 {sum(r.covered_count for r in rows)} 家次")

    def _read_evaluations(self):
        year, township = self.year.value(), self.township.currentData() or None
        return lambda s, actor: (year, list_evaluations(s, actor, year, township))

    def _show_evaluations(self, result) -> None:
        year, rows = result
        self.evaluation_table.set_rows(rows)
        passed = sum(r.score_total >= 80 for r in rows)
        self.evaluation_counts.setText(f"{year}年参加评估 {len(rows)} 家，其中80分以上 {passed} 家")

    def _read_rates(self):
        org, year = self.org_code, self.year.value()
        return lambda s, actor: enterprise_rates(s, actor, org, year)

    def _show_reminders(self, reminders) -> None:
        self.reminders.clear()
        for r in reminders:
            item = QListWidgetItem(f"【{r.label}】{r.text}")
            item.setForeground(QColor(REMINDER_COLOURS[r.kind]))
            item.setData(Qt.ItemDataRole.UserRole, (r.record_kind, r.record_id))
            self.reminders.addItem(item)
        if not reminders:
            self.reminders.addItem(QListWidgetItem("暂无需要处理的事项"))
        self.reminder_box.setTitle(f"提醒事项（{len(reminders)}）")

    # ---- actions ------------------------------------------------------------------

    def _open(self, dialog) -> None:
        """Open a dialog without blocking; it saves through its own Op, which announces the change."""
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def new_enterprise(self) -> None:
        self._open(EnterpriseDialog(self.ctx, default_year=self.year.value(), parent=self))

    def edit_enterprise(self, enterprise_id: str | None = None) -> None:
        enterprise_id = enterprise_id or self.enterprise_table.current_key()
        if enterprise_id:
            self._open(EnterpriseDialog(self.ctx, enterprise_id, parent=self))

    def _offer_merge(self) -> None:
        row = self.enterprise_table.current_row()
        self.merge_button.setEnabled(self.ctx.actor.can(Permission.EDIT) and row is not None
                                     and row.uscc_warning == DUPLICATE_CODE)

    def merge_enterprise(self) -> None:
        key = self.enterprise_table.current_key()
        if key:
            dialog = MergeDialog(self.ctx, key, parent=self)
            dialog.accepted.connect(lambda: self.merge_result.setText("；".join(r.summary for r in dialog.results)))
            self._open(dialog)

    def remove_enterprise(self) -> None:
        self._remove(self.enterprise_table, "enterprise", delete_enterprise, "删除所选企业？其分年度数据和工会信息一并删除。")

    def new_contract(self) -> None:
        self._open(ContractDialog(self.ctx, enterprise_id=None, parent=self))

    def edit_contract(self, contract_id: str | None = None) -> None:
        contract_id = contract_id or self.contract_table.current_key()
        if contract_id:
            self._open(ContractDialog(self.ctx, contract_id, parent=self))

    def remove_contract(self) -> None:
        self._remove(self.contract_table, "collective_contract", delete_contract, "删除所选集体合同？")

    def new_evaluation(self) -> None:
        self._open(EvaluationDialog(self.ctx, year=self.year.value(), parent=self))

    def edit_evaluation(self) -> None:
        key = self.evaluation_table.current_key()
        if key:
            self._open(EvaluationDialog(self.ctx, key, parent=self))

    def remove_evaluation(self) -> None:
        self._remove(self.evaluation_table, "quality_evaluation", delete_evaluation, "删除所选质效评估记录？")

    def _remove(self, table: RecordView, name: str, action, question: str) -> None:
        key = table.current_key()
        if key:
            delete_asking(self, name, key, question, lambda s, actor: action(s, actor, key))

    def _open_reminder(self, item: QListWidgetItem) -> None:
        data = item.data(Qt.ItemDataRole.UserRole)
        if not data:
            return
        kind, record_id = data
        if kind == "contract":
            self.edit_contract(record_id)
        else:
            self.edit_enterprise(record_id)
