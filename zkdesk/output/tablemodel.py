"""A table form laid out as cells: merged multi-level header, data, group, subtotal and
total rows. The PDF and the xlsx renderers both draw this one model, so they agree."""

from __future__ import annotations

from dataclasses import dataclass, field

from zkdesk.output.formatting import cell_value, format_value
from zkdesk.output.formdef import SEQ_FIELD, Column, TableSpec

Row = dict[str, object]


@dataclass(frozen=True)
class HeaderCell:
    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1


@dataclass
class BodyRow:
    kind: str  # data | group | subtotal | total | empty
    texts: list[str]
    values: list[object] = field(default_factory=list)  # typed, for the spreadsheet
    label_span: int = 1  # group/empty: whole row; subtotal/total: the label's leading cells


@dataclass
class TableModel:
    columns: tuple[Column, ...]
    header: list[HeaderCell]
    depth: int
    body: list[BodyRow]

    @property
    def data_rows(self) -> int:
        return sum(1 for r in self.body if r.kind == "data")


def header_cells(columns: tuple[Column, ...]) -> tuple[list[HeaderCell], int]:
    """Merge adjacent columns sharing a header prefix; a leaf above the bottom spans down."""
    depth = max(len(c.header) for c in columns)
    cells = []
    for level in range(depth):
        i = 0
        while i < len(columns):
            col = columns[i]
            if len(col.header) <= level:
                i += 1
                continue
            if len(col.header) == level + 1:
                cells.append(HeaderCell(col.header[level], level, i, rowspan=depth - level))
                i += 1
                continue
            prefix = col.header[: level + 1]
            j = i + 1
            while j < len(columns) and columns[j].header[: level + 1] == prefix and len(columns[j].header) > level + 1:
                j += 1
            cells.append(HeaderCell(col.header[level], level, i, colspan=j - i))
            i = j
    return cells, depth


def _groups(rows: list[Row], key: str) -> list[tuple[str, list[Row]]]:
    """Rows grouped by `key`, groups in order of first appearance."""
    if not key:
        return [("", rows)]
    groups: dict[str, list[Row]] = {}
    for row in rows:
        groups.setdefault(format_value(row.get(key)), []).append(row)
    return list(groups.items())


def _number(value: object) -> float:
    if isinstance(value, bool):
        return float(value)
    return float(value) if isinstance(value, (int, float)) else 0.0


def _total_format(col: Column) -> str:
    assert col.total is not None
    return {"rate": "rate", "count": "int"}.get(col.total.kind, col.format)


def _total_value(col: Column, rows: list[Row]) -> object:
    total = col.total
    assert total is not None
    if total.kind == "sum":
        return sum(_number(r.get(col.field)) for r in rows)
    if total.kind == "count":
        return sum(1 for r in rows if r.get(col.field) not in (None, "", False, 0))
    num = sum(_number(r.get(total.numerator)) for r in rows)
    den = sum(_number(r.get(total.denominator)) for r in rows)
    return None if not den else round(100.0 * num / den, 2)


def _totals(columns: tuple[Column, ...], rows: list[Row], label: str, kind: str = "total") -> BodyRow:
    """A total row over `rows`: the label fills the leading columns that have no total."""
    texts: list[str] = []
    values: list[object] = []
    for col in columns:
        if col.total is None:
            texts.append("")
            values.append("")
            continue
        value = _total_value(col, rows)
        texts.append(format_value(value, _total_format(col)))
        values.append(cell_value(value, _total_format(col)))
    span = next((i for i, c in enumerate(columns) if c.total is not None), len(columns)) or 1
    texts[0] = values[0] = label
    return BodyRow(kind, texts, values, label_span=span)


def build_table(spec: TableSpec, rows: list[Row]) -> TableModel:
    header, depth = header_cells(spec.columns)
    body: list[BodyRow] = []
    width = len(spec.columns)
    groups = _groups(rows, spec.group_by)
    several = len(groups) > 1
    seq = 0
    for name, members in groups:
        if spec.group_header and several:
            body.append(BodyRow("group", [name] + [""] * (width - 1), [name] + [""] * (width - 1), label_span=width))
        for row in members:
            seq += 1
            texts, values = [], []
            for col in spec.columns:
                raw = seq if col.field == SEQ_FIELD else row.get(col.field)
                texts.append(format_value(raw, col.format))
                values.append(raw if col.field == SEQ_FIELD else cell_value(raw, col.format))
            body.append(BodyRow("data", texts, values))
        if spec.subtotal and several and spec.has_totals:
            body.append(_totals(spec.columns, members, spec.subtotal_label.replace("{group}", name), "subtotal"))
    if not rows:
        body.append(BodyRow("empty", [spec.empty_text] + [""] * (width - 1), [spec.empty_text] + [""] * (width - 1), label_span=width))
    if spec.total and spec.has_totals:
        body.append(_totals(spec.columns, rows, spec.total_label))
    return TableModel(spec.columns, header, depth, body)
