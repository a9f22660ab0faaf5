"""The audit trail as an .xlsx workbook: every entry matching the filter in words, as the log
screen shows it (action, kind of record, the record's name, the readable summary; no ids or stored
JSON, which `zkdesk verify` and the database keep). The rows and the logging of the export are
services/audit_log's."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from zkdesk.domain.roles import Permission
from zkdesk.services.actor import Actor
from zkdesk.services.audit_log import AuditFilter, record_export, search_audit
from zkdesk.services.errors import UserError
from zkdesk.store.private_files import open_private

HEADERS = ("序号", "时间", "用户", "操作", "对象类别", "对象", "内容")
WIDTHS = (8, 20, 14, 18, 12, 38, 80)


def export_audit_xlsx(session: Session, actor: Actor, flt: AuditFilter, path: Path) -> int:
    """Write every matching entry to an .xlsx file; returns how many. The export is logged."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from zkdesk.output.xlsx_cells import write_only

    actor.require(Permission.VIEW_AUDIT)
    rows = search_audit(session, actor, flt, limit=None)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("操作日志")
    for col, width in zip("ABCDEFG", WIDTHS):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"
    header = []
    for text in HEADERS:
        cell = write_only(ws, text)
        cell.font = Font(bold=True)
        header.append(cell)
    ws.append(header)
    for r in rows:
        ws.append([write_only(ws, value) for value in (
            r.id, r.at.strftime("%Y-%m-%d %H:%M:%S"), r.username, r.action_label, r.entity_label, r.object_name,
            r.summary)])
    path = Path(path)
    record_export(session, actor, path.name, len(rows))  # in the caller's transaction: gone if the file fails
    try:
        with open_private(path) as fh:  # 0600
            wb.save(fh)
    except OSError as exc:
        raise UserError(f"无法写入文件 {path}：{exc.strerror or exc}") from exc
    return len(rows)
