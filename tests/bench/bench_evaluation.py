"""The full county evaluation report (model + PDF, and the Word document) on the demo county, as a
ratio to one year's county progress, with the charts' time drawn alone (an upper bound of their
share of the PDF's time) and, for Word, the time of drawing and rasterising them at 300 dpi —
alone (a report object of its own) and after the PDF of the same report, whose drawings it reuses
(`charts.report_charts`: the preview, then 保存为Word).
Run: pytest tests/bench/bench_evaluation.py -s"""

import dataclasses
import time

from reportlab.graphics import renderPDF

from tests.output_helpers import ADMIN
from zkdesk.output.evaluation import charts
from zkdesk.output.evaluation.pdf import render_report_pdf
from zkdesk.output.fonts import font_set
from zkdesk.services.demo import fill_demo
from zkdesk.services.evaluation_report import build_report
from zkdesk.services.progress import plan_by_code, progress_for


def _timed(fn):
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def test_county_evaluation_report(fresh_db):
    with fresh_db.session() as s:
        fill_demo(s)
    with fresh_db.read_session() as s:
        plan = plan_by_code(s, "zk-2021-2025")
        _, baseline = _timed(lambda: progress_for(s, plan.id, "530924", 2025))
        report, model = _timed(lambda: build_report(s, ADMIN, "zk-2021-2025", "530924"))
    pdf, rendering = _timed(lambda: render_report_pdf(report))
    fonts = font_set()

    def draw_all():
        drawings = [charts.status_grid(report, fonts), charts.township_multiples(report, fonts)]
        drawings += [charts.item_chart(item, fonts) for item in report.items]
        drawings += [charts.indicator_chart(line, report, fonts) for line in report.indicators]
        for d in drawings:
            renderPDF.drawToString(d)
        return len(drawings)

    count, drawing = _timed(draw_all)
    total = model + rendering
    print(f"\none year's county progress {baseline * 1000:.0f} ms; report model ×{model / baseline:.1f}; "
          f"PDF ({pdf.pages} pages, {pdf.charts} charts) ×{rendering / baseline:.1f}; total {total:.1f} s; "
          f"the {count} charts drawn alone, each as its own PDF (an upper bound of their share): "
          f"{drawing:.2f} s = {100 * drawing / rendering:.0f}% of the PDF's time")
    assert pdf.charts == count >= 18


def test_county_evaluation_report_as_word(fresh_db):
    from zkdesk.output.evaluation.word import render_report_docx

    with fresh_db.session() as s:
        fill_demo(s)
    with fresh_db.read_session() as s:
        plan = plan_by_code(s, "zk-2021-2025")
        _, baseline = _timed(lambda: progress_for(s, plan.id, "530924", 2025))
        report, model = _timed(lambda: build_report(s, ADMIN, "zk-2021-2025", "530924"))
    cold, alone = _timed(lambda: render_report_docx(dataclasses.replace(report)))  # no charts drawn yet
    _, pdf_time = _timed(lambda: render_report_pdf(report))
    word, rendering = _timed(lambda: render_report_docx(report))
    print(f"\none year's county progress {baseline * 1000:.0f} ms; report model ×{model / baseline:.1f}; "
          f"Word alone ({len(cold.data) / 1e6:.1f} MB, {cold.charts} charts at 300 dpi) ×{alone / baseline:.1f}, "
          f"×{alone / pdf_time:.1f} the PDF's time; total {model + alone:.1f} s; charts drawn and rasterised: "
          f"{cold.chart_seconds:.2f} s = {100 * cold.chart_seconds / alone:.0f}% of the Word time; "
          f"after the PDF of the same report (its drawings reused) ×{rendering / baseline:.1f}, "
          f"charts {word.chart_seconds:.2f} s")
    assert word.charts == cold.charts >= 18
