"""A table form on paper: 表号 block, title, the line above, the table with its multi-level
header repeated on every page, totals, the footer line and the notes."""

from __future__ import annotations

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Table, TableStyle

from zkdesk.output.fonts import FontSet
from zkdesk.output.formdef import SEQ_FIELD, FormDef
from zkdesk.output.pdf_page import Geometry
from zkdesk.output.pdf_text import fits, form_footer, form_heading, para
from zkdesk.output.tablemodel import BodyRow, TableModel

PAD = 2.0  # cell padding, points
OUTER_LINE = 1.0
INNER_LINE = 0.4


RIGID_FORMATS = ("int", "number", "decimal1", "decimal2", "rate", "date", "month")  # figures never wrap
MAX_SHRINK = 0.4  # a text column gives up at most this share of its declared width
MIN_TAIL_ROWS = 3  # rows kept with a header above them or a footer below them across a page break


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


def _base_style(fonts: FontSet, size: float) -> list[tuple]:
    return [
        ("FONT", (0, 0), (-1, -1), fonts.song, size, size * 1.25),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD), ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
        ("TOPPADDING", (0, 0), (-1, -1), PAD), ("BOTTOMPADDING", (0, 0), (-1, -1), PAD + 1),
        ("INNERGRID", (0, 0), (-1, -1), INNER_LINE, "black"),
        ("LINEABOVE", (0, 0), (-1, 0), INNER_LINE, "black"),
        ("LINEBELOW", (0, -1), (-1, -1), INNER_LINE, "black"),
        ("LINEBEFORE", (0, 0), (0, -1), OUTER_LINE, "black"),
        ("LINEAFTER", (-1, 0), (-1, -1), OUTER_LINE, "black"),
        # where a page break cuts a run of rows, close it with the outer line
        ("LINEBELOW", (0, "splitlast"), (-1, "splitlast"), OUTER_LINE, "black"),
    ]


def header_table(model: TableModel, widths: list[float], fonts: FontSet, size: float) -> Table:
    """The multi-level header, merged cells and all: drawn above the first rows and again at the
    top of every following page."""
    n, depth = len(widths), model.depth
    data: list[list[object]] = [[""] * n for _ in range(depth)]
    cmds = _base_style(fonts, size)[:-1] + [("BOX", (0, 0), (-1, -1), OUTER_LINE, "black")]
    for cell in model.header:
        data[cell.row][cell.col] = para(cell.text, fonts.hei, size, "center", leading=size * 1.2)
        if cell.rowspan > 1 or cell.colspan > 1:
            cmds.append(("SPAN", (cell.col, cell.row), (cell.col + cell.colspan - 1, cell.row + cell.rowspan - 1)))
    table = Table(data, colWidths=widths, hAlign="CENTER")
    table.setStyle(TableStyle(cmds))
    return table


def _cell(text: str, font: str, size: float, width: float, align: str) -> object:
    if not text or fits(text, font, size, width - 2 * PAD):
        return text  # plain strings are drawn much faster than paragraphs
    return para(text, font, size, align, leading=size * 1.25, cell=True)


def _align_commands(aligns: list[str]) -> list[tuple]:
    """One ALIGN command per stretch of equally aligned columns (each command visits every cell
    it covers, so fewer commands make long tables faster)."""
    cmds, start = [], 0
    for i in range(1, len(aligns) + 1):
        if i == len(aligns) or aligns[i] != aligns[start]:
            if aligns[start] != "left":
                cmds.append(("ALIGN", (start, 0), (i - 1, -1), aligns[start].upper()))
            start = i
    return cmds


