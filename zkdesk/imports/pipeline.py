"""Dry run, then apply: the same steps for every kind.

  check_file()  read the workbook, find the header, parse and check each row, match each
                accepted row against the database: a summary, nothing written.
  apply_plan()  back the database up, then match again and write every accepted row in ONE
                transaction (all or none), with one audit entry listing every change.
Both report progress through a callback and stop when `cancel()` turns true.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from operator import itemgetter
from pathlib import Path

from sqlalchemy import Boolean, select
from sqlalchemy.orm import Session

from zkdesk.domain.cell_text import has_control, strip_control
from zkdesk.domain.orgcodes import is_county
from zkdesk.domain.roles import Permission
from zkdesk.imports.cells import CellError, Warned, is_blank, nfkc, raw_text
from zkdesk.imports.headers import HeaderMatch, find_header
from zkdesk.imports.kinds import get_kind
from zkdesk.imports.spec import KindSpec, Lookups, RowError
from zkdesk.imports.summary import ImportSummary, Rejection
from zkdesk.imports.workbook import SheetData, UnreadableFile, column_letter, read_sheets, too_many_rows
from zkdesk.services import audit, settings
from zkdesk.services.actor import Actor
from zkdesk.services.errors import UserError
from zkdesk.store.dumps import backup_into
from zkdesk.store.base import utcnow
from zkdesk.store.engine import LONG_WAIT_MS, Database
from zkdesk.store.models import OrgUnit
from zkdesk.store.writer_lock import long_write
from zkdesk.store.sealed import keyed_hashes

Progress = Callable[[int, int, str], None]
Cancel = Callable[[], bool]

PROGRESS_EVERY = 500
IGNORED_LISTED = 10  # ignored columns named in a summary; the rest are counted
WRITE_CHUNK = 2000
_NOT_DATA_SHEETS = {"填表说明", "说明", "代码表", "导入问题"}
_FOOTER_WORDS = ("合计", "总计", "小计", "填表人", "制表人", "审核人", "负责人", "填报人", "注：", "注:", "说明：")


class ImportCancelled(UserError):
    def __init__(self):
        super().__init__("已取消导入，数据库没有改动")


@dataclass
class ParsedRow:
    row: int  # Excel row number
    attrs: dict  # model attributes to set
    key: tuple  # the normalised match key
    extra: dict | None = None  # the kind's extras (values kept beside the record), if any


@dataclass
class ImportPlan:
    """A checked file: what the dry run found, kept for applying after the user confirms."""

    kind: KindSpec
    path: Path
    sheet: SheetData
    header: HeaderMatch
    rows: list[ParsedRow]
    summary: ImportSummary
    # a kind with parts (an enterprise roster): the parts' plans, where each kind was found
    # (the main kind first) and the rows one kind refused that the others leave out
    parts: list[ImportPlan] = field(default_factory=list)
    located: list = field(default_factory=list)
    skip: dict = field(default_factory=dict)


def _noop_progress(_done: int, _total: int, _message: str) -> None:
    pass


def _never() -> bool:
    return False


def match_key(value: object) -> object:
    """Keys compare without spaces, case or full-width differences."""
    if value.__class__ is str:
        if not value.isascii():  # ASCII text is its own NFKC form
            value = nfkc(value)
        return "".join(value.split()).upper()
    if isinstance(value, str):
        return "".join(nfkc(value).split()).upper()
    return value


def record_key(kind: KindSpec, values) -> tuple:
    if kind.key:
        return tuple(map(match_key, kind.key(values)))
    get = values.get
    return tuple([match_key(get(f)) for f in kind.match])


# ---- lookups --------------------------------------------------------------------------

def build_lookups(session: Session, kind: KindSpec, actor: Actor, pending: list | None = None,
                  shared: dict | None = None) -> Lookups:
    org_units: dict[str, tuple[str, str]] = {}
    names: dict[str, str] = {}
    short_forms: dict[str, list[tuple[str, str]]] = {}
    for unit in session.scalars(select(OrgUnit).where(OrgUnit.active.is_(True))):
        entry = (unit.code, unit.level)
        names[unit.code] = unit.short_name
        for text in (unit.code, unit.name, unit.short_name, unit.name.removesuffix("总工会")):
            org_units["".join(nfkc(text).split())] = entry
        # 南伞 for 南伞镇, when no other unit shortens to the same word
        short_forms.setdefault(unit.short_name.rstrip("镇乡县"), []).append(entry)
    for short, entries in short_forms.items():
        if len(entries) == 1 and short:
            org_units.setdefault(short, entries[0])
    lookups = Lookups(office_code=actor.office_code, org_units=org_units, org_names=names, session=session, actor=actor,
                      pending=pending or [], shared={} if shared is None else shared)
    existing: list[dict] = []  # loaded on first use: the enterprise kind never asks

    def stored_record(values) -> dict | None:
        if not existing:
            existing.append(_existing(session, kind))
        return existing[0].get(record_key(kind, values))

    lookups.stored_record = stored_record
    if kind.prepare:
        kind.prepare(session, lookups)
    return lookups


# ---- locating the header ----------------------------------------------------------------

def locate_header(kind: KindSpec, sheets: list[SheetData], file_name: str) -> tuple[SheetData, HeaderMatch]:
    names_by_key = {col.key: col.names for col in kind.columns}
    best: tuple[SheetData, HeaderMatch] | None = None
    for sheet in sheets:
        if sheet.name.strip() in _NOT_DATA_SHEETS:
            continue
        match = find_header(sheet.rows, names_by_key)
        if match and (best is None or len(match.columns) > len(best[1].columns)):
            best = (sheet, match)
    required = "、".join(f"“{c.header}”" for c in kind.required)
    if best is None:
        raise UnreadableFile(f"在“{file_name}”的前20行中没有找到{kind.label}的表头（应包含{required}等列）")
    missing = [c.header for c in kind.required if c.key not in best[1].columns]
    if missing:
        raise UnreadableFile(
            f"“{file_name}”工作表“{best[0].name}”第{best[1].row + 1}行的表头缺少必填列："
            + "、".join(f"“{m}”" for m in missing)
        )
    return best


# ---- parsing rows -------------------------------------------------------------------------

def blame(kind: KindSpec, header: HeaderMatch, r: int, column: str, message: str) -> Rejection:
    """A problem of sheet row `r` (0-based) about the column keyed `column`, as the file names it."""
    index = header.columns.get(column)
    text = header.headers.get(column) or (kind.column(column).header if column else "")
    return Rejection(r + 1, text, message, (r, index) if index is not None else None)


def _is_footer(cells: list) -> bool:
    filled = [c for c in cells if not is_blank(c)]
    return len(filled) <= 2 and bool(filled) and raw_text(filled[0]).strip().startswith(_FOOTER_WORDS)


def _example_cells(kind: KindSpec, header: HeaderMatch) -> list[tuple[int, str]]:
    return [
        (header.columns[col.key], raw_text(col.example))
        for col in kind.columns
        if col.key in header.columns and col.example not in ("", None)
    ]


def _is_example(examples: list[tuple[int, str]], cells: list) -> bool:
    """The template's example row, left in by the clerk: skipped, not imported."""
    if len(examples) < 2:
        return False
    for index, expected in examples:
        cell = cells[index] if index < len(cells) else ""
        if (cell if cell.__class__ is str else raw_text(cell)).strip() != expected:
            return False
    return True


