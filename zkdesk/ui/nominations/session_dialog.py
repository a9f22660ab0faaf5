"""设立届次: a small dialog for the county to set up an award session."""

from __future__ import annotations


from PySide6.QtWidgets import QComboBox, QDialog, QFormLayout, QLineEdit, QSpinBox, QVBoxLayout

from zkdesk.domain import choices
from zkdesk.services.award_sessions import SessionInput, create_session
from zkdesk.ui.context import UiContext
from zkdesk.ui.form_parts import error_label, ok_cancel
from zkdesk.ui.ops import Op


class SessionDialog(QDialog):
    def __init__(self, ctx: UiContext, parent=None):
        super().__init__(parent)
        self.setObjectName("sessionDialog")
        self.setWindowTitle("设立届次")
        self.ctx = ctx
        self.created_id: str | None = None
        self.name = QLineEdit(objectName="sessionNameEdit", placeholderText="例如：第四届镇康县劳动模范")
        self.number = QSpinBox(objectName="sessionNumberSpin", minimum=0, maximum=99)
        self.number.setSpecialValueText("（无）")
        self.year = QSpinBox(objectName="sessionYearSpin", minimum=1990, maximum=2100,
                             value=ctx.current_year.value)  # 当前工作年度
        self.honour_type = QComboBox(objectName="honourTypeCombo")
        self.honour_type.addItems(choices.HONOUR_TYPES)
        self.level = QComboBox(objectName="levelCombo")
        self.level.addItems(choices.HONOUR_LEVELS)
        self.quota = QSpinBox(objectName="quotaSpin", minimum=0, maximum=999)
        self.quota.setSpecialValueText("（未定）")
        self.error = error_label()
        form = QFormLayout()
        form.addRow("名称：", self.name)
        form.addRow("第几届：", self.number)
        form.addRow("年份：", self.year)
        form.addRow("荣誉类型：", self.honour_type)
        form.addRow("级别：", self.level)
        form.addRow("表彰名额：", self.quota)
        self.buttons = buttons = ok_cancel(self, self.submit, "设立")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def submit(self) -> None:
        data = SessionInput(
            name=self.name.text(), year=self.year.value(), number=self.number.value(),
            honour_type=self.honour_type.currentText(), level=self.level.currentText(),
            quota=self.quota.value() or None,
        )
        self.error.clear()

        def created(session_id: str) -> None:
            self.created_id = session_id
            self.accept()

        Op(self, lambda s, actor: create_session(s, actor, data).id, ctx=self.ctx).success(created) \
            .failure(self.error.setText).run()