def _run_table(rows: list[BodyRow], model: TableModel, widths: list[float], fonts: FontSet, size: float) -> Table:
    """A run of data rows: no merged cells, so reportlab lays out even long runs quickly."""
    columns = model.columns
    # figures were measured when the widths were chosen; repeated texts (是, 否, 单独签订 …) once
    rigid = [c.format in RIGID_FORMATS or c.field == SEQ_FIELD for c in columns]
    seen: dict[tuple[int, str], object] = {}
    data = []
    for row in rows:
        cells = []
        for i, text in enumerate(row.texts):
            if rigid[i]:
                cells.append(text)
                continue
            key = (i, text)
            if key not in seen:
                seen[key] = _cell(text, fonts.song, size, widths[i], columns[i].align)
            cells.append(seen[key])
        data.append(cells)
    cmds = _base_style(fonts, size) + _align_commands([c.align for c in columns])
    table = Table(data, colWidths=widths, hAlign="CENTER")
    table.setStyle(TableStyle(cmds))
    table.data_run = True
    return table


def _special_table(row: BodyRow, model: TableModel, widths: list[float], fonts: FontSet, size: float) -> Table:
    """A group, subtotal, total or empty row, its label cell as wide as the columns it covers."""
    span = row.label_span
    row_widths = [sum(widths[:span]), *widths[span:]]
    label_font = fonts.song if row.kind == "empty" else fonts.hei
    label_align = "left" if row.kind == "group" else "center"
    cells = [_cell(row.texts[0], label_font, size, row_widths[0], label_align)]
    cells += [_cell(text, fonts.song, size, widths[span + i], model.columns[span + i].align)
              for i, text in enumerate(row.texts[span:])]
    cmds = _base_style(fonts, size) + [("ALIGN", (0, 0), (0, 0), label_align.upper()),
                                       ("FONT", (0, 0), (0, 0), label_font, size, size * 1.25)]
    for i, col in enumerate(model.columns[span:], 1):
        counted_text = col.total is not None and col.total.kind == "count" and col.align == "left"
        align = "center" if counted_text else col.align  # counts under a text column: centred like figures
        if align != "left":
            cmds.append(("ALIGN", (i, 0), (i, 0), align.upper()))
    table = Table([cells], colWidths=row_widths, hAlign="CENTER")
    table.setStyle(TableStyle(cmds))
    return table


def body_blocks(model: TableModel, widths: list[float], fonts: FontSet, size: float) -> list[tuple[list[Table], Table | None, list[Table]]]:
    """The body as (rows before, run of data rows, rows after): a group's name goes before its
    run, subtotals and totals after it. Runs are plain tables without merged cells (SPAN would
    make reportlab re-scan every cell of a long table on every page); a group, subtotal or
    total row is a one-row table whose label cell is as wide as the columns it covers."""
    blocks: list[tuple[list[Table], Table | None, list[Table]]] = []
    head: list[Table] = []
    run: list[BodyRow] = []
    for row in model.body:
        if row.kind == "data":
            run.append(row)
            continue
        if run:
            blocks.append((head, _run_table(run, model, widths, fonts, size), []))
            head, run = [], []
        special = _special_table(row, model, widths, fonts, size)
        if row.kind == "group" or not blocks:
            head.append(special)
        else:
            blocks[-1][2].append(special)
    if run:
        blocks.append((head, _run_table(run, model, widths, fonts, size), []))
    elif head:
        blocks.append((head, None, []))
    return blocks