def _remembering(parse):
    """A parser that remembers the result (or the reason) for each distinct cell value."""
    if not getattr(parse, "cacheable", False):
        return parse
    results: dict = {}

    def remembered(raw, lookups):
        key = (raw.__class__, raw)
        found = results.get(key)
        if found is None:
            try:
                found = (True, parse(raw, lookups))
            except CellError as exc:
                found = (False, str(exc))
            results[key] = found
        if found[0]:
            return found[1]
        raise CellError(found[1])

    return remembered


UNCACHED_FORMULA = "第{row}行{col}列是公式，但文件里没有保存计算结果，请在Excel中打开并保存后再导入"


def _uncached_at(uncached: frozenset, r: int, indexes: list[int], blanks: list[bool]) -> set[int]:
    """Column indexes of the row's cells read empty that are formulas without a saved result."""
    return {index for index, blank in zip(indexes, blanks) if blank and (r, index) in uncached}


def _without_control(used: list, columns: list, r: int, summary: ImportSummary) -> list:
    """The row's cells without control characters (a workbook cannot carry them), each
    stripped cell reported as a warning naming its row and column."""
    cleaned = []
    for raw, (_col, index, text) in zip(used, columns):
        if raw.__class__ is str and has_control(raw):
            raw = strip_control(raw)
            summary.warnings.append(Rejection(r + 1, text, "单元格中的不可见控制字符已删除，请核对内容", (r, index)))
        cleaned.append(raw)
    return cleaned


