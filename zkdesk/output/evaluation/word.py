"""The evaluation report as a Word document (.docx, python-docx), for offices that edit it in
Word or WPS: the same words (content.py) and the same charts (charts.py, as 300-dpi PNGs) as the
PDF, on Word's own built-in styles so the navigation pane, a table of contents and 格式刷 work:

  - Heading 1 / Heading 2 (Word shows them as 标题 1 / 标题 2): 黑体 3号 / 楷体_GB2312 3号;
  - Normal (正文): 仿宋_GB2312 3号, first line indented two characters, 28.95 pt exactly
    (22 lines on the GB/T 9704 type area);
  - Table Grid (网格型) for every table, cells in 仿宋_GB2312 8 pt, header row in 黑体, repeated
    on each page;
  - A4, 天头 37 mm, 订口 28 mm, 版心 156 × 225 mm; page numbers “— 1 —” from the page after
    the cover.

Font names are those GB/T 9704 asks for; a machine without them shows Word's substitutes, and the
embedded-font PDF remains the exact layout.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from zkdesk.output.evaluation import charts, content
from zkdesk.output.fonts import FontSet, font_set
from zkdesk.services.evaluation_report import EvaluationReport

# GB/T 9704-2012 font names, as Word and WPS on a Chinese Windows know them
TITLE_FONT = "方正小标宋简体"
HEI = "黑体"
KAI = "楷体_GB2312"
FANGSONG = "仿宋_GB2312"
SONG = "宋体"
SIZE_2, SIZE_3, SIZE_4, SIZE_CELL = Pt(22), Pt(16), Pt(14), Pt(8)
CELL_MARGIN_TWIPS = 45  # ≈ 0.8 mm
LINE_EXACT = Pt(28.95)  # 225 mm / 22 lines
PLACEHOLDER_COLOUR = RGBColor(0x77, 0x77, 0x77)

# custom styles, next to Word's built-in ones: name (what Word shows) and an ASCII style id
CELL_STYLE = "表格文字"
HEAD_STYLE = "表头文字"
NOTE_STYLE = "表注"
FIGURE_STYLE = "图"
COVER_TITLE_STYLE = "封面标题"
COVER_STYLE = "封面文字"
PLACEHOLDER_STYLE = "待填写"
STYLE_IDS = {CELL_STYLE: "zkCell", HEAD_STYLE: "zkHead", NOTE_STYLE: "zkNote", FIGURE_STYLE: "zkFigure",
             COVER_TITLE_STYLE: "zkCoverTitle", COVER_STYLE: "zkCover", PLACEHOLDER_STYLE: "zkPlaceholder"}


@dataclass(frozen=True)
class RenderedDocx:
    data: bytes
    charts: int
    chart_seconds: float  # drawing the charts and rasterising them


def _east_asian(owner, font, name: str) -> None:
    """Set the font of a style or run (`owner`: its element, `font`: its Font) to `name` for
    Chinese (w:eastAsia) and Latin text, dropping the template's theme fonts, which would win."""
    font.name = name
    fonts = owner.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    fonts.set(qn("w:eastAsia"), name)


def _style_font(style, name: str, size, bold: bool = False, colour: RGBColor | None = None) -> None:
    _east_asian(style.element, style.font, name)
    style.font.size = size
    style.font.bold = bold
    style.font.color.rgb = colour or RGBColor(0, 0, 0)


def _paragraph_style(doc, name: str, base: str = "Normal"):
    from docx.enum.style import WD_STYLE_TYPE

    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.style_id = STYLE_IDS[name]
    style.base_style = doc.styles[base]
    style.quick_style = True
    return style


def _single(fmt, before=0, after=0) -> None:
    fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    fmt.first_line_indent = Pt(0)
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)


