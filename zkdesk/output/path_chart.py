"""One indicator's figures by year against its target: the chart the evaluation report prints
(`output/evaluation/charts.py`, a reportlab Drawing) and the 进度看板 shows on screen
(`ui/indicators/path_chart.py`, QPainter). It is laid out once, here, as a `Scene` of plain shapes
(points, y upwards, text at its baseline); each output only draws the shapes as they are.

The layout keeps its parts apart: the title on top, the plot, the years under it, the legend in
a band of its own below them (wrapped onto more rows when it is too wide), so a value's label can
never sit on the legend; the axis leaves room above the highest point for its label.
Nothing here imports reportlab or Qt: text is measured by the caller's `measure(text, size, bold)`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

from zkdesk.domain.progress import RATE, format_number

ACTUAL = "#1f5fa8"
TARGET = "#c62828"
GRID = "#d9d9d9"
TEXT = "#222222"
MUTED = "#666666"
WHITE = "#ffffff"

TITLE_SIZE, AXIS_SIZE, VALUE_SIZE, LEGEND_SIZE = 10.0, 7.5, 7.0, 8.0
LEGEND_ROW = 12.0  # the height of one legend row
SAMPLE = 18.0  # a legend entry's line sample

Measure = Callable[[str, float, bool], float]  # (text, size, bold) -> width, in the scene's units


# -- the shapes -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    colour: str
    width: float = 1.0
    dash: tuple[float, ...] = ()


@dataclass(frozen=True)
class PolyLine:
    points: tuple[tuple[float, float], ...]
    colour: str
    width: float = 1.0
    dash: tuple[float, ...] = ()


@dataclass(frozen=True)
class Circle:
    x: float
    y: float
    r: float
    fill: str
    stroke: str = WHITE
    stroke_width: float = 0.5


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    fill: str | None = None
    stroke: str | None = None
    stroke_width: float = 0.5


@dataclass(frozen=True)
class Text:
    x: float
    y: float  # the baseline
    text: str
    size: float
    colour: str = TEXT
    bold: bool = False
    anchor: str = "start"  # start | middle | end
    role: str = ""  # what it is: title, tick, year, value, legend, empty

    def box(self, measure: Measure) -> tuple[float, float, float, float]:
        """(left, bottom, right, top) of the text, descenders and accents included."""
        w = measure(self.text, self.size, self.bold)
        left = self.x - {"start": 0.0, "middle": w / 2, "end": w}[self.anchor]
        return left, self.y - 0.25 * self.size, left + w, self.y + 0.95 * self.size


@dataclass
class Scene:
    width: float
    height: float
    shapes: list = field(default_factory=list)

    def add(self, shape) -> None:
        self.shapes.append(shape)

    def texts(self, role: str) -> list[Text]:
        return [s for s in self.shapes if isinstance(s, Text) and s.role == role]


# -- what a chart shows ---------------------------------------------------------------------
@dataclass(frozen=True)
class PathData:
    title: str
    years: tuple[int, ...]  # the x axis, in order
    actual: dict[int, float]  # the figures there are
    expected: dict[int, float]  # the target path by year (may be empty)
    target: float | None
    target_year: int
    projection: float | None = None  # where the present pace leads by target_year
    status: str = ""  # printed at the end of the legend, in status_colour
    status_colour: str = TEXT
    suffix: str = ""  # after each value (% for a rate on screen)
    year_notes: dict[int, str] = field(default_factory=dict)  # e.g. the baseline year's （基期）
    empty_text: str = "无数据"


def from_indicator_line(line, report, status_colour: str = TEXT) -> PathData:
    """The report's chart of one indicator (services.evaluation_report.IndicatorLine): its
    baseline year first when it has one."""
    years = tuple(range(report.plan_start - (1 if line.baseline is not None else 0), report.plan_end + 1))
    actual = {y: v for y, v in line.values.items() if v is not None}
    if line.baseline is not None:
        actual[report.baseline_year] = line.baseline
    return PathData(
        title=f"{line.code} {line.name}（{line.unit}）",
        years=years,
        actual=actual,
        expected={y: v for y, v in line.expected.items() if years[0] <= y <= report.plan_end},
        target=line.target,
        target_year=line.target_year,
        status=line.status,
        status_colour=status_colour,
        year_notes={report.baseline_year: "（基期）"},
    )


def from_indicator_path(path, kind: str = "", subtitle: str = "") -> PathData:
    """The dashboard's chart of one indicator for one org unit (services.progress.IndicatorPath),
    with the projection at the present pace."""
    years = tuple(path.years)
    if path.expected and min(path.expected) < years[0]:
        years = tuple(range(min(path.expected), years[-1] + 1))  # the path starts at the baseline year
    return PathData(
        title=f"{path.code} {path.name}（{path.unit}）{subtitle}",
        years=years,
        actual={y: v for y, v in path.actuals.items() if v is not None},
        expected=dict(path.expected),
        target=path.target,
        target_year=path.target_year,
        projection=path.projection,
        suffix="%" if kind == RATE else "",
    )


# -- the layout -----------------------------------------------------------------------------
def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round axis ticks covering low..high."""
    if high <= low:
        high = low + 1.0
    raw = (high - low) / max(1, count - 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step) * step
    ticks = []
    value = start
    while value < high + step * 0.999:
        ticks.append(round(value, 10))
        value += step
    return ticks


