"""Reading a workbook with python-calamine (.xlsx, .xlsm, .xls, .xlsb, .ods).

Rows come back at their absolute positions (row 0 is Excel's row 1, column 0 is column A),
so a reason can name the cell the clerk sees, and an annotated copy keeps the layout.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import python_calamine

from zkdesk.services.errors import UserError

READABLE_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")


class UnreadableFile(UserError):
    """The file cannot be read at all (missing, not a spreadsheet, damaged, encrypted)."""


@dataclass
class SheetData:
    name: str
    rows: list[list]  # absolute positions; cells "" when empty
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)  # 0-based corners


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def read_sheets(path: Path | str) -> list[SheetData]:
    """Every visible worksheet of the file; raises UnreadableFile with a Chinese message."""
    path = Path(path)
    if not path.is_file():
        raise UnreadableFile(f"找不到文件：{path}")
    if path.suffix.lower() not in READABLE_SUFFIXES:
        raise UnreadableFile(f"不支持的文件类型“{path.suffix}”：请使用 Excel（.xlsx/.xls）或 WPS/LibreOffice（.ods）表格文件")
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
    sheets = []
    try:
        for meta in workbook.sheets_metadata:
            if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
                continue
            if meta.visible != python_calamine.SheetVisibleEnum.Visible:
                continue
            sheet = workbook.get_sheet_by_name(meta.name)
            merged = list(getattr(sheet, "merged_cell_ranges", None) or [])
            sheets.append(SheetData(meta.name, sheet.to_python(skip_empty_area=False), merged))
    except Exception as exc:
        raise UnreadableFile(f"无法读取文件“{path.name}”的工作表：{type(exc).__name__}") from None
    finally:
        workbook.close()
    if not sheets:
        raise UnreadableFile(f"文件“{path.name}”中没有可读取的工作表")
    return sheets
