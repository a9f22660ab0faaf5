"""What an import tells: the summary of a roster read with its parts (every kind's refusals
and warnings, said once; each part's counts), the ignored columns, and the audit entry."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from sqlalchemy.orm import Session

from zkdesk.imports.plan import ImportPlan, Located
from zkdesk.imports.spec import KindSpec
from zkdesk.imports.summary import ImportSummary
from zkdesk.services import audit
from zkdesk.services.actor import Actor

IGNORED_LISTED = 10  # ignored columns named in a summary; the rest are counted


def note_ignored(summary: ImportSummary, ignored: list[str]) -> None:
    summary.ignored_column_count = len(ignored)
    summary.ignored_columns = ignored[:IGNORED_LISTED]


def audit_import(session: Session, actor: Actor, kind: KindSpec, path: Path, created: list, updated: list) -> None:
    if created or updated:
        audit.record(session, actor.username, "import", kind.entity, "", {
            "file": path.name, "kind": kind.name, "updated": updated,
            "created": [{"id": rid, "row": row, "key": key} for rid, row, key in created],  # a key tuple is a JSON list
        })


def combined(plans: list[ImportPlan], located: list[Located], skip: dict) -> ImportPlan:
    """The main kind's plan carrying its parts': rejections and warnings of all, each part's counts."""
    main = plans[0]
    summary = main.summary
    seen = {(summary.sheet, w.row, w.column, w.message) for w in summary.warnings}
    refused = {(summary.sheet, r.row, r.column, r.message) for r in summary.rejected}
    for plan in plans[1:]:
        part = plan.summary
        other = part.sheet != summary.sheet
        for r in part.rejected:  # a bad cell naming the enterprise is every part's: said once
            if (part.sheet, r.row, r.column, r.message) not in refused:
                refused.add((part.sheet, r.row, r.column, r.message))
                summary.rejected.append(replace(r, sheet=part.sheet) if other else r)
        for w in part.warnings:
            if (part.sheet, w.row, w.column, w.message) not in seen:
                seen.add((part.sheet, w.row, w.column, w.message))
                summary.warnings.append(replace(w, sheet=part.sheet) if other else w)
        summary.parts.append(part)
    read = {(at.sheet.name, " ".join(text.split())) for at in located[1:] for text in at.header.headers.values()}
    ignored = [text for text in summary.ignored_columns_all if (summary.sheet, " ".join(text.split())) not in read]
    note_ignored(summary, ignored)
    summary.rejected.sort(key=lambda r: (r.sheet != "", r.sheet, r.row, r.cell[1] if r.cell else -1))
    main.parts = plans[1:]
    main.located = located
    main.skip = skip
    return main
