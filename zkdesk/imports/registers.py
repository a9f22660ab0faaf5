"""`zkdesk export KIND`: a register written with the same columns as its import template,
so an exported file can be edited and imported back (personal data masked unless allowed)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from zkdesk.domain.roles import Permission
from zkdesk.imports.kinds import get_kind
from zkdesk.imports.spec import KindSpec
from zkdesk.output.xlsx_export import ExportColumn, unmasked_personal_rows, write_xlsx
from zkdesk.services import audit
from zkdesk.services.actor import Actor


def export_columns(kind: KindSpec) -> list[ExportColumn]:
    return [ExportColumn(c.header, c.key, fmt=c.fmt, width=c.width + 2, personal=c.personal) for c in kind.columns]


def export_register(session: Session, actor: Actor, kind_name: str, path: Path | str) -> int:
    """Write the register of `kind_name` visible to the actor's office; returns the row count.

    When the file carries ID or phone numbers unmasked, a disclosure entry goes to the audit trail
    in the caller's session (written first: a file never leaves without its entry)."""
    actor.require(Permission.VIEW)
    kind = get_kind(kind_name)
    rows = kind.export_rows(session, actor.office_code)
    columns = export_columns(kind)
    disclosed = unmasked_personal_rows(columns, rows, actor)
    if disclosed:
        audit.personal_data_disclosed(session, actor, f"{kind.label}导出（Excel）", disclosed,
                                      entity_id=kind.name, file=Path(path).name)
        session.flush()
    write_xlsx(path, columns, rows, actor, sheet_title=kind.label)
    return len(rows)
