"""考核方式…: how one indicator of the plan is judged (its target kind), who reports it (县本级,
乡镇, or both) and, for 不低于上一届, its terms (届 label and year). Saved by an Op off the GUI
thread (services.plans.save_indicator_edits: the catalog version rises once); a bad term year or a
year twice is said under the table and nothing typed is lost."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from zkdesk.domain import progress as rules
from zkdesk.services.plans import JUDGED_AS, save_indicator_edits
from zkdesk.ui.form_parts import ok_cancel
from zkdesk.ui.ops import Op


class IndicatorRuleDialog(QDialog):
    def __init__(self, plan_id: str, ind, parent=None):
        super().__init__(parent)
        self.plan_id, self.indicator_id = plan_id, ind.id
        self.setObjectName("indicatorRuleDialog")
        self.setWindowTitle(f"考核方式：{ind.code} {ind.name}")
        current = rules.judged_as(ind.kind, ind.target_kind)
        self.kind = QComboBox(objectName="ruleKind")
        for key in (current,) if current == rules.MILESTONE else JUDGED_AS.get(ind.kind, (current,)):
            self.kind.addItem(rules.TARGET_KIND_LABELS[key], key)
        self.kind.setCurrentIndex(max(0, self.kind.findData(current)))
        self.level = QComboBox(objectName="ruleLevel")
        for key in rules.LEVELS:
            self.level.addItem(rules.LEVEL_LABELS[key], key)
        self.level.setCurrentIndex(max(0, self.level.findData(ind.level)))
        self.target = QLineEdit(objectName="ruleTarget", placeholderText="改为其他考核方式时填写目标值")
        self.terms = QTableWidget(0, 2, objectName="ruleTerms")
        self.terms.setHorizontalHeaderLabels(["届次", "换届年份"])
        self.terms.verticalHeader().setVisible(False)
        self.terms.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        for term in rules.terms_of(ind.terms):
            self._add_term(term.label, str(term.year))
        self.add_term = QPushButton("添加一届", objectName="ruleAddTerm")
        self.remove_term = QPushButton("删除所选届次", objectName="ruleRemoveTerm")
        self.add_term.clicked.connect(lambda: self._add_term("", ""))
        self.remove_term.clicked.connect(lambda: self.terms.removeRow(self.terms.currentRow()))
        self.error = QLabel(objectName="ruleError", wordWrap=True)
        self.error.setStyleSheet("color: #b00020;")
        self.form = form = QFormLayout()
        form.addRow(QLabel(f"按{rules.KIND_LABELS.get(ind.kind, ind.kind)}填报；规划原文：{ind.quote or '（无）'}",
                           wordWrap=True))
        form.addRow("考核方式：", self.kind)
        form.addRow("填报层级：", self.level)
        form.addRow("目标值：", self.target)
        term_buttons = QHBoxLayout()
        term_buttons.addWidget(self.add_term)
        term_buttons.addWidget(self.remove_term)
        term_buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        self.terms_note = QLabel("“不低于上一届”的届次（至少两届）：届次名称和换届年份", wordWrap=True)
        layout.addWidget(self.terms_note)
        layout.addWidget(self.terms, 1)
        layout.addLayout(term_buttons)
        layout.addWidget(self.error)
        layout.addWidget(ok_cancel(self, self.save, ok_text="保存", ok_name="saveRuleButton"))
        self.kind.currentIndexChanged.connect(lambda _i: self._show_parts())
        self._was_per_term = current == rules.PER_TERM
        self._show_parts()
        self.resize(520, 420 if current == rules.PER_TERM else 180)

    def _add_term(self, label: str, year: str) -> None:
        row = self.terms.rowCount()
        self.terms.insertRow(row)
        self.terms.setItem(row, 0, QTableWidgetItem(label))
        self.terms.setItem(row, 1, QTableWidgetItem(year))

    def _show_parts(self) -> None:
        per_term = self.kind.currentData() == rules.PER_TERM
        for w in (self.terms, self.add_term, self.remove_term, self.terms_note):
            w.setVisible(per_term)
        self.form.setRowVisible(self.target, self._was_per_term and not per_term)  # leaving 不低于上一届

    def typed_terms(self) -> list[tuple[str, str]]:
        cell = lambda r, c: (self.terms.item(r, c).text() if self.terms.item(r, c) else "").strip()  # noqa: E731
        return [(cell(r, 0), cell(r, 1)) for r in range(self.terms.rowCount()) if cell(r, 0) or cell(r, 1)]

    def save(self) -> None:
        from zkdesk.domain.indicator_checks import NotANumber, parse_number

        fields = {"target_kind": self.kind.currentData(), "level": self.level.currentData()}
        if fields["target_kind"] == rules.PER_TERM:
            fields["terms"] = self.typed_terms()
        elif self._was_per_term:
            try:
                fields["target"] = parse_number(self.target.text())
            except NotANumber:
                self.error.setText(f"目标值“{self.target.text()}”不是数字")
                return
        plan_id, indicator_id = self.plan_id, self.indicator_id
        Op(self, lambda s, actor: save_indicator_edits(s, actor, plan_id, [], [(indicator_id, fields)])) \
            .success(lambda _changed: self.accept()).failure(self.error.setText).run()
