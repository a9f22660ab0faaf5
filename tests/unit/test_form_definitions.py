"""Form definitions as data: the shipped forms load, and a malformed file gets a Chinese
message naming the file and the key."""

from __future__ import annotations

import shutil

import pytest

from zkdesk.output.catalog import load_catalog
from zkdesk.output.formload import FormError, parse_form
from zkdesk.output.tablemodel import build_table, header_cells
from zkdesk.paths import forms_dir

SHIPPED = {"nomination-summary", "nomination-approval", "studio-summary", "contract-list", "negotiation-summary",
           "indicator-progress", "target-breakdown", "duty-table", "department-duties"}

MINIMAL = """
[form]
title = "测试表"
source = "contracts.negotiation"

[[column]]
header = "乡镇"
field = "township"
width = 20

[[column]]
header = ["集体协商", "建会企业数"]
field = "unionised"
format = "int"
total = "sum"
"""


def test_shipped_forms_load_without_problems():
    catalog = load_catalog()
    assert catalog.problems == []
    assert set(catalog.forms) == SHIPPED
    approval = catalog.get("nomination-approval")
    assert approval.per_person and approval.personal == "official" and approval.cover and approval.notice
    assert [o.label.replace("\n", "") for o in approval.record.opinions] == ["所在单位意见", "乡镇（街道）工会意见", "县总工会意见"]
    summary = catalog.get("nomination-summary")
    assert summary.number == "镇工表2-2" and summary.authority == "镇康县总工会"
    assert summary.footer == ("单位负责人：", "填表人：", "联系电话：", "填报日期：　　年　　月　　日")


def _write(tmp_path, text, name="my-form.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_minimal_form_parses(tmp_path):
    form = parse_form(_write(tmp_path, MINIMAL))
    assert form.key == "my-form" and form.kind == "table" and form.name == "测试表"
    assert [c.header for c in form.table.columns] == [("乡镇",), ("集体协商", "建会企业数")]


@pytest.mark.parametrize("change, where, words", [
    (("field = \"unionised\"", "field = \"unionized\""), "column[2].field", "unionized"),
    (("width = 20", "width = \"宽\""), "column[1].width", "应为数字"),
    (("source = \"contracts.negotiation\"", "source = \"nope\""), "form.source", "不是已有的数据源"),
    (("title = \"测试表\"", "titel = \"测试表\""), "form.title", "缺少"),
    (("total = \"sum\"", "total = \"avg\""), "column[2].total", "sum"),
    (("title = \"测试表\"", "title = \"{yaer}测试表\""), "form.title", "{yaer}"),
    (("format = \"int\"", "format = \"percent\""), "column[2].format", "percent"),
    (("width = 20", "width = 20\nwdith = 3"), "column[1].wdith", "未知的项"),
    (("width = 20", "width = 20\nonly = \"city\""), "column[1].only", "county、township"),
])
def test_mistakes_name_the_file_and_the_key(tmp_path, change, where, words):
    path = _write(tmp_path, MINIMAL.replace(*change))
    with pytest.raises(FormError) as err:
        parse_form(path)
    message = str(err.value)
    assert "my-form.toml" in message and where in message and words in message, message


def test_toml_syntax_error_gives_the_line(tmp_path):
    path = _write(tmp_path, MINIMAL.replace("width = 20", "width = "))
    with pytest.raises(FormError, match=r"my-form\.toml 不是有效的 TOML 格式：第\d+行"):
        parse_form(path)


def test_header_groups_must_be_adjacent(tmp_path):
    text = MINIMAL + '\n[[column]]\nheader = "中间"\nfield = "big"\n\n[[column]]\nheader = ["集体协商", "建制企业数"]\nfield = "established"\n'
    with pytest.raises(FormError, match=r"column\[4\]\.header.*不相邻"):
        parse_form(_write(tmp_path, text))


def test_columns_only_for_the_county_or_a_township(tmp_path):
    text = MINIMAL.replace("width = 20", "width = 20\nonly = \"township\"").replace('total = "sum"', 'total = "sum"\nonly = "county"')
    form = parse_form(_write(tmp_path, text))
    assert [c.field for c in form.for_org(county=True).table.columns] == ["unionised"]
    assert [c.field for c in form.for_org(county=False).table.columns] == ["township"]
    assert form.for_org(county=True).title == form.title and len(form.table.columns) == 2
    everything_county = MINIMAL.replace("width = 20", "width = 20\nonly = \"county\"").replace('total = "sum"', 'total = "sum"\nonly = "county"')
    with pytest.raises(FormError, match=r"my-form\.toml.*column.*没有乡镇打印时的列"):
        parse_form(_write(tmp_path, everything_county))


def test_a_table_source_cannot_feed_a_record_form(tmp_path):
    with pytest.raises(FormError, match=r"form\.kind.*汇总表"):
        parse_form(_write(tmp_path, MINIMAL.replace('source = "contracts.negotiation"', 'source = "contracts.negotiation"\nkind = "record"')))


def test_office_forms_folder_adds_and_overrides_and_reports_bad_files(tmp_path):
    extra = tmp_path / "forms"
    extra.mkdir()
    _write(extra, MINIMAL, "my-form.toml")
    override = (forms_dir() / "negotiation-summary.toml").read_text(encoding="utf-8").replace(
        'title = "镇康县集体协商建制情况汇总表"', 'title = "本县集体协商建制情况汇总表"')
    _write(extra, override, "negotiation-summary.toml")
    _write(extra, MINIMAL.replace("width = 20", "width = -1"), "broken.toml")
    catalog = load_catalog([extra])
    assert set(catalog.forms) == SHIPPED | {"my-form"}
    assert catalog.get("negotiation-summary").title == "本县集体协商建制情况汇总表"
    assert len(catalog.problems) == 1 and "broken.toml" in catalog.problems[0] and "column[1].width" in catalog.problems[0]
    with pytest.raises(FormError, match="broken.toml"):
        catalog.get("broken")


def test_studio_header_merges_three_levels():
    form = load_catalog().get("studio-summary")
    cells, depth = header_cells(form.table.columns)
    assert depth == 3
    by_text = {c.text: c for c in cells}
    assert (by_text["年度创新成果"].row, by_text["年度创新成果"].colspan) == (0, 7)
    assert (by_text["合理化建议"].row, by_text["合理化建议"].colspan) == (1, 2)
    assert (by_text["技术革新"].row, by_text["技术革新"].rowspan) == (1, 2)
    assert (by_text["序号"].rowspan, by_text["提出"].row) == (3, 2)


def test_totals_subtotals_and_rates_are_computed_from_the_rows():
    spec = load_catalog().get("negotiation-summary").table
    rows = [
        {"township": "甲", "unionised": 10, "established": 9, "big": 0, "big_established": 0},
        {"township": "乙", "unionised": 30, "established": 3, "big": 4, "big_established": 1},
    ]
    model = build_table(spec, rows)
    total = model.body[-1]
    assert total.kind == "total" and total.texts[0] == "合计"
    assert total.texts[1:4] == ["40", "12", "30.00"]  # 12/40, not the mean of 90 % and 10 %
    assert total.texts[4:7] == ["4", "1", "25.00"]


def test_a_form_can_be_copied_under_a_new_name(tmp_path):
    shutil.copy(forms_dir() / "studio-summary.toml", tmp_path / "studios-copy.toml")
    assert parse_form(tmp_path / "studios-copy.toml").key == "studios-copy"
