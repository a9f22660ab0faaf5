"""The evaluation report's PDF for the demo county: every indicator and its figures in the text,
the status counts, the charts drawn with embedded fonts, a township's and a mid-term report."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.output_helpers import ADMIN, COUNTY, NANSAN, assert_fonts_embedded, compact, demo_database, pdf_pages
from zkdesk.domain.progress import format_number
from zkdesk.output.evaluation import charts
from zkdesk.output.evaluation.pdf import render_report_pdf
from zkdesk.output.fonts import font_set
from zkdesk.services import evaluation_status as ev
from zkdesk.services.evaluation_report import build_report
from zkdesk.services.narratives import PLACEHOLDER

PLAN = "zk-2021-2025"


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    db = demo_database(tmp_path_factory.mktemp("demo-evaluation-pdf"))
    with db.read_session() as s:
        report = build_report(s, ADMIN, PLAN, COUNTY, narratives={"effects": "全县职工技能素质明显提升。"})
        mid = build_report(s, ADMIN, PLAN, NANSAN, 2021, 2023)
    db.dispose()
    return report, render_report_pdf(report), mid


def test_the_county_report_prints_every_indicator_with_its_figures(county):
    report, pdf, _ = county
    text = compact("".join(pdf_pages(pdf.data)))
    assert compact(report.title) in text and "一、总体情况" in text and "二、分项评估" in text
    for item in report.items:
        assert compact(f"（{item.number}）{item.title}") in text
        assert compact(f"第{item.number}项{item.title}：指标完成率") in text  # the item's bar chart
    for line in report.indicators:
        assert compact(f"{line.code}{line.name}") in text  # the chart title, code and name
        for year in report.years:
            assert format_number(line.values[year]) in text
        assert compact(line.reason) in text
    c = report.counts
    assert f"已完成{c[ev.DONE]}项，基本完成{c[ev.BASIC]}项，未完成{c[ev.NOT_DONE]}项，无数据{c[ev.NO_DATA]}项" in text
    assert "全县职工技能素质明显提升。" in text  # typed narrative printed in place
    assert compact(PLACEHOLDER) in text  # the two empty ones print the placeholder
    assert "各乡（镇）分项完成情况" in text and "南伞镇（可评价" in text
    assert "六、责任分工落实情况" in text and "排在首位的为牵头单位" in text
    assert all(compact(d.name) in text for d in report.duties)
    assert pdf.charts >= len(report.indicators) + len(report.items) + 2 >= 18
    assert_fonts_embedded(pdf.data)


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="需要 poppler-utils 的 pdffonts")
def test_pdffonts_finds_every_font_embedded(county, tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(county[1].data)
    lines = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert lines and all(line.split()[-5] == "yes" for line in lines), lines


def test_a_townships_mid_term_report(county):
    mid = county[2]
    pdf = render_report_pdf(mid)
    text = compact("".join(pdf_pages(pdf.data)))
    assert "南伞镇十四五规划中期评估报告" in text and "2021—2023年" in text
    assert "2023（中期）" in text and "2024（" not in text and "2025（终期）" not in text  # the table ends in 2023
    assert "各乡（镇）指标完成情况" not in text  # no township panels in a township's report


def test_item_numbers_in_runs():
    from zkdesk.output.evaluation.content import item_numbers

    assert item_numbers([1, 2, 3, 5, 7, 8]) == "1—3、5、7、8"
    assert item_numbers(range(1, 19)) == "1—18" and item_numbers([]) == "—" and item_numbers([4]) == "4"


def test_axis_ticks_are_round_and_cover_the_range():
    assert charts.nice_ticks(0, 73.5) == [0, 20, 40, 60, 80]
    assert charts.nice_ticks(0, 0) == [0, 0.25, 0.5, 0.75, 1.0]
    ticks = charts.nice_ticks(0, 1234)
    assert ticks[0] == 0 and ticks[-1] >= 1234 and len(ticks) <= 7


def test_a_chart_as_a_300_dpi_png(county):
    from PIL import Image
    import io

    report = county[0]
    data = charts.png_of(charts.item_chart(report.items[0], font_set()))
    image = Image.open(io.BytesIO(data))
    assert abs(image.width - charts.CHART_WIDTH * 300 / 72) <= 1
    assert round(image.info["dpi"][0]) == 300
