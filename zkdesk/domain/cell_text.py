"""Text that travels through spreadsheets: control characters and formula-like beginnings.

A spreadsheet cannot hold most C0 control characters (openpyxl refuses them, Excel calls the
file damaged), and a text beginning with = + - @ becomes a formula when a user edits the cell
or a program reads the file back as CSV. Imports strip the former (output/xlsx_cells.py strips
them again, for text that came by another way); every xlsx we write stores the latter as text.
"""

from __future__ import annotations

import re

# What XML 1.0 (and so an .xlsx) cannot carry: C0 controls except tab, line feed, carriage return.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# A text that a spreadsheet would read as a formula, also after leading blanks and line breaks.
FORMULA_START = re.compile(r"^[\s\u3000]*[=+\-@]")


def has_control(text: str) -> bool:
    if text.isprintable():  # the usual case, in C
        return False
    return CONTROL.search(text) is not None


def strip_control(text: str) -> str:
    """`text` without the control characters a spreadsheet cannot carry."""
    return CONTROL.sub("", text) if has_control(text) else text


def formula_like(text: str) -> bool:
    """True when a spreadsheet would take `text` (or its first non-blank character) for a formula."""
    return FORMULA_START.match(text) is not None
