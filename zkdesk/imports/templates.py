"""A blank template per kind: header row, an example row, drop-down lists for coded columns,
text-formatted code columns (so Excel keeps every digit), and a 填表说明 sheet."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from zkdesk.imports.headers import header_key
from zkdesk.imports.kinds import get_kind
from zkdesk.imports.spec import Column, KindSpec
from zkdesk.output.xlsx_cells import put
from zkdesk.output.xlsx_export import display_width, fit_to_width

TEMPLATE_ROWS = 2000  # rows given drop-down lists and formats
CODE_SHEET = "代码表"
NOTES_SHEET = "填表说明"

GENERAL_NOTES = (
    "表头可以不在第一行（上面可以有标题行）；列的顺序不限，表中多出的列会被忽略并在导入结果中列出。",
    "列名写法可略有不同，如“身份证号”“身份证号码”“公民身份号码”都可识别。",
    "日期可写成 2023-05-01、2023.5.1、2023/5/1、2023年5月1日，或使用Excel日期格式。",
    "是/否可写成 是/否、√/×、Y/N、有/无。数字可带千分位逗号或全角数字。",
    "身份证号码、统一社会信用代码请设为“文本”格式（本模板已设好），否则Excel会把18位号码的后几位变成0，这样的行会被拒绝。",
    "表中有的列以表中内容为准（空白即清空该项）；表中没有的列，已有记录的该项不会改动。",
    "导入前先预览：显示将新增、更新、无变化和被拒绝的行数，确认后才写入；被拒绝的行可以保存为批注副本，在Excel中改正后再次导入。",
    "同一文件重复导入不会产生重复记录。第2行是示例（备注中注明），导入时会自动跳过，可以删除。",
)


def _options(column: Column, townships: list[str], county: str) -> tuple[str, ...]:
    levels = getattr(column.parse, "org_levels", None)
    if levels:
        return tuple(([county] if "county" in levels else []) + townships)
    return column.options


def _header_note(column: Column) -> str:
    return column.note or ("必填" if column.required else "")


def template_columns(kind: KindSpec) -> tuple[Column, ...]:
    """The kind's columns, then its parts' (a roster's year figures, union, contract) that
    are not there already: one sheet carries every register the import reads."""
    columns = list(kind.columns)
    taken = {header_key(name) for col in columns for name in col.names}
    for name in kind.parts:
        part = get_kind(name)
        for col in part.columns:
            if col.key in ("enterprise_uscc", "enterprise_name") or header_key(col.header) in taken:
                continue  # the enterprise's own columns name it
            if col.key in part.part_defaults:
                col = replace(col, required=False, blank=part.part_defaults[col.key],
                              note=(col.note + "；" if col.note else "") + f"空白按“{part.part_defaults[col.key]}”")
            columns.append(col)
            taken.update(header_key(n) for n in col.names)
    return tuple(columns)


def write_template(kind_name: str, path: Path | str, townships: list[str], county: str = "镇康县") -> Path:
    """Write the template for `kind_name`; `townships` are the names offered in drop-downs."""
    kind: KindSpec = get_kind(kind_name)
    columns = template_columns(kind)
    path = Path(path)
    wb = Workbook()
    ws = wb.active
    ws.title = kind.label
    codes = wb.create_sheet(CODE_SHEET)
    codes.sheet_state = "hidden"
    notes = wb.create_sheet(NOTES_SHEET)

    code_col = 0
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        head = put(ws, 1, index, column.header)
        head.font = Font(bold=True, color="C00000" if column.required else "000000")
        head.fill = PatternFill("solid", fgColor="DCE6F1")
        head.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        example = put(ws, 2, index, column.example if column.example != "" else None)
        example.font = Font(italic=True, color="808080")
        ws.column_dimensions[letter].width = column.width + 2
        number_format = {"date": "yyyy-mm-dd", "int": "0", "number": "General"}.get(column.fmt, "@")
        ws.column_dimensions[letter].number_format = number_format
        example.number_format = number_format
        options = _options(column, townships, county)
        if options:
            code_col += 1
            code_letter = get_column_letter(code_col)
            put(codes, 1, code_col, column.header)
            for r, option in enumerate(options, start=2):
                put(codes, r, code_col, option)
            source = f"'{CODE_SHEET}'!${code_letter}$2:${code_letter}${len(options) + 1}"
            rule = DataValidation(type="list", formula1=source, allow_blank=not column.required, showDropDown=False)
            rule.error = f"请从下拉列表中选择“{column.header}”"
            rule.errorTitle = "输入值无效"
            if getattr(column.parse, "open_ended", False):  # the list suggests; other text is allowed
                rule.errorStyle = "information"
                rule.error = f"“{column.header}”通常从下拉列表中选择，也可填写其他内容"
            rule.showErrorMessage = column.fmt != "bool" and not getattr(column.parse, "org_levels", None)
            rule.add(f"{letter}2:{letter}{TEMPLATE_ROWS}")
            ws.add_data_validation(rule)
    ws.freeze_panes = "A2"
    ws.row_dimensions[1].height = 30

    notes.column_dimensions["A"].width = 24
    notes.column_dimensions["B"].width = 8
    notes.column_dimensions["C"].width = 70
    notes.column_dimensions["D"].width = 50
    put(notes, 1, 1, f"{kind.label}导入模板 填表说明").font = Font(bold=True, size=14)
    row = 3
    rules = [kind.sort_note] + [f"{get_kind(name).label}{get_kind(name).sort_note}" for name in kind.parts]
    for line in (*GENERAL_NOTES, f"对应规则：{'；'.join(rules)}。"):
        cell = put(notes, row, 1, f"{row - 2}. {line}")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        notes.merge_cells(start_row=row, start_column=1, end_row=row, end_column=4)
        notes.row_dimensions[row].height = 15 * (1 + len(line) // 70)
        row += 1
    row += 1
    for index, text in enumerate(("列名", "必填", "填写说明", "可选值"), start=1):
        cell = put(notes, row, index, text)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DCE6F1")
    for column in columns:
        row += 1
        options = _options(column, townships, county)
        put(notes, row, 1, column.header)
        put(notes, row, 2, "是" if column.required else "")
        explained = column.note
        if column.synonyms:
            explained = (explained + "；" if explained else "") + "也可写作：" + "、".join(column.synonyms)
        put(notes, row, 3, explained).alignment = Alignment(wrap_text=True, vertical="top")
        put(notes, row, 4, "、".join(options)).alignment = Alignment(wrap_text=True, vertical="top")
        lines = max(1, -(-display_width(explained) // 68), -(-display_width("、".join(options)) // 48))
        notes.row_dimensions[row].height = 15 * lines  # wrapped text needs its height set
    fit_to_width(ws)
    fit_to_width(notes)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def township_choices(session) -> tuple[list[str], str]:
    """(township short names, county short name) for the drop-downs, in the official order."""
    from sqlalchemy import select

    from zkdesk.store.models import OrgUnit

    units = list(session.scalars(select(OrgUnit).where(OrgUnit.active.is_(True)).order_by(OrgUnit.sort_order)))
    townships = [u.short_name for u in units if u.level == "township"]
    county = next((u.short_name for u in units if u.level == "county"), "镇康县")
    return townships, county
