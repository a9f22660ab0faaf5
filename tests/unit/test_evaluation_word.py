"""The evaluation report as a Word document for the demo county: it opens with python-docx, uses
Word's built-in heading, body and table styles with the GB/T 9704 font names, holds every
indicator with its figures and every chart as a 300-dpi image, prints the narratives in place,
and LibreOffice converts it to PDF."""

from __future__ import annotations

import io
import re
import shutil
import subprocess

import pytest
from docx import Document
from docx.oxml.ns import qn
from PIL import Image

from tests.output_helpers import ADMIN, COUNTY, NANSAN, compact, demo_database, pdf_pages
from zkdesk.domain.progress import format_number
from zkdesk.output.evaluation import content
from zkdesk.output.evaluation.word import FANGSONG, HEI, PLACEHOLDER_STYLE, render_report_docx
from zkdesk.services import evaluation_status as ev
from zkdesk.services.evaluation_report import build_report
from zkdesk.services.narratives import PLACEHOLDER

PLAN = "zk-2021-2025"
TYPED = "全县职工技能素质明显提升。\n新建劳模创新工作室12个。"


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    db = demo_database(tmp_path_factory.mktemp("demo-evaluation-word"))
    with db.read_session() as s:
        report = build_report(s, ADMIN, PLAN, COUNTY, narratives={"effects": TYPED})
        mid = build_report(s, ADMIN, PLAN, NANSAN, 2021, 2023)
    db.dispose()
    rendered = render_report_docx(report)
    return report, rendered, Document(io.BytesIO(rendered.data)), mid


def _east_asian_font(style) -> str | None:
    fonts = style.element.rPr.rFonts
    return fonts.get(qn("w:eastAsia"))


def test_headings_body_and_tables_are_words_own_styles_with_the_official_fonts(county):
    report, _, doc, _ = county
    h1 = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert h1 == [c.heading for c in content.chapters(report)]
    h2 = [p.text for p in doc.paragraphs if p.style.name == "Heading 2"]
    assert h2 == [content.item_heading(item) for item in report.items]
    assert _east_asian_font(doc.styles["Normal"]) == FANGSONG
    assert _east_asian_font(doc.styles["Heading 1"]) == HEI
    assert doc.styles["Normal"].font.size.pt == 16  # 3号
    # a table style Word knows, the header row repeated on every page
    assert doc.tables and all(t.style.name == "Table Grid" for t in doc.tables)
    assert all(t.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None for t in doc.tables)
    section = doc.sections[-1]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert (round(section.top_margin.mm), round(section.left_margin.mm)) == (37, 28)
    assert "PAGE" in section.footer._element.xml  # page numbers from the page after the cover


def test_every_indicator_its_figures_and_the_counts(county):
    report, _, doc, _ = county
    cells = {}
    for table in doc.tables[1:-1]:  # the summary first, the 责任分工 table last
        for row in table.rows[1:]:
            texts = [c.text for c in row.cells]
            cells[texts[0]] = texts
    assert set(cells) == {line.code for line in report.indicators}
    for line in report.indicators:
        row = cells[line.code]
        assert row[1] == line.name and row[-1] == line.status
        assert row[4:4 + len(report.years)] == [format_number(line.values[y]) for y in report.years]
    summary = doc.tables[0]
    total = [c.text for c in summary.rows[-1].cells]
    assert total[1] == "合计" and total[3:7] == [str(report.counts[s]) for s in ev.STATUSES]
    text = "\n".join(p.text for p in doc.paragraphs)
    c = report.counts
    assert f"已完成{c[ev.DONE]}项，基本完成{c[ev.BASIC]}项，未完成{c[ev.NOT_DONE]}项" in text
    for line in report.indicators:
        assert line.reason in text


def test_every_chart_is_a_300_dpi_image(county):
    report, rendered, doc, _ = county
    pictures = doc.inline_shapes
    assert len(pictures) == rendered.charts >= len(report.indicators) + len(report.items) + 2 >= 18
    blobs = [rel.target_part.blob for rel in doc.part.rels.values() if "image" in rel.reltype]
    assert len(blobs) == len(pictures)
    image = Image.open(io.BytesIO(blobs[0]))
    assert image.format == "PNG" and round(image.info["dpi"][0]) == 300
    # the picture is placed at the drawing's size, so 300 dpi on paper too
    assert abs(pictures[0].width.pt * 300 / 72 - image.width) <= 2


def test_narratives_printed_in_place_and_empty_ones_as_a_placeholder(county):
    _, _, doc, _ = county
    paragraphs = doc.paragraphs
    heads = [i for i, p in enumerate(paragraphs) if p.style.name == "Heading 1"]
    effects = next(i for i in heads if paragraphs[i].text.endswith("主要成效"))
    assert [p.text for p in paragraphs[effects + 1:effects + 3]] == TYPED.splitlines()
    assert all(p.style.name == "Normal" for p in paragraphs[effects + 1:effects + 3])
    placeholders = [p for p in paragraphs if p.text == PLACEHOLDER]
    assert len(placeholders) == 2 and all(p.style.name == PLACEHOLDER_STYLE for p in placeholders)


