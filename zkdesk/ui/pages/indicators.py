"""指标台账: enter values (数值录入), see progress (进度看板), keep the plan (规划与目标).

The plan and the year chosen at the top apply to every tab.
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QTabWidget, QVBoxLayout, QWidget

from zkdesk.services.catalog import current_plan, plan_overview
from zkdesk.services.progress import default_year, get_plan
from zkdesk.ui import bus, unsaved
from zkdesk.ui.indicators.dashboard_tab import DashboardTab
from zkdesk.ui.indicators.entry_tab import EntryTab
from zkdesk.ui.indicators.plan_tab import PlanTab


class IndicatorsPage(QWidget):
    def __init__(self, ctx, spec, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.plan = QComboBox(objectName="planCombo")
        self.year = QComboBox(objectName="yearCombo")
        self.entry = EntryTab(ctx)
        self.dashboard = DashboardTab(ctx)
        self.plans = PlanTab(ctx)
        self.tabs = QTabWidget(objectName="indicatorTabs")
        self.tabs.addTab(self.entry, "数值录入")
        self.tabs.addTab(self.dashboard, "进度看板")
        self.tabs.addTab(self.plans, "规划与目标")
        self.plans.planCreated.connect(self.select_plan)

        top = QHBoxLayout()
        top.addWidget(QLabel(f"<h2>{spec.label}</h2>"))
        top.addSpacing(16)
        top.addWidget(QLabel("规划："))
        top.addWidget(self.plan, 1)
        top.addWidget(QLabel("年度："))
        top.addWidget(self.year)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)

        self._fill_plans()
        with ctx.db.session() as s:
            plan = current_plan(s, default_year_now())
            chosen = plan.id if plan else None
        if chosen:
            self.select_plan(chosen)
        self.plan.currentIndexChanged.connect(self._plan_changed)
        self.year.currentIndexChanged.connect(self._year_changed)
        ctx.bus.changed.connect(self._on_changed)

    def _fill_plans(self) -> None:
        keep = _data(self.plan)
        self.plan.blockSignals(True)
        self.plan.clear()
        with self.ctx.db.session() as s:
            for p in plan_overview(s):
                self.plan.addItem(f"{p.short_name}（{p.start_year}—{p.end_year}）{p.name}", p.id)
        if keep is not None and self.plan.findData(keep) >= 0:
            self.plan.setCurrentIndex(self.plan.findData(keep))
        self.plan.blockSignals(False)

    def select_plan(self, plan_id: str) -> None:
        self._fill_plans()
        self.plan.blockSignals(True)
        self.plan.setCurrentIndex(max(0, self.plan.findData(plan_id)))
        self.plan.blockSignals(False)
        self._fill_years()
        self._apply()

    def _fill_years(self) -> None:
        plan_id = _data(self.plan)
        if plan_id is None:
            return
        with self.ctx.db.session() as s:
            plan = get_plan(s, plan_id)
            years = list(range(plan.start_year, plan.end_year + 1))
            chosen = default_year(s, plan, self.ctx.actor.office_code)
        self.year.blockSignals(True)
        self.year.clear()
        for y in years:
            self.year.addItem(f"{y}年", y)
        self.year.setCurrentIndex(self.year.findData(chosen))
        self.year.blockSignals(False)

    def _plan_changed(self, _index: int) -> None:
        self._fill_years()
        self._apply()

    def _year_changed(self, _index: int) -> None:
        self._apply()

    def _apply(self) -> None:
        plan_id, year = _data(self.plan), _data(self.year)
        if plan_id is None or year is None:
            return
        entry = self.entry
        if entry.plan_id is not None and (plan_id, year) != (entry.plan_id, entry.year) and unsaved.dirty([entry]):
            # unsaved values stay on screen with the plan and year they belong to until settled
            self._show_combos(entry.plan_id, entry.year)
            unsaved.guard(self, [entry], lambda: self._go(plan_id, year))
            return
        self._go(plan_id, year)

    def _show_combos(self, plan_id: str, year: int) -> None:
        if _data(self.plan) != plan_id:
            self._fill_plans()
            self.plan.blockSignals(True)
            self.plan.setCurrentIndex(max(0, self.plan.findData(plan_id)))
            self.plan.blockSignals(False)
            self._fill_years()
        self.year.blockSignals(True)
        self.year.setCurrentIndex(self.year.findData(year))
        self.year.blockSignals(False)

    def _go(self, plan_id: str, year: int) -> None:
        self._show_combos(plan_id, year)
        self.entry.set_plan_year(plan_id, year)
        self.dashboard.set_plan_year(plan_id, year)
        self.plans.set_plan(plan_id)

    def _on_changed(self, kind: str) -> None:
        if kind in (bus.PLANS, bus.ALL):
            self._fill_plans()


def _data(combo: QComboBox):
    """The current item's datum, or None for an empty combo (without asking Qt for it)."""
    return combo.currentData() if combo.currentIndex() >= 0 else None


def default_year_now() -> int:
    from datetime import date

    return date.today().year
