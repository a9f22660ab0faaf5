"""A per-person form (审批表) on paper: the personal data grid with its photo box, long text
sections that continue onto following pages, and the opinion boxes of each review level."""

from __future__ import annotations

import io

from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Image, Table, TableStyle

from zkdesk.output.fonts import FontSet
from zkdesk.output.formatting import format_value
from zkdesk.output.formdef import FormDef, Opinion, RecordSpec
from zkdesk.output.pdf_page import Geometry
from zkdesk.output.pdf_text import form_footer, form_heading, para

OUTER_LINE = 1.0
INNER_LINE = 0.5


def _frame_style(fonts: FontSet, extra: list[tuple] = ()) -> TableStyle:
    return TableStyle([
        ("FONT", (0, 0), (-1, -1), fonts.song, 10.5),  # a table without one names Helvetica, unembedded
        ("INNERGRID", (0, 0), (-1, -1), INNER_LINE, "black"),
        ("BOX", (0, 0), (-1, -1), OUTER_LINE, "black"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        *extra,
    ])


def _photo(data: object, width: float, height: float, text: str, fonts: FontSet) -> Flowable:
    if isinstance(data, (bytes, bytearray)) and data:
        try:
            reader = ImageReader(io.BytesIO(bytes(data)))
            w, h = reader.getSize()
            scale = min((width - 4 * mm) / w, (height - 4 * mm) / h)
            return Image(io.BytesIO(bytes(data)), width=w * scale, height=h * scale)
        except Exception:  # an unreadable picture must not stop the print: show the empty box
            pass
    return para(text, fonts.song, 10.5, "center")


def _row_table(cells, row: dict, width: float, label_w: float, height: float, size: float, fonts: FontSet, last: bool) -> Table:
    """One line of the personal data grid: its value cells share the width by their weights."""
    value_room = width - len(cells) * label_w
    total_weight = sum(c.weight for c in cells)
    widths: list[float] = []
    data: list[object] = []
    for cell in cells:
        value_w = value_room * cell.weight / total_weight
        widths += [label_w, value_w]
        text = format_value(row.get(cell.field), cell.format)
        fits_one_line = stringWidth(text, fonts.kai, size) <= value_w - 6
        data += [para(cell.label, fonts.song, size, "center", leading=size * 1.2),
                 para(text, fonts.kai, size, "center" if fits_one_line else "left", leading=size * 1.25)]
    table = Table([data], colWidths=widths, minRowHeights=[height])
    cmds = [("INNERGRID", (0, 0), (-1, -1), INNER_LINE, "black"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("FONT", (0, 0), (-1, -1), fonts.song, size),
            ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3)]
    if not last:
        cmds.append(("LINEBELOW", (0, 0), (-1, 0), INNER_LINE, "black"))
    table.setStyle(TableStyle(cmds))
    return table


def _grid(spec: RecordSpec, row: dict, width: float, fonts: FontSet) -> Table:
    """The personal data: lines of label/value pairs; the photo box beside the first lines."""
    photo = spec.photo
    label_w = spec.label_width * mm
    photo_w = photo.width * mm if photo else 0.0
    beside = spec.rows[: photo.rows] if photo else ()
    below = spec.rows[photo.rows:] if photo else spec.rows
    line_h = spec.row_height * mm
    stack = []
    for i, cells in enumerate(beside):
        stack.append(_row_table(cells, row, width - photo_w, label_w, line_h, spec.font_size, fonts, i == len(beside) - 1))
    data: list[list[object]] = []
    if photo is not None:
        data.append([stack, _photo(row.get(photo.field), photo_w, photo.rows * line_h, photo.text, fonts)])
    for cells in below:
        line = _row_table(cells, row, width, label_w, line_h, spec.font_size, fonts, True)
        data.append([line, ""] if photo is not None else [line])
    widths = [width - photo_w, photo_w] if photo is not None else [width]
    cmds: list[tuple] = [("LEFTPADDING", (0, 0), (0, -1), 0), ("RIGHTPADDING", (0, 0), (0, -1), 0),
                         ("TOPPADDING", (0, 0), (0, -1), 0), ("BOTTOMPADDING", (0, 0), (0, -1), 0)]
    if photo is not None:
        cmds += [("SPAN", (0, r), (1, r)) for r in range(1, len(data))]
        cmds += [("ALIGN", (1, 0), (1, 0), "CENTER"), ("LINEAFTER", (0, 0), (0, 0), INNER_LINE, "black")]
    table = Table(data, colWidths=widths)
    table.setStyle(_frame_style(fonts, cmds))
    return table


def _section(label: str, text: str, min_height: float, label_w: float, width: float, fonts: FontSet, size: float) -> Table:
    paragraphs = [p.strip() for p in str(text or "").split("\n") if p.strip()] or [""]
    body = [para(p, fonts.fangsong, size + 1, "left", leading=(size + 1) * 1.7, indent=2 * (size + 1)) for p in paragraphs]
    table = Table([[para(label, fonts.song, size, "center"), body]], colWidths=[label_w, width - label_w],
                  minRowHeights=[min_height * mm], splitInRow=1)
    table.setStyle(_frame_style(fonts, [("VALIGN", (1, 0), (1, 0), "TOP"), ("TOPPADDING", (1, 0), (1, 0), 6),
                                 ("LEFTPADDING", (1, 0), (1, 0), 6), ("RIGHTPADDING", (1, 0), (1, 0), 6)]))
    return table


def _opinion_box(op: Opinion, text: str, width: float, fonts: FontSet, size: float) -> Table:
    line = 8 * mm
    rows = [[para(text, fonts.kai, size + 1, leading=(size + 1) * 1.6, indent=2 * (size + 1)), ""],
            ["", para(op.signature, fonts.song, size)],
            ["", para(op.stamp, fonts.song, size, "right")],
            ["", para(op.date, fonts.song, size, "right")]]
    inner = Table(rows, colWidths=[width * 0.45, width * 0.55], rowHeights=[op.height * mm - 3 * line, line, line, line])
    inner.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), fonts.song, size),
        ("SPAN", (0, 0), (1, 0)), ("VALIGN", (0, 0), (-1, 0), "TOP"), ("VALIGN", (0, 1), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 6), ("RIGHTPADDING", (0, 0), (-1, -1), 12),
        ("TOPPADDING", (0, 0), (-1, 0), 6),
    ]))
    return inner


