"""统一社会信用代码 (GB 32100-2015): 18 characters, MOD 31 check character.

A failed check only warns: codes exist in the wild that fail it.
"""

from __future__ import annotations

from dataclasses import dataclass

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I O Z S V
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_FULLWIDTH = str.maketrans({chr(0xFF10 + i): str(i) for i in range(10)} | {chr(0xFF21 + i): chr(0x41 + i) for i in range(26)})


def normalize_uscc(raw: str | None) -> str:
    return (raw or "").strip().translate(_FULLWIDTH).replace(" ", "").upper()


_VALUES = {c: i for i, c in enumerate(CHARSET)}  # a dict lookup: imports check tens of thousands


def uscc_check_char(first17: str) -> str:
    total = sum(_VALUES[c] * w for c, w in zip(first17, _WEIGHTS))
    value = 31 - total % 31
    return CHARSET[0 if value == 31 else value]


@dataclass(frozen=True)
class UsccCheck:
    code: str
    ok: bool
    message: str  # empty when ok; a Chinese warning otherwise


def check_uscc(raw: str | None) -> UsccCheck:
    code = normalize_uscc(raw)
    if not code:
        return UsccCheck(code, False, "未填写统一社会信用代码")
    if len(code) != 18:
        return UsccCheck(code, False, f"统一社会信用代码应为18位，现为{len(code)}位")
    bad = sorted({c for c in code if c not in CHARSET})
    if bad:
        return UsccCheck(code, False, f"统一社会信用代码含有不允许的字符：{''.join(bad)}")
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        return UsccCheck(code, False, f"统一社会信用代码校验位不符（按规则应为{expected}），请核对营业执照")
    return UsccCheck(code, True, "")
