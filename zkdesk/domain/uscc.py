"""统一社会信用代码 (GB 32100-2015): 18 characters, MOD 31 check character.

Position 1 is the registration office (1–9, A, N, Y), position 2 the kind of organisation
(a digit), positions 3–8 the registering office's region code (six digits). A code breaking
these, or holding characters outside the GB 32100 alphabet, is not a credit code; a failed
check character only warns: codes exist in the wild that fail it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I O Z S V
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
REGISTRATION_OFFICES = "123456789ANY"
_FULLWIDTH = str.maketrans(
    {chr(0xFF10 + i): str(i) for i in range(10)}
    | {chr(0xFF21 + i): chr(0x41 + i) for i in range(26)}
    | {chr(0xFF41 + i): chr(0x61 + i) for i in range(26)}
)
_SPACES = re.compile(r"[\s\u3000\xa0]+")


_PLAIN = re.compile(r"[0-9A-Z]*")  # already normal: the usual cell
_WELL_FORMED = re.compile(r"[1-9ANY][0-9]{7}[0-9A-HJ-NP-RTUWXY]*")  # positions 1-8 and alphabet fine


def normalize_uscc(raw: str | None) -> str:
    """Spaces gone, full-width digits and letters to ASCII, then upper case. Characters of
    other scripts stay, so that the check refuses them."""
    if raw.__class__ is str and _PLAIN.fullmatch(raw):
        return raw
    return _SPACES.sub("", (raw or "").translate(_FULLWIDTH)).upper()


def uscc_form_problem(code: str) -> str:
    """What makes `code` (normalised) no credit code at all, whatever its length: characters
    outside the alphabet, or positions 1–8 breaking GB 32100. "" when there is none."""
    if _WELL_FORMED.fullmatch(code):
        return ""
    bad = sorted({c for c in code if c not in CHARSET})
    if bad:
        return f"统一社会信用代码含有不允许的字符：{''.join(bad)}（只能是数字和除I、O、Z、S、V以外的大写字母）"
    if code and code[0] not in REGISTRATION_OFFICES:
        return f"统一社会信用代码第1位（登记管理部门代码）应为1—9、A、N、Y之一，现为“{code[0]}”"
    if len(code) > 1 and not code[1].isdigit():
        return f"统一社会信用代码第2位（机构类别代码）应为数字，现为“{code[1]}”"
    region = code[2:8]
    if region and not region.isdigit():
        return f"统一社会信用代码第3—8位（登记管理机关行政区划码）应为数字，现为“{region}”"
    return ""


_VALUES = {c: i for i, c in enumerate(CHARSET)}
# per position: character -> its weighted value, so the sum is one map() in C (imports check
# tens of thousands of codes, a roster's parts each its link column again)
_WEIGHTED = tuple({c: v * w for c, v in _VALUES.items()} for w in _WEIGHTS)
_GET = dict.__getitem__


def uscc_check_char(first17: str) -> str:
    total = sum(map(_GET, _WEIGHTED, first17))
    value = 31 - total % 31
    return CHARSET[0 if value == 31 else value]


@dataclass(frozen=True)
class UsccCheck:
    code: str
    ok: bool
    message: str  # empty when ok; a Chinese warning otherwise
    well_formed: bool = False  # 18 characters that may be a code: only the check character is off


def check_uscc(raw: str | None) -> UsccCheck:
    code = normalize_uscc(raw)
    if not code:
        return UsccCheck(code, False, "未填写统一社会信用代码")
    if len(code) != 18:
        return UsccCheck(code, False, f"统一社会信用代码应为18位，现为{len(code)}位")
    problem = uscc_form_problem(code)
    if problem:
        return UsccCheck(code, False, problem)
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        return UsccCheck(code, False, f"统一社会信用代码校验位不符（按规则应为{expected}），请核对营业执照", True)
    return UsccCheck(code, True, "", True)
