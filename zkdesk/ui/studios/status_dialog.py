"""One dated status step of a studio: 命名 (with its 命名文号), 年度复核 or 撤销."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout

from zkdesk.domain.dates import DateTextError
from zkdesk.domain.studio_rules import NAMED, TRANSITIONS
from zkdesk.services.errors import UserError
from zkdesk.services.studios import change_status
from zkdesk.ui.date_field import DateField
from zkdesk.ui.form_parts import error_label, ok_cancel
from zkdesk.ui.ops import Op


class StatusDialog(QDialog):
    def __init__(self, ctx, studio_id: str, name: str, current: str, parent=None):
        super().__init__(parent)
        self.ctx, self.studio_id = ctx, studio_id
        self.setObjectName("statusDialog")
        self.setWindowTitle("变更工作室状态")
        self.setMinimumWidth(420)
        self.status = QComboBox(objectName="newStatusCombo")
        self.status.addItems(TRANSITIONS.get(current, ()))
        self.on = DateField("statusDateEdit", "变更日期")
        self.on.set_value(date.today())
        self.doc_no = QLineEdit(objectName="statusDocNoEdit", placeholderText="如 镇工发〔2024〕12号")
        self.error = error_label()
        form = QFormLayout()
        form.addRow("工作室：", QLabel(name))
        form.addRow("当前状态：", QLabel(current))
        form.addRow("变更为：", self.status)
        form.addRow("日期：", self.on)
        form.addRow("命名文号：", self.doc_no)
        self.buttons = buttons = ok_cancel(self, self.submit, ok_name="statusOkButton")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.status.currentTextChanged.connect(lambda s: self.doc_no.setEnabled(s == NAMED))
        self.doc_no.setEnabled(self.status.currentText() == NAMED)
        if not self.status.count():
            self.error.setText(f"状态为“{current}”的工作室不能再变更状态")
            buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)

    def submit(self) -> None:
        new, studio_id = self.status.currentText(), self.studio_id
        doc_no = self.doc_no.text() if new == NAMED else None
        try:
            on = self.on.value()
            if on is None:
                raise UserError("请填写变更日期")
        except (UserError, DateTextError) as exc:
            self.error.setText(str(exc))
            return
        self.error.clear()
        Op(self, lambda s, actor: change_status(s, actor, studio_id, new, on, doc_no), ctx=self.ctx) \
            .success(lambda _result: self.accept()).failure(self.error.setText).run()