def _setup(doc) -> None:
    styles = doc.styles
    normal = styles["Normal"]
    _style_font(normal, FANGSONG, SIZE_3)
    fmt = normal.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE_EXACT
    fmt.first_line_indent = Pt(32)  # two characters of 3号
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    normal.element.get_or_add_rPr().append(lang)

    for name, font in (("Heading 1", HEI), ("Heading 2", KAI)):
        style = styles[name]
        _style_font(style, font, SIZE_3)
        f = style.paragraph_format
        f.first_line_indent = Pt(32)
        f.space_before = Pt(6 if name == "Heading 1" else 0)
        f.space_after = Pt(0)
        f.keep_with_next = True

    cover_title = _paragraph_style(doc, COVER_TITLE_STYLE)
    _style_font(cover_title, TITLE_FONT, SIZE_2)
    _single(cover_title.paragraph_format, after=12)
    cover_title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    cover = _paragraph_style(doc, COVER_STYLE)
    cover.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    cover.paragraph_format.first_line_indent = Pt(0)

    placeholder = _paragraph_style(doc, PLACEHOLDER_STYLE)
    placeholder.font.color.rgb = PLACEHOLDER_COLOUR

    for name, font in ((CELL_STYLE, FANGSONG), (HEAD_STYLE, HEI)):
        style = _paragraph_style(doc, name)
        _style_font(style, font, SIZE_CELL)
        _single(style.paragraph_format)
        style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        # a table's header row keeps with its first row: a heading, kept with the header, never
        # ends a page above a header alone
        style.paragraph_format.keep_with_next = name == HEAD_STYLE
    note = _paragraph_style(doc, NOTE_STYLE)
    _style_font(note, FANGSONG, Pt(10.5))
    _single(note.paragraph_format, after=2)
    figure = _paragraph_style(doc, FIGURE_STYLE)
    _single(figure.paragraph_format, before=6, after=6)
    figure.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    figure.paragraph_format.keep_together = True


def _page(section) -> None:
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = Mm(37)  # 天头
    section.left_margin = Mm(28)  # 订口
    section.right_margin = Mm(210 - 28 - 156)
    section.bottom_margin = Mm(297 - 37 - 225)
    section.footer_distance = Mm(297 - 37 - 225 - 7 - 5)  # the number 7 mm below the type area


def _field(paragraph, instruction: str) -> None:
    for kind, text in (("begin", None), (None, instruction), ("separate", None), (None, "1"), ("end", None)):
        run = paragraph.add_run()
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text == instruction:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = f" {instruction} "
            run._r.append(instr)
        else:
            run.text = text


def _numbered_from_one(doc, section) -> None:
    """“— N —” centred in the footer, 4号 宋体 as GB/T 9704 asks."""
    footer = section.footer
    footer.is_linked_to_previous = False
    p = footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.first_line_indent = Pt(0)
    p.add_run("— ")
    _field(p, "PAGE")
    p.add_run(" —")
    for run in p.runs:
        _east_asian(run._r, run.font, SONG)
        run.font.size = SIZE_4
    sect = section._sectPr
    numbering = OxmlElement("w:pgNumType")
    numbering.set(qn("w:start"), "1")
    cols = sect.find(qn("w:cols"))
    if cols is not None:
        cols.addprevious(numbering)
    else:
        sect.append(numbering)


BUILT_IN_IDS = {"Normal": None, "Heading 1": "Heading1", "Heading 2": "Heading2"}


def _style_id(name: str) -> str | None:
    return BUILT_IN_IDS[name] if name in BUILT_IN_IDS else STYLE_IDS[name]


def _add(doc, text: str = "", style: str = "Normal"):
    """A paragraph in `style`, set by its id: python-docx's lookup by name walks every style of
    the document each time, which made the tables' thousand cells take seconds."""
    paragraph = doc.add_paragraph(text)
    paragraph._p.style = _style_id(style)
    return paragraph


def _lead_in(paragraph) -> None:
    """A paragraph that introduces the table or chart after it stays on its page (Word's and
    LibreOffice's keep-with-next), so that neither it nor the heading above it ends a page alone."""
    paragraph.paragraph_format.keep_with_next = True


