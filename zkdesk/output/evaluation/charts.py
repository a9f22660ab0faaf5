"""The evaluation report's charts, drawn once as reportlab.graphics Drawings: vector graphics in
the PDF, and 300-dpi PNG images for Word (`png_of`: the drawing as a one-page PDF rasterised by
pdfium, which the program already bundles, so no bitmap backend such as rlPyCairo is needed).

  - indicator_chart: one indicator's actual figures by year against its target path (laid out
    by output/path_chart.py, which the dashboard's chart on screen draws too; `drawing_of`
    turns its shapes into a Drawing);
  - item_chart: an item's indicators as completion bars (% of the target, 100 % marked);
  - status_grid: townships × items, each cell coloured (and lettered) by status;
  - township_multiples: a small panel per township with its counts by status
  (these three laid out by output/status_charts.py, in the same plain shapes).

`report_charts(report)` is the one set of a report's charts: each drawn once, at the one width
both outputs print it (the GB/T 9704 type area), and its PNG made once, so a report previewed as
a PDF and then saved as Word (or saved twice) draws and rasterises nothing twice.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict

from reportlab.graphics.shapes import Circle, Drawing, Line, PolyLine, Rect, String
from reportlab.lib import colors

from zkdesk.output import path_chart, status_charts
from zkdesk.output.fonts import FontSet
from zkdesk.output.path_chart import nice_ticks  # noqa: F401 (the report's charts' ticks)
from zkdesk.output.pdfium import PDFIUM_LOCK
from zkdesk.services.evaluation_report import (
    EvaluationReport,
    IndicatorLine,
    ItemSection,
)

CHART_WIDTH = 440.0  # points: the body width of a portrait A4 page with margins
CHART_HEIGHT = 190.0


def _drawing(width: float, height: float, fonts: FontSet) -> Drawing:
    d = Drawing(width, height)
    d.initialFontName = fonts.song  # else the PDF names Helvetica, which it does not embed
    return d


def _measure(fonts: FontSet):
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return lambda text, size, bold: stringWidth(text, fonts.hei if bold else fonts.song, size)


def drawing_of(scene: path_chart.Scene, fonts: FontSet) -> Drawing:
    """A chart laid out as plain shapes (output/path_chart.py) as a reportlab Drawing."""
    d = _drawing(scene.width, scene.height, fonts)
    colour = lambda hex_: colors.HexColor(hex_) if hex_ else None
    for shape in scene.shapes:
        if isinstance(shape, path_chart.Line):
            d.add(Line(shape.x1, shape.y1, shape.x2, shape.y2, strokeColor=colour(shape.colour),
                       strokeWidth=shape.width, strokeDashArray=list(shape.dash) or None))
        elif isinstance(shape, path_chart.PolyLine):
            d.add(PolyLine([c for point in shape.points for c in point], strokeColor=colour(shape.colour),
                           strokeWidth=shape.width, strokeDashArray=list(shape.dash) or None))
        elif isinstance(shape, path_chart.Circle):
            d.add(Circle(shape.x, shape.y, shape.r, fillColor=colour(shape.fill), strokeColor=colour(shape.stroke),
                         strokeWidth=shape.stroke_width))
        elif isinstance(shape, path_chart.Rect):
            d.add(Rect(shape.x, shape.y, shape.w, shape.h, fillColor=colour(shape.fill),
                       strokeColor=colour(shape.stroke), strokeWidth=shape.stroke_width))
        elif isinstance(shape, path_chart.Text):
            d.add(String(shape.x, shape.y, shape.text, fontName=fonts.hei if shape.bold else fonts.song,
                         fontSize=shape.size, fillColor=colour(shape.colour), textAnchor=shape.anchor))
    return d


def indicator_chart(line: IndicatorLine, report: EvaluationReport, fonts: FontSet,
                    width: float = CHART_WIDTH, height: float = CHART_HEIGHT) -> Drawing:
    """Actual figures (solid, with dots) against the straight-line target path (dashed) or, for a
    yearly or not-below-last target, the target level; the baseline year when there is one. Laid
    out by output/path_chart.py, as the dashboard's chart on screen is."""
    data = path_chart.from_indicator_line(line, report, status_charts.STATUS_COLOURS[line.status])
    return drawing_of(path_chart.path_scene(data, width, height, _measure(fonts)), fonts)


def item_chart(item: ItemSection, fonts: FontSet, width: float = CHART_WIDTH) -> Drawing:
    """Completion of each of the item's indicators (% of the target, capped at 150 for the bar);
    laid out by output/status_charts.py."""
    return drawing_of(status_charts.bars_scene(status_charts.item_bars(item), width, _measure(fonts)), fonts)


def status_grid(report: EvaluationReport, fonts: FontSet, width: float = CHART_WIDTH) -> Drawing:
    """Townships (and the whole county) × items 1–18, each cell the item's status."""
    return drawing_of(status_charts.grid_scene(status_charts.report_grid(report), width, _measure(fonts)), fonts)


def township_multiples(report: EvaluationReport, fonts: FontSet, width: float = CHART_WIDTH) -> Drawing:
    """A panel per township: its indicators by status as one stacked bar, with the counts."""
    return drawing_of(status_charts.panels_scene(status_charts.report_panels(report), width, _measure(fonts)), fonts)


def png_of(drawing: Drawing, dpi: int = 300) -> bytes:
    """The drawing as a PNG at `dpi`, white background."""
    return pngs_of([drawing], dpi)[0]


PNG_COLOURS = 256  # a chart has a few colours and their anti-aliased edges: a palette holds them


