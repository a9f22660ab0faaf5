"""Where each kind's table is in a workbook: the sheet and header row of the kind, and of the
parts a roster carries (its year figures, unions, contracts) on the same sheet or their own."""

from __future__ import annotations

from dataclasses import replace

from zkdesk.imports.headers import HeaderMatch, find_header
from zkdesk.imports.kinds import get_kind
from zkdesk.imports.plan import Located
from zkdesk.imports.spec import KindSpec
from zkdesk.imports.workbook import SheetData, UnreadableFile

NOT_DATA_SHEETS = {"填表说明", "说明", "代码表", "导入问题"}


def locate_header(kind: KindSpec, sheets: list[SheetData], file_name: str) -> tuple[SheetData, HeaderMatch]:
    names_by_key = {col.key: col.names for col in kind.columns}
    best: tuple[SheetData, HeaderMatch] | None = None
    for sheet in sheets:
        if sheet.name.strip() in NOT_DATA_SHEETS:
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


def as_part(kind: KindSpec) -> KindSpec:
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
        part = as_part(get_kind(name))
        names_by_key = {col.key: col.names for col in part.columns}
        best: tuple[SheetData, HeaderMatch] | None = None
        for candidate in sheets:
            if candidate.name.strip() in NOT_DATA_SHEETS:
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