def parse_rows(
    kind: KindSpec,
    sheet: SheetData,
    header: HeaderMatch,
    lookups: Lookups,
    summary: ImportSummary,
    progress: Progress = _noop_progress,
    cancel: Cancel = _never,
    skip_rows: frozenset[int] = frozenset(),
    part: bool = False,
) -> list[ParsedRow]:
    """Parse and check every data row; rejected cells go into summary.rejected.

    `skip_rows`: Excel row numbers another kind of the same import refused (a row is one
    unit). `part`: read as a part of another kind's import: a row filling in none of this
    kind's own columns (only the ones naming its record, kind.link) is not this kind's."""
    columns = [(col, header.columns[col.key], header.headers[col.key]) for col in kind.columns if col.key in header.columns]
    key_header = header.headers.get(kind.key_column, kind.column(kind.key_column).header)
    key_index = header.columns.get(kind.key_column)
    restrict_to = None if is_county(lookups.office_code) or not lookups.office_code else lookups.office_code
    scope_col = next((c for c in columns if c[0].key == kind.scope), None)
    stored = set(kind.model.__table__.columns.keys())
    examples = _example_cells(kind, header)
    required_at = [i for i, (col, _, _) in enumerate(columns) if col.required]
    signal_at = [i for i, (col, _, _) in enumerate(columns) if col.key not in kind.link] if part else []
    part_defaults = kind.part_defaults if part else {}  # also for a column the roster does not have
    fields = [(col.key, index, text, _remembering(col.parse), col.required, col.blank) for col, index, text in columns]
    indexes = [index for _, index, _ in columns]
    last_index = max(indexes)
    uncached = sheet.uncached
    parsed: list[ParsedRow] = []
    seen: dict[tuple, int] = {}
    total = len(sheet.rows) - header.row - 1
    for offset, r in enumerate(range(header.row + 1, len(sheet.rows))):
        if offset % PROGRESS_EVERY == 0:
            if cancel():
                raise ImportCancelled()
            progress(offset, total, "正在检查数据")
        if skip_rows and r + 1 in skip_rows:
            continue
        cells = sheet.rows[r]
        used = [cells[i] for i in indexes] if len(cells) > last_index else [cells[i] if i < len(cells) else "" for i in indexes]
        try:
            printable = "".join(used).isprintable()  # one test for a row of text cells
        except TypeError:  # a number, date or empty cell among them
            printable = all(c.__class__ is not str or c.isprintable() for c in used)
        if not printable:
            used = _without_control(used, columns, r, summary)
        blanks = [c == "" or c is None or (c.__class__ is str and c.isspace()) for c in used]  # is_blank, inlined
        formulas = _uncached_at(uncached, r, indexes, blanks) if uncached else ()
        if all(blanks) and not formulas:
            continue
        if part and all(blanks[i] for i in signal_at) and not formulas:
            continue  # the roster row has nothing of this kind
        if any(blanks[i] for i in required_at) and _is_footer(cells):
            continue  # 合计 / 填表人 lines under the table
        if _is_example(examples, cells):
            summary.warnings.append(Rejection(r + 1, "", "这一行是模板中的示例，已跳过", None))
            continue
        values: dict = dict(part_defaults)
        errors: list[Rejection] = []
        for (key, index, text, parse, required, blank_value), raw, blank in zip(fields, used, blanks):
            if blank:
                if formulas and index in formulas:
                    errors.append(Rejection(r + 1, text, UNCACHED_FORMULA.format(row=r + 1, col=column_letter(index)), (r, index)))
                elif required:
                    errors.append(Rejection(r + 1, text, f"“{text}”必须填写", (r, index)))
                else:
                    values[key] = blank_value
                continue
            try:
                value = parse(raw, lookups)
            except CellError as exc:
                errors.append(Rejection(r + 1, text, str(exc), (r, index)))
                continue
            if value.__class__ is Warned:
                summary.warnings.append(Rejection(r + 1, text, value.message, (r, index)))
                value = value.value
            values[key] = value
        if errors:
            summary.rejected.extend(errors)
            continue
        if kind.resolve:
            warned: list[tuple[str, str]] = []
            try:
                attrs = kind.resolve(values, lookups, warned)
            except RowError as exc:
                summary.rejected.extend(blame(kind, header, r, column, message) for column, message in exc.problems)
                continue
            summary.warnings.extend(blame(kind, header, r, column, message) for column, message in warned)
        else:
            attrs = values
        extra = None
        if not stored.issuperset(attrs):
            if kind.extras:
                extra = {name: attrs[name] for name in kind.extras if name in attrs} or None
            attrs = {name: value for name, value in attrs.items() if name in stored}
        if restrict_to and attrs.get(kind.scope) != restrict_to:
            where = scope_col[2] if scope_col else key_header
            cell = (r, scope_col[1]) if scope_col else None
            mine = lookups.org_names.get(restrict_to, restrict_to)
            summary.rejected.append(Rejection(r + 1, where, f"本单位（{mine}）只能导入本乡镇的数据", cell))
            continue
        key = record_key(kind, attrs)
        if key in seen:
            cell = (r, key_index) if key_index is not None else None
            summary.rejected.append(Rejection(r + 1, key_header, f"与第{seen[key]}行重复（同一条记录出现两次）", cell))
            continue
        seen[key] = r + 1
        parsed.append(ParsedRow(r + 1, attrs, key, extra))
    progress(total, total, "检查完毕")
    return parsed


