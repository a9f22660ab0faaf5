"""审核流程 panel: the selected nomination's steps so far, an opinion box and the step buttons.

Buttons are enabled by the nomination's status only; who may take a step is the service's
decision, and a refusal is shown here in Chinese.
"""

from __future__ import annotations

from datetime import date
from html import escape

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QDateEdit,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
)

from zkdesk.domain import nomination_workflow as wf
from zkdesk.services.nomination_review import publicity_end_for, record_objection, take_step
from zkdesk.services.nominations import NominationDetail, get_nomination
from zkdesk.ui.context import UiContext
from zkdesk.ui.ops import Op, QueryOp

_RED, _GREEN = "#b00020", "#1b7f3b"

BUTTON_NAMES = {
    wf.Action.RECOMMEND: "recommendButton",
    wf.Action.TOWNSHIP_REVIEW: "townshipReviewButton",
    wf.Action.COUNTY_REVIEW: "countyReviewButton",
    wf.Action.PUBLICIZE: "publicizeButton",
    wf.Action.HONOUR: "honourButton",
    wf.Action.REJECT: "rejectButton",
    wf.Action.RETURN: "returnButton",
}


class ReviewPanel(QGroupBox):
    changed = Signal(str)  # the nomination id whose status changed (the Op has announced it)

    def __init__(self, ctx: UiContext, parent=None):
        super().__init__("审核流程", parent)
        self.setObjectName("reviewPanel")
        self.ctx = ctx
        self.nomination_id: str | None = None
        self.status = ""
        self.heading = QLabel(objectName="reviewHeading")
        self.heading.setWordWrap(True)
        self.history = QTextBrowser(objectName="stepHistory")
        self.opinion = QPlainTextEdit(objectName="opinionEdit", placeholderText="审核意见（未通过、退回修改须写明原因；公示异议也在此填写）")
        self.opinion.setFixedHeight(70)
        self.publicity_start = QDateEdit(QDate.currentDate(), objectName="publicityStartEdit", calendarPopup=True, displayFormat="yyyy-MM-dd")
        self.publicity_hint = QLabel(objectName="publicityHint")
        self.buttons: dict[wf.Action, QPushButton] = {}
        grid = QGridLayout()
        for i, (action, t) in enumerate(wf.TRANSITIONS.items()):
            button = QPushButton(t.label, objectName=BUTTON_NAMES[action])
            button.clicked.connect(lambda _=False, a=action: self.take(a))
            self.buttons[action] = button
            grid.addWidget(button, i // 4, i % 4)
        self.objection_button = QPushButton("登记异议", objectName="objectionButton")
        self.objection_button.clicked.connect(self.add_objection)
        grid.addWidget(self.objection_button, 1, 3)
        self.message = QLabel(objectName="workflowMessage")
        self.message.setWordWrap(True)

        dates = QHBoxLayout()
        dates.addWidget(QLabel("公示开始日期："))
        dates.addWidget(self.publicity_start)
        dates.addWidget(self.publicity_hint, 1)
        self.publicity_start.dateChanged.connect(self._update_hint)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.history, 1)
        layout.addWidget(self.opinion)
        layout.addLayout(dates)
        layout.addLayout(grid)
        layout.addWidget(self.message)
        self._shown_token = 0
        self.show_nomination(None)

    def show_nomination(self, nomination_id: str | None) -> None:
        """Show a nomination's steps (read off the GUI thread); None clears the panel."""
        if nomination_id != self.nomination_id:
            self.message.clear()
            self.opinion.clear()
        self.nomination_id = nomination_id
        self._shown_token += 1
        if not nomination_id:
            self._render(None)
            return
        token = self._shown_token

        def arrived(detail) -> None:
            if token == self._shown_token:  # a newer selection wins
                self._render(detail)

        QueryOp(self, lambda s, actor: get_nomination(s, actor, nomination_id), ctx=self.ctx).success(arrived) \
            .failure(lambda text: self._say(text, ok=False)).run()

    def _render(self, detail: NominationDetail | None) -> None:
        self.status = detail.status if detail else ""
        possible = set(wf.actions_from(self.status)) if detail else set()
        for action, button in self.buttons.items():
            button.setEnabled(action in possible)
        self.objection_button.setEnabled(self.status == wf.PUBLICIZED)
        self.publicity_start.setEnabled(self.status == wf.COUNTY_REVIEWED)
        if detail is None:
            self.heading.setText("请在左侧列表中选择一名推荐人选。")
            self.history.clear()
            self.publicity_hint.clear()
            return
        self.heading.setText(f"<b>{escape(detail.fields.name)}</b>（{escape(detail.township_name)}）当前状态：<b>{detail.status_label}</b>")
        lines = []
        for step in detail.steps:
            when = step.at.astimezone().strftime("%Y-%m-%d %H:%M")
            opinion = f"：{escape(step.opinion)}" if step.opinion else ""
            lines.append(f"{when} <b>{escape(step.label)}</b>（{escape(step.actor_name)}）{opinion}")
        if detail.publicity_start:
            lines.append(f"公示：{detail.publicity_start:%Y-%m-%d} 至 {detail.publicity_end:%Y-%m-%d}（5个工作日）")
        if detail.objections.strip():
            lines.append("<span style='color:#a15c00'>公示异议：</span><br>" + escape(detail.objections).replace("\n", "<br>"))
        self.history.setHtml("<br>".join(lines) or "<span style='color:#666'>尚无审核记录（草稿）。</span>")
        self._update_hint()

    def _start_date(self) -> date:
        d = self.publicity_start.date()
        return date(d.year(), d.month(), d.day())

    def _update_hint(self) -> None:
        if self.status != wf.COUNTY_REVIEWED:
            self.publicity_hint.clear()
            return
        start = self._start_date()

        def show(end: date) -> None:
            if self.status == wf.COUNTY_REVIEWED and self._start_date() == start:
                self.publicity_hint.setText(f"至 {end:%Y-%m-%d}，满5个工作日")

        QueryOp(self, lambda s, _actor: publicity_end_for(s, start), ctx=self.ctx).success(show).run()

    def _say(self, text: str, ok: bool) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(f"color: {_GREEN if ok else _RED};")

    def take(self, action: wf.Action) -> None:
        if not self.nomination_id:
            return
        label = wf.TRANSITIONS[action].label
        nomination_id, opinion = self.nomination_id, self.opinion.toPlainText()
        start = self._start_date() if action is wf.Action.PUBLICIZE else None

        def done(status: str) -> None:
            self.opinion.clear()
            self._say(f"已{label}，当前状态：{wf.status_label(status)}", ok=True)
            self.changed.emit(nomination_id)

        Op(self, lambda s, actor: take_step(s, actor, nomination_id, action, opinion, publicity_start=start),
           ctx=self.ctx).success(done).failure(lambda text: self._say(f"不能{label}：{text}", ok=False)).run()

    def add_objection(self) -> None:
        if not self.nomination_id:
            return
        nomination_id, opinion = self.nomination_id, self.opinion.toPlainText()

        def done(_result) -> None:
            self.opinion.clear()
            self._say("已登记公示异议；表彰前须在意见中写明核查结论", ok=True)
            self.changed.emit(nomination_id)

        Op(self, lambda s, actor: record_objection(s, actor, nomination_id, opinion), ctx=self.ctx).success(done) \
            .failure(lambda text: self._say(f"不能登记异议：{text}", ok=False)).run()