def test_a_townships_mid_term_report_ends_in_2023(county):
    mid = county[3]
    rendered = render_report_docx(mid)
    doc = Document(io.BytesIO(rendered.data))
    header = [c.text for c in doc.tables[1].rows[0].cells]
    assert "2023\n（中期）" in header and not any(h.startswith("2024") for h in header)
    # the status grid, but no township panels in a township's report
    assert rendered.charts == len(doc.inline_shapes) == len(mid.indicators) + len(mid.items) + 1
    assert doc.paragraphs[3].text == "南伞镇十四五规划中期评估报告"


def _keeps_with_next(paragraph) -> bool:
    """keep-with-next as Word applies it: the paragraph's own setting, else its style's chain."""
    if paragraph.paragraph_format.keep_with_next is not None:
        return paragraph.paragraph_format.keep_with_next
    style = paragraph.style
    while style is not None:
        if style.paragraph_format.keep_with_next is not None:
            return style.paragraph_format.keep_with_next
        style = style.base_style
    return False


def test_headings_and_lead_ins_keep_with_what_follows(county):
    """Every heading, and every paragraph between a heading and its first table or chart, keeps
    with the next paragraph; a table's header row keeps with its first row."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    _, _, doc, _ = county
    blocks = []  # (kind, paragraph or table): kind "heading", "text", "picture" or "table"
    for child in doc.element.body.iterchildren():
        if child.tag == qn("w:tbl"):
            blocks.append(("table", Table(child, doc._body)))
        elif child.tag == qn("w:p"):
            paragraph = Paragraph(child, doc._body)
            kind = ("picture" if child.findall(".//" + qn("w:drawing")) else
                    "heading" if paragraph.style.name.startswith("Heading") else "text")
            blocks.append((kind, paragraph))
    checked = 0
    for i, (kind, block) in enumerate(blocks):
        if kind == "table":
            assert all(_keeps_with_next(p) for cell in block.rows[0].cells for p in cell.paragraphs)
        if kind != "heading":
            continue
        assert _keeps_with_next(block), block.text
        checked += 1
        following = []
        for next_kind, next_block in blocks[i + 1:]:
            if next_kind in ("table", "picture", "heading"):
                if next_kind != "heading":  # a narrative chapter's text runs on freely
                    assert all(_keeps_with_next(p) for p in following), [p.text for p in following]
                    checked += len(following)
                break
            following.append(next_block)
    assert checked > 2 * 18  # every item's heading and its 责任单位 line at least


@pytest.mark.skipif(shutil.which("soffice") is None, reason="需要 LibreOffice（soffice）")
def test_libreoffice_converts_the_docx_to_pdf(county, tmp_path):
    report, rendered, _, _ = county
    path = tmp_path / "评估报告.docx"
    path.write_bytes(rendered.data)
    profile = tmp_path / "lo-profile"  # its own profile: a running LibreOffice does not block the test
    proc = subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                           "--outdir", str(tmp_path), str(path)], capture_output=True, text=True, timeout=240)
    pdf = tmp_path / "评估报告.pdf"
    assert proc.returncode == 0 and pdf.exists(), proc.stdout + proc.stderr
    pages = pdf_pages(pdf.read_bytes())
    assert len(pages) > 10
    text = compact("".join(pages))
    assert compact(report.title) in text and "二、分项评估" in text
    assert compact(content.item_heading(report.items[-1])) in text
    # no heading ends a page: the last line above each page's number is not (the end of) a heading
    headings = [compact(c.heading) for c in content.chapters(report)]
    headings += [compact(content.item_heading(item)) for item in report.items]
    for number, page in enumerate(pages[1:], start=1):
        lines = [compact(line) for line in page.splitlines() if compact(line)]
        lines = [line for line in lines if not re.fullmatch(r"—\d+—", line)]
        if not lines:
            continue  # a page of charts only (images)
        last = lines[-1]
        assert not any(h == last or (len(last) >= 4 and h.endswith(last)) for h in headings), (number, last)


def test_without_python_docx_word_is_refused_in_chinese(county, monkeypatch, tmp_path):
    """The offline installer leaves python-docx out (the extra `word`): .docx is refused before any
    work, with what to install, and the PDF still works."""
    import importlib.util

    from zkdesk.output.evaluation import files
    from zkdesk.services.errors import UserError

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "docx" else real(name, *a))
    with pytest.raises(UserError, match=r"python-docx.*zkdesk\[word\]"):
        files.report_kind_of(tmp_path / "报告.docx")
    with pytest.raises(UserError, match="python-docx"):
        files.write_report(county[0], tmp_path / "报告.docx")
    assert not (tmp_path / "报告.docx").exists()
    assert files.write_report(county[0], tmp_path / "报告.pdf").pages > 10


def test_the_duty_table_lists_every_responsible_unit(county):
    report, _, doc, _ = county
    rows = [[c.text for c in row.cells] for row in doc.tables[-1].rows]
    assert tuple(rows[0]) == content.DUTY_HEADER
    assert [r[1] for r in rows[1:]] == [d.name for d in report.duties]
