"""Parsing one spreadsheet cell as people really fill them in.

Every parser takes the raw value calamine gives (str, float, int, bool, date, datetime,
"" for an empty cell) and returns the Python value to store, or raises CellError with a
Chinese reason. A parser may return Warned(value, message): the value is taken and the
message is reported beside the row (e.g. a USCC that fails its check character).
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from zkdesk.domain.dates import DateTextError, YearMonth, parse_date_text, parse_year_month
from zkdesk.domain.idcard import IdNumberError, parse_id_number
from zkdesk.domain.uscc import check_uscc, uscc_check_char


class CellError(ValueError):
    """A cell that cannot be imported; str() is the Chinese reason."""


@dataclass(frozen=True)
class Warned:
    value: object
    message: str


_SPACES = re.compile(r"[ \t\u3000\xa0]+")
_ALL_WHITESPACE = re.compile(r"[\s\u3000\xa0]+")


def is_blank(value: object) -> bool:
    if value.__class__ is str:  # the common case first: this runs for every cell
        return not value or value.isspace()
    return value is None


def nfkc(text: str) -> str:
    """Full-width letters, digits and punctuation to their ordinary forms."""
    return text if text.isascii() else unicodedata.normalize("NFKC", text)  # ASCII is its own form


def _number_as_text(value: float | int) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def raw_text(value: object) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float)):
        return _number_as_text(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


# ---- text ---------------------------------------------------------------------------------

def text(value: object, _lk=None) -> str:
    """One-line text: line breaks and runs of spaces become one space, ends trimmed."""
    if value.__class__ is str and value.isprintable() and "  " not in value and value.strip(" ") == value:
        return value  # already clean (no line breaks, tabs, full-width or doubled spaces)
    return _SPACES.sub(" ", raw_text(value).replace("\r", " ").replace("\n", " ")).strip()


def long_text(value: object, _lk=None) -> str:
    """Multi-line text (事迹, 备注): keeps inner line breaks, trims each end."""
    lines = [line.strip(" \t\u3000\xa0") for line in raw_text(value).replace("\r\n", "\n").split("\n")]
    return "\n".join(lines).strip("\n")


def person_name(value: object, _lk=None) -> str:
    """Names are often padded with spaces to line up (张  三): every space goes."""
    return _ALL_WHITESPACE.sub("", raw_text(value))


def phone(value: object, _lk=None) -> str:
    """A phone number as text (a number cell without its .0, full-width digits and spaces gone).
    Whether it looks like a phone number is the register's own rule, checked by the kind."""
    return nfkc(text(value)).replace(" ", "")


# ---- dates --------------------------------------------------------------------------------

_EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 = 1900-01-01, counting Excel's 1900-02-29
_SERIAL_TEXT = re.compile(r"\d{1,5}(\.0+)?")


def _date_from_text(shown: str) -> date:
    try:
        day = parse_date_text(shown)
    except DateTextError as exc:
        raise CellError(str(exc)) from None
    if day is None:
        raise CellError("应为日期")
    return day


