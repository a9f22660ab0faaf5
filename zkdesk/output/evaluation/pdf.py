"""The evaluation report as a PDF: A4 portrait, the program's embedded CJK fonts, charts as vector
drawings, page numbers — 1 — from the first page after the cover."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, KeepTogether, NextPageTemplate, PageBreak, Paragraph, Spacer, Table, TableStyle
from xml.sax.saxutils import escape

from zkdesk.output.evaluation import charts, content
from zkdesk.output.fonts import FontSet, font_set
from zkdesk.output.pdf_page import PORTRAIT, FormDocument
from zkdesk.services.evaluation_report import EvaluationReport


@dataclass(frozen=True)
class RenderedReport:
    data: bytes
    pages: int
    charts: int
    chart_seconds: float  # time spent drawing the charts (none when another output drew them)


class _Styles:
    def __init__(self, fonts: FontSet):
        base = dict(wordWrap="CJK", textColor=colors.black)
        self.title = ParagraphStyle("t", fontName=fonts.title, fontSize=22, leading=34, alignment=TA_CENTER, **base)
        self.cover = ParagraphStyle("c", fontName=fonts.fangsong, fontSize=16, leading=28, alignment=TA_CENTER, **base)
        self.h1 = ParagraphStyle("h1", fontName=fonts.hei, fontSize=15, leading=24, spaceBefore=10, spaceAfter=6, **base)
        self.h2 = ParagraphStyle("h2", fontName=fonts.kai, fontSize=13, leading=20, spaceBefore=8, spaceAfter=4, **base)
        self.body = ParagraphStyle("b", fontName=fonts.fangsong, fontSize=12, leading=20, firstLineIndent=24, **base)
        self.placeholder = ParagraphStyle("p", parent=self.body, textColor=colors.HexColor("#777777"))
        self.note = ParagraphStyle("n", fontName=fonts.song, fontSize=9, leading=13, **base)
        self.cell = ParagraphStyle("cell", fontName=fonts.song, fontSize=7.5, leading=9.5, **base)
        self.head = ParagraphStyle("head", fontName=fonts.hei, fontSize=7.5, leading=9.5, alignment=TA_CENTER, **base)


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def _table(header, rows, widths, styles: _Styles, fonts: FontSet, wrap_cols=(1,)) -> Table:
    data = [[_p(h, styles.head) for h in header]]
    for row in rows:
        data.append([_p(c, styles.cell) if i in wrap_cols else c for i, c in enumerate(row)])
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), fonts.song, 7.5),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (0, 1), (-1, -1), "CENTER"),
        ("LEFTPADDING", (0, 0), (-1, -1), 2), ("RIGHTPADDING", (0, 0), (-1, -1), 2),
    ]))
    return table


def render_report_pdf(report: EvaluationReport, fonts: FontSet | None = None) -> RenderedReport:
    fonts = fonts or font_set()
    styles = _Styles(fonts)
    doc = FormDocument(PORTRAIT, fonts, report.title, author=report.org_name, start_with_gbt=True)
    width = PORTRAIT.frame_width
    book = charts.report_charts(report, fonts)  # drawn once, shared with the Word output
    seconds_before = book.seconds
    chart_count = 0

    def chart(drawing):
        nonlocal chart_count
        chart_count += 1
        return KeepTogether([drawing])

    story: list = [Spacer(1, 40 * mm), _p(report.title, styles.title), Spacer(1, 30 * mm)]
    story += [_p(line, styles.cover) for line in content.cover_lines(report)]
    story += [NextPageTemplate("form"), PageBreak(), doc.restart_numbering()]

    for chapter in content.chapters(report):
        story.append(_p(chapter.heading, styles.h1))
        if chapter.kind == "summary":
            story.append(_p(content.summary_sentence(report), styles.body))
            story.append(Spacer(1, 4 * mm))
            widths = [10 * mm, None, 12 * mm] + [14 * mm] * 4 + [18 * mm]
            widths[1] = width - sum(w for w in widths if w)
            story.append(_table(content.SUMMARY_HEADER, content.summary_rows(report), widths, styles, fonts))
            story.append(Spacer(1, 6 * mm))
            story.append(chart(book.status_grid()))
            if report.townships:
                story.append(Spacer(1, 4 * mm))
                story.append(chart(book.township_multiples()))
        elif chapter.kind == "items":
            header = content.indicator_header(report)
            fixed = [9 * mm, None, 9 * mm, 11 * mm] + [11 * mm] * len(report.years) + [13 * mm, 13 * mm, 13 * mm]
            fixed[1] = max(30 * mm, width - sum(w for w in fixed if w))
            for item in report.items:
                story.append(CondPageBreak(60 * mm))
                story.append(_p(content.item_heading(item), styles.h2))
                story.append(_p(content.item_responsible(item), styles.note))
                story.append(Spacer(1, 2 * mm))
                if item.indicators:
                    story.append(_table(header, content.indicator_rows(report, item), fixed, styles, fonts))
                    story.append(Spacer(1, 2 * mm))
                    for code, note in content.indicator_notes(item):
                        story.append(_p(f"{code}　{note}", styles.note))
                story.append(Spacer(1, 3 * mm))
                story.append(chart(book.item(item)))
                for line in item.indicators:
                    story.append(Spacer(1, 3 * mm))
                    story.append(chart(book.indicator(line)))
        elif chapter.kind == "duties":
            story.append(_p(content.DUTY_NOTE, styles.body))
            story.append(Spacer(1, 3 * mm))
            widths = [9 * mm, 38 * mm, None, None, 13 * mm] + [12 * mm] * 4
            free = width - sum(w for w in widths if w)
            widths[2], widths[3] = free * 0.4, free * 0.6
            story.append(_table(content.DUTY_HEADER, content.duty_rows(report), widths, styles, fonts,
                                wrap_cols=(1, 2, 3)))
        else:
            text, typed = content.narrative_text(report, chapter.kind)
            for para in content.paragraphs(text):
                story.append(_p(para, styles.body if typed else styles.placeholder))
    data, pages = doc.build(story)
    return RenderedReport(data, pages, chart_count, book.seconds - seconds_before)
