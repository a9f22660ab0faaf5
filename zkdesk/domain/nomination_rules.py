"""Checks of a model-worker nomination's fields, as the user types. Pure: no storage, no Qt.

A finding is either an error (the nomination cannot be saved) or a warning (it can be saved
and is shown to the user). Bounds chosen here, and why:
  - age 18–70 in the session's year (year − birth year): younger is not a worker of age;
    older than 70 is almost surely a typo in the ID number or the wrong person;
  - deeds are counted in characters, spaces and line breaks not counted (the way a clerk's
    word processor counts Chinese text). Short version (简要事迹, ≈500): under 300 warns,
    over 600 is refused. Full version (详细事迹, ≈2000): under 1500 warns, over 2500 is
    refused. Empty deeds only warn while a draft: they are required to submit (单位推荐).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from zkdesk.domain import choices
from zkdesk.domain.idcard import IdInfo, IdNumberError, normalize_id_number, parse_id_number

ERROR = "error"
WARNING = "warning"

MIN_AGE, MAX_AGE = 18, 70
INDUSTRIAL_SHARE_TARGET = 10.0  # % of a session's list (plan item 12: 第四届 不低于10%)
MANAGER_CATEGORY = "企业负责人"


@dataclass(frozen=True)
class DeedsBounds:
    label: str
    target: int
    warn_below: int
    refuse_above: int


DEEDS_SHORT = DeedsBounds("简要事迹", 500, 300, 600)
DEEDS_FULL = DeedsBounds("详细事迹", 2000, 1500, 2500)

_SPACE = re.compile(r"\s+")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")


@dataclass(frozen=True)
class Finding:
    field: str  # the NominationInput field the finding is about
    level: str  # ERROR | WARNING
    message: str  # Chinese, names the field

    @property
    def is_error(self) -> bool:
        return self.level == ERROR


def count_chars(text: str | None) -> int:
    """Characters as counted for deeds: everything except spaces and line breaks."""
    return len(_SPACE.sub("", text or ""))


def check_id(raw: str) -> tuple[IdInfo | None, Finding | None]:
    """The parsed ID number, or the finding that says what is wrong with it."""
    try:
        return parse_id_number(raw), None
    except IdNumberError as exc:
        return None, Finding("id_number", ERROR, str(exc))


def age_in_year(birth: date, year: int) -> int:
    """The age a person reaches in `year` (the session's year)."""
    return year - birth.year


def check_deeds(text: str, bounds: DeedsBounds, field: str) -> list[Finding]:
    n = count_chars(text)
    if n == 0:
        return [Finding(field, WARNING, f"尚未填写{bounds.label}（约{bounds.target}字），提交推荐前必须填写")]
    if n > bounds.refuse_above:
        return [Finding(field, ERROR, f"{bounds.label}共{n}字，超过{bounds.refuse_above}字的上限，请压缩到约{bounds.target}字")]
    if n < bounds.warn_below:
        return [Finding(field, WARNING, f"{bounds.label}仅{n}字，少于{bounds.warn_below}字，建议充实到约{bounds.target}字")]
    return []


def deeds_count_text(text: str, bounds: DeedsBounds) -> tuple[str, str]:
    """The live counter under a deeds box: its text and its level ("" when fine)."""
    n = count_chars(text)
    level = ERROR if n > bounds.refuse_above else WARNING if n < bounds.warn_below else ""
    return f"{n}字（约{bounds.target}字为宜，{bounds.warn_below}—{bounds.refuse_above}字）", level


def check_phone(phone: str) -> list[Finding]:
    text = (phone or "").strip().replace(" ", "")
    if not text:
        return []
    if _MOBILE.match(text) or _LANDLINE.match(text):
        return []
    return [Finding("phone", WARNING, f"联系电话“{phone.strip()}”不像手机号（11位）或带区号的固定电话，请核对")]


def _in(value: str, allowed: tuple[str, ...], field: str, label: str, required: bool = True) -> list[Finding]:
    if not value:
        return [Finding(field, ERROR, f"请选择{label}")] if required else []
    if value not in allowed:
        return [Finding(field, ERROR, f"{label}“{value}”不在规定的选项中")]
    return []


def check_person(
    *,
    session_year: int,
    name: str,
    id_number: str,
    gender: str = "",
    birth_date: date | None = None,
    ethnicity: str = "",
    political_status: str = "",
    education: str = "",
    phone: str = "",
    category: str = "",
    employer: str = "",
    deeds_short: str = "",
    deeds_full: str = "",
) -> list[Finding]:
    """Every finding about one nomination's fields; errors first."""
    found: list[Finding] = []
    if not (name or "").strip():
        found.append(Finding("name", ERROR, "请填写姓名"))
    elif len(name.strip()) > 50:
        found.append(Finding("name", ERROR, "姓名过长（超过50个字）"))
    info, problem = check_id(id_number)
    if problem:
        found.append(problem)
    found += _in(gender, choices.GENDERS, "gender", "性别", required=info is None)
    if info is not None:
        if gender and gender != info.gender:
            found.append(Finding("gender", ERROR, f"性别“{gender}”与身份证号码不符（按身份证号码应为{info.gender}）"))
        if birth_date and birth_date != info.birth_date:
            found.append(Finding("birth_date", ERROR, f"出生日期{birth_date:%Y-%m-%d}与身份证号码不符（应为{info.birth_date:%Y-%m-%d}）"))
    birth = info.birth_date if info else birth_date
    if birth is not None:
        age = age_in_year(birth, session_year)
        if not MIN_AGE <= age <= MAX_AGE:
            found.append(Finding("birth_date", ERROR, f"到{session_year}年年龄为{age}岁，不在{MIN_AGE}—{MAX_AGE}岁之间，请核对出生日期或身份证号码"))
    found += _in(ethnicity, choices.ETHNICITIES, "ethnicity", "民族")
    found += _in(political_status, choices.POLITICAL_STATUSES, "political_status", "政治面貌")
    found += _in(education, choices.EDUCATION_LEVELS, "education", "学历", required=False)
    found += _in(category, choices.PERSON_CATEGORIES, "category", "人员类别")
    if not (employer or "").strip():
        found.append(Finding("employer", WARNING, "尚未填写工作单位"))
    found += check_phone(phone)
    found += check_deeds(deeds_short, DEEDS_SHORT, "deeds_short")
    found += check_deeds(deeds_full, DEEDS_FULL, "deeds_full")
    return sorted(found, key=lambda f: f.level != ERROR)


def submission_problems(*, id_number: str, employer: str, deeds_short: str, deeds_full: str) -> list[str]:
    """What a draft still lacks before it can be submitted (单位推荐); empty when complete."""
    problems = []
    if check_id(id_number)[1] is not None:
        problems.append("身份证号码有误")
    if not (employer or "").strip():
        problems.append("未填写工作单位")
    if count_chars(deeds_short) == 0:
        problems.append(f"未填写{DEEDS_SHORT.label}")
    if count_chars(deeds_full) == 0:
        problems.append(f"未填写{DEEDS_FULL.label}")
    return problems


def same_person_key(id_number: str) -> str:
    """The key two nominations of one person share: the normalised ID number."""
    return normalize_id_number(id_number)


def share(part: int, whole: int) -> float | None:
    """A percentage with two decimals; None for an empty list."""
    return None if not whole else round(100.0 * part / whole, 2)


# --- 产业工人 (plan item 12.5) ---------------------------------------------------------------

# 人员类别 that decide whether a nominee is an 产业工人 (the plan's 12.5 counts them); a category not
# listed (农民工, 企业管理人员: in or out of industrial work, by the job) leaves it to the form's tick.
INDUSTRIAL_CATEGORIES = ("企业一线工人和专业技术人员",)
NOT_INDUSTRIAL_CATEGORIES = ("企业负责人", "普通农业劳动者", "公务员", "事业单位人员")


@dataclass(frozen=True)
class IndustrialWorker:
    counts: bool  # counted as an 产业工人
    by_category: bool  # decided by the 人员类别 (the tick does not matter); else by the tick
    reason: str  # one Chinese sentence, shown beside the tick and in 12.5's explanation


def industrial_worker(category: str | None, tick: bool) -> IndustrialWorker:
    """Whether a nominee counts as an 产业工人: the 人员类别 decides where it can; the tick
    (属于产业工人) is an override only where the category does not decide (or is not filled in)."""
    category = (category or "").strip()
    if category in INDUSTRIAL_CATEGORIES:
        return IndustrialWorker(True, True, f"人员类别为“{category}”，计为产业工人")
    if category in NOT_INDUSTRIAL_CATEGORIES:
        return IndustrialWorker(False, True, f"人员类别为“{category}”，不计为产业工人")
    what = f"人员类别“{category}”" if category else "未填写人员类别，"
    if category:
        what += "不能确定是否为产业工人，"
    return IndustrialWorker(bool(tick), False, what + ("按勾选计为产业工人" if tick else "未勾选，不计为产业工人"))
