"""Finding the header row and matching header names the way people write them.

"身份证号码", "公民身份号码 ", "*身份证号", "身份证号（18位）" and "身份证\n号码" all name the
same column: names are compared after removing spaces, line breaks, required-markers and
anything in brackets, with full-width characters folded to ordinary ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from zkdesk.imports.cells import is_blank, nfkc, raw_text

HEADER_SCAN_ROWS = 20

_BRACKETED = re.compile(r"[(\[【<《].*?[)\]】>》]")
_NOISE = re.compile(r"[\s*※★:：。.、_\-—/\\]+")


def header_key(name: object) -> str:
    if is_blank(name):
        return ""
    folded = nfkc(raw_text(name)).lower()
    folded = _BRACKETED.sub("", folded)
    return _NOISE.sub("", folded)


@dataclass
class HeaderMatch:
    """Where each column of a kind sits in the sheet."""

    row: int  # 0-based index of the header row
    columns: dict[str, int]  # column key -> 0-based column index
    headers: dict[str, str]  # column key -> the header text as written in the file
    ignored: list[str] = field(default_factory=list)  # headers of columns nobody reads
    duplicates: list[str] = field(default_factory=list)  # second columns naming a known one


def _match_row(cells: list, keys_of: dict[str, str]) -> HeaderMatch:
    match = HeaderMatch(row=-1, columns={}, headers={})
    for index, cell in enumerate(cells):
        key = keys_of.get(header_key(cell))
        if key is None:
            if not is_blank(cell):
                match.ignored.append(raw_text(cell).strip())
        elif key in match.columns:
            match.duplicates.append(raw_text(cell).strip())
        else:
            match.columns[key] = index
            match.headers[key] = " ".join(raw_text(cell).split())
    return match


def find_header(rows: list[list], names_by_key: dict[str, tuple[str, ...]], scan: int = HEADER_SCAN_ROWS) -> HeaderMatch | None:
    """The row among the first `scan` with the most known column names (at least two).

    `names_by_key` maps each column key to its header name and synonyms.
    """
    keys_of = {header_key(name): key for key, names in names_by_key.items() for name in names}
    best: HeaderMatch | None = None
    for index, cells in enumerate(rows[:scan]):
        match = _match_row(cells, keys_of)
        if len(match.columns) >= 2 and (best is None or len(match.columns) > len(best.columns)):
            match.row = index
            best = match
    return best
