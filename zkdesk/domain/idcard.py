"""Resident ID numbers (GB 11643-1999): MOD 11-2 check digit, birth date and gender."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_SHAPE = re.compile(r"^[0-9]{17}[0-9X]$")  # ASCII only: \d would take any script's digits
_SPACES = re.compile(r"[\s\u3000\xa0]+")


def normalize_id_number(raw: str) -> str:
    """Trim spaces; full-width digits and X to ASCII; a lower-case 'x' is the same as 'X'.
    Digits of other scripts stay as they are, so the check refuses them."""
    text = _SPACES.sub("", (raw or "").translate(_FULLWIDTH))
    return text.upper()


_FULLWIDTH = str.maketrans({chr(0xFF10 + i): str(i) for i in range(10)} | {"ｘ": "X", "Ｘ": "X"})


def id_check_char(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS))
    return _CHECK_CHARS[total % 11]


@dataclass(frozen=True)
class IdInfo:
    number: str
    birth_date: date
    gender: str  # "男" / "女"

    def age_on(self, day: date) -> int:
        years = day.year - self.birth_date.year
        if (day.month, day.day) < (self.birth_date.month, self.birth_date.day):
            years -= 1
        return years


class IdNumberError(ValueError):
    """Carries a Chinese message for the user."""


def parse_id_number(raw: str) -> IdInfo:
    """Validate an 18-digit ID number and return what it encodes; raises IdNumberError.

    Address codes are not checked against a list: older codes are still valid on old cards.
    """
    number = normalize_id_number(raw)
    if not number:
        raise IdNumberError("身份证号码为空")
    if len(number) != 18:
        raise IdNumberError(f"身份证号码应为18位，现为{len(number)}位")
    if not _SHAPE.match(number):
        foreign = [c for c in number if c.isdigit() and c not in "0123456789"]
        if foreign:
            raise IdNumberError(f"身份证号码含有非标准数字“{''.join(foreign[:3])}”，请用0—9录入")
        raise IdNumberError("身份证号码前17位应为数字，最后一位为数字或X")
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise IdNumberError(f"身份证号码中的出生日期{number[6:14]}不存在") from None
    if birth.year < 1900:
        raise IdNumberError(f"身份证号码中的出生日期{number[6:14]}不合理")
    expected = id_check_char(number[:17])
    if number[17] != expected:
        raise IdNumberError(f"身份证号码校验位错误：最后一位应为{expected}，请核对是否录错")
    gender = "男" if int(number[16]) % 2 == 1 else "女"
    return IdInfo(number=number, birth_date=birth, gender=gender)


def mask_id_number(number: str | None) -> str:
    """530924********1234: keep the 6-digit address code and the last 4 characters; a number
    too short for that is masked whole. Who sees it masked is services.privacy's decision."""
    number = (number or "").strip()
    if len(number) <= 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_phone(number: str | None) -> str:
    """138****5678, 088*****4567: keep the first 3 and last 4 characters when there are
    11 digits or more; shorter numbers keep only their last 2."""
    number = (number or "").strip()
    # the usual all-digit number is counted at once (isdigit on the whole string: every character is)
    digits = len(number) if number.isdigit() else sum(c.isdigit() for c in number)
    if digits >= 11:
        return number[:3] + "*" * (len(number) - 7) + number[-4:]
    if len(number) <= 2:
        return "*" * len(number)
    return "*" * (len(number) - 2) + number[-2:]