class RowBlock(Flowable):
    """Rows that belong together: the rows before (table header, group name), a run of data rows,
    and what follows (subtotal, total, the footer lines). When the run is cut by a page break,
    at least MIN_TAIL_ROWS of its rows stay with what comes before and with what follows, so a
    header or a group name never ends a page and the footer never starts one alone."""

    def __init__(self, head: list[Flowable], table: Table | None, tail: list[Flowable], page_height: float):
        super().__init__()
        self.head, self.table, self.tail, self.page_height = head, table, tail, page_height
        self._placed: list[tuple[Flowable, float]] = []

    def _parts(self) -> list[Flowable]:
        return [*self.head, *([self.table] if self.table is not None else []), *self.tail]

    def _height(self, flowables: list[Flowable], avail_width: float) -> float:
        return sum(f.wrap(avail_width, 1e6)[1] for f in flowables)

    def wrap(self, avail_width, avail_height):
        if getattr(self, "_wrapped_for", None) == (avail_width, avail_height):
            return self.width, self.height  # reportlab asks more than once; tables recompute every time
        self._placed = [(f, f.wrap(avail_width, avail_height)[1]) for f in self._parts()]
        self.width, self.height = avail_width, sum(h for _, h in self._placed)
        self._wrapped_for = (avail_width, avail_height)
        return self.width, self.height

    def _table_height(self, avail_width, avail_height) -> float:
        if getattr(self, "_wrapped_for", None) == (avail_width, avail_height):
            return next(h for f, h in self._placed if f is self.table)  # the frame just wrapped us
        return self.table.wrap(avail_width, avail_height)[1]

    def _rows(self, table: Table) -> int:
        return len(table._cellvalues)

    def split(self, avail_width, avail_height):
        fresh_page = avail_height >= self.page_height - 1
        if self.table is None:
            return []
        if getattr(self, "_wrapped_for", None) == (avail_width, avail_height):
            heights = dict((id(f), h) for f, h in self._placed)
            head_h = sum(heights[id(f)] for f in self.head)
            tail_h = sum(heights[id(f)] for f in self.tail)
        else:
            head_h, tail_h = self._height(self.head, avail_width), self._height(self.tail, avail_width)
        table_h = self._table_height(avail_width, avail_height)
        limit = avail_height - head_h - (tail_h if table_h <= avail_height - head_h else 0)
        parts = self.table.split(avail_width, limit) if limit > 0 else []
        if len(parts) < 2:
            return self._forced(avail_width, avail_height) if fresh_page else []
        if self._rows(parts[0]) < MIN_TAIL_ROWS and self.head and not fresh_page:
            return []  # the header or group name would end this page with too few rows under it
        moved = self._rows(parts[1])
        if moved < MIN_TAIL_ROWS and self._rows(self.table) > 2 * MIN_TAIL_ROWS:
            parts[0].wrap(avail_width, limit)
            limit -= sum(parts[0]._rowHeights[-(MIN_TAIL_ROWS - moved):]) + 0.5
            parts = self.table.split(avail_width, limit)
            if len(parts) < 2:
                return []
        elif moved < MIN_TAIL_ROWS and not fresh_page and self.tail:
            return []  # a short run: keep it whole with its footer on the next page
        return [RowBlock(self.head, parts[0], [], self.page_height), RowBlock([], parts[1], self.tail, self.page_height)]

    def _forced(self, avail_width, avail_height):
        """A fresh page and still too tall: split wherever the rows allow."""
        parts = self.table.split(avail_width, avail_height - self._height(self.head, avail_width))
        if len(parts) < 2:
            return []
        return [RowBlock(self.head, parts[0], [], self.page_height), RowBlock([], parts[1], self.tail, self.page_height)]

    def draw(self):
        y = self.height
        for flowable, h in self._placed:
            y -= h
            flowable.drawOn(self.canv, 0, y)


def table_story(form: FormDef, model: TableModel, texts, geometry: Geometry, fonts: FontSet,
                header: Table, widths: list[float], later_height: float) -> list[Flowable]:
    """Title block, the header, the body blocks, and the footer kept with the last rows.
    `header` is the first page's copy; the document template draws it on later pages."""
    spec = form.table
    assert spec is not None
    width = geometry.frame_width
    story = form_heading(form, texts, width, fonts)
    footer = form_footer(texts, width, fonts)
    blocks = body_blocks(model, widths, fonts, spec.font_size)
    for i, (head, run, tail) in enumerate(blocks):
        head = [header, *head] if i == 0 else head
        tail = [*tail, *footer] if i == len(blocks) - 1 else tail
        story.append(RowBlock(head, run, tail, later_height))
    return story
