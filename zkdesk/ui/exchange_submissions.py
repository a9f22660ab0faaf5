"""数据交换 → 报送情况 (county): townships × what arrived — the last package, missing numbers,
records received, conflicts open, and per year whether the indicator values are all in.
Read by a Refresher; the year columns follow the active plans. exchange.submissions (and with it
the package modules and cryptography) is imported by the refresh's work, off the GUI thread."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from zkdesk.ui import bus
from zkdesk.ui.refresh import Refresher
from zkdesk.ui.widgets.record_view import Column, RecordView

BASE_COLUMNS = [
    Column("乡镇", lambda r: r.name, sort=lambda r: r.code),  # units sort by code
    Column("最近数据包", lambda r: f"第{r.last_sequence}号" if r.last_sequence is not None else "尚未收到",
           colour=lambda r: "#b00020" if r.last_sequence is None else None),
    Column("生成日期", lambda r: r.last_created.astimezone().date() if r.last_created else None, fmt="date"),
    Column("收到日期", lambda r: r.last_received.astimezone().date() if r.last_received else None, fmt="date"),
    Column("缺号", lambda r: r.gap_text, colour=lambda r: "#b00020" if r.gaps else None),
    Column("最近一次导入", lambda r: r.last_text if r.last_sequence is not None else ""),
    Column("累计收到记录", lambda r: r.records, fmt="int"),
    Column("未处理冲突", lambda r: r.open_conflicts or None, fmt="int",
           colour=lambda r: "#b35c00" if r.open_conflicts else None),
]


def _year_column(year: int) -> Column:
    return Column(f"{year}年指标", width=84, value=lambda r: r.years[year].text if year in r.years else "",
                  colour=lambda r: None if year not in r.years or r.years[year].complete else "#b35c00",
                  tooltip=lambda r: f"{r.name}{year}年应填{r.years[year].expected}项，已填（完整）{r.years[year].filled}项"
                  if year in r.years else None)


class SubmissionsTab(QWidget):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.years: tuple[int, ...] = ()
        note = QLabel("各乡镇报来的数据包：最近一个的序号和时间、中间缺少的序号、累计收到的记录、尚未处理的冲突，"
                      "以及各年度指标数值是否已填齐（“齐全”或 已填/应填）。", wordWrap=True)
        self.layout_ = QVBoxLayout(self)
        self.layout_.addWidget(note)
        self.view = self._make_view(())
        self.layout_.addWidget(self.view, 1)
        self.refresher = Refresher(self, self._query, self._apply, kinds=(bus.EXCHANGE, bus.INDICATORS, bus.PLANS),
                                   ctx=ctx)
        ctx.current_year.changed.connect(lambda _year: self.refresher.request())

    def _make_view(self, years) -> RecordView:
        view = RecordView([*BASE_COLUMNS, *(_year_column(y) for y in years)], key=lambda r: r.code,
                          objectName="submissionsTable", empty="没有乡镇")
        view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        return view

    def _query(self):
        year = self.ctx.current_year.value

        def work(session, actor):
            from zkdesk.exchange.submissions import submissions

            return submissions(session, actor, year)

        return work

    def _apply(self, rows) -> None:
        years = tuple(sorted({y for r in rows for y in r.years}))
        if years != self.years:
            old, self.view = self.view, self._make_view(years)
            self.layout_.replaceWidget(old, self.view)
            old.hide()
            old.setParent(None)
            old.deleteLater()
            self.years = years
        self.view.set_rows(rows)

    def request(self) -> None:
        self.refresher.request()
