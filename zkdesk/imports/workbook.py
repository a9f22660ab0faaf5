"""Reading a workbook with python-calamine (.xlsx, .xlsm, .xls, .xlsb, .ods).

Rows come back at their absolute positions (row 0 is Excel's row 1, column 0 is column A),
so a reason can name the cell the clerk sees, and an annotated copy keeps the layout.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import iterparse

import python_calamine

from zkdesk.services.errors import UserError

READABLE_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
HEADER_ROOM = 20  # title and header rows a sheet may have above its data (headers.HEADER_SCAN_ROWS)


class UnreadableFile(UserError):
    """The file cannot be read at all (missing, not a spreadsheet, damaged, encrypted)."""


@dataclass
class SheetData:
    name: str
    rows: list[list]  # absolute positions; cells "" when empty
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)  # 0-based corners
    # (row, column) of formula cells saved without a calculated value (calamine reads them empty)
    uncached: frozenset[tuple[int, int]] = frozenset()


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")
_CELL_REF = re.compile(r"([A-Z]+)([0-9]+)")


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet name -> its part in the package (xl/worksheets/sheet1.xml)."""
    rels = {}
    for _event, el in iterparse(zf.open("xl/_rels/workbook.xml.rels")):
        if el.tag == f"{_PKG_REL}Relationship":
            target = el.get("Target", "")
            rels[el.get("Id")] = target.lstrip("/") if target.startswith("/") else "xl/" + target
    parts = {}
    for _event, el in iterparse(zf.open("xl/workbook.xml")):
        if el.tag == f"{_MAIN}sheet" and el.get(f"{_REL}id") in rels:
            parts[el.get("name")] = rels[el.get(f"{_REL}id")]
    return parts


_ROW_NUMBER = re.compile(rb"""<(?:\w+:)?row\b[^>]*?\sr=["'](\d+)""")


@dataclass
class SheetScan:
    """What one pass over a worksheet's XML tells without building it."""

    formula: bool = False  # it has a formula somewhere
    last_row: int = 0  # the number (1-based) of its last row element; 0 when it has none


def _last_row_number(text: bytes) -> int:
    """The r attribute of the last complete row element in `text` (0: none found)."""
    at = len(text)
    for _try in range(8):  # past a <rowBreaks> or a tag cut off at the chunk's end
        at = max(text.rfind(b"<row", 0, at), text.rfind(b":row", 0, at))
        if at < 0:
            return 0
        start = at if text[at] == ord("<") else text.rfind(b"<", 0, at)
        if start >= 0 and (number := _ROW_NUMBER.match(text, start)):
            return int(number[1])
    return 0


def _scan(stream) -> SheetScan:
    """One pass over a worksheet part's bytes, a chunk at a time (memory stays at a chunk)."""
    found = SheetScan()
    tail = b""
    counted = 0  # row elements, for a file whose rows carry no numbers (r is optional)
    while chunk := stream.read(1 << 20):
        text = tail + chunk
        if not found.formula and (b"<f" in text or b":f" in text) and _FORMULA_TAG.search(text):  # the plain finds first
            found.formula = True
        counted += (tail[-3:] + chunk).count(b"<row")
        found.last_row = max(found.last_row, _last_row_number(text))
        tail = text[-512:]
    found.last_row = max(found.last_row, counted)
    return found


def scan_sheets(path: Path) -> dict[str, SheetScan]:
    """For an .xlsx/.xlsm file: per worksheet, whether it has formulas and how far its rows
    reach, read from the package without building the sheet; {} when it cannot be read so
    (calamine will say what is wrong)."""
    scans: dict[str, SheetScan] = {}
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            for name, part in _sheet_parts(zf).items():
                if part in names:
                    with zf.open(part) as stream:
                        scans[name] = _scan(stream)
    except (zipfile.BadZipFile, KeyError, OSError, SyntaxError, RuntimeError, ValueError):
        return {}
    return scans


