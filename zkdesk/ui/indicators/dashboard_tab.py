"""进度看板: indicators × townships coloured by status, filters, a path chart, drill-down."""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from zkdesk.domain.orgcodes import COUNTY_CODE, is_county
from zkdesk.domain.progress import STATUSES, format_number
from zkdesk.services.plans import plan_item_titles
from zkdesk.services.progress import SOURCE_BOTH, ProgressRow, county_and_townships, indicator_path, progress_for
from zkdesk.ui import bus
from zkdesk.ui.indicators.common import STATUS_COLORS, figure_text
from zkdesk.ui.indicators.drilldown import DrilldownDialog
from zkdesk.ui.indicators.path_chart import PathChart
from zkdesk.ui.ops import QueryOp
from zkdesk.ui.refresh import Refresher

# What the grid shows is computed from the values and from every register.
KINDS = (bus.INDICATORS, bus.PLANS, bus.NOMINATIONS, bus.STUDIOS, bus.ENTERPRISES)

FIXED_COLUMNS = ["编号", "指标", "单位", "全县目标"]
ROLE_KEY = Qt.ItemDataRole.UserRole
NAME_MIN_CHARS = 12  # the 指标 column keeps this many characters (the rest elided, the whole name on hover)
FIGURE_SAMPLE = "99999.9%"  # a figure column is no wider than this (a longer figure is elided, whole on hover)


def _tooltip(row: ProgressRow, org_label: str) -> str:
    lines = [f"{org_label}：{row.code} {row.name}",
             f"实际：{figure_text(row.actual, row.kind, '无数据')}",
             f"目标：{figure_text(row.target, row.kind, '无目标')}"]
    if row.rule_words:
        lines.append(f"考核方式：{row.rule_words}")
    if row.completion is not None:
        lines.append(f"完成：{format_number(row.completion)}%")
    lines.append(f"状态：{row.status}" + (f"（{row.status_reason}）" if row.status_reason else ""))
    if row.projection is not None:
        lines.append(f"按当前进度预计：{figure_text(row.projection, row.kind)}")
    if row.kind == "rate" and row.denominator is not None:
        lines.append(f"分子/分母：{format_number(row.numerator)}/{format_number(row.denominator)}")
    if row.source == SOURCE_BOTH:
        lines.append(f"登记部分：{format_number(row.derived_part)}；其他部分（填报）：{format_number(row.entered_part)}")
        lines.append("登记部分由登记数据自动计算，双击查看来源记录")
    elif row.derived:
        lines.append("由登记数据自动计算，双击查看来源记录")
    return "\n".join(lines)


