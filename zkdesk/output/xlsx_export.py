"""Export any list to .xlsx: formatted header, column widths, real dates, frozen header row,
and personal data masked unless the user may see it.

A list view passes its own column specs and the rows of its current filter:

    write_xlsx(path, [ExportColumn("企业名称", "name", width=30), ...], rows, actor,
               title="企业名册", subtitle="南伞镇 2024年")

Rows may be dicts or objects; a column's `value` is a key/attribute name or a function.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from zkdesk.domain.roles import Permission
from zkdesk.output.xlsx_cells import put, sheet_title as safe_sheet_title
from zkdesk.services.actor import Actor
from zkdesk.store.private_files import open_private
from zkdesk.services.privacy import mask_for, sees_personal

FORMATS = ("text", "date", "datetime", "int", "number", "bool")
MAX_WIDTH = 60  # characters; longer text wraps
MAX_LINES = 12  # rows never grow taller than this many lines
HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
HEADER_FONT = Font(bold=True)
THIN = Side(style="thin", color="A6A6A6")
HEADER_BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
_NUMBER_FORMATS = {"date": "yyyy-mm-dd", "datetime": "yyyy-mm-dd hh:mm", "int": "0", "number": "General", "text": "@"}


@dataclass(frozen=True)
class ExportColumn:
    header: str
    value: str | Callable[[object], object]  # key / attribute name, or a function of the row
    fmt: str = "text"  # one of FORMATS
    width: int | None = None  # in characters; None: from the header and the first rows
    personal: str = ""  # "id_number" | "phone": shown as privacy.mask_for lets the actor see it

    def get(self, row: object) -> object:
        if callable(self.value):
            return self.value(row)
        if isinstance(row, dict):
            return row.get(self.value)
        return getattr(row, self.value, None)


def _cell_value(column: ExportColumn, raw: object, actor: Actor) -> object:
    if raw is None:
        return None
    if column.personal:
        return mask_for(actor, **{column.personal: str(raw)})
    if column.fmt == "bool":
        return "是" if raw else "否"
    if column.fmt == "date" and isinstance(raw, datetime):
        return raw.date()
    if column.fmt == "datetime" and isinstance(raw, datetime) and raw.tzinfo is not None:
        return raw.astimezone().replace(tzinfo=None)  # Excel has no time zones: local time
    if column.fmt == "int" and isinstance(raw, float) and raw.is_integer():
        return int(raw)
    return raw


def unmasked_personal_rows(columns: list[ExportColumn], rows: Iterable[object], actor: Actor) -> int:
    """How many rows would carry an ID or phone number unmasked for this actor (for the
    disclosure entry an export writes: services.audit.personal_data_disclosed)."""
    personal = [c for c in columns if c.personal]
    if not personal or not sees_personal(actor):
        return 0
    return sum(1 for row in rows if any(c.get(row) not in (None, "") for c in personal))


def fit_to_width(ws) -> None:
    """Print landscape, all columns on one page wide, as many pages down as needed."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0


def display_width(value: object) -> int:
    """Columns a value needs in Excel: CJK characters are two wide."""
    return _display_width(value)


def _display_width(value: object) -> int:
    if value is None:
        return 0
    if isinstance(value, date):
        return 10
    text = str(value)
    longest = max((len(line) + sum(1 for ch in line if ord(ch) > 0x2E80) for line in text.split("\n")), default=0)
    return longest  # CJK characters are two columns wide


def write_xlsx(
    path: Path | str,
    columns: list[ExportColumn],
    rows: Iterable[object],
    actor: Actor,
    *,
    sheet_title: str = "数据",
    title: str = "",
    subtitle: str = "",
) -> Path:
    """Write `rows` to a new workbook at `path`; returns the path."""
    actor.require(Permission.VIEW)
    path = Path(path)
    wb = Workbook()
    ws = wb.active
    ws.title = safe_sheet_title(sheet_title)
    top = 1
    if title:
        put(ws, 1, 1, title).font = Font(bold=True, size=14)
        top += 1
    if subtitle:
        put(ws, top, 1, subtitle).font = Font(color="595959")
        top += 1
    widths = [_display_width(c.header) + 2 for c in columns]
    for index, column in enumerate(columns, start=1):
        cell = put(ws, top, index, column.header)
        cell.font, cell.fill, cell.border = HEADER_FONT, HEADER_FILL, HEADER_BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    count = 0
    for count, row in enumerate(rows, start=1):
        r = top + count
        lines = 1
        for index, column in enumerate(columns, start=1):
            value = _cell_value(column, column.get(row), actor)
            cell = put(ws, r, index, value)
            if column.fmt in ("date", "datetime", "int") and not isinstance(value, str):
                cell.number_format = _NUMBER_FORMATS[column.fmt]
            elif isinstance(value, str):
                room = (column.width or MAX_WIDTH) - 2
                needed = _display_width(value)
                if "\n" in value or needed > room:  # long text wraps inside its column
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
                    lines = max(lines, min(MAX_LINES, value.count("\n") + 1 + needed // max(room, 1)))
            if count <= 200 and column.width is None:
                widths[index - 1] = max(widths[index - 1], _display_width(value) + 2)
        if lines > 1:
            ws.row_dimensions[r].height = 15 * lines
            for cell in ws[r]:
                if not cell.alignment.wrap_text:
                    cell.alignment = Alignment(vertical="top")
    for index, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width or min(max(widths[index - 1], 6), MAX_WIDTH)
    ws.freeze_panes = ws.cell(row=top + 1, column=1)
    if columns:
        ws.auto_filter.ref = f"A{top}:{get_column_letter(len(columns))}{top + max(count, 1)}"
    ws.print_title_rows = f"{top}:{top}"
    fit_to_width(ws)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open_private(path) as fh:  # 0600: an export may carry personal data
        wb.save(fh)
    return path