def _column_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index - 1


def uncached_formulas(path: Path, names: list[str]) -> dict[str, frozenset[tuple[int, int]]]:
    """For an .xlsx/.xlsm file: per sheet, the cells holding a formula without a saved result
    (written by a program that does not calculate, or saved with calculation off). `names`:
    the sheets that have formulas (scan_sheets); nothing else is parsed."""
    found: dict[str, frozenset[tuple[int, int]]] = {}
    try:
        with zipfile.ZipFile(path) as zf:
            parts = _sheet_parts(zf)
            for name in names:
                part = parts.get(name)
                if part is None or part not in zf.namelist():
                    continue
                cells: set[tuple[int, int]] = set()
                with zf.open(part) as stream:
                    formula = value = False
                    for event, el in iterparse(stream, events=("start", "end")):
                        tag = el.tag.rsplit("}", 1)[-1]
                        if event == "start":
                            if tag == "c":
                                formula = value = False
                            continue
                        if tag == "f":
                            formula = True
                        elif tag == "v":
                            value = bool(el.text) or "v"  # an empty <v> is a result only for text
                        elif tag == "c":
                            if formula and value is not True and (ref := _CELL_REF.fullmatch(el.get("r", ""))):
                                if not (value == "v" and el.get("t") == "str"):  # "" is a formula's text result
                                    cells.add((int(ref[2]) - 1, _column_index(ref[1])))
                        elif tag == "row":
                            el.clear()
                if cells:
                    found[name] = frozenset(cells)
    except (zipfile.BadZipFile, KeyError, OSError, SyntaxError):
        return {}  # calamine read it: leave the check out rather than refuse the file
    return found


class TooManyRows(UnreadableFile):
    """A sheet longer than the import row limit (setting import_row_limit)."""


def too_many_rows(sheet: str, rows: int, limit: int, what: str = "行数据") -> TooManyRows:
    return TooManyRows(
        f"工作表“{sheet}”有{rows}{what}，超过了导入行数上限{limit}行：请把表格拆分成几个文件分别导入"
        "（上限可由管理员在 系统设置 →“导入表格的最大行数” 中调整）；数据库没有改动"
    )


# .xls, .xlsb and .ods sheets cannot be scanned before calamine builds them whole (in memory,
# then as Python objects): such a file is refused by its size first. 30 MB on disk is more than
# an .xls can hold of a register (65,536 rows of 16 columns are about 19 MB) and many times
# a county's register of a few thousand enterprises; an .ods (or .xlsb) is compressed, so its
# unpacked content counts too (a 60,000-row .ods of 16 columns unpacks to about 95 MB).
WHOLE_READ_SUFFIXES = (".xls", ".xlsb", ".ods")
WHOLE_READ_LIMIT_MB = 30
UNPACKED_LIMIT_MB = 200  # about 125,000 such rows: the row limit (100,000 by default) is the one met first
_MB = 1 << 20


class TooLargeFile(UnreadableFile):
    """An .xls/.xlsb/.ods file over the size its whole reading may have."""


