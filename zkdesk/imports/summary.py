"""The import summary (after DHIS2's): new / updated / unchanged / rejected, row by row."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Rejection:
    row: int  # the row number as Excel shows it
    column: str  # the column's header text as written in the file
    message: str  # Chinese reason
    cell: tuple[int, int] | None = None  # 0-based (row, column) in the sheet, for the annotated copy
    sheet: str = ""  # set when it is not the import's main sheet (a roster's part on a sheet of its own)

    def to_json(self) -> dict:
        found = {"row": self.row, "column": self.column, "message": self.message}
        return found | {"sheet": self.sheet} if self.sheet else found


@dataclass
class ImportSummary:
    kind: str
    file: str
    dry_run: bool
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    warnings: list[Rejection] = field(default_factory=list)  # taken, but worth a look
    ignored_columns: list[str] = field(default_factory=list)  # the first few (report.IGNORED_LISTED)
    ignored_column_count: int = 0  # all of them
    sheet: str = ""
    header_row: int = 0  # as Excel shows it
    backup: str = ""  # the backup written before applying, if any
    parts: list[ImportSummary] = field(default_factory=list)  # a roster's other registers (their counts)
    ignored_columns_all: list[str] = field(default_factory=list, repr=False)  # before the parts took theirs

    @property
    def writes(self) -> int:
        """Records the import writes, its parts' included."""
        return self.new + self.updated + sum(part.writes for part in self.parts)

    @property
    def rejected_rows(self) -> int:
        return len({(r.sheet, r.row) for r in self.rejected})

    @property
    def accepted(self) -> int:
        return self.new + self.updated + self.unchanged

    def to_json(self) -> dict:
        return {
            "kind": self.kind,
            "file": self.file,
            "dry_run": self.dry_run,
            "new": self.new,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": [r.to_json() for r in self.rejected],
            "warnings": [w.to_json() for w in self.warnings],
            "ignored_columns": list(self.ignored_columns),
            "ignored_column_count": max(self.ignored_column_count, len(self.ignored_columns)),
            "sheet": self.sheet,
            "header_row": self.header_row,
        } | ({"parts": [part.part_json() for part in self.parts]} if self.parts else {})

    def part_json(self) -> dict:
        return {"kind": self.kind, "sheet": self.sheet, "header_row": self.header_row,
                "new": self.new, "updated": self.updated, "unchanged": self.unchanged}

    def ignored_text(self) -> str:
        """忽略了N列：甲、乙、丙…… (empty when no column was ignored)."""
        total = max(self.ignored_column_count, len(self.ignored_columns))
        if not total:
            return ""
        listed = "、".join(self.ignored_columns)
        return f"忽略了{total}列：{listed}" + ("等" if total > len(self.ignored_columns) else "")

    def headline(self) -> str:
        """One Chinese line: 新增 3 条，更新 1 条，无变化 5 条，拒绝 2 行."""
        if not self.parts:
            return (
                f"新增 {self.new} 条，更新 {self.updated} 条，无变化 {self.unchanged} 条，"
                f"拒绝 {self.rejected_rows} 行"
            )
        return "；".join(  # a roster: each register's counts, then the rows refused
            f"{part_label(s.kind)}：新增 {s.new} 条，更新 {s.updated} 条，无变化 {s.unchanged} 条" for s in (self, *self.parts)
        ) + f"；拒绝 {self.rejected_rows} 行"


def part_label(kind_name: str) -> str:
    from zkdesk.imports.kinds import get_kind

    return get_kind(kind_name).label