# ---- matching and writing -----------------------------------------------------------------

@dataclass
class Decision:
    new: list[ParsedRow]
    updated: list[tuple[ParsedRow, str, dict]]  # row, record id, {attr: (old, new)}
    unchanged: int
    refused: list[tuple[ParsedRow, RowError]] = field(default_factory=list)  # by the register's rules


def _existing(session: Session, kind: KindSpec) -> dict[tuple, dict]:
    """Every record of the kind by match key; a live record wins over a tombstone."""
    table = kind.model.__table__
    found: dict[tuple, dict] = {}
    for row in session.execute(select(table)).mappings():
        key = record_key(kind, row)
        if key not in found or (found[key]["deleted"] and not row["deleted"]):
            found[key] = dict(row)
    return found


def decide(session: Session, kind: KindSpec, rows: list[ParsedRow]) -> Decision:
    existing = _existing(session, kind)
    decision = Decision([], [], 0)
    stored_extras: dict[str, dict] = {}
    if kind.extras:
        matched = [existing[row.key]["id"] for row in rows if row.extra and row.key in existing]
        stored_extras = kind.load_extras(session, matched) if matched else {}
    accepted: list[dict] = []  # earlier rows of the file that will be written (or stay as they are)
    for row in rows:
        current = existing.get(row.key)
        values = row.attrs | row.extra if row.extra else row.attrs
        if row.attrs.get("deleted") is True and (current is None or current["deleted"]):
            decision.unchanged += 1  # no such record, and the row says there is none
            continue
        if current is None:
            refusal = kind.refuse(session, None, values, {}, accepted) if kind.refuse else None
            if refusal is not None:
                decision.refused.append((row, refusal))
            else:
                decision.new.append(row)
                accepted.append(values)
            continue
        changes = {
            name: (current[name], value)
            for name, value in row.attrs.items()
            if name in current and name != "origin" and current[name] != value
        }
        if row.extra:
            before = stored_extras.get(current["id"], {})
            changes.update((name, (before.get(name), value)) for name, value in row.extra.items() if before.get(name) != value)
        if current["deleted"] and "deleted" not in row.attrs:
            changes["deleted"] = (True, False)  # imported again: the record comes back
        refusal = kind.refuse(session, current, values, changes, accepted) if kind.refuse else None
        if refusal is not None:
            decision.refused.append((row, refusal))
            continue
        accepted.append(values)
        if changes:
            decision.updated.append((row, current["id"], changes))
        else:
            decision.unchanged += 1
    return decision