def parse_date(value: object, _lk=None) -> date:
    """Excel's own dates and serial numbers, 20230501 typed as a number; text such as
    2023.5.1 / 2023-05-01 / 2023年5月1日 is read by domain.dates like a typed date."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise CellError("应为日期")
    if isinstance(value, (int, float)):
        number = float(value)
        if number.is_integer() and 19000101 <= number <= 21001231:
            return _date_from_text(str(int(number)))
        if 1 <= number < 73051:  # up to 2099-12-31
            return _EXCEL_EPOCH + timedelta(days=int(number))
        raise CellError(f"日期“{_number_as_text(value)}”不合理")
    shown = text(value)
    if _SERIAL_TEXT.fullmatch(nfkc(shown).strip()):  # a serial number stored as text
        return parse_date(float(nfkc(shown)))
    return _date_from_text(shown)


def birth_date(value: object, _lk=None) -> date | YearMonth:
    """出生日期 or 出生年月: a full date as parse_date reads it, or a year and month
    (1969.02, 1969年2月, 1969-2, 196902; a number 1969.02 or 196902 too). The register
    checks either against the ID number."""
    if isinstance(value, bool):
        raise CellError("应为出生年月")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
        if number.is_integer() and 190001 <= number <= 210012:
            return _year_month(str(int(number)))
        if not number.is_integer() and 1900 < number < 2101:  # 1969.02 typed into a number cell
            whole = int(number)
            return _year_month(f"{whole}.{round((number - whole) * 100):02d}")
        return parse_date(value)
    if isinstance(value, (date, datetime)):
        return parse_date(value)
    return _year_month(text(value)) or parse_date(value)


def _year_month(shown: str) -> YearMonth | None:
    try:
        return parse_year_month(shown)
    except DateTextError as exc:
        raise CellError(str(exc)) from None


# ---- yes / no -----------------------------------------------------------------------------

_YES = {"是", "√", "✓", "✔", "☑", "Y", "YES", "有", "TRUE", "1", "对", "已建", "已"}
_NO = {"否", "×", "✗", "✘", "☒", "N", "NO", "无", "FALSE", "0", "没有", "未建", "未"}


def repeats(parser):
    """Mark a parser whose column repeats a few values (乡镇, 是/否, coded lists): the pipeline
    remembers each distinct cell's result instead of parsing it again on every row."""
    parser.cacheable = True
    return parser


@repeats
def yes_no(value: object, _lk=None) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    token = nfkc(text(value)).replace(" ", "").upper()
    if token in _YES:
        return True
    if token in _NO:
        return False
    raise CellError(f"“{text(value)}”不是是/否，请填“是”或“否”（也可用√/×、Y/N、有/无）")


# ---- numbers ------------------------------------------------------------------------------

_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_PLAIN = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_UNIT_SUFFIX = "%％人个家年项次名元"


NUMBER_LIMIT = 1e15  # Excel keeps 15 significant digits; no register holds a larger figure


def number(value: object, _lk=None) -> float:
    """12,345 / １２３４５ / 12 345 / 5% / 120人: the number, never a guess."""
    if isinstance(value, bool):
        raise CellError("应为数字")
    if isinstance(value, (int, float)):
        return _in_range(float(value), None)
    shown = text(value)
    cleaned = nfkc(shown).replace(" ", "").rstrip(_UNIT_SUFFIX)
    if _THOUSANDS.match(cleaned):
        cleaned = cleaned.replace(",", "")
    if not _PLAIN.match(cleaned) or not cleaned.isascii():
        raise CellError(f"“{shown}”不是数字")
    return _in_range(float(cleaned), shown)


def _in_range(result: float, shown: str | None) -> float:
    if math.isfinite(result) and abs(result) < NUMBER_LIMIT:
        return result
    if shown is None:
        shown = _number_as_text(result) if math.isfinite(result) else ""
    what = f"数字“{shown[:20]}{'…' if len(shown) > 20 else ''}”" if shown else "这个数字"
    return _too_large(what)


def _too_large(what: str):
    raise CellError(f"{what}太大（超过15位），超出了可以处理的范围，请核对")


def count(value: object, _lk=None) -> int:
    """A whole, non-negative number (people, sessions, patents)."""
    result = number(value)
    if not float(result).is_integer():
        raise CellError(f"“{text(value)}”应为整数")
    if result < 0:
        raise CellError(f"“{text(value)}”不能为负数")
    return int(result)


def integer(value: object, _lk=None) -> int:
    """A whole number that may be negative: the register's own rule then says why a count
    cannot be (职工人数 -5 gets the form's message, not the cell's)."""
    result = number(value)
    if not float(result).is_integer():
        raise CellError(f"“{text(value)}”应为整数")
    return int(result)


@repeats
def year(value: object, _lk=None) -> int:
    if isinstance(value, (date, datetime)):
        return value.year
    cleaned = nfkc(text(value)).rstrip("年度")
    try:
        result = count(cleaned)
    except CellError:
        raise CellError(f"年度“{text(value)}”应为四位数年份，如 2024") from None
    if not 2000 <= result <= 2100:
        raise CellError(f"年度“{text(value)}”不合理，应为四位数年份，如 2024")
    return result


# ---- codes --------------------------------------------------------------------------------

