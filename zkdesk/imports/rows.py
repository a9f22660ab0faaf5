"""Checking and mapping rows: each data row's cells parsed and checked by its kind's columns
and rules into model attributes (ParsedRow), or the reasons it is refused, named by cell."""

from __future__ import annotations

from operator import itemgetter

from sqlalchemy import select
from sqlalchemy.orm import Session

from zkdesk.domain.cell_text import has_control, strip_control
from zkdesk.domain.orgcodes import is_county
from zkdesk.imports.cells import CellError, Warned, is_blank, nfkc, raw_text
from zkdesk.imports.headers import HeaderMatch
from zkdesk.imports.matching import existing_records
from zkdesk.imports.plan import (
    Cancel,
    ImportCancelled,
    ParsedRow,
    Progress,
    never,
    noop_progress,
    record_key,
)
from zkdesk.imports.spec import KindSpec, Lookups, RowError
from zkdesk.imports.summary import ImportSummary, Rejection
from zkdesk.imports.workbook import SheetData, column_letter
from zkdesk.services.actor import Actor
from zkdesk.store.models import OrgUnit

PROGRESS_EVERY = 500
_FOOTER_WORDS = ("合计", "总计", "小计", "填表人", "制表人", "审核人", "负责人", "填报人", "注：", "注:", "说明：")


def build_lookups(session: Session, kind: KindSpec, actor: Actor, pending: list | None = None,
                  shared: dict | None = None, registers: dict | None = None, parsed: dict | None = None) -> Lookups:
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
                      pending=pending or [], shared={} if shared is None else shared, parsed=parsed or {})
    existing: list[dict] = []  # loaded on first use (the enterprise kind never asks), once with `registers`

    def stored_record(values) -> dict | None:
        if not existing:
            existing.append(existing_records(session, kind, registers))
        records = existing[0]
        return records.get(record_key(kind, values)) if records else None  # an empty register: no key made

    lookups.stored_record = stored_record
    if kind.prepare:
        kind.prepare(session, lookups)
    return lookups


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


def _maybe_example(first: tuple[int, str], cells: list) -> bool:
    """False when the row's first example cell is text other than the example's."""
    index, expected = first
    cell = cells[index] if index < len(cells) else ""
    return cell.__class__ is not str or cell.strip() == expected


def _is_example(examples: list[tuple[int, str]], cells: list) -> bool:
    """The template's example row, left in by the clerk: skipped, not imported."""
    if len(examples) < 2:
        return False
    for index, expected in examples:
        cell = cells[index] if index < len(cells) else ""
        if (cell if cell.__class__ is str else raw_text(cell)).strip() != expected:
            return False
    return True


def _memory(parse, results: dict | None = None) -> dict | None:
    """Where a column's parser remembers its result (or its reason) for each distinct cell
    value: `results` when given (shared with other kinds), else a memory of its own when the
    parser's column repeats a few values (None: parsed every time). A text cell is remembered
    by its text, another by (class, value): 1, 1.0 and True are different cells."""
    if results is None and getattr(parse, "cacheable", False):
        return {}
    return results


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
    progress: Progress = noop_progress,
    cancel: Cancel = never,
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
    fields = [(col.key, index, text, col.parse, _memory(col.parse, lookups.parsed.get(col.parse)), col.required, col.blank)
              for col, index, text in columns]
    indexes = [index for _, index, _ in columns]
    last_index = max(indexes)
    pick = itemgetter(*indexes) if len(indexes) > 1 else (lambda cells: (cells[indexes[0]],))
    # the example row is told by its first example cell first: a text cell that differs is no example
    first_example = examples[0] if len(examples) >= 2 else None
    uncached = sheet.uncached
    parsed: list[ParsedRow] = []
    seen: dict[tuple, int] = {}
    mixed = False  # a row had a number, date or empty cell: test the text cells alone
    total = len(sheet.rows) - header.row - 1
    for offset, r in enumerate(range(header.row + 1, len(sheet.rows))):
        if offset % PROGRESS_EVERY == 0:
            if cancel():
                raise ImportCancelled()
            progress(offset, total, "正在检查数据")
        if skip_rows and r + 1 in skip_rows:
            continue
        cells = sheet.rows[r]
        used = pick(cells) if len(cells) > last_index else [cells[i] if i < len(cells) else "" for i in indexes]
        if mixed:  # the rows above had other cells than text: so will this one, likely
            printable = "".join([c for c in used if c.__class__ is str]).isprintable()
        else:
            try:
                printable = "".join(used).isprintable()  # one test for a row of text cells
            except TypeError:  # a number, date or empty cell among them
                mixed = True
                printable = "".join([c for c in used if c.__class__ is str]).isprintable()
        if not printable:
            used = _without_control(used, columns, r, summary)
        blanks = [c == "" or c is None or (c.__class__ is str and c.isspace()) for c in used]  # is_blank, inlined
        formulas = _uncached_at(uncached, r, indexes, blanks) if uncached else ()
        if all(blanks) and not formulas:
            continue
        if part and all(map(blanks.__getitem__, signal_at)) and not formulas:
            continue  # the roster row has nothing of this kind
        if required_at and any(map(blanks.__getitem__, required_at)) and _is_footer(cells):
            continue  # 合计 / 填表人 lines under the table
        if first_example is not None and _maybe_example(first_example, cells) and _is_example(examples, cells):
            summary.warnings.append(Rejection(r + 1, "", "这一行是模板中的示例，已跳过", None))
            continue
        values: dict = dict(part_defaults) if part_defaults else {}
        errors: list[Rejection] = []
        for (key, index, text, parse, memory, required, blank_value), raw, blank in zip(fields, used, blanks):
            if blank:
                if formulas and index in formulas:
                    errors.append(Rejection(r + 1, text, UNCACHED_FORMULA.format(row=r + 1, col=column_letter(index)), (r, index)))
                elif required:
                    errors.append(Rejection(r + 1, text, f"“{text}”必须填写", (r, index)))
                else:
                    values[key] = blank_value
                continue
            if memory is None:
                try:
                    value = parse(raw, lookups)
                except CellError as exc:
                    errors.append(Rejection(r + 1, text, str(exc), (r, index)))
                    continue
            else:  # (inlined: a call per cell was a tenth of checking a roster)
                cell = raw if raw.__class__ is str else (raw.__class__, raw)
                found = memory.get(cell)
                if found is None:
                    try:
                        found = (True, parse(raw, lookups))
                    except CellError as exc:
                        found = (False, str(exc))
                    memory[cell] = found
                if not found[0]:
                    errors.append(Rejection(r + 1, text, found[1], (r, index)))
                    continue
                value = found[1]
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
            if warned:
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
