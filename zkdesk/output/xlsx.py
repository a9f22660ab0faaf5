"""The same form definitions as spreadsheets (openpyxl): merged multi-level headers, column
widths, a frozen header, header rows repeated on every printed page, A4 print set-up."""

from __future__ import annotations

import io
import re

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from zkdesk.output.formatting import format_value
from zkdesk.output.formdef import FormDef
from zkdesk.output.pdf_page import geometry_for, LANDSCAPE
from zkdesk.output.tablemodel import TableModel, build_table
from zkdesk.domain.cell_text import strip_control
from zkdesk.output.xlsx_cells import put

BODY_FONT = "宋体"
HEAD_FONT = "黑体"
MM_PER_CHAR = 1.9  # one unit of Excel column width at the default font, roughly
PT_PER_MM = 72 / 25.4
THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
NUMBER_FORMATS = {"int": "0", "decimal1": "0.0", "decimal2": "0.00", "rate": "0.00"}


def _put(ws: Worksheet, row: int, col: int, value, *, font: Font | None = None, align: str = "center",
         wrap: bool = True, valign: str = "center", end_col: int | None = None, end_row: int | None = None,
         border: bool = False, number_format: str | None = None):
    cell = put(ws, row, col, value)
    cell.font = font or Font(name=BODY_FONT, size=10)
    cell.alignment = Alignment(horizontal=align, vertical=valign, wrap_text=wrap)
    if number_format:
        cell.number_format = number_format
    last_col, last_row = end_col or col, end_row or row
    if border:
        for r in range(row, last_row + 1):
            for c in range(col, last_col + 1):
                ws.cell(row=r, column=c).border = BOX
    if last_col > col or last_row > row:
        ws.merge_cells(start_row=row, start_column=col, end_row=last_row, end_column=last_col)
    return cell


def _sheet_title(text: str, taken: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "", strip_control(text))[:28] or "报表"
    title, n = base, 2
    while title in taken:
        title, n = f"{base[:26]}{n}", n + 1
    taken.add(title)
    return title