_SCIENTIFIC = re.compile(r"^\d(\.\d+)?E\+?\d+$", re.IGNORECASE)

_LOST_DIGITS = (
    "{what}被存成了数字（显示为{shown}），Excel只保留15位有效数字，后几位已经丢失，无法还原。"
    "请把该列的单元格格式设为“文本”，再重新录入完整的18位号码"
)


def _excel_shown(value: float) -> str:
    mantissa, exponent = f"{value:.5E}".split("E")
    return f"{mantissa.rstrip('0').rstrip('.')}E+{int(exponent)}"


def _reject_lost_digits(value: object, what: str) -> None:
    """An 18-character code typed into a number cell has lost its last digits: never guess."""
    if isinstance(value, bool):
        return
    if isinstance(value, (int, float)) and abs(value) >= 1e15:
        raise CellError(_LOST_DIGITS.format(what=what, shown=_excel_shown(float(value))))
    if isinstance(value, str) and _SCIENTIFIC.match(nfkc(value).strip()):
        raise CellError(_LOST_DIGITS.format(what=what, shown=nfkc(value).strip()))


def id_number(value: object, _lk=None) -> str:
    """A resident ID number checked by GB 11643 (check digit, birth date)."""
    _reject_lost_digits(value, "身份证号码")
    try:
        return parse_id_number(raw_text(value)).number
    except IdNumberError as exc:
        raise CellError(str(exc)) from None


_CLEAN_USCC = re.compile(r"[1-9ANY][0-9]{7}[0-9A-HJ-NP-RTUWXY]{10}")  # GB 32100 positions 1-8 too


def uscc(value: object, _lk=None) -> str | Warned:
    """统一社会信用代码: wrong length or characters reject; a wrong check character only warns."""
    if value.__class__ is str and _CLEAN_USCC.fullmatch(value) and uscc_check_char(value[:17]) == value[17]:
        return value  # the usual case, without building a report
    _reject_lost_digits(value, "统一社会信用代码")
    result = check_uscc(raw_text(value))  # full-width forms folded there; other scripts refused
    if result.ok:
        return result.code
    if result.well_formed:
        return Warned(result.code, result.message)
    raise CellError(result.message)


def choice(options: tuple[str, ...], aliases: dict[str, str] | None = None, suffix: str = "", open_ended: bool = False):
    """A parser accepting one of `options` (official vocabulary), a few aliases, or the
    option without its common suffix (佤 for 佤族). `open_ended`: other text is kept as
    written, for a field the register's form lets the user type freely."""
    lookup = {nfkc(o).replace(" ", ""): o for o in options}
    for alias, target in (aliases or {}).items():
        lookup[nfkc(alias).replace(" ", "")] = target
    if suffix:
        for o in options:
            if o.endswith(suffix) and len(o) > len(suffix):
                lookup.setdefault(nfkc(o[: -len(suffix)]), o)

    def parse(value: object, _lk=None) -> str:
        shown = text(value)
        found = lookup.get(nfkc(shown).replace(" ", ""))
        if found is None and open_ended:
            return shown
        if found is None:
            listed = "、".join(options[:8]) + ("等" if len(options) > 8 else "")
            raise CellError(f"“{shown}”不是可选值（可选：{listed}）")
        return found

    parse.options = options
    parse.open_ended = open_ended
    return repeats(parse)


def org_unit(levels: tuple[str, ...] = ("township",)):
    """A parser for a township (or county) given by NBS code, full name or short name.

    Needs the lookups' `org_units`: normalised text -> (code, level), built from org_unit.
    """

    def parse(value: object, lk) -> str:
        shown = text(value)
        key = nfkc(shown).replace(" ", "")
        found = lk.org_units.get(key)
        if found is None or found[1] not in levels:
            what = "乡镇" if levels == ("township",) else "单位"
            raise CellError(f"{what}“{shown}”不在本县{what}名单中（可填名称或统计用区划代码，如 南伞镇 或 530924103）")
        return found[0]

    parse.org_levels = levels
    return repeats(parse)


township = org_unit(("township",))
township_or_county = org_unit(("township", "county"))
