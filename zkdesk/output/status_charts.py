"""The evaluation report's status charts, laid out once each as a `Scene` of plain shapes (the
shapes of output/path_chart.py, which lays out an indicator's path the same way): the report turns
a scene into a reportlab Drawing (`output/evaluation/charts.drawing_of`), and a window could paint
it with QPainter as the 进度看板 paints the path chart (`ui/indicators/path_chart.draw_scene`).

  - bars_scene: an item's indicators as completion bars (% of the target, 100 % marked);
  - grid_scene: the county and each township × items, each cell coloured (and lettered) by status;
  - panels_scene: a small panel per township with its indicators' counts by status.

A scene's width is the caller's, its height what the rows need. Points, y upwards, text at its
baseline; text is measured by the caller's `measure(text, size, bold)` (bold: 黑体), so that no
label runs past its column. Nothing here imports reportlab or Qt.
"""

from __future__ import annotations

from dataclasses import dataclass

from zkdesk.domain.progress import format_number
from zkdesk.output.path_chart import (
    GRID,
    MUTED,
    TARGET,
    TEXT,
    WHITE,
    Line,
    Measure,
    Rect,
    Scene,
    Text,
    fit,
)
from zkdesk.services import evaluation_status as ev

STATUS_COLOURS = {ev.DONE: "#2e7d32", ev.BASIC: "#f0a30a", ev.NOT_DONE: "#c62828", ev.NO_DATA: "#b0b0b0"}
STATUS_LETTERS = {ev.DONE: "完", ev.BASIC: "基", ev.NOT_DONE: "未", ev.NO_DATA: "—"}
TITLE_SIZE = 10.0
LEGEND_STEP = 62.0  # one status's place in the legend


# -- what the charts show --------------------------------------------------------------------
@dataclass(frozen=True)
class Bar:
    label: str
    share: float | None  # completion, % of the target; None: no figure
    status: str


@dataclass(frozen=True)
class BarsData:
    title: str
    bars: tuple[Bar, ...]
    empty_text: str = "本项无量化指标"


@dataclass(frozen=True)
class GridData:
    title: str
    columns: tuple[int, ...]  # the items' numbers
    rows: tuple[tuple[str, dict[int, str]], ...]  # (name, item number -> status)


@dataclass(frozen=True)
class PanelsData:
    title: str
    panels: tuple[tuple[str, dict[str, int]], ...]  # (township, status -> how many indicators)


def item_bars(item) -> BarsData:
    """An item of the report (services.evaluation_report.ItemSection) as its completion bars."""
    return BarsData(f"第{item.number}项 {item.title}：指标完成率",
                    tuple(Bar(f"{line.code} {line.name}", line.completion, line.status) for line in item.indicators))


def report_grid(report) -> GridData:
    """The report's org unit (its items' statuses) and each of its townships, by item."""
    rows = [(report.org_name, {item.number: item.status for item in report.items})]
    rows += [(t.name, t.item_status) for t in report.townships]
    return GridData(f"各乡（镇）分项完成情况（{report.year_to}年）", tuple(item.number for item in report.items),
                    tuple(rows))


def report_panels(report) -> PanelsData:
    return PanelsData(f"各乡（镇）指标完成情况（{report.year_to}年，单位：项）",
                      tuple((t.name, t.counts) for t in report.townships))


# -- the layouts ------------------------------------------------------------------------------
def _title(scene: Scene, text: str, measure: Measure) -> None:
    scene.add(Text(0, scene.height - 12, fit(text, TITLE_SIZE, True, scene.width, measure), TITLE_SIZE, bold=True,
                   role="title"))


def _legend(scene: Scene, x: float, y: float) -> None:
    """Each status's colour, letter and name in a row from x."""
    for status in ev.STATUSES:
        scene.add(Rect(x, y, 10, 10, fill=STATUS_COLOURS[status]))
        scene.add(Text(x + 5, y + 2.5, STATUS_LETTERS[status], 7, WHITE, bold=True, anchor="middle", role="letter"))
        scene.add(Text(x + 14, y + 2, status, 8, TEXT, role="legend"))
        x += LEGEND_STEP


