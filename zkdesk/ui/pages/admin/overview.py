"""系统管理 — 概况: this office, the data directory, the program, the loaded plan catalogs."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QVBoxLayout, QWidget

from zkdesk import __version__
from zkdesk.services.catalog import PlanRow, plan_overview
from zkdesk.ui import bus
from zkdesk.ui.refresh import Refresher
from zkdesk.ui.widgets.record_view import Column, RecordView

PLAN_COLUMNS = [
    Column("规划", lambda p: p.name, stretch=True),
    Column("期间", lambda p: f"{p.start_year}—{p.end_year}", sort=lambda p: (p.start_year, p.end_year)),
    Column("指标数", lambda p: p.indicator_count, fmt="int"),
    Column("文号", lambda p: p.document),
]


class OverviewTab(QWidget):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        info = QGroupBox("本机信息")
        form = QFormLayout(info)
        form.addRow("本单位：", QLabel(f"{ctx.office_name}（{ctx.actor.office_code}）"))
        form.addRow("当前用户：", QLabel(f"{ctx.actor.display_name}（{ctx.actor.role.label}）"))
        form.addRow("数据目录：", QLabel(str(ctx.home.root), wordWrap=True))
        form.addRow("程序版本：", QLabel(__version__))

        self.plans = RecordView(PLAN_COLUMNS, key=lambda p: p.id, objectName="plansTable",
                                empty="尚未载入规划目录")
        plans_box = QGroupBox("规划目录")
        QVBoxLayout(plans_box).addWidget(self.plans)

        layout = QVBoxLayout(self)
        layout.addWidget(info)
        layout.addWidget(plans_box, 1)
        self.refresher = Refresher(self.plans, lambda: lambda s, _actor: plan_overview(s), self._show, (bus.PLANS,))

    def refresh(self) -> None:
        self.refresher.request()

    def _show(self, plans: list[PlanRow]) -> None:
        self.plans.set_rows(plans)
