"""One indicator's path over the plan years against its target line, on screen. The chart is the
evaluation report's (`output/path_chart.py` lays it out as plain shapes for both); this widget
only draws those shapes with QPainter (PySide6-Essentials has no QtCharts), scaled so that the
chart's text is the size of the window's own."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontInfo, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from zkdesk.output import path_chart as chart
from zkdesk.services.progress import IndicatorPath

HINT = "在上表中选择一个指标，查看它逐年的走势与目标线"


class PathChart(QWidget):
    def __init__(self, parent=None, objectName: str = ""):
        super().__init__(parent)
        self.setObjectName(objectName)
        self.path: IndicatorPath | None = None
        self.kind = ""
        self.subtitle = ""
        self.setMinimumHeight(160)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._fonts: dict[tuple[float, bool], QFont] = {}

    def show_path(self, path: IndicatorPath | None, kind: str = "", subtitle: str = "") -> None:
        self.path, self.kind, self.subtitle = path, kind, subtitle
        self.update()

    # -- the shared layout, at this widget's size ---------------------------------------------
    def zoom(self) -> float:
        """Pixels per chart point: the legend's text (8 points) as large as the window's text."""
        return max(1.0, QFontInfo(self.font()).pixelSize() / chart.LEGEND_SIZE)

    def _font(self, size: float, bold: bool) -> QFont:
        font = self._fonts.get((size, bold))
        if font is None:
            font = QFont(self.font())
            font.setPointSizeF(size * 72.0 / max(1, self.logicalDpiY()))  # `size` pixels before the zoom
            font.setBold(bold)
            self._fonts[(size, bold)] = font
        return font

    def measure(self, text: str, size: float, bold: bool) -> float:
        return QFontMetricsF(self._font(size, bold), self).horizontalAdvance(text)

    def scene(self) -> chart.Scene | None:
        """The chart at this widget's size (in chart points), or None with nothing chosen."""
        if self.path is None:
            return None
        z = self.zoom()
        data = chart.from_indicator_path(self.path, self.kind, self.subtitle)
        return chart.path_scene(data, self.width() / z, self.height() / z, self.measure)

    def changeEvent(self, event):  # noqa: N802 (Qt's name)
        self._fonts.clear()  # a new font or screen: measured again
        super().changeEvent(event)

    # -- drawing --------------------------------------------------------------------------------
    def paintEvent(self, _event):  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("white"))
        scene = self.scene()
        if scene is None:
            painter.setPen(QColor(chart.MUTED))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, HINT)
            painter.end()
            return
        z = self.zoom()
        painter.scale(z, z)
        draw_scene(painter, scene, self.measure, self._font)
        painter.end()


def _pen(colour: str | None, width: float, dash: tuple[float, ...] = ()) -> QPen:
    if colour is None:
        return QPen(Qt.PenStyle.NoPen)
    pen = QPen(QColor(colour), width)
    if dash:
        pen.setDashPattern([d / width for d in dash])  # Qt counts dashes in pen widths
    return pen


def draw_scene(painter: QPainter, scene: chart.Scene, measure, font_of) -> None:
    """The shapes as they are, the y axis turned downwards."""
    h = scene.height
    for shape in scene.shapes:
        if isinstance(shape, chart.Line):
            painter.setPen(_pen(shape.colour, shape.width, shape.dash))
            painter.drawLine(QPointF(shape.x1, h - shape.y1), QPointF(shape.x2, h - shape.y2))
        elif isinstance(shape, chart.PolyLine):
            painter.setPen(_pen(shape.colour, shape.width, shape.dash))
            painter.drawPolyline([QPointF(x, h - y) for x, y in shape.points])
        elif isinstance(shape, chart.Circle):
            painter.setPen(_pen(shape.stroke, shape.stroke_width))
            painter.setBrush(QColor(shape.fill))
            painter.drawEllipse(QPointF(shape.x, h - shape.y), shape.r, shape.r)
            painter.setBrush(Qt.BrushStyle.NoBrush)
        elif isinstance(shape, chart.Rect):
            painter.setPen(_pen(shape.stroke, shape.stroke_width))
            painter.setBrush(QColor(shape.fill) if shape.fill else Qt.BrushStyle.NoBrush)
            painter.drawRect(QRectF(shape.x, h - shape.y - shape.h, shape.w, shape.h))
            painter.setBrush(Qt.BrushStyle.NoBrush)
        elif isinstance(shape, chart.Text):
            painter.setFont(font_of(shape.size, shape.bold))
            painter.setPen(QColor(shape.colour))
            left = shape.box(measure)[0]
            painter.drawText(QPointF(left, h - shape.y), shape.text)
