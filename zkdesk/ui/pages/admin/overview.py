"""系统管理 — 概况: this office, the data directory, the program, the loaded plan catalogs."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QGroupBox, QHeaderView, QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from zkdesk import __version__
from zkdesk.services.catalog import plan_overview
from zkdesk.ui import bus


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

        self.plans = QTableWidget(0, 4, objectName="plansTable")
        self.plans.setHorizontalHeaderLabels(["规划", "期间", "指标数", "文号"])
        self.plans.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.plans.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.plans.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        plans_box = QGroupBox("规划目录")
        QVBoxLayout(plans_box).addWidget(self.plans)

        layout = QVBoxLayout(self)
        layout.addWidget(info)
        layout.addWidget(plans_box, 1)
        ctx.bus.changed.connect(self._on_changed)
        self.refresh()

    def _on_changed(self, kind: str) -> None:
        if kind in (bus.PLANS, bus.ALL):
            self.refresh()

    def refresh(self) -> None:
        with self.ctx.db.session() as s:
            plans = plan_overview(s)
        self.plans.setRowCount(len(plans))
        for row, p in enumerate(plans):
            for col, text in enumerate((p.name, f"{p.start_year}—{p.end_year}", str(p.indicator_count), p.document)):
                self.plans.setItem(row, col, QTableWidgetItem(text))
