"""指标台账: enter values (数值录入), see progress (进度看板), keep the plan (规划与目标).

The plan and the year chosen at the top apply to every tab; the year is the window's working
year (ui.work_year): the page opens on it, and a year picked here moves every page.
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QTabWidget, QVBoxLayout, QWidget

from zkdesk.services.catalog import default_plan, plan_overview
from zkdesk.services.progress import default_year, get_plan
from zkdesk.ui import bus, unsaved
from zkdesk.ui.indicators.dashboard_tab import DashboardTab
from zkdesk.ui.indicators.entry_tab import EntryTab
from zkdesk.ui.indicators.plan_tab import PlanTab
from zkdesk.ui.refresh import Refresher


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

        self._wanted_plan: str | None = None  # chosen when the plans arrive (a new plan, a plan picked)
        self._wanted_year: int | None = None
        self.refresher = Refresher(self, self._read_plans, self._show_plans, (bus.PLANS,))
        self.plan.currentIndexChanged.connect(self._plan_changed)
        self.year.currentIndexChanged.connect(self._year_changed)
        ctx.current_year.changed.connect(self._follow_year)

    # -- the plans and years offered: read off the GUI thread when the page is shown ----------

    def _read_plans(self):
        plan_id = self._wanted_plan or _data(self.plan)
        year = self._wanted_year if self._wanted_plan else _data(self.year)
        shared = self.ctx.current_year.value  # the working year, when the plan has it
        office = self.ctx.actor.office_code
        this_year = default_year_now()

        def work(s, _actor):
            plans = [(f"{p.short_name}（{p.start_year}—{p.end_year}）{p.name}" + ("【当前规划】" if p.current else ""), p.id)
                     for p in plan_overview(s)]
            chosen = plan_id if plan_id in {pid for _, pid in plans} else None
            if chosen is None:
                current = default_plan(s, this_year)
                chosen = current.id if current else (plans[0][1] if plans else None)
            if chosen is None:
                return plans, None, [], None
            plan = get_plan(s, chosen)
            years = list(range(plan.start_year, plan.end_year + 1))
            at = year if year in years else (shared if shared in years else default_year(s, plan, office))
            return plans, chosen, years, at

        return work

    def _show_plans(self, result) -> None:
        plans, chosen, years, year = result
        self._wanted_plan = self._wanted_year = None
        for combo in (self.plan, self.year):
            combo.blockSignals(True)
            combo.clear()
        for label, plan_id in plans:
            self.plan.addItem(label, plan_id)
        self.plan.setCurrentIndex(max(0, self.plan.findData(chosen)))
        for y in years:
            self.year.addItem(f"{y}年", y)
        self.year.setCurrentIndex(self.year.findData(year))
        for combo in (self.plan, self.year):
            combo.blockSignals(False)
        self._apply()

    def select_plan(self, plan_id: str, year: int | None = None) -> None:
        self._wanted_plan, self._wanted_year = plan_id, year
        self.refresher.request()

    def _plan_changed(self, _index: int) -> None:
        self.select_plan(_data(self.plan))

    def _year_changed(self, _index: int) -> None:
        self._apply(chosen=True)

    def _apply(self, chosen: bool = False) -> None:
        """Show the plan and year of the combos; `chosen`: the user picked the year, which then
        becomes the window's working year (once unsaved values are settled)."""
        plan_id, year = _data(self.plan), _data(self.year)
        if plan_id is None or year is None:
            return
        entry = self.entry
        if entry.plan_id is not None and (plan_id, year) != (entry.plan_id, entry.year) and unsaved.dirty([entry]):
            # unsaved values stay on screen with the plan and year they belong to until settled
            self.select_plan(entry.plan_id, entry.year)
            unsaved.guard(self, [entry], lambda: self._switch(plan_id, year, chosen))
            return
        self._go(plan_id, year, chosen)

    def _switch(self, plan_id: str, year: int, chosen: bool = False) -> None:
        self._go(plan_id, year, chosen)
        self.select_plan(plan_id, year)  # the combos follow, once the years of that plan are read

    def _follow_year(self, year: int) -> None:
        """Another page moved the working year: this page moves too, when its plan has that year."""
        index = self.year.findData(year)
        if index >= 0 and index != self.year.currentIndex():
            self.year.setCurrentIndex(index)

    def _go(self, plan_id: str, year: int, chosen: bool = False) -> None:
        if chosen:
            self.ctx.current_year.set(year)
        self.entry.set_plan_year(plan_id, year)
        self.dashboard.set_plan_year(plan_id, year)
        self.plans.set_plan(plan_id)


def _data(combo: QComboBox):
    """The current item's datum, or None for an empty combo (without asking Qt for it)."""
    return combo.currentData() if combo.currentIndex() >= 0 else None


def default_year_now() -> int:
    from datetime import date

    return date.today().year
