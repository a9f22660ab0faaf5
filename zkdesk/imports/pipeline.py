"""Dry run, then apply: the same steps for every kind.

  check_file()  read the workbook, find the header, parse and check each row, match each
                accepted row against the database: a summary, nothing written.
  apply_plan()  back the database up, then match again and write every accepted row in ONE
                transaction (all or none), with one audit entry listing every change.
Both report progress through a callback and stop when `cancel()` turns true.

The steps live in modules of their own: plan.py (what a checked file is), locate.py (where
each kind's table is), rows.py (checking and mapping rows), matching.py (against the
register), writing.py (the chunks written), report.py (summaries and the audit entry).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy.orm import Session

from zkdesk.domain.roles import Permission
from zkdesk.imports.kinds import get_kind
from zkdesk.imports.locate import locate_header, locate_parts
from zkdesk.imports.matching import Decision, decide
from zkdesk.imports.plan import (  # noqa: F401  (ImportCancelled, ParsedRow: imported from here by callers)
    PENDING,
    Cancel,
    ImportCancelled,
    ImportPlan,
    Located,
    ParsedRow,
    Progress,
    never,
    noop_progress,
)
from zkdesk.imports.report import audit_import, combined, note_ignored
from zkdesk.imports.rows import blame, build_lookups, parse_rows
from zkdesk.imports.summary import ImportSummary, Rejection
from zkdesk.imports.workbook import read_sheets, too_many_rows
from zkdesk.imports.writing import with_ids, write_rows
from zkdesk.services import settings
from zkdesk.services.actor import Actor
from zkdesk.services.errors import UserError
from zkdesk.store.bulk import paused_gc
from zkdesk.store.dumps import backup_into
from zkdesk.store.engine import LONG_WAIT_MS, Database
from zkdesk.store.writer_lock import long_write

MAX_ROUNDS = 6  # rows refused by one kind are taken out of the others: at most this many passes


# ---- one kind's rows, and a roster's parts ---------------------------------------------------

@dataclass
class _Stage:
    plan: ImportPlan
    decision: Decision


def _pending(decision: Decision) -> list[tuple[str, dict]]:
    """The main kind's records as the import leaves them, for its parts' lookups: new ones under
    a stand-in id (PENDING + row number) that applying replaces with the record's id."""
    return ([(f"{PENDING}{row.row}", row.attrs) for row in decision.new]
            + [(rid, row.attrs) for row, rid, _changes in decision.updated])


def _stage(session: Session, actor: Actor, at: Located, path: Path, skip: dict, part: bool,
           progress: Progress, cancel: Cancel, pending: list | None = None, shared: dict | None = None,
           registers: dict | None = None, parsed: dict | None = None) -> _Stage:
    """One kind's rows of one sheet: parsed, checked and matched against the session's data
    (a part's, also against the main kind's `pending` records). `registers`: the records each
    kind's register holds, read once for the whole dry run (matching.existing_records)."""
    registers = {} if registers is None else registers
    kind, sheet, header = at.kind, at.sheet, at.header
    summary = ImportSummary(kind=kind.name, file=path.name, dry_run=True, sheet=sheet.name, header_row=header.row + 1)
    skip_rows = frozenset(row for name, row in skip if name == sheet.name)
    lookups = build_lookups(session, kind, actor, pending or [], shared, registers, parsed)
    rows = parse_rows(kind, sheet, header, lookups, summary, progress, cancel, skip_rows, part)
    progress(0, 0, "正在与已有数据比对")
    decision = decide(session, kind, rows, registers)
    if decision.refused:
        refused = {id(row) for row, _ in decision.refused}
        rows = [row for row in rows if id(row) not in refused]
        for row, exc in decision.refused:
            summary.rejected.extend(blame(kind, header, row.row - 1, column, message) for column, message in exc.problems)
    summary.new, summary.updated, summary.unchanged = len(decision.new), len(decision.updated), decision.unchanged
    summary.rejected.sort(key=lambda r: (r.row, r.cell[1] if r.cell else -1))
    return _Stage(ImportPlan(kind, path, sheet, header, rows, summary), decision)