def new_ids(count: int) -> list[str]:
    """`count` random (version 4) UUIDs as str(uuid.uuid4()) writes them, made in one go:
    one uuid4() call per row was a tenth of a large import."""
    raw = bytearray(os.urandom(16 * count))
    ids = []
    for i in range(0, 16 * count, 16):
        raw[i + 6] = (raw[i + 6] & 0x0F) | 0x40  # version 4
        raw[i + 8] = (raw[i + 8] & 0x3F) | 0x80  # RFC 4122 variant
        h = raw[i : i + 16].hex()
        ids.append(f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}")
    return ids


def _insert_chunk(session: Session, kind: KindSpec, values: list[dict]) -> None:
    """One executemany on the session's connection, inside its transaction.

    The ORM's per-row bookkeeping cost more than SQLite's own work for tens of thousands of
    rows; new records need none of it (no flush hook applies to an insert). Column defaults
    and type conversions (dates, times) are applied here as SQLAlchemy would.
    """
    connection = session.connection()
    dialect = connection.dialect
    table = kind.model.__table__
    if dialect.paramstyle != "qmark":  # another database (a city office's server): the general way
        connection.execute(table.insert(), values)
        return
    columns = list(table.columns)
    now = utcnow()
    base: dict = {}
    converters: list[tuple[str, object]] = []
    for column in columns:
        process = None if isinstance(column.type, Boolean) else column.type.bind_processor(dialect)
        default = column.default
        if column.key == "updated_at":
            value = now  # one timestamp for the whole import
        elif default is None:
            value = None
        elif default.is_callable:
            value = default.arg(None)
        else:
            value = default.arg
        base[column.key] = process(value) if process is not None and value is not None else value
        if process is not None:
            converters.append((column.key, process))
    pick = itemgetter(*(c.key for c in columns))
    rows = []
    for attrs in values:
        merged = {**base, **keyed_hashes(connection, table.name, attrs)}
        for key, process in converters:
            if key in attrs and attrs[key] is not None:
                merged[key] = process(attrs[key])
        rows.append(pick(merged))
    names = ", ".join(dialect.identifier_preparer.quote(c.name) for c in columns)
    marks = ", ".join(["?"] * len(columns))
    connection.exec_driver_sql(f"INSERT INTO {table.name} ({names}) VALUES ({marks})", rows)


