"""A table form on paper: 表号 block, title, the line above, the table with its multi-level
header repeated on every page, totals, the footer line and the notes."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from zkdesk.output.fonts import FontSet
from zkdesk.output.formdef import SEQ_FIELD, FormDef
from zkdesk.output.pdf_page import Geometry
from zkdesk.output.pdf_text import fits, note_paras, number_block, para, spread_line, title_block
from zkdesk.output.tablemodel import TableModel

PAD = 2.0  # cell padding, points
OUTER_LINE = 1.0
INNER_LINE = 0.4


RIGID_FORMATS = ("int", "decimal1", "decimal2", "rate", "date", "month")  # figures never wrap
MAX_SHRINK = 0.4  # a text column gives up at most this share of its declared width
MIN_TAIL_ROWS = 3  # rows that go along with the footer onto its page


def _needed_width(model: TableModel, i: int, fonts: FontSet, size: float, header_size: float) -> float:
    """What column i needs so that its figures and its hand-broken header lines do not wrap."""
    col = model.columns[i]
    need = 0.0
    if col.format in RIGID_FORMATS or col.field == SEQ_FIELD:
        for row in model.body:
            if row.kind == "data" or (row.kind in ("subtotal", "total") and i >= row.label_span):
                need = max(need, stringWidth(row.texts[i], fonts.song, size))
    for cell in model.header:
        if cell.col == i and cell.colspan == 1 and "\n" in cell.text:
            need = max(need, *(stringWidth(line, fonts.hei, header_size) for line in cell.text.split("\n")))
    return need + 2 * PAD + 1 if need else 0.0


def column_widths(model: TableModel, width: float, fonts: FontSet, size: float, header_size: float) -> list[float]:
    """The declared widths scaled to the page, then widened where figures would wrap, taking the
    room from the text columns (which wrap gracefully)."""
    declared = [c.width for c in model.columns]
    widths = [w * width / sum(declared) for w in declared]
    grow = {}
    for i in range(len(widths)):
        need = _needed_width(model, i, fonts, size, header_size)
        if need > widths[i]:
            grow[i] = need - widths[i]
    if not grow:
        return widths
    donors = [i for i, c in enumerate(model.columns) if i not in grow and c.align == "left" and c.format not in RIGID_FORMATS]
    donors = donors or [i for i in range(len(widths)) if i not in grow]
    room = sum(widths[i] for i in donors) * MAX_SHRINK
    deficit = sum(grow.values())
    share = min(1.0, room / deficit) if deficit else 0.0
    donor_total = sum(widths[i] for i in donors)
    taken = deficit * share
    for i in donors:
        widths[i] -= taken * widths[i] / donor_total
    for i, extra in grow.items():
        widths[i] += extra * share
    return widths


def form_table(model: TableModel, width: float, fonts: FontSet, size: float, header_size: float) -> Table:
    widths = column_widths(model, width, fonts, size, header_size)
    n, depth = len(widths), model.depth
    leading = size * 1.25
    data: list[list[object]] = [[""] * n for _ in range(depth + len(model.body))]
    cmds: list[tuple] = [
        ("FONT", (0, 0), (-1, -1), fonts.song, size, leading),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD), ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
        ("TOPPADDING", (0, 0), (-1, -1), PAD), ("BOTTOMPADDING", (0, 0), (-1, -1), PAD + 1),
        ("INNERGRID", (0, 0), (-1, -1), INNER_LINE, "black"),
        ("BOX", (0, 0), (-1, -1), OUTER_LINE, "black"),
        ("LINEBELOW", (0, depth - 1), (-1, depth - 1), OUTER_LINE * 0.8, "black"),
    ]
    for cell in model.header:
        data[cell.row][cell.col] = para(cell.text, fonts.hei, header_size, "center", leading=header_size * 1.2)
        if cell.rowspan > 1 or cell.colspan > 1:
            cmds.append(("SPAN", (cell.col, cell.row), (cell.col + cell.colspan - 1, cell.row + cell.rowspan - 1)))
    for i, col in enumerate(model.columns):
        if col.align != "left":
            cmds.append(("ALIGN", (i, depth), (i, -1), col.align.upper()))
    for offset, row in enumerate(model.body):
        r = depth + offset
        span = row.label_span if row.kind != "data" else 1
        if row.kind != "data":
            cmds.append(("SPAN", (0, r), (span - 1, r)))
            label_align = "left" if row.kind == "group" else "center"
            cmds.append(("ALIGN", (0, r), (0, r), label_align.upper()))
            if row.kind != "empty":
                cmds.append(("FONT", (0, r), (0, r), fonts.hei, size, leading))
            if row.kind in ("subtotal", "total"):  # counts under a text column: centred like figures
                cmds += [("ALIGN", (i, r), (i, r), "CENTER") for i, c in enumerate(model.columns)
                         if c.total is not None and c.total.kind == "count" and c.align == "left"]
        for i, text in enumerate(row.texts):
            if i and i < span:
                continue
            cell_width = sum(widths[i:i + span]) if i == 0 else widths[i]
            font = fonts.hei if row.kind in ("group", "subtotal", "total") and i == 0 else fonts.song
            if not text or fits(text, font, size, cell_width - 2 * PAD):
                data[r][i] = text  # plain strings are drawn much faster than paragraphs
            else:
                align = "left" if row.kind == "group" else ("center" if i == 0 and row.kind != "data" else model.columns[i].align)
                data[r][i] = para(text, font, size, align, leading=leading)
    table = Table(data, colWidths=widths, repeatRows=depth, hAlign="CENTER")
    table.setStyle(TableStyle(cmds))
    return table


class TableWithTail(Flowable):
    """A table followed by its footer lines, never leaving the footer alone on a page: when the
    footer would not fit below the table's last rows, some rows move to the next page with it."""

    def __init__(self, table: Table, tail: list[Flowable], page_height: float):
        super().__init__()
        self.table, self.tail, self.page_height = table, tail, page_height
        self._sizes: list[tuple[float, float]] = []

    def _tail_height(self, avail_width: float) -> float:
        self._sizes = [f.wrap(avail_width, 10_000) for f in self.tail]
        return sum(h for _, h in self._sizes)

    def wrap(self, avail_width, avail_height):
        _, th = self.table.wrap(avail_width, avail_height)
        self.width, self.height = avail_width, th + self._tail_height(avail_width)
        return self.width, self.height

    def split(self, avail_width, avail_height):
        tail_h = self._tail_height(avail_width)
        _, th = self.table.wrap(avail_width, avail_height)
        limit = avail_height if th > avail_height else avail_height - tail_h
        fresh_page = avail_height >= self.page_height - 1
        parts = self.table.split(avail_width, limit)
        if len(parts) < 2:
            return []  # not even a few rows fit here: all of it goes to the next page
        header = self.table.repeatRows  # wherever the split falls, a few rows go with the footer
        moved = len(parts[1]._cellvalues) - header
        if moved < MIN_TAIL_ROWS:
            if len(self.table._cellvalues) - header <= 2 * MIN_TAIL_ROWS:
                return [] if not fresh_page else [parts[0], TableWithTail(parts[1], self.tail, self.page_height)]
            parts[0].wrap(avail_width, limit)
            limit -= sum(parts[0]._rowHeights[-(MIN_TAIL_ROWS - moved):]) + 0.5
            parts = self.table.split(avail_width, limit)
            if len(parts) < 2:
                return []
        return [parts[0], TableWithTail(parts[1], self.tail, self.page_height)]

    def draw(self):
        y = self.height
        _, th = self.table.wrap(self.width, y)
        y -= th
        self.table.drawOn(self.canv, 0, y)
        for flowable, (_, h) in zip(self.tail, self._sizes):
            y -= h
            flowable.drawOn(self.canv, 0, y)


def table_story(form: FormDef, model: TableModel, texts, geometry: Geometry, fonts: FontSet) -> list[Flowable]:
    spec = form.table
    assert spec is not None
    width = geometry.frame_width
    story: list[Flowable] = []
    block = number_block(form.number, form.authority, fonts)
    if block is not None:
        story.append(block)
    story += title_block(texts.title, texts.subtitle, fonts, form.title_size)
    above = spread_line([texts.left, texts.center, texts.right], width, fonts, 10.5, ["left", "center", "right"])
    if above is not None:
        story += [above, Spacer(1, 1.5 * mm)]
    tail: list[Flowable] = []
    below = spread_line(list(texts.footer), width, fonts, 10.5, even=True)
    if below is not None:
        tail += [Spacer(1, 3 * mm), below]
    if texts.notes:
        tail.append(Spacer(1, 2 * mm))
        tail += note_paras(texts.notes, fonts)
    story.append(TableWithTail(form_table(model, width, fonts, spec.font_size, spec.header_font_size), tail,
                               geometry.frame_height))
    return story
