"""Helpers the import tests share: a dry run, its rejections and warnings as tuples, and the
records an applied import left."""

from __future__ import annotations

from sqlalchemy import select

from zkdesk.imports.pipeline import apply_plan, check_file


def dry_run(db, actor, kind: str, path):
    with db.session() as s:
        return check_file(s, actor, kind, path)


def rejected(plan) -> list[tuple]:
    return [(r.row, r.column, r.message) for r in plan.summary.rejected]


def warnings(plan) -> list[tuple]:
    return [(w.row, w.column, w.message) for w in plan.summary.warnings]


def counts(summary) -> tuple[int, int, int]:
    return summary.new, summary.updated, summary.unchanged


def apply_and_read(db, actor, plan, model, key: str) -> dict:
    """Apply the plan, then the live records of `model` by the attribute `key` (detached)."""
    apply_plan(db, actor, plan)
    with db.session() as s:
        records = {getattr(r, key): r for r in s.scalars(select(model)) if not r.deleted}
        s.expunge_all()
    return records
