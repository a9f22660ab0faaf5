"""A prepared form (output/printing.prepare) laid out as a PDF: the table or per-person
pages, with the GB/T 9704 cover and notice where the form has them. Kept apart from
printing.py so that choosing and preparing a form does not load reportlab."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reportlab.platypus import Flowable, NextPageTemplate, PageBreak

from zkdesk.output import gbt9704
from zkdesk.output.fonts import font_set
from zkdesk.output.pdf_page import FormDocument, geometry_for
from zkdesk.output.pdf_record import record_story
from zkdesk.output.pdf_table import column_widths, header_table, table_story
from zkdesk.output.tablemodel import build_table

if TYPE_CHECKING:
    from zkdesk.output.printing import PreparedForm, Texts


def _front_pages(texts: Texts, fonts, first: bool) -> list[Flowable]:
    """Cover and notice on the GB/T 9704 template, if the form has them."""
    story: list[Flowable] = []
    if not (texts.cover_title or texts.notice_title):
        return story
    if not first:
        story += [NextPageTemplate("gbt"), PageBreak()]
    if texts.cover_title:
        story.append(gbt9704.CoverPage(texts.cover_title, list(texts.cover_lines), texts.cover_issuer, texts.cover_date, fonts))
    if texts.notice_title:
        if texts.cover_title:
            story.append(PageBreak())
        story.append(gbt9704.GridText.notice(texts.notice_title, list(texts.notice_paragraphs), fonts))
    story += [NextPageTemplate("form"), PageBreak()]
    return story


def render_form_pdf(prepared: PreparedForm) -> tuple[bytes, int]:
    """The form's PDF and its page count."""
    form = prepared.form
    fonts = font_set()
    has_front = bool(form.cover or form.notice)
    if form.table is not None:
        geometry = geometry_for(form.orientation, sum(c.width for c in form.table.columns))
    else:
        geometry = geometry_for("portrait" if form.orientation == "auto" else form.orientation)
    story: list[Flowable] = []
    if form.table is not None:
        spec = form.table
        model = build_table(spec, prepared.rows)
        widths = column_widths(model, geometry.frame_width, fonts, spec.font_size, spec.header_font_size)
        doc = FormDocument(geometry, fonts, prepared.texts[0].title, author=prepared.org_name, start_with_gbt=has_front,
                           repeat_header=header_table(model, widths, fonts, spec.header_font_size))
        story += _front_pages(prepared.texts[0], fonts, True)
        first_header = header_table(model, widths, fonts, spec.header_font_size)
        story += [doc.restart_numbering(),
                  *table_story(form, model, prepared.texts[0], geometry, fonts, first_header, widths, doc.later_height)]
    else:
        doc = FormDocument(geometry, fonts, prepared.texts[0].title, author=prepared.org_name, start_with_gbt=has_front)
        for i, (row, texts) in enumerate(zip(prepared.rows, prepared.texts)):
            front = _front_pages(texts, fonts, i == 0)
            if i and not front:
                story.append(PageBreak())
            story += front
            story += [doc.restart_numbering(), *record_story(form, row, texts, geometry, fonts)]
    return doc.build(story)