def _encode_png(image, dpi: int) -> bytes:
    """A rasterised chart as a palette PNG: quantised (a chart's flat colours survive it unchanged)
    it encodes in about half the time of RGB and is a third of the size."""
    import io

    data = io.BytesIO()
    palette = image.quantize(PNG_COLOURS, method=2)  # Image.Quantize.FASTOCTREE
    palette.save(data, format="PNG", dpi=(dpi, dpi), compress_level=1)
    return data.getvalue()


def pngs_of(drawings: list[Drawing], dpi: int = 300, workers: int | None = None) -> list[bytes]:
    """The drawings as PNGs at `dpi` (their printed size), white background: drawn as the pages of
    one PDF (the fonts embedded once) and rasterised by pdfium page by page under its lock, each
    page handed at once to `workers` threads that quantise and encode it (Pillow, which releases
    the GIL there; nothing of Qt): the next page renders meanwhile, and no more than a few
    bitmaps are held at a time. `workers` defaults to the machine's cores, at most 4; 1 does it
    all in the calling thread."""
    import io
    import os
    from concurrent.futures import ThreadPoolExecutor

    import pypdfium2 as pdfium
    from reportlab.graphics import renderPDF
    from reportlab.pdfgen.canvas import Canvas

    if not drawings:
        return []
    buffer = io.BytesIO()
    canvas = Canvas(buffer, initialFontName=drawings[0].initialFontName or "Helvetica")
    for drawing in drawings:
        canvas.setPageSize((drawing.width, drawing.height))
        renderPDF.draw(drawing, canvas, 0, 0)
        canvas.showPage()
    canvas.save()
    workers = workers or min(4, os.cpu_count() or 1)

    pool = ThreadPoolExecutor(workers, thread_name_prefix="chart-png") if workers > 1 else None
    results = []
    try:
        with PDFIUM_LOCK:
            doc = pdfium.PdfDocument(buffer.getvalue())
            try:
                for i in range(len(doc)):
                    page = doc[i]
                    bitmap = page.render(scale=dpi / 72.0, rev_byteorder=True)  # RGB, white by default
                    image = bitmap.to_pil()  # a copy: the bitmap is closed here, under the lock
                    bitmap.close()
                    page.close()
                    results.append(pool.submit(_encode_png, image, dpi) if pool else _encode_png(image, dpi))
                    if pool and len(results) > 2 * workers:
                        results[-2 * workers - 1].result()  # only a few images wait in memory
            finally:
                doc.close()
        return [r.result() if pool else r for r in results]
    finally:
        if pool:
            pool.shutdown(wait=True)


class ReportCharts:
    """The charts of one report, each drawn on first use and kept (with its PNG once made), by
    what it shows: ("grid",), ("townships",), ("item", number), ("indicator", code).
    Thread-safe: the preview's worker and a save's worker may share one."""

    def __init__(self, report: EvaluationReport, fonts: FontSet, width: float = CHART_WIDTH):
        self.report, self.fonts, self.width = report, fonts, width
        self._drawings: dict[tuple, Drawing] = {}
        self._pngs: dict[tuple, bytes] = {}
        self._keys: dict[int, tuple] = {}  # id of a kept drawing -> its key
        self._lock = threading.RLock()
        self.seconds = 0.0  # spent drawing and rasterising, all uses together

    def _get(self, key: tuple, make) -> Drawing:
        with self._lock:
            drawing = self._drawings.get(key)
            if drawing is None:
                started = time.perf_counter()
                drawing = self._drawings[key] = make()
                drawing.hAlign = "CENTER"
                self._keys[id(drawing)] = key
                self.seconds += time.perf_counter() - started
            return drawing

    def status_grid(self) -> Drawing:
        return self._get(("grid",), lambda: status_grid(self.report, self.fonts, self.width))

    def township_multiples(self) -> Drawing:
        return self._get(("townships",), lambda: township_multiples(self.report, self.fonts, self.width))

    def item(self, item: ItemSection) -> Drawing:
        return self._get(("item", item.number), lambda: item_chart(item, self.fonts, self.width))

    def indicator(self, line: IndicatorLine) -> Drawing:
        return self._get(("indicator", line.code), lambda: indicator_chart(line, self.report, self.fonts, self.width))

    def pngs(self, drawings: list[Drawing], dpi: int = 300) -> list[bytes]:
        """The PNGs of these drawings (of this set), rasterising only those not made before."""
        with self._lock:
            keys = [(self._keys[id(d)], dpi) for d in drawings]
            missing = {k: d for k, d in zip(keys, drawings) if k not in self._pngs}
            started = time.perf_counter()
            self._pngs.update(zip(missing, pngs_of(list(missing.values()), dpi)))
            self.seconds += time.perf_counter() - started
            return [self._pngs[k] for k in keys]


_SETS: OrderedDict[int, ReportCharts] = OrderedDict()  # id(report) -> its charts; the last few reports
_SETS_LOCK = threading.Lock()
KEEP_SETS = 2


def report_charts(report: EvaluationReport, fonts: FontSet) -> ReportCharts:
    """The chart set of this report object (the same one for its PDF and its Word output)."""
    with _SETS_LOCK:
        found = _SETS.get(id(report))
        if found is None or found.report is not report or found.fonts is not fonts:
            found = _SETS[id(report)] = ReportCharts(report, fonts)
        _SETS.move_to_end(id(report))
        while len(_SETS) > KEEP_SETS:
            _SETS.popitem(last=False)
        return found