def _unpacked_size(path: Path) -> int:
    """What a zipped workbook's parts declare they unpack to (0 for a file that is no zip)."""
    try:
        with zipfile.ZipFile(path) as zf:
            return sum(info.file_size for info in zf.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return 0  # calamine will say what is wrong with it


def refuse_oversized(path: Path) -> None:
    """Raise TooLargeFile for an .xls/.xlsb/.ods file larger than a real register (see above),
    before anything of it is read."""
    suffix = path.suffix.lower()
    if suffix not in WHOLE_READ_SUFFIXES:
        return
    advice = "请在Excel或WPS中把它另存为.xlsx文件（.xlsx可以先检查行数再读取），或拆分成几个文件分别导入；数据库没有改动"
    size = path.stat().st_size
    if size > WHOLE_READ_LIMIT_MB * _MB:
        raise TooLargeFile(
            f"文件“{path.name}”有{size / _MB:.1f} MB，超过了{suffix}文件导入的大小上限{WHOLE_READ_LIMIT_MB} MB"
            f"（{suffix}文件要整个读入内存，一个单位的名册远小于此）：{advice}"
        )
    if suffix != ".xls" and (unpacked := _unpacked_size(path)) > UNPACKED_LIMIT_MB * _MB:
        raise TooLargeFile(
            f"文件“{path.name}”解压后有{unpacked / _MB:.1f} MB，超过了{suffix}文件导入的上限{UNPACKED_LIMIT_MB} MB"
            f"（{suffix}文件要整个读入内存，一个单位的名册远小于此）：{advice}"
        )


def read_sheets(path: Path | str, row_limit: int | None = None) -> list[SheetData]:
    """Every visible worksheet of the file; raises UnreadableFile with a Chinese message.

    `row_limit`: a sheet with more rows than this (plus room for title and header rows) is
    refused before its cells become Python objects, so a million-row sheet costs only what
    calamine holds of it; an .xlsx's before calamine reads it. An .xls/.xlsb/.ods file is read
    whole: one larger than a register can be is refused by its size first (refuse_oversized)."""
    path = Path(path)
    if not path.is_file():
        raise UnreadableFile(f"找不到文件：{path}")
    if path.suffix.lower() not in READABLE_SUFFIXES:
        raise UnreadableFile(f"不支持的文件类型“{path.suffix}”：请使用 Excel（.xlsx/.xls）或 WPS/LibreOffice（.ods）表格文件")
    refuse_oversized(path)
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    except python_calamine.PasswordError:
        raise UnreadableFile(f"文件“{path.name}”设置了打开密码，请先在Excel中取消密码后另存") from None
    except OSError as exc:
        raise UnreadableFile(
            f"无法打开文件“{path.name}”：{exc.strerror or exc}（若文件正在Excel或WPS中打开，请先关闭）"
        ) from None
    except Exception as exc:  # calamine raises several types for damaged or foreign files
        raise UnreadableFile(f"无法读取文件“{path.name}”：文件已损坏或不是表格文件（{type(exc).__name__}）") from None
    scans = scan_sheets(path) if path.suffix.lower() in (".xlsx", ".xlsm") else {}
    sheets = []
    try:
        for meta in workbook.sheets_metadata:
            if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
                continue
            if meta.visible != python_calamine.SheetVisibleEnum.Visible:
                continue
            scan = scans.get(meta.name)
            if row_limit is not None and scan is not None and scan.last_row > row_limit + HEADER_ROOM:
                raise too_many_rows(meta.name, scan.last_row, row_limit, "行")  # before calamine reads it whole
            sheet = workbook.get_sheet_by_name(meta.name)  # .xls, .ods: read whole, refused before Python has it
            end = sheet.end
            if row_limit is not None and end is not None and end[0] + 1 > row_limit + HEADER_ROOM:
                raise too_many_rows(meta.name, end[0] + 1, row_limit, "行")
            merged = list(getattr(sheet, "merged_cell_ranges", None) or [])
            sheets.append(SheetData(meta.name, sheet.to_python(skip_empty_area=False), merged))
    except UnreadableFile:
        raise
    except Exception as exc:
        raise UnreadableFile(f"无法读取文件“{path.name}”的工作表：{type(exc).__name__}") from None
    finally:
        workbook.close()
    if not sheets:
        raise UnreadableFile(f"文件“{path.name}”中没有可读取的工作表")
    with_formulas = [s.name for s in sheets if s.name not in scans or scans[s.name].formula]
    if path.suffix.lower() in (".xlsx", ".xlsm") and with_formulas:
        uncached = uncached_formulas(path, with_formulas)
        for sheet in sheets:
            sheet.uncached = uncached.get(sheet.name, frozenset())
    return sheets