def fit(text: str, size: float, bold: bool, width: float, measure: Measure) -> str:
    """`text`, cut with … to `width`."""
    if measure(text, size, bold) <= width:
        return text
    while text and measure(text + "…", size, bold) > width:
        text = text[:-1]
    return text + "…"


def _legend(data: PathData) -> list[tuple[tuple | None, str, str, bool]]:
    """(line sample: (colour, width, dash) or None, label, colour, bold) in order."""
    value = lambda v: f"{format_number(round(v, 2))}{data.suffix}"  # noqa: E731
    target = "目标路径" if data.expected else "目标"
    if data.target is not None:
        target += f"（{data.target_year}年目标{value(data.target)}）"
    entries = [((ACTUAL, 1.8, ()), "实际", TEXT, False)]
    if data.expected or data.target is not None:  # (no line drawn, none named)
        entries.append(((TARGET, 1.2, (4, 3)), target, TEXT, False))
    if data.projection is not None:
        entries.append(((ACTUAL, 1.2, (1, 2)), f"按当前进度预计（{data.target_year}年{value(data.projection)}）", TEXT, False))
    if data.status:
        entries.append((None, data.status, data.status_colour, True))
    return entries


def _place_legend(entries, x0: float, width: float, measure: Measure) -> list[list[tuple[float, tuple]]]:
    """The entries in rows from x0, none wider than `width` (a row holds at least one)."""
    rows: list[list[tuple[float, tuple]]] = [[]]
    x = x0
    for entry in entries:
        sample, label, colour, bold = entry
        room = width - (SAMPLE + 4 if sample else 0)
        if measure(label, LEGEND_SIZE, bold) > room:  # wider than a row of its own: cut
            entry = (sample, fit(label, LEGEND_SIZE, bold, room, measure), colour, bold)
        w = (SAMPLE + 4 if sample else 0) + measure(entry[1], LEGEND_SIZE, bold)
        if rows[-1] and x + w > x0 + width:
            rows.append([])
            x = x0
        rows[-1].append((x, entry))
        x += w + 12
    return rows


def _crossed(box: tuple[float, float, float, float], line: tuple[tuple[float, float], ...]) -> bool:
    """Whether the polyline `line` passes through the box (left, bottom, right, top)."""
    left, bottom, right, top = box
    for (x1, y1), (x2, y2) in zip(line, line[1:]):
        a, b = max(left, min(x1, x2)), min(right, max(x1, x2))
        if a > b or x1 == x2:
            continue
        ya = y1 + (y2 - y1) * (a - x1) / (x2 - x1)
        yb = y1 + (y2 - y1) * (b - x1) / (x2 - x1)
        if min(ya, yb) <= top and max(ya, yb) >= bottom:
            return True
    return False


