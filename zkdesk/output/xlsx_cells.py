"""The one way zkdesk puts a value into an .xlsx cell (exports, templates, annotated copies,
the audit export, printed forms as .xlsx).

Text is stored as text, never as a formula: a value beginning with = + - @ (after blanks,
tabs or line breaks) is written as a string with Excel's quote prefix, so that editing the
cell in Excel keeps it text too. Control characters a workbook cannot hold are dropped, so
openpyxl's IllegalCharacterError never reaches a user.
"""

from __future__ import annotations

import re

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

from zkdesk.domain.cell_text import formula_like, strip_control


def safe_text(value: object) -> object:
    """A value as it may go into a cell: text without control characters, anything else as is."""
    if isinstance(value, str):
        return strip_control(value)
    return value


def _as_text(cell, value: str):
    cell.data_type = "s"  # openpyxl made it "f" (or "s"): a string it stays
    cell.quotePrefix = True  # Excel keeps it text when the user edits the cell
    return cell


def put(ws: Worksheet, row: int, column: int, value: object = None) -> Cell:
    """ws.cell(row, column, value) for every cell we fill; returns the cell."""
    cell = ws.cell(row=row, column=column)
    if value is None:
        return cell
    value = safe_text(value)
    cell.value = value
    if isinstance(value, str) and formula_like(value):
        _as_text(cell, value)
    return cell


def write_only(ws, value: object) -> WriteOnlyCell:
    """A cell for a write-only worksheet's append(), with the same rules as put()."""
    value = safe_text(value)
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str) and formula_like(value):
        _as_text(cell, value)
    return cell


_SHEET_TITLE_BAD = re.compile(r"[\[\]:*?/\\]")


def sheet_title(text: str, fallback: str = "数据") -> str:
    """A worksheet name Excel accepts (31 characters, none of []:*?/\\ nor control characters)."""
    return _SHEET_TITLE_BAD.sub("", strip_control(text)).strip("'")[:31] or fallback