def _opinions(spec: RecordSpec, row: dict, width: float, fonts: FontSet) -> Table | None:
    if not spec.opinions:
        return None
    label_w = spec.label_width * mm
    inner_w = width - label_w
    data = [[para(op.label, fonts.song, spec.font_size, "center", leading=spec.font_size * 1.3),
             _opinion_box(op, str(row.get(op.field) or "") if op.field else "", inner_w, fonts, spec.font_size)]
            for op in spec.opinions]
    table = Table(data, colWidths=[label_w, inner_w], rowHeights=[op.height * mm for op in spec.opinions])
    table.setStyle(_frame_style(fonts, [("LEFTPADDING", (1, 0), (1, -1), 0), ("RIGHTPADDING", (1, 0), (1, -1), 0),
                                 ("TOPPADDING", (1, 0), (1, -1), 0), ("BOTTOMPADDING", (1, 0), (1, -1), 0)]))
    return table


def record_story(form: FormDef, row: dict, texts, geometry: Geometry, fonts: FontSet) -> list[Flowable]:
    spec = form.record
    assert spec is not None
    width = geometry.frame_width
    story = form_heading(form, texts, width, fonts)
    story.append(_grid(spec, row, width, fonts))
    for section in spec.sections:
        story.append(_section(section.label, str(row.get(section.field) or ""), section.min_height,
                              spec.label_width * mm, width, fonts, spec.font_size))
    opinions = _opinions(spec, row, width, fonts)
    if opinions is not None:
        story.append(opinions)
    return story + form_footer(texts, width, fonts)
