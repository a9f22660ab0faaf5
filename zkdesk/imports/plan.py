"""What one import is made of, shared by its steps: a checked file (ImportPlan) and its rows
(ParsedRow), where each kind was found (Located), the match key, progress and cancelling."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from zkdesk.imports.cells import nfkc
from zkdesk.imports.headers import HeaderMatch
from zkdesk.imports.spec import KindSpec
from zkdesk.imports.summary import ImportSummary
from zkdesk.imports.workbook import SheetData
from zkdesk.services.errors import UserError

Progress = Callable[[int, int, str], None]
Cancel = Callable[[], bool]

PENDING = "待写入:"  # the id a part's row gives a record of the main kind the same import creates


class ImportCancelled(UserError):
    def __init__(self):
        super().__init__("已取消导入，数据库没有改动")



@dataclass(slots=True)
class ParsedRow:
    row: int  # Excel row number
    attrs: dict  # model attributes to set
    key: tuple  # the normalised match key
    extra: dict | None = None  # the kind's extras (values kept beside the record), if any



@dataclass
class Located:
    kind: KindSpec
    sheet: SheetData
    header: HeaderMatch



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


def noop_progress(_done: int, _total: int, _message: str) -> None:
    pass


def never() -> bool:
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
    return tuple(map(match_key, map(values.get, kind.match)))