def _top(ws: Worksheet, form: FormDef, texts, ncols: int) -> int:
    """表号 block, title and the line above the table; returns the next free row."""
    row = 1
    right_from = max(1, ncols - max(3, ncols // 4) + 1)
    for label, value in (("表　　号：", form.number), ("制表机关：", form.authority)):
        if value:
            _put(ws, row, right_from, label + value, align="left", wrap=False, end_col=ncols)
            row += 1
    _put(ws, row, 1, texts.title, font=Font(name=HEAD_FONT, size=16), end_col=ncols)
    ws.row_dimensions[row].height = 30
    row += 1
    if texts.subtitle:
        _put(ws, row, 1, texts.subtitle, font=Font(name="楷体", size=11), end_col=ncols)
        row += 1
    row = _spread(ws, row, [texts.left, texts.center, texts.right], ncols, ["left", "center", "right"])
    return row


def _spread(ws: Worksheet, row: int, texts: list[str], ncols: int, aligns: list[str] | None = None) -> int:
    if not any(texts):
        return row
    n = len(texts)
    aligns = aligns or ["left"] * n
    per = max(1, ncols // n)
    for i, (text, align) in enumerate(zip(texts, aligns)):
        start = 1 + i * per
        if start > ncols:
            break
        end = ncols if i == n - 1 else min(ncols, start + per - 1)
        _put(ws, row, start, text, align=align, wrap=False, end_col=end)
    return row + 1


def _table_sheet(ws: Worksheet, form: FormDef, model: TableModel, texts, orientation: str) -> None:
    n = len(model.columns)
    for i, col in enumerate(model.columns, 1):
        ws.column_dimensions[get_column_letter(i)].width = round(col.width / MM_PER_CHAR + 1, 1)
    row = _top(ws, form, texts, n)
    head_top = row
    head_font = Font(name=HEAD_FONT, size=10)
    for cell in model.header:
        _put(ws, head_top + cell.row, cell.col + 1, cell.text, font=head_font, border=True,
             end_col=cell.col + cell.colspan, end_row=head_top + cell.row + cell.rowspan - 1)
    row = head_top + model.depth
    first_body = row
    bold = Font(name=HEAD_FONT, size=10)
    for body in model.body:
        if body.kind in ("group", "empty"):
            _put(ws, row, 1, body.texts[0], font=bold if body.kind == "group" else None,
                 align="left" if body.kind == "group" else "center", border=True, end_col=n)
            row += 1
            continue
        span = body.label_span if body.kind != "data" else 1
        for i, col in enumerate(model.columns):
            if body.kind != "data" and i < span:
                if i == 0:
                    _put(ws, row, 1, body.texts[0], font=bold, border=True, end_col=span)
                continue
            value = body.values[i] if i < len(body.values) else body.texts[i]
            fmt = NUMBER_FORMATS.get(col.format) if isinstance(value, (int, float)) else None
            if body.kind != "data" and col.total is not None and col.total.kind == "count":
                fmt = "0"
            _put(ws, row, i + 1, value, align=col.align, border=True, number_format=fmt)
        row += 1
    row = _spread(ws, row + 1, list(texts.footer), n) if texts.footer else row
    for note in texts.notes:
        _put(ws, row, 1, note, align="left", end_col=n)
        ws.row_dimensions[row].height = max(15, 15 * (len(note) // max(1, int(sum(c.width for c in model.columns) / 3.5)) + 1))
        row += 1
    ws.freeze_panes = ws.cell(row=first_body, column=1)
    ws.print_title_rows = f"{head_top}:{first_body - 1}"
    _print_setup(ws, orientation)


def _print_setup(ws: Worksheet, orientation: str) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = orientation
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.6
    ws.page_margins.top, ws.page_margins.bottom = 0.8, 0.8
    ws.oddFooter.center.text = "— &P —"


def _record_sheet(ws: Worksheet, form: FormDef, row_data: dict, texts) -> None:
    spec = form.record
    assert spec is not None
    photo = spec.photo
    pairs = spec.pairs
    ncols = 2 * pairs + (1 if photo else 0)
    value_mm = (170 - pairs * spec.label_width - (photo.width if photo else 0)) / pairs
    for c in range(1, ncols + 1):
        is_label = c % 2 == 1 and c <= 2 * pairs
        width = spec.label_width if is_label else (value_mm if c <= 2 * pairs else photo.width)
        ws.column_dimensions[get_column_letter(c)].width = round(width / MM_PER_CHAR + 1, 1)
    row = _top(ws, form, texts, ncols)
    top = row
    label_font = Font(name=BODY_FONT, size=11)
    value_font = Font(name="楷体", size=11)
    for r, cells in enumerate(spec.rows):
        in_photo = photo is not None and r < photo.rows
        last = ncols - (1 if in_photo else 0)
        for c, cell in enumerate(cells):
            _put(ws, row, 2 * c + 1, cell.label, font=label_font, border=True)
            end = last if c == len(cells) - 1 else 2 * c + 2
            _put(ws, row, 2 * c + 2, format_value(row_data.get(cell.field), cell.format), font=value_font,
                 border=True, end_col=end, align="center" if end == 2 * c + 2 else "left")
        ws.row_dimensions[row].height = spec.row_height * PT_PER_MM
        row += 1
    if photo is not None:
        _put(ws, top, ncols, photo.text, border=True, end_row=top + photo.rows - 1)
    for section in spec.sections:
        text = str(row_data.get(section.field) or "")
        _put(ws, row, 1, section.label, font=label_font, border=True)
        _put(ws, row, 2, text, font=value_font, align="left", valign="top", border=True, end_col=ncols)
        chars_per_line = max(10, int((170 - spec.label_width) / 4.2))
        lines = sum(len(p) // chars_per_line + 1 for p in text.split("\n"))
        ws.row_dimensions[row].height = min(409, max(section.min_height * PT_PER_MM, lines * 16))
        row += 1
    for op in spec.opinions:
        text = str(row_data.get(op.field) or "") if op.field else ""
        _put(ws, row, 1, op.label, font=label_font, border=True, end_row=row + 1)
        _put(ws, row, 2, text, font=value_font, align="left", valign="top", border=True, end_col=ncols)
        ws.row_dimensions[row].height = (op.height - 16) * PT_PER_MM
        _put(ws, row + 1, 2, f"{op.signature}　　　　　　{op.stamp}　　　{op.date}", align="right", border=True, end_col=ncols)
        ws.row_dimensions[row + 1].height = 16 * PT_PER_MM
        row += 2
    row = _spread(ws, row + 1, list(texts.footer), ncols) if texts.footer else row
    for note in texts.notes:
        _put(ws, row, 1, note, align="left", end_col=ncols)
        row += 1
    _print_setup(ws, "portrait")


def workbook_bytes(prepared) -> bytes:
    form = prepared.form
    wb = Workbook()
    taken: set[str] = set()
    if form.table is not None:
        ws = wb.active
        ws.title = _sheet_title(form.title.replace("{session_name}", "").strip() or "报表", taken)
        model = build_table(form.table, prepared.rows)
        geometry = geometry_for(form.orientation, sum(c.width for c in form.table.columns))
        _table_sheet(ws, form, model, prepared.texts[0], "landscape" if geometry is LANDSCAPE else "portrait")
    else:
        wb.remove(wb.active)
        for row_data, texts in zip(prepared.rows, prepared.texts):
            ws = wb.create_sheet(_sheet_title(str(row_data.get("name") or form.title), taken))
            _record_sheet(ws, form, row_data, texts)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