def _update_chunk(session: Session, kind: KindSpec, chunk: list[tuple[ParsedRow, str, dict]]) -> None:
    model = kind.model
    records = {r.id: r for r in session.scalars(select(model).where(model.id.in_([rid for _, rid, _ in chunk])))}
    for _row, rid, changes in chunk:
        record = records[rid]
        extra = {}
        for name, (_old, new) in changes.items():
            if name in kind.extras:
                extra[name] = new
            else:
                setattr(record, name, new)
        if extra:
            kind.write_extras(session, rid, record.origin, extra)
        if kind.after_update:
            kind.after_update(session, record, changes)
    session.flush()  # the before_flush hook bumps revision and updated_at


def _write(session: Session, actor: Actor, kind: KindSpec, decision: Decision, progress: Progress, cancel: Cancel) -> tuple[list, list]:
    if kind.written_by:
        for _row, _rid, changes in decision.updated:
            changes[kind.written_by] = (None, actor.username)
    total = len(decision.new) + len(decision.updated)
    done = 0
    created = []
    for start in range(0, len(decision.new), WRITE_CHUNK):
        if cancel():
            raise ImportCancelled()
        values = []
        stamp = {kind.written_by: actor.username} if kind.written_by else {}
        chunk = decision.new[start : start + WRITE_CHUNK]
        for row, record_id in zip(chunk, new_ids(len(chunk))):
            values.append({"origin": row.attrs[kind.scope], **row.attrs, "id": record_id, **stamp})
            created.append((record_id, row.row, row.key))
        _insert_chunk(session, kind, values)
        if kind.write_extras:
            for row, record in zip(chunk, values):
                if row.extra:
                    kind.write_extras(session, record["id"], record["origin"], row.extra)
        done += len(values)
        progress(done, total, "正在写入")
    updated = []
    for start in range(0, len(decision.updated), WRITE_CHUNK):
        if cancel():
            raise ImportCancelled()
        chunk = decision.updated[start : start + WRITE_CHUNK]
        _update_chunk(session, kind, chunk)
        for row, rid, changes in chunk:
            updated.append({
                "id": rid, "row": row.row,
                "old": {k: v[0] for k, v in changes.items()}, "new": {k: v[1] for k, v in changes.items()},
            })
        done += len(chunk)
        progress(done, total, "正在写入")
    return created, updated


# ---- parts: the registers a roster carries besides its own ----------------------------------

@dataclass
class Located:
    kind: KindSpec
    sheet: SheetData
    header: HeaderMatch


MAX_ROUNDS = 6  # rows refused by one kind are taken out of the others: at most this many passes


def _as_part(kind: KindSpec) -> KindSpec:
    """The kind as a roster's part reads it: required columns with a part default become optional."""
    if not kind.part_defaults:
        return kind
    columns = tuple(
        replace(col, required=False, blank=kind.part_defaults[col.key]) if col.key in kind.part_defaults else col
        for col in kind.columns
    )
    return replace(kind, columns=columns)


def locate_parts(kind: KindSpec, sheet: SheetData, header: HeaderMatch, sheets: list[SheetData]) -> list[Located]:
    """The parts of `kind` the workbook has: each from the sheet holding its own columns (a
    column the kind itself or an earlier part reads is not read again, except the columns
    naming the record)."""
    claimed: dict[str, set[int]] = {sheet.name: set(header.columns.values())}
    found = []
    for name in kind.parts:
        part = _as_part(get_kind(name))
        names_by_key = {col.key: col.names for col in part.columns}
        best: tuple[SheetData, HeaderMatch] | None = None
        for candidate in sheets:
            if candidate.name.strip() in _NOT_DATA_SHEETS:
                continue
            match = find_header(candidate.rows, names_by_key)
            if match is None:
                continue
            taken = claimed.get(candidate.name, set())
            for key, index in list(match.columns.items()):
                if index in taken and key not in part.link:
                    del match.columns[key], match.headers[key]
            own = [key for key in match.columns if key not in part.link]
            if not own or any(col.key not in match.columns for col in part.required):
                continue
            if best is None or len(match.columns) > len(best[1].columns):
                best = (candidate, match)
        if best is not None:
            claimed.setdefault(best[0].name, set()).update(best[1].columns.values())
            found.append(Located(part, *best))
    return found


