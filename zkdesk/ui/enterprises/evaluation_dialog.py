"""集体协商质效评估 of one enterprise and year: five area scores (the total is their sum) and
the survey counts (知晓率 and 满意度 are computed, never typed). The enterprises to choose from
(and the evaluation being changed) are read off the GUI thread when the dialog opens."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFormLayout, QLabel, QSpinBox, QVBoxLayout

from zkdesk.domain.contract_rules import QUALITY_AREAS, QUALITY_PASS_SCORE, survey_rate
from zkdesk.services.enterprises import MAX_YEAR, MIN_YEAR, enterprise_choices
from zkdesk.services.evaluations import EvaluationInput, get_evaluation, save_evaluation
from zkdesk.ui import unsaved
from zkdesk.ui.enterprises.fields import fmt_rate, select_data
from zkdesk.ui.form_parts import error_label, ok_cancel, searchable
from zkdesk.ui.ops import Op, QueryOp


class EvaluationDialog(QDialog):
    def __init__(self, ctx, evaluation_id: str | None = None, year: int | None = None, parent=None):
        super().__init__(parent)
        self.setObjectName("evaluationDialog")
        self.ctx = ctx
        self.setWindowTitle("集体协商质效评估")
        self.setMinimumWidth(520)

        self.enterprise = QComboBox(objectName="evalEnterprise", editable=True)
        self.enterprise.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        searchable(self.enterprise)
        self.year = QSpinBox(objectName="evalYear", minimum=MIN_YEAR, maximum=MAX_YEAR, value=year or date.today().year)
        self.scores: dict[str, QDoubleSpinBox] = {}
        form = QFormLayout()
        form.addRow("企业：", self.enterprise)
        form.addRow("评估年度：", self.year)
        for name, label in QUALITY_AREAS:
            spin = QDoubleSpinBox(objectName=name, maximum=100, decimals=1, singleStep=0.5, suffix=" 分")
            spin.valueChanged.connect(self._update)
            self.scores[name] = spin
            form.addRow(f"{label}：", spin)
        self.total = QLabel(objectName="scoreTotal")
        form.addRow("总分：", self.total)
        self.respondents = QSpinBox(objectName="respondents", maximum=1_000_000, suffix=" 人")
        self.aware = QSpinBox(objectName="aware", maximum=1_000_000, suffix=" 人")
        self.satisfied = QSpinBox(objectName="satisfied", maximum=1_000_000, suffix=" 人")
        for spin in (self.respondents, self.aware, self.satisfied):
            spin.valueChanged.connect(self._update)
        self.awareness = QLabel(objectName="awarenessRate")
        self.satisfaction = QLabel(objectName="satisfactionRate")
        form.addRow("受调查职工数：", self.respondents)
        form.addRow("其中知晓集体协商：", self.aware)
        form.addRow("其中对集体协商满意：", self.satisfied)
        form.addRow("知晓率：", self.awareness)
        form.addRow("满意度：", self.satisfaction)

        self.error = error_label()
        self.buttons = ok_cancel(self, self.submit, "保存", ok_name="saveButton")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self._update()
        self.buttons.setEnabled(False)  # until the choices are on screen

        def read(s, actor):
            return enterprise_choices(s, actor), get_evaluation(s, actor, evaluation_id) if evaluation_id else None

        QueryOp(self, read).success(self._fill).failure(self._load_failed).run()

    def _load_failed(self, message: str) -> None:
        self.error.setText(message)
        self.buttons.setEnabled(True)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)

    def _fill(self, result) -> None:
        enterprises, ev = result
        for e in enterprises:
            self.enterprise.addItem(f"{e.name}（{e.township_name}）", e.id)
        self.enterprise.setCurrentIndex(-1)
        if ev is not None:
            select_data(self.enterprise, ev.enterprise_id)
            self.enterprise.setEnabled(False)
            self.year.setValue(ev.year)
            self.year.setEnabled(False)
            for name, spin in self.scores.items():
                spin.setValue(getattr(ev, name))
            self.respondents.setValue(ev.respondents)
            self.aware.setValue(ev.aware)
            self.satisfied.setValue(ev.satisfied)
        self._update()
        self.buttons.setEnabled(True)
        unsaved.track_edits(self, unsaved.save_by_accepting(self, self.submit))  # asked about if the window goes

    def _update(self, *_args) -> None:
        total = round(sum(spin.value() for spin in self.scores.values()), 2)
        verdict = "，超过100分" if total > 100 else ("，达到80分" if total >= QUALITY_PASS_SCORE else "")
        self.total.setText(f"{total:g} 分{verdict}")
        self.awareness.setText(fmt_rate(survey_rate(self.aware.value(), self.respondents.value())))
        self.satisfaction.setText(fmt_rate(survey_rate(self.satisfied.value(), self.respondents.value())))

    def submit(self) -> None:
        index = self.enterprise.findText(self.enterprise.currentText())
        data = EvaluationInput(
            enterprise_id=self.enterprise.itemData(index) if index >= 0 else "", year=self.year.value(),
            **{name: spin.value() for name, spin in self.scores.items()},
            respondents=self.respondents.value(), aware=self.aware.value(), satisfied=self.satisfied.value(),
        )
        Op(self, lambda s, actor: save_evaluation(s, actor, data)).success(lambda _id: self.accept()) \
            .failure(self.error.setText).run()