def bars_scene(data: BarsData, width: float, measure: Measure) -> Scene:
    """A bar per indicator (capped at 150 %), its name on the left, its rate and status on the right."""
    row_h, label_w, value_w, cap = 18.0, 150.0, 70.0, 150.0
    scene = Scene(width, 34.0 + row_h * max(1, len(data.bars)) + 16)
    _title(scene, data.title, measure)
    left, pw, top = label_w, width - label_w - value_w, scene.height - 24

    def px(share: float) -> float:
        return left + pw * min(share, cap) / cap

    if not data.bars:
        scene.add(Text(width / 2, top - row_h, data.empty_text, 9, MUTED, anchor="middle", role="empty"))
        return scene
    for i, bar in enumerate(data.bars):
        y = top - row_h * (i + 1)
        scene.add(Text(0, y + 5, fit(bar.label, 8, False, label_w - 6, measure), 8, TEXT, role="label"))
        if bar.share is not None:
            scene.add(Rect(left, y + 3, max(0.5, px(bar.share) - left), row_h - 6, fill=STATUS_COLOURS[bar.status]))
        text = "无数据" if bar.share is None else f"{format_number(bar.share)}%"
        scene.add(Text(left + pw + 4, y + 5, fit(f"{text} {bar.status}", 8, False, value_w - 4, measure), 8, TEXT,
                       role="value"))
    bottom = top - row_h * len(data.bars)
    for share in (0, 50, 100, 150):
        if share == 100:
            scene.add(Line(px(share), bottom, px(share), top, TARGET, 1.0, (3, 2)))
        else:
            scene.add(Line(px(share), bottom, px(share), top, GRID, 0.5))
        scene.add(Text(px(share), bottom - 10, f"{share}%", 7, MUTED, anchor="middle", role="tick"))
    return scene


def grid_scene(data: GridData, width: float, measure: Measure) -> Scene:
    """A row per org unit, a square per item coloured and lettered by its status; the legend under it."""
    label_w = 80.0
    cell = min(20.0, (width - label_w) / max(1, len(data.columns)))
    scene = Scene(width, 40.0 + cell * (len(data.rows) + 1))
    _title(scene, data.title, measure)
    top = scene.height - 22
    for j, number in enumerate(data.columns):
        scene.add(Text(label_w + cell * (j + 0.5), top - cell + 6, str(number), 8, MUTED, anchor="middle",
                       role="column"))
    for i, (name, statuses) in enumerate(data.rows):
        y = top - cell * (i + 2)
        scene.add(Text(0, y + cell / 2 - 3, fit(name, 8.5, False, label_w - 4, measure), 8.5, TEXT, role="label"))
        for j, number in enumerate(data.columns):
            status = statuses.get(number, ev.NO_DATA)
            x = label_w + cell * j
            scene.add(Rect(x + 1, y + 1, cell - 2, cell - 2, fill=STATUS_COLOURS[status]))
            scene.add(Text(x + cell / 2, y + cell / 2 - 3, STATUS_LETTERS[status], 7.5, WHITE, bold=True,
                           anchor="middle", role="letter"))
    _legend(scene, label_w, 2)
    return scene


def panels_scene(data: PanelsData, width: float, measure: Measure) -> Scene:
    """Two panels a row: the township's indicators as one bar stacked by status, the counts under it."""
    columns, panel_h = 2, 58.0
    panel_w = width / columns
    count_rows = -(-len(data.panels) // columns)
    scene = Scene(width, 20.0 + panel_h * count_rows + 18)
    _title(scene, data.title, measure)
    for k, (name, counts) in enumerate(data.panels):
        x = (k % columns) * panel_w
        y = scene.height - 20 - panel_h * (k // columns + 1)
        scene.add(Rect(x + 2, y + 2, panel_w - 8, panel_h - 6, stroke=GRID, stroke_width=0.6))
        judged = sum(v for s, v in counts.items() if s != ev.NO_DATA)
        scene.add(Text(x + 8, y + panel_h - 18, fit(f"{name}（可评价{judged}项）", 9, True, panel_w - 16, measure), 9,
                       TEXT, bold=True, role="label"))
        total = sum(counts.values()) or 1
        bar_w = panel_w - 24
        bx = x + 8
        for status in ev.STATUSES:
            n = counts.get(status, 0)
            if n:
                w = bar_w * n / total
                scene.add(Rect(bx, y + 20, w, 12, fill=STATUS_COLOURS[status]))
                if w > 12:
                    scene.add(Text(bx + w / 2, y + 23, str(n), 7.5, WHITE, bold=True, anchor="middle", role="count"))
                bx += w
        summary = "　".join(f"{s}{counts.get(s, 0)}" for s in ev.STATUSES)
        scene.add(Text(x + 8, y + 7, fit(summary, 7.5, False, panel_w - 16, measure), 7.5, MUTED, role="summary"))
    _legend(scene, 0, 2)
    return scene