def _repeat_header(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    trpr.append(header)


def _shade(cell, fill: str = "EEEEEE") -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tcpr.append(shd)


def _table(doc, header, rows, widths_mm, left_cols=(1,)):
    table = doc.add_table(rows=1 + len(rows), cols=len(header))
    table._tbl.tblStyle_val = "TableGrid"  # Word's 网格型, by id (see _add)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False  # w:tblLayout fixed: the widths below, not Word's guess from the contents
    margins = OxmlElement("w:tblCellMar")  # narrow cell margins: the year columns hold "2020" on one line
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), str(CELL_MARGIN_TWIPS))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    look = table._tbl.tblPr.find(qn("w:tblLook"))  # the schema's order: tblCellMar before tblLook
    if look is not None:
        look.addprevious(margins)
    else:
        table._tbl.tblPr.append(margins)
    for j, width in enumerate(widths_mm):
        table.columns[j].width = Mm(width)  # w:gridCol, which LibreOffice and WPS read
    for i, row in enumerate([header, *rows]):
        cells = table.rows[i].cells
        for j, text in enumerate(row):
            cell = cells[j]
            cell.width = Mm(widths_mm[j])
            p = cell.paragraphs[0]
            p._p.style = _style_id(HEAD_STYLE if i == 0 else CELL_STYLE)
            if i and j in left_cols:
                p.alignment = WD_ALIGN_PARAGRAPH.LEFT
            lines = str(text).split("\n")
            run = p.add_run(lines[0])
            for more in lines[1:]:
                run.add_break()
                run = p.add_run(more)
            if i == 0:
                _shade(cell)
        table.rows[i]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))  # a row stays on one page
    _repeat_header(table.rows[0])
    return table


def _widths(fixed: list[float | None], total: float = 156.0) -> list[float]:
    free = total - sum(w for w in fixed if w)
    return [w if w else free for w in fixed]


def render_report_docx(report: EvaluationReport, fonts: FontSet | None = None) -> RenderedDocx:
    fonts = fonts or font_set()
    doc = Document()
    _setup(doc)
    props = doc.core_properties
    props.title, props.author, props.language = report.title, report.org_name, "zh-CN"
    cover = doc.sections[0]
    _page(cover)
    book = charts.report_charts(report, fonts)  # drawn once, shared with the PDF output
    seconds_before = book.seconds
    drawings: list = []  # (drawing, the run its picture goes in), rasterised at the end in one batch

    def chart(drawing) -> None:
        drawings.append((drawing, _add(doc, style=FIGURE_STYLE).add_run()))

    for _ in range(3):
        _add(doc, style=COVER_STYLE)
    _add(doc, report.title, COVER_TITLE_STYLE)
    for _ in range(2):
        _add(doc, style=COVER_STYLE)
    for line in content.cover_lines(report):
        _add(doc, line, COVER_STYLE)

    body = doc.add_section(WD_SECTION.NEW_PAGE)
    _page(body)
    _numbered_from_one(doc, body)

    for chapter in content.chapters(report):
        _add(doc, chapter.heading, "Heading 1")
        if chapter.kind == "summary":
            _lead_in(_add(doc, content.summary_sentence(report), "Normal"))
            _table(doc, content.SUMMARY_HEADER, content.summary_rows(report),
                   _widths([10, None, 13, 15, 15, 15, 15, 20]))
            chart(book.status_grid())
            if report.townships:
                chart(book.township_multiples())
        elif chapter.kind == "items":
            header = content.indicator_header(report)
            widths = _widths([10, None, 9, 11] + [11] * len(report.years) + [13, 12, 12])
            for item in report.items:
                _add(doc, content.item_heading(item), "Heading 2")
                _lead_in(_add(doc, content.item_responsible(item), NOTE_STYLE))
                if item.indicators:
                    _table(doc, header, content.indicator_rows(report, item), widths)
                    for code, note in content.indicator_notes(item):
                        _add(doc, f"{code}　{note}", NOTE_STYLE)
                chart(book.item(item))
                for line in item.indicators:
                    chart(book.indicator(line))
        elif chapter.kind == "duties":
            _lead_in(_add(doc, content.DUTY_NOTE))
            _table(doc, content.DUTY_HEADER, content.duty_rows(report), _widths([9, 34, 24, None, 13, 12, 12, 12, 12]),
                   left_cols=(1, 2, 3))
        else:
            text, typed = content.narrative_text(report, chapter.kind)
            for para in content.paragraphs(text):
                _add(doc, para, "Normal" if typed else PLACEHOLDER_STYLE)
    pngs = book.pngs([d for d, _ in drawings])
    chart_time = book.seconds - seconds_before
    for (drawing, run), png in zip(drawings, pngs):
        run.add_picture(io.BytesIO(png), width=Pt(drawing.width), height=Pt(drawing.height))
    out = io.BytesIO()
    doc.save(out)
    return RenderedDocx(out.getvalue(), len(drawings), chart_time)
