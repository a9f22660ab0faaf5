"""The indicator path chart's one layout (output/path_chart.py), printed by the report and shown
by the dashboard: its legend, value labels, years and title never overlap, at the report's width
and at narrow ones; the report's Drawing is the scene's shapes."""

from __future__ import annotations

import pytest
from reportlab.graphics.shapes import String

from zkdesk.output import path_chart as chart
from zkdesk.output.evaluation import charts
from zkdesk.output.fonts import font_set


@pytest.fixture(scope="module")
def measure():
    return charts._measure(font_set())


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _data(**kw) -> chart.PathData:
    base = dict(title="01.1 有3名以上党员的非公有制企业党组织覆盖率（%） — 全县", years=tuple(range(2020, 2026)),
                actual={2021: 55.25, 2022: 57.83, 2023: 62.86, 2024: 60.54, 2025: 65.94},
                expected={2020: 50.0, 2025: 70.0}, target=70.0, target_year=2025, projection=65.94, suffix="%")
    return chart.PathData(**(base | kw))


CASES = {
    "dashboard": _data(),
    "last value highest": _data(actual={2021: 10, 2022: 30, 2023: 60, 2024: 90, 2025: 100}, expected={}, target=100),
    "value above target": _data(actual={2021: 5000, 2025: 9999.99}, expected={2020: 0, 2025: 5000}, target=5000,
                                suffix=""),
    "behind, projected": _data(actual={2021: 1, 2022: 2}, expected={2020: 0, 2025: 20}, target=20, projection=5),
    "report": _data(projection=None, status="基本完成", year_notes={2020: "（基期）"}, suffix=""),
    "no target": _data(expected={}, target=None, projection=None),
    "no figures": _data(actual={}, projection=None),
}


@pytest.mark.parametrize("width,height", [(charts.CHART_WIDTH, charts.CHART_HEIGHT),
                                          (700, 140), (260, 150), (180, 130)])
@pytest.mark.parametrize("case", CASES)
def test_labels_legend_years_and_title_never_overlap(case, width, height, measure):
    scene = chart.path_scene(CASES[case], width, height, measure)
    boxes = {role: [t.box(measure) for t in scene.texts(role)] for role in ("title", "value", "year", "legend")}
    assert boxes["title"] and boxes["legend"]
    for legend in boxes["legend"]:
        for role in ("title", "value", "year"):
            assert not any(_overlap(legend, other) for other in boxes[role]), (case, role)
        assert legend[2] <= width + 0.01  # wrapped, not cut
    for value in boxes["value"]:
        assert not any(_overlap(value, other) for other in boxes["title"] + boxes["year"]), case
        assert value[0] >= 0 and value[2] <= width + 0.01
    legends = boxes["legend"]
    assert not any(_overlap(a, b) for i, a in enumerate(legends) for b in legends[i + 1:]), case


def test_a_narrow_chart_wraps_its_legend(measure):
    wide = chart.path_scene(CASES["dashboard"], 700, 190, measure)
    narrow = chart.path_scene(CASES["dashboard"], 240, 190, measure)
    rows = lambda scene: {t.y for t in scene.texts("legend")}  # noqa: E731
    assert len(rows(wide)) == 1 and len(rows(narrow)) > 1


def test_the_dashboard_legend_names_target_and_projection(measure):
    texts = [t.text for t in chart.path_scene(CASES["behind, projected"], 700, 190, measure).texts("legend")]
    assert texts == ["实际", "目标路径（2025年目标20%）", "按当前进度预计（2025年5%）"]
    values = [t.text for t in chart.path_scene(CASES["behind, projected"], 700, 190, measure).texts("value")]
    assert values == ["1%", "2%"]


def test_the_report_drawing_is_the_scene(measure):
    fonts = font_set()
    scene = chart.path_scene(CASES["report"], 440, 190, measure)
    drawing = charts.drawing_of(scene, fonts)
    strings = [(s.text, round(s.x, 3), round(s.y, 3)) for s in drawing.contents if isinstance(s, String)]
    assert strings == [(t.text, round(t.x, 3), round(t.y, 3)) for t in scene.shapes if isinstance(t, chart.Text)]
    assert "2020（基期）" in [s[0] for s in strings] and "基本完成" in [s[0] for s in strings]
    assert len(drawing.contents) == len(scene.shapes)


def _target_points(scene):
    from zkdesk.output.path_chart import PolyLine, TARGET

    return next(s.points for s in scene.shapes if isinstance(s, PolyLine) and s.colour == TARGET)


def test_a_label_the_target_line_would_cross_goes_under_its_point(measure):
    # 2024's 60.54 and 2025's 65.94 lie just under the path to 70: above them the dashed line
    # would run through their labels
    scene = chart.path_scene(CASES["dashboard"], 700, 190, measure)
    line = _target_points(scene)
    for text in scene.texts("value"):
        assert not chart._crossed(text.box(measure), line), text.text
    dots = {round(c.x, 3): c.y for c in scene.shapes if isinstance(c, chart.Circle)}
    moved = [t for t in scene.texts("value") if t.y < dots[round(t.x, 3)]]
    assert [t.text for t in moved] == ["60.54%", "65.94%"]