def _newly_refused(stages: list[_Stage]) -> set[tuple[str, int]]:
    """(sheet, row) of rows one kind refused that another kind reading the same sheet took:
    the next pass leaves them out of every kind, keeping the refusing kinds' reasons."""
    refused_by: dict[tuple[str, int], set[str]] = {}
    for stage in stages:
        for item in stage.plan.summary.rejected:
            refused_by.setdefault((stage.plan.sheet.name, item.row), set()).add(stage.plan.kind.name)
    more: set[tuple[str, int]] = set()
    if not refused_by:
        return more
    for stage in stages:
        name, sheet = stage.plan.kind.name, stage.plan.sheet.name
        for row in stage.plan.rows:
            kinds = refused_by.get((sheet, row.row))
            if kinds and (len(kinds) > 1 or name not in kinds):
                more.add((sheet, row.row))
    return more


def _shared_parsers(located: list[Located]) -> dict[object, dict]:
    """The column parsers more than one kind of a roster reads cells with, each with an empty
    memory of results (Lookups.parsed): a roster's parts parse the enterprise's code and name
    again on every row."""
    users: dict[object, int] = {}
    for at in located:
        for parse in {col.parse for col in at.kind.columns if col.key in at.header.columns}:
            users[parse] = users.get(parse, 0) + 1
    return {parse: {} for parse, count in users.items() if count > 1}


def _check_with_parts(session: Session, actor: Actor, located: list[Located], path: Path, ignored: list[str],
                      progress: Progress, cancel: Cancel) -> ImportPlan:
    """The dry run of a roster with parts: the main kind first, then each part, which finds the
    main kind's new and changed records among the register's (nothing is written); rows one
    kind refuses are taken out of the others, keeping that kind's reasons."""
    skip: dict[tuple[str, int], None] = {}
    carried: dict[str, list[Rejection]] = {}
    registers: dict = {}  # nothing is written in a dry run: each register is read once for every pass
    parsed = _shared_parsers(located)
    for _round in range(MAX_ROUNDS):
        main = _stage(session, actor, located[0], path, skip, False, progress, cancel, registers=registers, parsed=parsed)
        pending = _pending(main.decision)
        # a row the main kind refused is not read by the parts: its reason is said already
        refused = skip | dict.fromkeys((main.plan.sheet.name, r.row) for r in main.plan.summary.rejected)
        shared: dict = {}  # the parts' common lookups, as this pass's main records leave the register
        stages = [main] + [_stage(session, actor, at, path, refused, True, progress, cancel, pending, shared, registers,
                                  parsed) for at in located[1:]]
        more = _newly_refused(stages)
        if not more:
            break
        for stage in stages:
            name = stage.plan.sheet.name
            carried.setdefault(stage.plan.kind.name, []).extend(
                r for r in stage.plan.summary.rejected if (name, r.row) in more)
        skip.update(dict.fromkeys(more))
    for stage in stages:
        summary = stage.plan.summary
        summary.rejected.extend(carried.get(stage.plan.kind.name, ()))
        summary.rejected.sort(key=lambda r: (r.row, r.cell[1] if r.cell else -1))
    stages[0].plan.summary.ignored_columns_all = ignored
    return combined([stage.plan for stage in stages], located, skip)


def _apply_with_parts(db: Database, actor: Actor, plan: ImportPlan, summary: ImportSummary,
                      progress: Progress, cancel: Cancel) -> ImportSummary:
    """The main kind's rows, then each part's, in one transaction: the parts' rows as the dry
    run read them, naming the records just created by their ids. Matched again inside the
    transaction: a row that cannot be written now means the data changed, and nothing is kept."""
    with db.session(wait_ms=LONG_WAIT_MS) as session:
        ids: dict[str, str] = {}
        for index, current in enumerate((plan, *plan.parts)):
            kind = current.kind
            rows = current.rows if index == 0 else with_ids(kind, current.rows, ids)
            decision = decide(session, kind, rows)
            if decision.refused:
                row, exc = decision.refused[0]
                raise UserError(f"检查文件后数据已有变化，工作表“{current.sheet.name}”第{row.row}行现在不能导入"
                                f"（{exc}），请重新检查文件；数据库没有改动")
            created, updated = write_rows(session, actor, kind, decision, progress, cancel)
            audit_import(session, actor, kind, plan.path, created, updated)
            if index == 0:
                ids = {f"{PENDING}{row}": rid for rid, row, _key in created}
                summary.new, summary.updated, summary.unchanged = len(decision.new), len(decision.updated), decision.unchanged
            else:
                done = replace(current.summary, dry_run=False, rejected=[], warnings=[])
                done.new, done.updated, done.unchanged = len(decision.new), len(decision.updated), decision.unchanged
                summary.parts.append(done)
        if cancel():
            raise ImportCancelled()
    return summary


