"""The forms issue 15 changed, read back from the PDF: 镇工表3's 状态 (an application is not a
县级 studio yet) and 镇工表2-1's 乡镇（街道）工会意见 label on lines that fit its cell."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.output_helpers import compact, demo_database, pdf_lines, pdf_pages, render
from zkdesk.output.catalog import load_catalog
from zkdesk.store.models import Studio

YEAR = 2023


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    database = demo_database(tmp_path_factory.mktemp("demo-plan-forms"))
    yield database
    database.dispose()


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


def test_studio_summary_prints_each_studios_state_and_no_level_for_an_application(db, catalog):
    prepared, pdf = render(db, catalog, "studio-summary", year=YEAR)
    text = compact("\n".join(pdf_pages(pdf.data)))
    assert "状态" in text
    end = date(YEAR, 12, 31)
    with db.read_session() as s:
        studios = {st.name: st for st in s.scalars(select(Studio))}
    by_name = {row["name"]: row for row in prepared.rows}
    applied = [n for n, st in studios.items() if st.applied_on <= end and (st.named_on is None or st.named_on > end)]
    named = [n for n, st in studios.items() if st.named_on is not None and st.named_on <= end and st.status != "申报"]
    assert applied and named  # the demo has both
    for name in applied:
        assert by_name[name]["level"] == "" and by_name[name]["year_status"].startswith("申报中")
        assert f"{name}" in text
    for name in named:
        assert by_name[name]["level"] == studios[name].level and by_name[name]["year_status"] in ("已命名", "年度复核")
    table = text.split("单位负责人")[0]  # not the notes under the footer
    assert table.count("申报中") == len(applied)
    assert table.count("已命名") + table.count("年度复核") == len(named)


def test_the_township_opinion_label_is_broken_onto_lines_that_fit(db, catalog):
    _, pdf = render(db, catalog, "nomination-approval", year=2025)
    lines = pdf_lines(pdf_pages(pdf.data)[3])
    i = lines.index("（街道）")
    assert lines[i - 1] == "乡镇" and lines[i + 1] == "工会意见"
    assert "乡镇（街道）" not in lines  # the six-character line that ran out of its cell
