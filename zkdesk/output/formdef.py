"""What a form definition (forms/*.toml) says, as typed, immutable values.

`formload` reads and checks the TOML; the renderers only ever see these objects.
"""

from __future__ import annotations

import string
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

KINDS = ("table", "record")  # a list with headers and totals / one record per form (审批表)
ORIENTATIONS = ("auto", "portrait", "landscape")
PERSONAL_MODES = ("mask", "official")  # official: the per-person form shows full ID/phone numbers
ALIGNS = ("left", "center", "right")
FORMATS = ("text", "int", "number", "decimal1", "decimal2", "rate", "date", "month", "yesno")
TOTAL_KINDS = ("sum", "count", "rate")
ONLY_SCOPES = ("county", "township")  # a column printed only for the county, or only for a township
SEQ_FIELD = "_seq"  # the 序号 column: numbered by the engine, not by the source

# Placeholders every title, line and footer may use, whatever the source.
STANDARD_PLACEHOLDERS = {
    "year": "年度",
    "org_name": "填报单位全称",
    "org_short_name": "填报单位简称",
    "org_code": "填报单位代码",
    "office_name": "本单位名称",
    "today": "今天的日期（2025年1月2日）",
    "user_name": "当前用户姓名",
}


def placeholders(template: str) -> list[str]:
    """The {names} used in a template (raises ValueError on a malformed brace)."""
    return [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]


@dataclass(frozen=True)
class Total:
    kind: str  # sum | count (non-empty / true values) | rate (100·Σnumerator/Σdenominator)
    numerator: str = ""
    denominator: str = ""


@dataclass(frozen=True)
class Column:
    header: tuple[str, ...]  # path from the top header row down, e.g. ("集体合同", "签订日期")
    field: str
    width: float  # mm before scaling to the page width
    align: str = "center"
    format: str = "text"
    total: Total | None = None
    only: str = ""  # "" (always) or one of ONLY_SCOPES

    def printed_for(self, county: bool) -> bool:
        return not self.only or self.only == ("county" if county else "township")


@dataclass(frozen=True)
class TableSpec:
    columns: tuple[Column, ...]
    group_by: str = ""  # a source field; rows with the same value form a group
    group_header: bool = False  # a full-width row naming the group before its rows
    subtotal: bool = False  # a subtotal row after each group
    subtotal_label: str = "{group}小计"
    total: bool = True
    total_label: str = "合计"
    font_size: float = 9.0
    header_font_size: float = 9.0
    empty_text: str = "（无数据）"

    @property
    def header_depth(self) -> int:
        return max(len(c.header) for c in self.columns)

    @property
    def has_totals(self) -> bool:
        return any(c.total for c in self.columns)


@dataclass(frozen=True)
class Cell:
    label: str
    field: str
    format: str = "text"
    weight: float = 1.0  # the value cells of a line share its width in proportion to their weights


@dataclass(frozen=True)
class Photo:
    field: str
    rows: int  # how many grid rows the photo box spans, from the top
    width: float  # mm
    text: str = "照片"


@dataclass(frozen=True)
class Section:
    """Long text under a label (主要事迹); continues onto the next pages when long."""

    label: str
    field: str
    min_height: float = 60.0  # mm


@dataclass(frozen=True)
class Opinion:
    """A review level's box: its opinion (if recorded), room for signature, stamp and date."""

    label: str
    field: str = ""
    height: float = 40.0  # mm
    signature: str = "负责人（签字）："
    stamp: str = "（盖章）"
    date: str = "年　　月　　日"


@dataclass(frozen=True)
class RecordSpec:
    rows: tuple[tuple[Cell, ...], ...]
    photo: Photo | None = None
    sections: tuple[Section, ...] = ()
    opinions: tuple[Opinion, ...] = ()
    label_width: float = 26.0
    row_height: float = 10.0
    font_size: float = 11.0

    @property
    def pairs(self) -> int:
        return max(len(r) for r in self.rows)


@dataclass(frozen=True)
class Cover:
    """A cover page on the GB/T 9704-2012 grid."""

    title: str
    lines: tuple[tuple[str, str], ...] = ()  # (label, value template) on underlined lines
    issuer: str = ""
    date: str = ""


@dataclass(frozen=True)
class Notice:
    """A notice page (填表说明) on the GB/T 9704-2012 grid: 22 lines of 28 characters."""

    title: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class FormDef:
    key: str  # the file name without .toml
    path: Path
    title: str
    kind: str
    source: str
    name: str = ""  # the form's name in lists, e.g. 劳动模范推荐人选汇总表 (title may carry placeholders)
    number: str = ""  # 表号
    authority: str = ""  # 制表机关
    subtitle: str = ""
    orientation: str = "auto"
    personal: str = "mask"
    order: int = 100
    description: str = ""
    title_size: float = 18.0
    left: str = ""  # the line above the table: 填报单位（盖章）…
    center: str = ""
    right: str = ""
    footer: tuple[str, ...] = ()  # 单位负责人 填表人 联系电话 填报日期 …
    notes: tuple[str, ...] = ()
    table: TableSpec | None = None
    record: RecordSpec | None = None
    cover: Cover | None = None
    notice: Notice | None = None
    fields_used: frozenset[str] = field(default=frozenset())

    @property
    def per_person(self) -> bool:
        return self.kind == "record"

    def for_org(self, county: bool) -> FormDef:
        """The form as printed for the county or for a township: without the other's columns."""
        if self.table is None or all(c.printed_for(county) for c in self.table.columns):
            return self
        columns = tuple(c for c in self.table.columns if c.printed_for(county))
        return replace(self, table=replace(self.table, columns=columns))

    def templates(self) -> Iterator[tuple[str, str]]:
        """Every text that may carry {placeholders}, with the key it came from."""
        for key in ("title", "subtitle", "left", "center", "right"):
            yield (f"form.{key}" if key in ("title", "subtitle") else f"lines.{key}"), getattr(self, key)
        for i, text in enumerate(self.footer, 1):
            yield f"lines.footer[{i}]", text
        for i, text in enumerate(self.notes, 1):
            yield f"lines.notes[{i}]", text
        if self.table:
            yield "table.subtotal_label", self.table.subtotal_label.replace("{group}", "")
        if self.cover:
            yield "cover.title", self.cover.title
            for i, (label, value) in enumerate(self.cover.lines, 1):
                yield f"cover.lines[{i}]", label + value
            yield "cover.issuer", self.cover.issuer
            yield "cover.date", self.cover.date
        if self.notice:
            yield "notice.title", self.notice.title
            for i, text in enumerate(self.notice.paragraphs, 1):
                yield f"notice.paragraphs[{i}]", text
