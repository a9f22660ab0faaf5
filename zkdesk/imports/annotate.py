"""An annotated copy of an imported file: rejected cells filled red with the reason as a
comment (warnings yellow), and a last column listing each row's problems, so the clerk can
fix the file in Excel and import it again. Values are read by calamine and written by
openpyxl at the same positions; any format in, .xlsx out."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from sqlalchemy.orm import Session

from zkdesk.imports.pipeline import ImportPlan
from zkdesk.imports.summary import Rejection
from zkdesk.output.xlsx_cells import put, safe_text, sheet_title
from zkdesk.output.xlsx_export import display_width, fit_to_width
from zkdesk.services import audit
from zkdesk.services.actor import Actor
from zkdesk.store.private_files import open_private

REJECTED_FILL = PatternFill("solid", fgColor="FFC7CE")
WARNING_FILL = PatternFill("solid", fgColor="FFEB9C")
PROBLEMS_HEADER = "导入问题（改正后可删除此列）"


def annotated_name(source: Path) -> str:
    return f"{source.stem}-批注.xlsx"


def _group(items: list[Rejection], header_col: int) -> dict[tuple[int, int], list[str]]:
    cells: dict[tuple[int, int], list[str]] = {}
    for item in items:
        where = item.cell or (item.row - 1, header_col)
        cells.setdefault(where, []).append(item.message)
    return cells


def personal_rows(plan: ImportPlan) -> int:
    """Rows under the header carrying an ID or phone number: an annotated copy writes them out
    unmasked, as the file had them."""
    where = [plan.header.columns[c.key] for c in plan.kind.columns if c.personal and c.key in plan.header.columns]
    return sum(1 for row in plan.sheet.rows[plan.header.row + 1:]
               if any(i < len(row) and str(row[i] or "").strip() for i in where))


def save_annotated_copy(session: Session, actor: Actor, plan: ImportPlan, out: Path | str) -> Path:
    """Write the annotated copy and, when it carries ID or phone numbers, one disclosure entry in
    the caller's session (before the file: a copy never leaves without its entry)."""
    out = Path(out)
    count = personal_rows(plan)
    if count:
        audit.personal_data_disclosed(session, actor, f"{plan.kind.label}导入批注副本（Excel）", count,
                                      entity_id=plan.kind.name, file=out.name, source=plan.path.name)
        session.flush()
    return write_annotated_copy(plan, out)


def write_annotated_copy(plan: ImportPlan, out: Path | str) -> Path:
    """Every sheet the import read, annotated with its own problems (a roster's part read from
    a sheet of its own gets that sheet, after the main one)."""
    out = Path(out)
    wb = Workbook()
    wb.remove(wb.active)
    sheets = [(plan.sheet, plan.header, "")]
    for part in plan.parts:
        if part.sheet.name != plan.sheet.name and all(part.sheet.name != name for _, _, name in sheets):
            sheets.append((part.sheet, part.header, part.sheet.name))
    for sheet, header, name in sheets:
        _annotate(wb.create_sheet(sheet_title(sheet.name)), sheet, header,
                  [r for r in plan.summary.rejected if r.sheet == name], [w for w in plan.summary.warnings if w.sheet == name])
    out.parent.mkdir(parents=True, exist_ok=True)
    with open_private(out) as fh:  # 0600: the copy carries the file's ID numbers
        wb.save(fh)
    return out


def _annotate(ws, sheet, header, rejected_here: list[Rejection], warnings_here: list[Rejection]) -> None:
    first_col = min(header.columns.values())
    width = max((len(r) for r in sheet.rows), default=0)
    for r, cells in enumerate(sheet.rows, start=1):
        for c, value in enumerate(cells, start=1):
            if value == "" or value is None:
                continue
            if isinstance(value, time):
                value = value.isoformat()
            cell = put(ws, r, c, value)
            if isinstance(value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm" if value.time() != time() else "yyyy-mm-dd"
            elif isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(value, str):
                cell.number_format = "@"
    for (r1, c1), (r2, c2) in sheet.merged:
        if r2 < header.row:  # titles above the header keep their merged look
            ws.merge_cells(start_row=r1 + 1, start_column=c1 + 1, end_row=r2 + 1, end_column=c2 + 1)
    for index in header.columns.values():
        ws.cell(row=header.row + 1, column=index + 1).font = Font(bold=True)
    sample = sheet.rows[header.row : header.row + 200]
    for index in range(width):
        needed = max((display_width(r[index]) for r in sample if index < len(r) and r[index] != ""), default=8)
        ws.column_dimensions[get_column_letter(index + 1)].width = max(8, min(40, needed + 2))

    problem_col = width + 1
    put(ws, header.row + 1, problem_col, PROBLEMS_HEADER).font = Font(bold=True, color="C00000")
    ws.column_dimensions[get_column_letter(problem_col)].width = 60
    for (r, c), messages in _group(warnings_here, first_col).items():
        cell = ws.cell(row=r + 1, column=c + 1)
        cell.fill = WARNING_FILL
        cell.comment = Comment(safe_text("提示：" + "\n".join(messages)), "zkdesk", width=300, height=120)
    rejected = _group(rejected_here, first_col)
    for (r, c), messages in rejected.items():
        cell = ws.cell(row=r + 1, column=c + 1)
        cell.fill = REJECTED_FILL
        cell.comment = Comment(safe_text("\n".join(messages)), "zkdesk", width=300, height=120)
    by_row: dict[int, list[str]] = {}
    for item in rejected_here:
        by_row.setdefault(item.row, []).append(f"{item.column}：{item.message}" if item.column else item.message)
    for row, messages in by_row.items():
        cell = put(ws, row, problem_col, "；".join(messages))
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[row].height = 15 * max(1, -(-display_width(cell.value) // 58))
        cell.font = Font(color="C00000")
    ws.freeze_panes = ws.cell(row=header.row + 2, column=1)
    fit_to_width(ws)