@dataclass
class _Stage:
    plan: ImportPlan
    decision: Decision


PENDING = "待写入:"  # the id a part's row gives a record of the main kind the same import creates


def _pending(decision: Decision) -> list[tuple[str, dict]]:
    """The main kind's records as the import leaves them, for its parts' lookups: new ones under
    a stand-in id (PENDING + row number) that applying replaces with the record's id."""
    return ([(f"{PENDING}{row.row}", row.attrs) for row in decision.new]
            + [(rid, row.attrs) for row, rid, _changes in decision.updated])


def _stage(session: Session, actor: Actor, at: Located, path: Path, skip: dict, part: bool,
           progress: Progress, cancel: Cancel, pending: list | None = None, shared: dict | None = None) -> _Stage:
    """One kind's rows of one sheet: parsed, checked and matched against the session's data
    (a part's, also against the main kind's `pending` records)."""
    kind, sheet, header = at.kind, at.sheet, at.header
    summary = ImportSummary(kind=kind.name, file=path.name, dry_run=True, sheet=sheet.name, header_row=header.row + 1)
    skip_rows = frozenset(row for name, row in skip if name == sheet.name)
    lookups = build_lookups(session, kind, actor, pending or [], shared)
    rows = parse_rows(kind, sheet, header, lookups, summary, progress, cancel, skip_rows, part)
    progress(0, 0, "正在与已有数据比对")
    decision = decide(session, kind, rows)
    if decision.refused:
        refused = {id(row) for row, _ in decision.refused}
        rows = [row for row in rows if id(row) not in refused]
        for row, exc in decision.refused:
            summary.rejected.extend(blame(kind, header, row.row - 1, column, message) for column, message in exc.problems)
    summary.new, summary.updated, summary.unchanged = len(decision.new), len(decision.updated), decision.unchanged
    summary.rejected.sort(key=lambda r: (r.row, r.cell[1] if r.cell else -1))
    return _Stage(ImportPlan(kind, path, sheet, header, rows, summary), decision)


def _audit(session: Session, actor: Actor, kind: KindSpec, path: Path, created: list, updated: list) -> None:
    if created or updated:
        audit.record(session, actor.username, "import", kind.entity, "", {
            "file": path.name, "kind": kind.name, "updated": updated,
            "created": [{"id": rid, "row": row, "key": key} for rid, row, key in created],  # a key tuple is a JSON list
        })


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


def _combined(stages: list[_Stage], located: list[Located], skip: dict) -> ImportPlan:
    """The main kind's plan carrying its parts': rejections and warnings of all, each part's counts."""
    main = stages[0].plan
    summary = main.summary
    seen = {(summary.sheet, w.row, w.column, w.message) for w in summary.warnings}
    refused = {(summary.sheet, r.row, r.column, r.message) for r in summary.rejected}
    for stage in stages[1:]:
        part = stage.plan.summary
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
    summary.ignored_column_count = len(ignored)
    summary.ignored_columns = ignored[:IGNORED_LISTED]
    summary.rejected.sort(key=lambda r: (r.sheet != "", r.sheet, r.row, r.cell[1] if r.cell else -1))
    main.parts = [stage.plan for stage in stages[1:]]
    main.located = located
    main.skip = skip
    return main