def path_scene(data: PathData, width: float, height: float, measure: Measure) -> Scene:
    scene = Scene(width, height)
    scene.add(Text(0, height - 12, fit(data.title, TITLE_SIZE, True, width, measure), TITLE_SIZE, bold=True,
                   role="title"))
    values = list(data.actual.values()) + list(data.expected.values())
    values += [v for v in (data.target, data.projection) if v is not None]

    def label(v: float) -> str:
        return f"{format_number(round(v, 2))}{data.suffix}"

    low = min([0.0] + values)
    ticks = nice_ticks(low, max(values) * 1.05 if values and max(values) > 0 else 1.0)
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
    widest = ticks + [ticks[-1] + step * k for k in range(1, 5)]  # with the headroom added below
    left = max(46.0, max(measure(label(t), AXIS_SIZE, False) for t in widest) + 10)
    right, top = 8.0, 22.0
    legend_rows = _place_legend(_legend(data), left, width - left - right, measure)
    legend_band = 4 + LEGEND_ROW * len(legend_rows)
    bottom = legend_band + 18  # the years' labels between the legend and the axis
    pw, ph = max(10.0, width - left - right), max(10.0, height - bottom - top)

    # the axis reaches high enough that the highest value's label stays under the title
    for _ in range(4):
        y0, y1 = ticks[0], ticks[-1]
        highest = max(data.actual.values(), default=None)
        label_top = bottom + ph * (highest - y0) / (y1 - y0) + 5 + 0.95 * VALUE_SIZE if highest is not None else 0
        if highest is None or label_top <= height - 12 - 0.25 * TITLE_SIZE:
            break
        ticks = ticks + [round(y1 + step, 10)]
    y0, y1 = ticks[0], ticks[-1]

    n = max(1, len(data.years))
    first = data.years[0] if data.years else 0

    def px(year: float) -> float:
        return left + pw * (year - first + 0.5) / n

    def py(value: float) -> float:
        return bottom + ph * (value - y0) / (y1 - y0)

    # the legend, in its own band at the bottom
    for r, row in enumerate(legend_rows):
        y = 4 + LEGEND_ROW * (len(legend_rows) - 1 - r)
        for x, (sample, text, colour, bold) in row:
            if sample:
                scene.add(Line(x, y + 3, x + SAMPLE, y + 3, sample[0], sample[1], sample[2]))
                x += SAMPLE + 4
            else:  # the status: at the right end of its row
                scene.add(Text(left + pw, y, text, LEGEND_SIZE, colour, bold, "end", role="legend"))
                continue
            scene.add(Text(x, y, text, LEGEND_SIZE, colour, bold, role="legend"))

    if not values:
        scene.add(Rect(left, bottom, pw, ph, stroke=GRID))
        scene.add(Text(left + pw / 2, bottom + ph / 2, data.empty_text, 10, MUTED, anchor="middle", role="empty"))
        return scene

    for t in ticks:
        scene.add(Line(left, py(t), left + pw, py(t), GRID, 0.5))
        scene.add(Text(left - 4, py(t) - 3, label(t), AXIS_SIZE, MUTED, anchor="end", role="tick"))
    scene.add(Line(left, bottom, left + pw, bottom, MUTED, 0.8))
    for y in data.years:
        scene.add(Text(px(y), bottom - 12, f"{y}{data.year_notes.get(y, '')}", AXIS_SIZE, MUTED, anchor="middle",
                       role="year"))

    target_line: tuple[tuple[float, float], ...] = ()
    if data.expected:
        target_line = tuple((px(y), py(data.expected[y])) for y in sorted(data.expected))
        scene.add(PolyLine(target_line, TARGET, 1.2, (4, 3)))
    elif data.target is not None:
        target_line = ((left, py(data.target)), (left + pw, py(data.target)))
        scene.add(Line(left, py(data.target), left + pw, py(data.target), TARGET, 1.2, (4, 3)))

    run: list[tuple[float, float]] = []
    for y in list(data.years) + [None]:  # a gap in the data is a gap in the line
        if y is not None and y in data.actual:
            run.append((px(y), py(data.actual[y])))
            continue
        if len(run) >= 2:
            scene.add(PolyLine(tuple(run), ACTUAL, 1.8))
        run = []
    reported = sorted(data.actual)
    if reported and data.projection is not None and reported[-1] < data.target_year:
        last = reported[-1]
        scene.add(Line(px(last), py(data.actual[last]), px(data.target_year), py(data.projection), ACTUAL, 1.2, (1, 2)))
    for y in reported:
        v = data.actual[y]
        scene.add(Circle(px(y), py(v), 2.4, ACTUAL))
        text = label(v)
        w = measure(text, VALUE_SIZE, False)
        x, anchor = px(y), "middle"
        if x - w / 2 < left:  # kept inside the plot's width
            x, anchor = left, "start"
        elif x + w / 2 > left + pw:
            x, anchor = left + pw, "end"
        above = Text(x, py(v) + 5, text, VALUE_SIZE, ACTUAL, anchor=anchor, role="value")
        below = Text(x, py(v) - 5 - 0.95 * VALUE_SIZE, text, VALUE_SIZE, ACTUAL, anchor=anchor, role="value")
        if _crossed(above.box(measure), target_line) and not _crossed(below.box(measure), target_line) \
                and below.box(measure)[1] >= bottom + 1:
            above = below  # the target line runs through the label's place above the point: under it
        scene.add(above)
    if not reported:
        scene.add(Text(left + pw / 2, bottom + ph / 2, data.empty_text, 10, MUTED, anchor="middle", role="empty"))
    return scene
