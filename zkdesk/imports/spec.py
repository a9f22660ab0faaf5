"""What a kind of import declares: its columns, the model it writes, and its match key.

A kind module (kinds/*.py) is small and declarative; the pipeline does the reading,
checking, matching and writing for every kind the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

Parser = Callable[[object, "Lookups"], object]

# The templates' example row says so in its note column; such a row is skipped on import.
EXAMPLE_NOTE = "示例行，导入时自动跳过"


@dataclass(frozen=True)
class Column:
    key: str  # the model attribute it fills (or a name the kind's resolve() uses)
    header: str  # the header written in templates and exports
    parse: Parser
    required: bool = False
    synonyms: tuple[str, ...] = ()
    note: str = ""  # for the 填表说明 sheet
    example: object = ""
    fmt: str = "text"  # text | date | bool | int | number: how templates and exports format it
    personal: str = ""  # "id_number" | "phone": masked on export without VIEW_PERSONAL
    width: int = 14
    blank: object = ""  # the value an empty cell stands for
    stored: bool = True  # False: read by resolve() only, not a column of the model

    @property
    def names(self) -> tuple[str, ...]:
        return (self.header, *self.synonyms)

    @property
    def options(self) -> tuple[str, ...]:
        if self.fmt == "bool":
            return ("是", "否")
        return getattr(self.parse, "options", ())


class RowError(ValueError):
    """A row that cannot be imported; `column` is the key of the column to blame."""

    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column = column


@dataclass
class Lookups:
    """What parsers and resolve() need from the database, loaded once per import."""

    office_code: str
    org_units: dict[str, tuple[str, str]]  # normalised code/name/short name -> (code, level)
    org_names: dict[str, str]  # code -> short name, for messages
    extra: dict[str, object] = field(default_factory=dict)  # a kind's own lookups


@dataclass(frozen=True)
class KindSpec:
    name: str  # the CLI name: enterprises, contracts, nominations, studios, indicator-values
    label: str  # Chinese name for titles and messages
    entity: str  # audit trail entity name
    model: type
    columns: tuple[Column, ...]
    match: tuple[str, ...]  # model attributes that name one record (the re-import key)
    scope: str  # attribute holding the township/org code: origin of new rows, office scope
    key_column: str  # column blamed when the match key repeats within the file
    resolve: Callable[[dict, Lookups], dict] | None = None  # cells -> model attributes
    prepare: Callable[[Session, Lookups], None] | None = None  # load the kind's lookups
    export_rows: Callable[[Session, str], list[dict]] | None = None  # register rows for export
    key: Callable[[Mapping], tuple] | None = None  # when the key is more than `match` values
    written_by: str = ""  # attribute stamped with the importing user's name on write
    sort_note: str = ""  # one sentence for 填表说明: how rows are matched

    def column(self, key: str) -> Column:
        for col in self.columns:
            if col.key == key:
                return col
        raise KeyError(key)

    @property
    def required(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.required)
