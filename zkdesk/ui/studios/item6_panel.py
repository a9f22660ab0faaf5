"""The figures this register feeds into plan item 6: per plan year, summed, against the target."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from zkdesk.domain.orgcodes import is_county
from zkdesk.services.studio_progress import item6_summary
from zkdesk.ui import bus
from zkdesk.ui.refresh import Refresher


def _number(value: float | None) -> str:
    if value is None:
        return "—"
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


class Item6Panel(QGroupBox):
    def __init__(self, ctx, parent=None):
        super().__init__("规划第6项：职工创新成果与县级“三室一站”", parent)
        self.ctx = ctx
        self.setObjectName("item6Panel")
        self.table = QTableWidget(0, 0, objectName="item6Table")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.note = QLabel(objectName="item6Note", wordWrap=True)
        self.note.setStyleSheet("color: #555;")
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(self.note)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.summary = None
        self.refresher = Refresher(self, self._query, self._show,
                                   (bus.STUDIOS, bus.ENTERPRISES, bus.PLANS, bus.INDICATORS), ctx=ctx)
        ctx.current_year.changed.connect(lambda _year: self.refresher.request())  # the plan of the working year

    def _query(self):
        year = self.ctx.current_year.value
        return lambda session, actor: item6_summary(session, actor, year=year)

    def refresh(self) -> None:
        """Read the figures again (off the GUI thread, when the panel is on screen)."""
        self.refresher.request()

    def _show(self, summary) -> None:
        self.summary = summary
        if summary is None:
            self.table.setRowCount(0)
            self.note.setText("规划目录中没有由“三室一站”登记计算的指标。")
            return
        self.setTitle(f"规划第6项：职工创新成果与县级“三室一站”（{summary.plan_name}，{summary.years[0]}—{summary.years[-1]}年）")
        headers = ["指标", *(f"{y}年" for y in summary.years), "累计", "其中其他", "目标", "完成率"]
        self.table.setColumnCount(len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setRowCount(len(summary.rows))
        for row, r in enumerate(summary.rows):
            percent = "—" if r.percent is None else f"{r.percent:.0f}%"
            cells = [f"{r.code} {r.name}（{r.unit}）", *(_number(r.by_year[y]) for y in summary.years),
                     _number(r.total), _number(r.other_total),
                     _number(r.target) if r.target is not None else "未分解", percent]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if 1 <= col <= len(summary.years) and r.other_by_year is not None:
                    year = summary.years[col - 1]
                    other = r.other_by_year[year]
                    item.setToolTip(f"“三室一站”登记 {_number(r.by_year[year] - other)}＋其他 {_number(other)}")
                if col == len(cells) - 3:
                    item.setToolTip("“三室一站”以外的职工的数，在指标台账中填报" if r.other_by_year is not None
                                    else "全部由“三室一站”登记计算")
                if r.target is None and col == len(cells) - 2:
                    item.setToolTip("县总工会尚未把本项目标分解到本乡镇")
                if col == len(cells) - 1 and r.target is not None:
                    item.setForeground(QBrush(QColor("#1b6e20" if r.reached else "#b36b00")))
                self.table.setItem(row, col, item)
        # Show every row: the table is as tall as its contents.
        height = self.table.horizontalHeader().sizeHint().height() + 26 * len(summary.rows) + 2 * self.table.frameWidth()
        self.table.setFixedHeight(height)
        scope = "全县" if is_county(summary.org_code) else "本乡镇"
        self.note.setText(
            f"{scope}数据，由各工作室登记的年度成果和命名情况自动计算；规划按全体职工计数的成果"
            f"（合理化建议、专利等）另加在指标台账中填报的其他职工的数（“其中其他”）。县级“三室一站”按命名年度计数，"
            f"到当年年底已撤销的不计；目前命名且未撤销的县级“三室一站”共 {summary.county_named_today} 家。"
        )