# ---- the two entry points -----------------------------------------------------------------

def check_file(
    session: Session,
    actor: Actor,
    kind_name: str,
    path: Path | str,
    progress: Progress = noop_progress,
    cancel: Cancel = never,
) -> ImportPlan:
    """The dry run: everything is checked and matched, nothing is written."""
    actor.require(Permission.EDIT)
    with paused_gc():  # (store/bulk.py: tens of thousands of short-lived dicts, no cycles)
        return _check_file(session, actor, kind_name, path, progress, cancel)


def _check_file(session: Session, actor: Actor, kind_name: str, path: Path | str, progress: Progress,
                cancel: Cancel) -> ImportPlan:
    kind = get_kind(kind_name)
    path = Path(path)
    progress(0, 0, "正在读取文件")
    row_limit = settings.value(session, "import_row_limit")
    sheets = read_sheets(path, row_limit)
    if cancel():
        raise ImportCancelled()
    sheet, header = locate_header(kind, sheets, path.name)
    located = [Located(kind, sheet, header), *locate_parts(kind, sheet, header, sheets)] if kind.parts else []
    for at in located or [Located(kind, sheet, header)]:
        data_rows = len(at.sheet.rows) - at.header.row - 1
        if data_rows > row_limit:
            raise too_many_rows(at.sheet.name, data_rows, row_limit)
    ignored = header.ignored + [f"{name}（重复的列）" for name in header.duplicates]
    if len(located) > 1:
        return _check_with_parts(session, actor, located, path, ignored, progress, cancel)
    stage = _stage(session, actor, Located(kind, sheet, header), path, {}, False, progress, cancel)
    note_ignored(stage.plan.summary, ignored)
    return stage.plan


def apply_plan(
    db: Database,
    actor: Actor,
    plan: ImportPlan,
    backups_dir: Path | None = None,
    progress: Progress = noop_progress,
    cancel: Cancel = never,
) -> ImportSummary:
    """Write every accepted row in one transaction; on any error nothing is kept.

    Matching is done again inside the transaction, so a change made since the dry run is
    seen. The database is backed up first when there is something to write.
    """
    actor.require(Permission.EDIT)
    kind = plan.kind
    summary = ImportSummary(
        kind=kind.name, file=plan.summary.file, dry_run=False, rejected=list(plan.summary.rejected),
        warnings=list(plan.summary.warnings), ignored_columns=list(plan.summary.ignored_columns),
        ignored_column_count=plan.summary.ignored_column_count,
        sheet=plan.summary.sheet, header_row=plan.summary.header_row,
    )
    with long_write(db), paused_gc():  # one long writer per data directory: the backup and the write together
        return _backup_and_write(db, actor, plan, backups_dir, progress, cancel, summary)


def _backup_and_write(db: Database, actor: Actor, plan: ImportPlan, backups_dir: Path | None, progress: Progress,
                      cancel: Cancel, summary: ImportSummary) -> ImportSummary:
    kind = plan.kind
    if backups_dir is not None and plan.summary.writes:
        progress(0, 0, "正在备份数据库")
        # named like every other backup, so 备份与恢复 lists it and rotation keeps it tidy
        summary.backup = str(backup_into(db, Path(backups_dir), "import"))
    if plan.parts:
        return _apply_with_parts(db, actor, plan, summary, progress, cancel)
    with db.session(wait_ms=LONG_WAIT_MS) as session:
        decision = decide(session, kind, plan.rows)
        if decision.refused:  # the database changed since the dry run: check the file again
            row, exc = decision.refused[0]
            raise UserError(f"检查文件后数据已有变化，第{row.row}行现在不能导入（{exc}），请重新检查文件；数据库没有改动")
        created, updated = write_rows(session, actor, kind, decision, progress, cancel)
        audit_import(session, actor, kind, plan.path, created, updated)
        if cancel():
            raise ImportCancelled()
    summary.new, summary.updated, summary.unchanged = len(decision.new), len(decision.updated), decision.unchanged
    return summary
