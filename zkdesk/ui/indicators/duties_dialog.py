"""责任单位: one indicator's lead (牵头) department and its co-responsible (配合) ones, chosen
from the county's departments. Read and saved off the GUI thread (QueryOp / Op); a refusal is
shown under the list and the choice stays."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialog, QFormLayout, QLabel, QListWidget, QListWidgetItem, QVBoxLayout

from zkdesk.services.departments import indicator_duties, list_departments, set_duties
from zkdesk.ui.form_parts import ok_cancel
from zkdesk.ui.ops import Op, QueryOp


class DutiesDialog(QDialog):
    def __init__(self, ctx, indicator_id: str, label: str, editable: bool, parent=None):
        super().__init__(parent)
        self.ctx, self.indicator_id, self.editable = ctx, indicator_id, editable
        self.setObjectName("dutiesDialog")
        self.setWindowTitle(f"责任单位：{label}")
        self.lead = QComboBox(objectName="dutyLead")
        self.co = QListWidget(objectName="dutyCo")
        self.lead.currentIndexChanged.connect(lambda _i: self._lead_not_co())
        note = QLabel("牵头单位负责该项指标，配合单位协助完成；打印的责任分工表和评估报告以此为准。"
                      if editable else "责任单位由县总工会确定，本机只读。", wordWrap=True)
        self.error = QLabel(objectName="dutyError", wordWrap=True)
        self.error.setStyleSheet("color: #b00020;")
        self.buttons = ok_cancel(self, self.save, ok_text="保存", ok_name="saveDutiesButton")
        form = QFormLayout()
        form.addRow("牵头单位：", self.lead)
        form.addRow("配合单位：", self.co)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(form, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(520, 560)
        self.buttons.button(self.buttons.StandardButton.Ok).setEnabled(False)
        self.load()

    def load(self) -> None:
        indicator_id = self.indicator_id
        QueryOp(self, lambda s, _actor: (list_departments(s), indicator_duties(s, indicator_id))) \
            .success(self._fill).run()

    def _fill(self, found) -> None:
        departments, duties = found
        lead = duties.lead[0].code if duties.lead else ""
        co = {d.code for d in duties.co}
        self.lead.blockSignals(True)
        self.lead.clear()
        for d in departments:
            self.lead.addItem(d.name, d.code)
        self.lead.setCurrentIndex(self.lead.findData(lead))
        self.lead.blockSignals(False)
        self.co.clear()
        for d in departments:
            item = QListWidgetItem(d.name)
            item.setData(Qt.ItemDataRole.UserRole, d.code)
            item.setCheckState(Qt.CheckState.Checked if d.code in co else Qt.CheckState.Unchecked)
            if not self.editable:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsUserCheckable)
            self.co.addItem(item)
        self.lead.setEnabled(self.editable)
        self._lead_not_co()
        self.buttons.button(self.buttons.StandardButton.Ok).setEnabled(self.editable)

    def _lead_not_co(self) -> None:
        """The lead department is not offered as its own co-responsible one."""
        lead = self.lead.currentData()
        for r in range(self.co.count()):
            item = self.co.item(r)
            item.setHidden(item.data(Qt.ItemDataRole.UserRole) == lead)

    def chosen(self) -> tuple[str, list[str]]:
        lead = self.lead.currentData() or ""
        co = [self.co.item(r).data(Qt.ItemDataRole.UserRole) for r in range(self.co.count())
              if self.co.item(r).checkState() == Qt.CheckState.Checked and not self.co.item(r).isHidden()]
        return lead, co

    def save(self) -> None:
        if not self.editable:
            return
        lead, co = self.chosen()
        indicator_id = self.indicator_id
        Op(self, lambda s, actor: set_duties(s, actor, indicator_id, lead, co)) \
            .success(lambda _d: self.accept()).failure(self.error.setText).run()