class DashboardTab(QWidget):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.plan_id: str | None = None
        self.year: int | None = None
        self.org_columns: list[tuple[str, str]] = []  # (code, label)
        self.rows: dict[str, dict[str, ProgressRow]] = {}  # org -> indicator id -> row
        self.drilldown: DrilldownDialog | None = None
        self._natural: dict[int, int] = {}  # column -> the width its texts need (see _size_columns)

        self.item_filter = QComboBox(objectName="itemFilter")
        self.responsible_filter = QComboBox(objectName="responsibleFilter")
        self.item_filter.currentIndexChanged.connect(self._apply_filters)
        self.responsible_filter.currentIndexChanged.connect(self._apply_filters)
        self.summary = QLabel(objectName="dashboardSummary")

        self.table = QTableWidget(0, len(FIXED_COLUMNS), objectName="progressTable")
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.installEventFilter(self)  # a narrower table: the figure columns give way first
        self.table.currentCellChanged.connect(self._cell_changed)
        self.table.cellDoubleClicked.connect(self._cell_double_clicked)
        self.chart = PathChart(objectName="pathChart")

        filters = QHBoxLayout()
        filters.addWidget(QLabel("规划条目："))
        filters.addWidget(self.item_filter, 2)
        filters.addWidget(QLabel("责任单位："))
        filters.addWidget(self.responsible_filter, 1)
        filters.addSpacing(12)
        for status in STATUSES:
            chip = QLabel(status)
            chip.setStyleSheet(f"background: {STATUS_COLORS[status].name()}; padding: 2px 8px; border-radius: 3px;")
            filters.addWidget(chip)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.chart)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([420, 260])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 6, 4, 4)
        layout.addLayout(filters)
        layout.addWidget(self.summary)
        layout.addWidget(splitter, 1)
        self._chart_token = 0
        self.refresher = Refresher(self, self._read, self._show, KINDS, ctx=ctx, on_failure=self.summary.setText)

    def set_plan_year(self, plan_id: str, year: int) -> None:
        if (plan_id, year) != (self.plan_id, self.year):
            self.plan_id, self.year = plan_id, year
            self.refresh()

    # -- data: read off the GUI thread, only while the tab is on screen ----------------------
    def refresh(self) -> None:
        if self.plan_id is not None:
            self.refresher.request()

    def _read(self):
        plan_id, year, office = self.plan_id, self.year, self.ctx.actor.office_code

        def work(s, _actor):
            items = plan_item_titles(s, plan_id)
            if is_county(office):
                county, by_township = county_and_townships(s, plan_id, year)  # the registers read once
                rows = {COUNTY_CODE: {r.indicator_id: r for r in county}}
                for code, township_rows in by_township.items():
                    rows[code] = {r.indicator_id: r for r in township_rows}
            else:
                rows = {office: {r.indicator_id: r for r in progress_for(s, plan_id, office, year)}}
            return plan_id, year, items, rows

        return work

    def _show(self, result) -> None:
        plan_id, year, items, rows = result
        if (plan_id, year) != (self.plan_id, self.year):
            return  # the plan or year changed meanwhile: its own refresh follows
        self.rows = rows
        names = self.ctx.org_names
        self.org_columns = [(code, "全县" if is_county(code) else names.get(code, code)) for code in self.rows]
        self._fill(items)

    def _fill(self, items: dict[int, str]) -> None:
        main = next(iter(self.rows.values()))
        indicators = list(main.values())
        self._fill_filters(items, indicators)
        current = self.table.currentRow(), self.table.currentColumn()
        self.table.blockSignals(True)
        self.table.clear()
        self.table.setColumnCount(len(FIXED_COLUMNS) + len(self.org_columns))
        county = COUNTY_CODE in self.rows
        # short headers (the column stays narrow), the whole meaning on hover
        self.table.setHorizontalHeaderLabels(FIXED_COLUMNS[:-1] + ["目标"] + [label for _, label in self.org_columns])
        for column, tip in ((0, "指标编号"), (1, "指标名称（双击数字查看来源记录）"), (2, "计量单位"),
                            (3, "全县目标" if county else "本单位目标")):
            self.table.horizontalHeaderItem(column).setToolTip(tip)
        for k, (code, label) in enumerate(self.org_columns):
            self.table.horizontalHeaderItem(len(FIXED_COLUMNS) + k).setToolTip(
                f"{label}：{self.year}年实际数，底色为进度状态")
        self.table.setRowCount(len(indicators))
        for r, ind in enumerate(indicators):
            fixed = (ind.code, ind.name, ind.unit, figure_text(main[ind.indicator_id].target, ind.kind, "—" if county else "无目标"))
            for c, text in enumerate(fixed):
                item = QTableWidgetItem(text)
                item.setData(ROLE_KEY, (ind.indicator_id, self.org_columns[0][0]))
                if c == 1:
                    item.setToolTip(f"{ind.name}\n责任单位：{'、'.join(ind.responsible)}")
                self.table.setItem(r, c, item)
            for k, (code, label) in enumerate(self.org_columns):
                row = self.rows[code][ind.indicator_id]
                item = QTableWidgetItem(figure_text(row.actual, row.kind, "—"))
                item.setBackground(STATUS_COLORS[row.status])
                item.setToolTip(_tooltip(row, label))
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                item.setData(ROLE_KEY, (ind.indicator_id, code))
                if row.derived:
                    font = item.font()
                    font.setUnderline(True)
                    item.setFont(font)
                self.table.setItem(r, len(FIXED_COLUMNS) + k, item)
        self._size_columns()
        self.table.blockSignals(False)
        counts = Counter(r.status for r in main.values())
        label = self.org_columns[0][1]
        self.summary.setText(f"{label}{self.year}年：" + "　".join(f"{s} {counts.get(s, 0)}项" for s in STATUSES))
        self._apply_filters()
        if current[0] >= 0:
            self.table.setCurrentCell(min(current[0], len(indicators) - 1), max(0, current[1]))
        else:
            self._show_chart(indicators[0].indicator_id, self.org_columns[0][0]) if indicators else None

    def _size_columns(self, measure: bool = True) -> None:
        """Each column as wide as its header and the texts it shows, measured with the font once per
        fill or font (`measure`; not on every change, nor on a resize), a figure column at most
        FIGURE_SAMPLE wide, the indicator's name the rest. When the table is too narrow for that,
        the figure columns share what the name leaves them, so the table never scrolls sideways."""
        table, header = self.table, self.table.horizontalHeader()
        columns = table.columnCount()
        if not self.rows or any(table.horizontalHeaderItem(c) is None for c in range(columns)):
            return  # nothing shown yet
        cell, head = table.fontMetrics(), header.fontMetrics()
        pad = cell.horizontalAdvance("0") + 14  # a cell's and its header's margins
        if measure or len(self._natural) != columns - 1:
            cap = cell.horizontalAdvance(FIGURE_SAMPLE) + pad
            self._natural = {}
            for column in range(columns):
                if column == 1:
                    continue
                texts = [table.item(r, column).text() for r in range(table.rowCount()) if table.item(r, column)]
                widest = max([head.horizontalAdvance(table.horizontalHeaderItem(column).text()),
                              *(cell.horizontalAdvance(t) for t in texts)]) + pad
                self._natural[column] = widest if column < len(FIXED_COLUMNS) else min(widest, cap)
        widths = dict(self._natural)
        room = table.viewport().width() - cell.horizontalAdvance("中" * NAME_MIN_CHARS) - pad
        figures = [c for c in widths if c >= len(FIXED_COLUMNS)]
        over = sum(widths.values()) - room
        if over > 0 and figures:  # too narrow: the figure columns shrink alike, never below 4 digits
            least = cell.horizontalAdvance("9999") + pad
            share = max(least, (sum(widths[c] for c in figures) - over) // len(figures))
            for c in figures:
                widths[c] = min(widths[c], share)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in widths.items():
            header.resizeSection(column, width)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt's name)
        if watched is self.table and event.type() == QEvent.Type.Resize:
            self._size_columns(measure=False)
        elif watched is self.table and event.type() == QEvent.Type.FontChange:
            self._size_columns()
        return super().eventFilter(watched, event)

    def _fill_filters(self, items: dict[int, str], indicators: list[ProgressRow]) -> None:
        # "all" is item 0, never None: a None item datum trips a PySide refcount bug
        keep_item = self.item_filter.currentData() if self.item_filter.currentIndex() > 0 else 0
        keep_unit = self.responsible_filter.currentText()
        for combo in (self.item_filter, self.responsible_filter):
            combo.blockSignals(True)
            combo.clear()
        self.item_filter.addItem("全部条目", 0)
        for number in sorted({i.item for i in indicators}):
            self.item_filter.addItem(f"{number}. {items.get(number, '')}", number)
        units = sorted({u for i in indicators for u in i.responsible})
        self.responsible_filter.addItem("全部责任单位")
        self.responsible_filter.addItems(units)
        if keep_item and self.item_filter.findData(keep_item) >= 0:
            self.item_filter.setCurrentIndex(self.item_filter.findData(keep_item))
        if self.responsible_filter.findText(keep_unit) >= 0:
            self.responsible_filter.setCurrentIndex(self.responsible_filter.findText(keep_unit))
        for combo in (self.item_filter, self.responsible_filter):
            combo.blockSignals(False)

    def _apply_filters(self, *_args) -> None:
        if not self.rows:
            return
        item = self.item_filter.currentData() if self.item_filter.currentIndex() > 0 else None
        unit = self.responsible_filter.currentText() if self.responsible_filter.currentIndex() > 0 else None
        main = list(next(iter(self.rows.values())).values())
        for r, ind in enumerate(main):
            visible = (item is None or ind.item == item) and (unit is None or unit in ind.responsible)
            self.table.setRowHidden(r, not visible)

    def visible_codes(self) -> list[str]:
        return [self.table.item(r, 0).text() for r in range(self.table.rowCount()) if not self.table.isRowHidden(r)]

    # -- chart and drill-down --------------------------------------------------------------
    def _key(self, row: int, column: int):
        item = self.table.item(row, column)
        return item.data(ROLE_KEY) if item else None

    def _cell_changed(self, row: int, column: int, *_):
        key = self._key(row, column)
        if key:
            self._show_chart(*key)

    def _show_chart(self, indicator_id: str, org_code: str) -> None:
        plan_id = self.plan_id
        self._chart_token += 1
        token = self._chart_token
        label = dict(self.org_columns).get(org_code, org_code)
        kind = self.rows[org_code][indicator_id].kind

        def show(path) -> None:
            if token == self._chart_token:  # the newest cell wins
                self.chart.show_path(path, kind, f" — {label}")

        def failed(_message: str) -> None:
            if token == self._chart_token:
                self.chart.show_path(None)

        QueryOp(self, lambda s, _actor: indicator_path(s, plan_id, indicator_id, org_code), ctx=self.ctx) \
            .success(show).failure(failed).run()

    def _cell_double_clicked(self, row: int, column: int) -> None:
        key = self._key(row, column)
        if not key:
            return
        indicator_id, org_code = key
        progress = self.rows[org_code][indicator_id]
        if not progress.derived:
            return
        label = dict(self.org_columns).get(org_code, org_code)
        self.drilldown = DrilldownDialog(self.ctx, self.plan_id, indicator_id, f"{progress.code} {progress.name}",
                                         org_code, label, self.year, self)
        self.drilldown.open()
