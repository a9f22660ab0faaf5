"""One indicator's path over the plan years against its target line, drawn with QPainter
(PySide6-Essentials has no QtCharts)."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from zkdesk.domain.progress import RATE, format_number
from zkdesk.services.progress import IndicatorPath

ACTUAL = QColor("#1f5fa8")
TARGET = QColor("#c62f2f")
AXIS = QColor("#888888")
GRID = QColor("#e4e4e4")


def _nice_top(value: float) -> float:
    """A round axis maximum at or above `value`."""
    if value <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude


class PathChart(QWidget):
    def __init__(self, parent=None, objectName: str = ""):
        super().__init__(parent)
        self.setObjectName(objectName)
        self.path: IndicatorPath | None = None
        self.kind = ""
        self.subtitle = ""
        self.setMinimumHeight(200)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def show_path(self, path: IndicatorPath | None, kind: str = "", subtitle: str = "") -> None:
        self.path, self.kind, self.subtitle = path, kind, subtitle
        self.update()

    def _label(self, value: float) -> str:
        return f"{format_number(round(value, 2))}{'%' if self.kind == RATE else ''}"

    def paintEvent(self, _event):
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("white"))
        path = self.path
        if path is None:
            painter.setPen(AXIS)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "在上表中选择一个指标，查看它逐年的走势与目标线")
            return
        title_font = QFont(self.font())
        title_font.setBold(True)
        painter.setFont(title_font)
        painter.setPen(QColor("#222"))
        painter.drawText(QRectF(10, 4, self.width() - 20, 20), Qt.AlignmentFlag.AlignLeft,
                         f"{path.code} {path.name}（{path.unit}）{self.subtitle}")
        painter.setFont(self.font())

        plot = QRectF(56, 34, max(50, self.width() - 56 - 150), max(40, self.height() - 34 - 30))
        values = [v for v in path.actuals.values() if v is not None] + list(path.expected.values())
        values += [v for v in (path.target, path.projection) if v is not None]
        top = _nice_top(max(values, default=1.0) * 1.08)
        if self.kind == RATE:
            top = min(top, 100.0) if max(values, default=0) <= 100 else top
        years = list(path.years)
        first, last = years[0] - (1 if path.expected and min(path.expected) < years[0] else 0), years[-1]
        span = max(1, last - first)

        def point(year: float, value: float) -> QPointF:
            return QPointF(plot.left() + (year - first) / span * plot.width(),
                           plot.bottom() - value / top * plot.height())

        # grid and axes
        painter.setPen(QPen(GRID, 1))
        for i in range(5):
            value = top * i / 4
            y = point(first, value).y()
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(AXIS)
            painter.drawText(QRectF(0, y - 9, plot.left() - 6, 18), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                             self._label(value))
            painter.setPen(QPen(GRID, 1))
        painter.setPen(QPen(AXIS, 1))
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        for year in range(first, last + 1):
            x = point(year, 0).x()
            painter.drawLine(QPointF(x, plot.bottom()), QPointF(x, plot.bottom() + 4))
            painter.drawText(QRectF(x - 30, plot.bottom() + 5, 60, 18), Qt.AlignmentFlag.AlignCenter, f"{year}")

        # the target: the straight-line path, or a level line for yearly targets
        pen = QPen(TARGET, 2, Qt.PenStyle.DashLine)
        painter.setPen(pen)
        if path.expected:
            ys = sorted(path.expected)
            for a, b in zip(ys, ys[1:]):
                painter.drawLine(point(a, path.expected[a]), point(b, path.expected[b]))
        elif path.target is not None:
            painter.drawLine(point(first, path.target), point(last, path.target))

        # the actuals, and the projection from the last one
        reported = [(y, v) for y, v in sorted(path.actuals.items()) if v is not None]
        painter.setPen(QPen(ACTUAL, 2.5))
        for (a, va), (b, vb) in zip(reported, reported[1:]):
            painter.drawLine(point(a, va), point(b, vb))
        painter.setBrush(ACTUAL)
        for y, v in reported:
            p = point(y, v)
            painter.drawEllipse(p, 3.5, 3.5)
            painter.drawText(p + QPointF(-14, -8), self._label(v))
        if reported and path.projection is not None and reported[-1][0] < path.target_year:
            painter.setPen(QPen(ACTUAL, 1.5, Qt.PenStyle.DotLine))
            painter.drawLine(point(*reported[-1]), point(path.target_year, path.projection))
        if not reported:
            painter.setPen(AXIS)
            painter.drawText(plot, Qt.AlignmentFlag.AlignCenter, "暂无数据")

        # legend
        legend_x = plot.right() + 16
        painter.setPen(QPen(ACTUAL, 2.5))
        painter.drawLine(QPointF(legend_x, 44), QPointF(legend_x + 24, 44))
        painter.setPen(QPen(TARGET, 2, Qt.PenStyle.DashLine))
        painter.drawLine(QPointF(legend_x, 66), QPointF(legend_x + 24, 66))
        painter.setPen(QPen(ACTUAL, 1.5, Qt.PenStyle.DotLine))
        painter.drawLine(QPointF(legend_x, 88), QPointF(legend_x + 24, 88))
        painter.setPen(QColor("#333"))
        painter.drawText(QPointF(legend_x + 30, 48), "实际")
        painter.drawText(QPointF(legend_x + 30, 70), "目标进度线")
        painter.drawText(QPointF(legend_x + 30, 92), "按当前进度预计")
        if path.target is not None:
            painter.drawText(QPointF(legend_x, 124), f"目标：{self._label(path.target)}（{path.target_year}年）")
        if path.projection is not None:
            painter.drawText(QPointF(legend_x, 146), f"预计：{self._label(path.projection)}")
        painter.end()
