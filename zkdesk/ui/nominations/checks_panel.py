"""本届核查: the session's shares and counts, above the list."""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import QGroupBox, QLabel, QVBoxLayout

from zkdesk.services.nomination_checks import SessionChecks

_OK, _BAD, _MUTED = "#1b7f3b", "#b00020", "#666666"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


class SessionChecksPanel(QGroupBox):
    def __init__(self, parent=None):
        super().__init__("本届核查", parent)
        self.setObjectName("sessionChecksPanel")
        self.summary = QLabel(objectName="checksSummary")
        self.counts = QLabel(objectName="checksCounts")
        self.warnings = QLabel(objectName="checksWarnings")
        self.warnings.setStyleSheet(f"color: {_BAD};")
        for label in (self.summary, self.counts, self.warnings):
            label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.setSpacing(2)
        layout.addWidget(self.summary)
        layout.addWidget(self.counts)
        layout.addWidget(self.warnings)

    def show_checks(self, checks: SessionChecks | None) -> None:
        if checks is None:
            self.summary.setText("尚未选择届次。")
            self.counts.clear()
            self.warnings.clear()
            return
        listed, honoured = checks.listed, checks.honoured
        colour = _OK if listed.industrial_target_met else _BAD
        quota = f"，表彰名额 {checks.quota} 名" if checks.quota is not None else ""
        self.summary.setText(
            f"推荐名单（不含未通过）<b>{listed.total}</b> 人{quota}；"
            f"产业工人 {listed.industrial} 人，占 <b style='color:{colour}'>{_pct(listed.industrial_share)}</b>"
            f"（目标 ≥{checks.industrial_target:.0f}%）；"
            f"企业负责人 {listed.managers} 人，占 <b>{_pct(listed.manager_share)}</b>；"
            f"已表彰 {honoured.total} 人，其中产业工人 {_pct(honoured.industrial_share)}。"
        )
        towns = " · ".join(f"{escape(name)} {n}" for _, name, n in checks.by_township)
        cats = " · ".join(f"{escape(c)} {n}" for c, n in checks.by_category if n)
        status = " · ".join(f"{escape(s)} {n}" for s, n in checks.by_status)
        self.counts.setText(
            f"<span style='color:{_MUTED}'>按单位：</span>{towns or '—'}<br>"
            f"<span style='color:{_MUTED}'>按类别：</span>{cats or '—'}<br>"
            f"<span style='color:{_MUTED}'>按状态：</span>{status or '—'}"
        )
        self.warnings.setText("；".join(checks.warnings))
        self.warnings.setVisible(bool(checks.warnings))
