"""What a kind of import declares: its columns, the model it writes, and its match key.

A kind module (kinds/*.py) is small and declarative; the pipeline does the reading,
checking, matching and writing for every kind the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
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
    """A row that cannot be imported; `column` is the key of the column to blame.

    A register's rules may find several problems in one row: `problems` lists every
    (column key, message), the first being (`column`, message)."""

    def __init__(self, column: str, message: str, more: Iterable[tuple[str, str]] = ()):
        super().__init__(message)
        self.column = column
        self.problems = ((column, message), *more)

    @classmethod
    def of(cls, problems: list[tuple[str, str]]) -> RowError:
        (column, message), *more = problems
        return cls(column, message, more)


# resolve()'s third argument: (column key, message) pairs of warnings; the row is still imported.
Warnings = list[tuple[str, str]]


@dataclass
class Lookups:
    """What parsers and resolve() need from the database, loaded once per import."""

    office_code: str
    org_units: dict[str, tuple[str, str]]  # normalised code/name/short name -> (code, level)
    org_names: dict[str, str]  # code -> short name, for messages
    extra: dict[str, object] = field(default_factory=dict)  # a kind's own lookups
    session: Session | None = None  # for a register's service-level checks (small kinds only)
    actor: object = None  # the importing user (services.actor.Actor)
    # The stored record (column -> value) the values name by the kind's match key, or None.
    # resolve() checks a row that updates a record with the record's own values for the
    # columns the file does not have, as the form would show them.
    stored_record: Callable[[Mapping], Mapping | None] = lambda _values: None
    # Read as a part of another kind's import: that kind's records the import creates or
    # changes, (id, attributes), a new one's id a stand-in (plan.PENDING) until written.
    pending: list[tuple[str, dict]] = field(default_factory=list)
    # Read-only lookups the kinds of one roster share within one pass (the enterprise register
    # each part looks its rows' enterprises up in): loaded by the first, reused by the others.
    shared: dict[str, object] = field(default_factory=dict)
    # Column parsers' results remembered across the kinds of one roster's dry run (parser ->
    # {cell value: result}), for the parsers several of them use: the link columns repeat the
    # roster's own. A column parser's result depends on the cell and the org units only.
    parsed: dict[object, dict] = field(default_factory=dict)
    # The day the import checks dates against ("not later than today"), taken once for its rows.
    today: date = field(default_factory=date.today)


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
    # cells -> model attributes, checked by the register's own rules; raises RowError,
    # appends warnings to its third argument
    resolve: Callable[[dict, Lookups, Warnings], dict] | None = None
    prepare: Callable[[Session, Lookups], None] | None = None  # load the kind's lookups
    export_rows: Callable[[Session, str], list[dict]] | None = None  # register rows for export
    key: Callable[[Mapping], tuple] | None = None  # when the key is more than `match` values
    written_by: str = ""  # attribute stamped with the importing user's name on write
    # Values resolve() returns that are not columns of the model but travel with the record
    # (a studio's members, the enterprises a regional contract covers): load_extras gives the
    # stored ones by record id, write_extras stores a record's new ones.
    extras: tuple[str, ...] = ()
    load_extras: Callable[[Session, list[str]], dict[str, dict]] | None = None
    write_extras: Callable[[Session, str, str, dict], None] | None = None
    # A register rule about the record a row matches (None: a new record), given the row's
    # values, the changes it would make and the values of the file's rows accepted before it:
    # a RowError refuses the row.
    refuse: Callable[[Session, Mapping | None, dict, dict, list[dict]], RowError | None] | None = None
    after_update: Callable[[Session, object, dict], None] | None = None  # record, changes
    sort_note: str = ""  # one sentence for 填表说明: how rows are matched
    # Columns that only name the record a row belongs to (the enterprise of a year row): read
    # as a part of another kind's import, a row with nothing else filled in is not this kind's.
    link: tuple[str, ...] = ()
    # Kinds read from the same workbook after this one, in order, each from the sheet that has
    # its columns (the same roster sheet or a sheet of its own): an enterprise roster carries
    # the enterprises' year figures, unions and contracts. One row is one unit: a row refused
    # by any of them is written by none.
    parts: tuple[str, ...] = ()
    # Read as a part: required columns a roster may leave out, with the value they then take.
    part_defaults: Mapping[str, object] = field(default_factory=dict)

    def column(self, key: str) -> Column:
        for col in self.columns:
            if col.key == key:
                return col
        raise KeyError(key)

    @property
    def required(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.required)
