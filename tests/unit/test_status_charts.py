"""The evaluation report's status charts (item bars, the org units × items grid, the townships'
panels) laid out once as plain shapes (output/status_charts.py): no text runs into another or past
the chart, the shapes say what the data says, and the report's Drawing is the scene's shapes."""

from __future__ import annotations

import pytest
from reportlab.graphics.shapes import Rect, String

from zkdesk.output import path_chart
from zkdesk.output import status_charts as sc
from zkdesk.output.evaluation import charts
from zkdesk.output.fonts import font_set
from zkdesk.services import evaluation_status as ev

TOWNSHIPS = ("凤尾镇", "勐捧镇", "南伞镇", "忙丙乡", "勐堆乡", "木场乡", "军赛佤族拉祜族傈僳族德昂族乡")


@pytest.fixture(scope="module")
def measure():
    return charts._measure(font_set())


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _bars() -> sc.BarsData:
    return sc.BarsData("第6项 广泛开展职工技术创新活动：指标完成率", (
        sc.Bar("06.1 职工提出合理化建议数（含三室一站登记和其他部分的全部职工）", 152.5, ev.DONE),
        sc.Bar("06.2 技术革新", 95.0, ev.BASIC),
        sc.Bar("06.3 专利", 12.25, ev.NOT_DONE),
        sc.Bar("06.4 先进操作法", None, ev.NO_DATA),
    ))


def _grid() -> sc.GridData:
    statuses = (ev.DONE, ev.BASIC, ev.NOT_DONE)
    rows = [("镇康县（全县）", {n: statuses[n % 3] for n in range(1, 19)})]
    rows += [(name, {n: statuses[(n + k) % 3] for n in range(1, 19) if n % 4}) for k, name in enumerate(TOWNSHIPS)]
    return sc.GridData("各乡（镇）分项完成情况（2025年）", tuple(range(1, 19)), tuple(rows))


def _panels() -> sc.PanelsData:
    return sc.PanelsData("各乡（镇）指标完成情况（2025年，单位：项）", tuple(
        (name, {ev.DONE: k, ev.BASIC: 1, ev.NOT_DONE: 20 - k, ev.NO_DATA: 45}) for k, name in enumerate(TOWNSHIPS)))


SCENES = {
    "bars": lambda w, m: sc.bars_scene(_bars(), w, m),
    "no bars": lambda w, m: sc.bars_scene(sc.BarsData("第11项 实名制录入", ()), w, m),
    "grid": lambda w, m: sc.grid_scene(_grid(), w, m),
    "panels": lambda w, m: sc.panels_scene(_panels(), w, m),
}


@pytest.mark.parametrize("width", [charts.CHART_WIDTH, 600.0])
@pytest.mark.parametrize("kind", SCENES)
def test_no_text_runs_into_another_or_past_the_chart(kind, width, measure):
    scene = SCENES[kind](width, measure)
    texts = [s for s in scene.shapes if isinstance(s, path_chart.Text)]
    boxes = [t.box(measure) for t in texts]
    assert scene.texts("title")
    for (t, box) in zip(texts, boxes):
        assert box[0] >= -0.01 and box[2] <= width + 0.01, (kind, t.text)
        assert box[1] >= -0.01 and box[3] <= scene.height + 0.01, (kind, t.text)
    for i, a in enumerate(boxes):
        for j in range(i + 1, len(boxes)):
            assert not _overlap(a, boxes[j]), (kind, texts[i].text, texts[j].text)


def test_the_bars_say_the_rates_capped_and_marked_at_100(measure):
    scene = sc.bars_scene(_bars(), charts.CHART_WIDTH, measure)
    bars = [s for s in scene.shapes if isinstance(s, path_chart.Rect)]
    assert [b.fill for b in bars] == [sc.STATUS_COLOURS[s] for s in (ev.DONE, ev.BASIC, ev.NOT_DONE)]  # no bar without a rate
    full = charts.CHART_WIDTH - 150 - 70  # the plot's width: 150 %
    assert bars[0].w == pytest.approx(full) and bars[1].w == pytest.approx(full * 95 / 150)
    assert [t.text for t in scene.texts("value")] == ["152.5% 已完成", "95% 基本完成", "12.25% 未完成", "无数据 无数据"]
    assert scene.texts("label")[0].text.endswith("…")  # a long name cut to its column
    target = [s for s in scene.shapes if isinstance(s, path_chart.Line) and s.colour == path_chart.TARGET]
    assert len(target) == 1 and target[0].x1 == pytest.approx(150 + full * 100 / 150) and target[0].dash
    assert [t.text for t in scene.texts("tick")] == ["0%", "50%", "100%", "150%"]
    assert [t.text for t in sc.bars_scene(sc.BarsData("t", ()), 440, measure).texts("empty")] == ["本项无量化指标"]


def test_the_grid_has_a_lettered_cell_per_item_and_org_unit(measure):
    data = _grid()
    scene = sc.grid_scene(data, charts.CHART_WIDTH, measure)
    cells = [s for s in scene.shapes if isinstance(s, path_chart.Rect)][:-len(ev.STATUSES)]  # the legend's last
    assert len(cells) == 18 * 8
    first_township = [c.fill for c in cells[18:36]]
    expected = [sc.STATUS_COLOURS[data.rows[1][1].get(n, ev.NO_DATA)] for n in range(1, 19)]
    assert first_township == expected and sc.STATUS_COLOURS[ev.NO_DATA] in expected  # a missing item: 无数据
    assert [t.text for t in scene.texts("label")][-1] == path_chart.fit(TOWNSHIPS[-1], 8.5, False, 76, measure)
    assert [t.text for t in scene.texts("legend")] == list(ev.STATUSES)


def test_the_panels_count_the_judged_indicators(measure):
    scene = sc.panels_scene(_panels(), charts.CHART_WIDTH, measure)
    labels = [t.text for t in scene.texts("label")]
    assert labels[0] == "凤尾镇（可评价21项）" and len(labels) == 7
    assert scene.texts("summary")[2].text == "已完成2　基本完成1　未完成18　无数据45"


@pytest.mark.parametrize("kind", SCENES)
def test_the_report_drawing_is_the_scene(kind, measure):
    scene = SCENES[kind](charts.CHART_WIDTH, measure)
    drawing = charts.drawing_of(scene, font_set())
    assert (drawing.width, drawing.height) == (scene.width, scene.height)
    strings = [(s.text, round(s.x, 3), round(s.y, 3)) for s in drawing.contents if isinstance(s, String)]
    assert strings == [(t.text, round(t.x, 3), round(t.y, 3)) for t in scene.shapes if isinstance(t, path_chart.Text)]
    rects = [(round(r.x, 3), round(r.width, 3)) for r in drawing.contents if isinstance(r, Rect)]
    assert rects == [(round(r.x, 3), round(r.w, 3)) for r in scene.shapes if isinstance(r, path_chart.Rect)]