def _check_with_parts(session: Session, actor: Actor, located: list[Located], path: Path, ignored: list[str],
                      progress: Progress, cancel: Cancel) -> ImportPlan:
    """The dry run of a roster with parts: the main kind first, then each part, which finds the
    main kind's new and changed records among the register's (nothing is written); rows one
    kind refuses are taken out of the others, keeping that kind's reasons."""
    skip: dict[tuple[str, int], None] = {}
    carried: dict[str, list[Rejection]] = {}
    for _round in range(MAX_ROUNDS):
        main = _stage(session, actor, located[0], path, skip, False, progress, cancel)
        pending = _pending(main.decision)
        # a row the main kind refused is not read by the parts: its reason is said already
        refused = skip | dict.fromkeys((main.plan.sheet.name, r.row) for r in main.plan.summary.rejected)
        shared: dict = {}  # the parts' common lookups, as this pass's main records leave the register
        stages = [main] + [_stage(session, actor, at, path, refused, True, progress, cancel, pending, shared)
                           for at in located[1:]]
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
    return _combined(stages, located, skip)


def _with_ids(kind: KindSpec, rows: list[ParsedRow], ids: dict[str, str]) -> list[ParsedRow]:
    """A part's rows with the stand-in ids of records the import just created replaced by
    theirs; UserError when one of them was not created (the data changed since the dry run)."""

    def real(value):
        if value.__class__ is str and value.startswith(PENDING):
            if value not in ids:
                raise UserError(f"检查文件后数据已有变化，第{value.removeprefix(PENDING)}行的记录现在不是新增，"
                                "请重新检查文件；数据库没有改动")
            return ids[value]
        if value.__class__ is list:
            return sorted(real(v) for v in value)
        return value

    out = []
    for row in rows:
        attrs = row.attrs
        named = [k for k, v in attrs.items() if (v.__class__ is str and v.startswith(PENDING))
                 or (v.__class__ is list and any(i.__class__ is str and i.startswith(PENDING) for i in v))]
        if not named and not row.extra:
            out.append(row)
            continue
        attrs = dict(attrs)
        for k in named:
            attrs[k] = real(attrs[k])
        extra = {k: real(v) for k, v in row.extra.items()} if row.extra else row.extra
        out.append(ParsedRow(row.row, attrs, record_key(kind, attrs), extra))
    return out


def _apply_with_parts(db: Database, actor: Actor, plan: ImportPlan, summary: ImportSummary,
                      progress: Progress, cancel: Cancel) -> ImportSummary:
    """The main kind's rows, then each part's, in one transaction: the parts' rows as the dry
    run read them, naming the records just created by their ids. Matched again inside the
    transaction: a row that cannot be written now means the data changed, and nothing is kept."""
    with db.session(wait_ms=LONG_WAIT_MS) as session:
        ids: dict[str, str] = {}
        for index, current in enumerate((plan, *plan.parts)):
            kind = current.kind
            rows = current.rows if index == 0 else _with_ids(kind, current.rows, ids)
            decision = decide(session, kind, rows)
            if decision.refused:
                row, exc = decision.refused[0]
                raise UserError(f"检查文件后数据已有变化，工作表“{current.sheet.name}”第{row.row}行现在不能导入"
                                f"（{exc}），请重新检查文件；数据库没有改动")
            created, updated = _write(session, actor, kind, decision, progress, cancel)
            _audit(session, actor, kind, plan.path, created, updated)
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
    progress: Progress = _noop_progress,
    cancel: Cancel = _never,
) -> ImportPlan:
    """The dry run: everything is checked and matched, nothing is written."""
    actor.require(Permission.EDIT)
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
    summary = stage.plan.summary
    summary.ignored_column_count = len(ignored)
    summary.ignored_columns = ignored[:IGNORED_LISTED]
    return stage.plan


def apply_plan(
    db: Database,
    actor: Actor,
    plan: ImportPlan,
    backups_dir: Path | None = None,
    progress: Progress = _noop_progress,
    cancel: Cancel = _never,
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
    with long_write(db):  # one long writer per data directory: the backup and the write together
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
        created, updated = _write(session, actor, kind, decision, progress, cancel)
        _audit(session, actor, kind, plan.path, created, updated)
        if cancel():
            raise ImportCancelled()
    summary.new, summary.updated, summary.unchanged = len(decision.new), len(decision.updated), decision.unchanged
    return summary
