"""三室一站 rules: status and its dates, the member minimum, the usual name, result sanity.

Pure functions over plain values, so the service, the Excel import and the tests share them.
Every problem comes back as a Chinese sentence; an empty list means the input is fine.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from zkdesk.domain.choices import STUDIO_STATUSES, STUDIO_TYPES

MIN_MEMBERS = 3

APPLIED, NAMED, REVIEWED, REVOKED = STUDIO_STATUSES  # 申报 命名 年度复核 撤销

# Allowed status changes. 年度复核 → 年度复核 is the next year's review; a studio that was only
# applied for can be withdrawn (撤销) as well as one that was named.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    APPLIED: (NAMED, REVOKED),
    NAMED: (REVIEWED, REVOKED),
    REVIEWED: (REVIEWED, REVOKED),
    REVOKED: (),
}

SKILL_LEVELS = ("初级工", "中级工", "高级工", "技师", "高级技师", "其他")


@dataclass(frozen=True)
class StatusDates:
    status: str
    applied_on: date | None = None
    named_on: date | None = None
    reviewed_on: date | None = None
    revoked_on: date | None = None


def status_problems(d: StatusDates) -> list[str]:
    """Whether a status and its dates fit together (申报 → 命名 → 年度复核 → 撤销)."""
    return [message for _, message in status_findings(d)]


def status_findings(d: StatusDates) -> list[tuple[str, str]]:
    """status_problems with the field each is about: status, applied_on, named_on, reviewed_on, revoked_on."""
    problems: list[tuple[str, str]] = []
    if d.status not in STUDIO_STATUSES:
        return [("status", f"状态“{d.status}”无效，应为：{'、'.join(STUDIO_STATUSES)}")]
    if d.applied_on is None:
        problems.append(("applied_on", "请填写申报日期"))
    if d.status in (NAMED, REVIEWED) and d.named_on is None:
        problems.append(("named_on", f"状态为“{d.status}”时须填写命名日期"))
    if d.status == REVIEWED and d.reviewed_on is None:
        problems.append(("reviewed_on", "状态为“年度复核”时须填写复核日期"))
    if d.status == REVOKED and d.revoked_on is None:
        problems.append(("revoked_on", "状态为“撤销”时须填写撤销日期"))
    if d.status == APPLIED and (d.named_on or d.reviewed_on or d.revoked_on):
        problems.append(("status", "状态为“申报”时不应有命名、复核或撤销日期，请先改变状态"))
    if d.status != REVOKED and d.revoked_on is not None:
        problems.append(("revoked_on", "未撤销的工作室不应有撤销日期"))
    if d.reviewed_on is not None and d.named_on is None:
        problems.append(("reviewed_on", "未命名的工作室不能有复核日期"))
    if d.applied_on and d.named_on and d.named_on < d.applied_on:
        problems.append(("named_on", f"命名日期{d.named_on:%Y-%m-%d}早于申报日期{d.applied_on:%Y-%m-%d}：未申报不能命名"))
    if d.named_on and d.reviewed_on and d.reviewed_on < d.named_on:
        problems.append(("reviewed_on", f"复核日期{d.reviewed_on:%Y-%m-%d}早于命名日期{d.named_on:%Y-%m-%d}"))
    start = d.named_on or d.applied_on
    if start and d.revoked_on and d.revoked_on < start:
        problems.append(("revoked_on", f"撤销日期{d.revoked_on:%Y-%m-%d}早于{'命名' if d.named_on else '申报'}日期{start:%Y-%m-%d}"))
    return problems


def transition_problem(current: str, new: str) -> str:
    """Empty when `current` → `new` is an allowed status change."""
    if new not in STUDIO_STATUSES:
        return f"状态“{new}”无效，应为：{'、'.join(STUDIO_STATUSES)}"
    if new not in TRANSITIONS.get(current, ()):
        allowed = "、".join(TRANSITIONS.get(current, ())) or "无"
        return f"工作室当前状态为“{current}”，不能变更为“{new}”（可变更为：{allowed}）"
    return ""


def apply_transition(d: StatusDates, new: str, on: date) -> StatusDates:
    """The status and dates after changing to `new` on `on` (not yet checked)."""
    if new == NAMED:
        return StatusDates(new, d.applied_on, on, None, None)
    if new == REVIEWED:
        return StatusDates(new, d.applied_on, d.named_on, on, None)
    if new == REVOKED:
        return StatusDates(new, d.applied_on, d.named_on, d.reviewed_on, on)
    return StatusDates(new, on, None, None, None)


def counts_as_named(d: StatusDates, day: date) -> bool:
    """Named and not revoked on `day`: 命名 and 年度复核 count from the naming date; a revoked
    studio counted until the day before its revocation date, and not from that date on."""
    if d.status == APPLIED or d.named_on is None or d.named_on > day:
        return False
    return d.revoked_on is None or day < d.revoked_on


def member_count_problem(count: int) -> str:
    if count < MIN_MEMBERS:
        return f"工作室成员至少{MIN_MEMBERS}人，现有{count}人"
    return ""


def suggest_name(kind: str, lead_name: str, host_name: str = "") -> str:
    """The usual naming: ‹领衔人›劳模创新工作室 / ‹领衔人›工匠创新工作室 / ‹领衔人›职工技师工作站;
    a 职工创新工作室 usually carries its enterprise's name, else its lead's."""
    lead, host = lead_name.strip(), host_name.strip()
    if kind not in STUDIO_TYPES:
        return ""
    if kind == "职工创新工作室" and host:
        return f"{host}{kind}"
    return f"{lead}{kind}" if lead else ""


def phone_problem(phone: str) -> str:
    text = phone.strip()
    if not text:
        return ""
    if not all(c.isdigit() or c in "-+ ()" for c in text) or sum(c.isdigit() for c in text) < 7:
        return f"联系电话“{text}”格式不对：只能包含数字和“-”，至少7位数字"
    return ""


RESULT_FIELDS: dict[str, str] = {
    "proposals": "合理化建议（提出）",
    "proposals_adopted": "合理化建议（采纳）",
    "tech_innovations": "技术革新",
    "rd_projects": "研发项目",
    "patents": "专利",
    "methods": "先进操作法",
    "achievements_awarded": "创新成果（获奖）",
    "training_sessions": "培训（期）",
    "people_trained": "培训（人次）",
    "people_promoted": "技能等级晋升（人）",
}

FIRST_RESULT_YEAR, LAST_RESULT_YEAR = 2000, 2100


def result_problems(year: int, counts: Mapping[str, int]) -> list[str]:
    """One year's results: whole non-negative numbers, adopted ≤ proposed, a sensible year."""
    problems: list[str] = []
    if not FIRST_RESULT_YEAR <= year <= LAST_RESULT_YEAR:
        problems.append(f"年度{year}不合理")
    for key, label in RESULT_FIELDS.items():
        value = counts.get(key, 0)
        if not isinstance(value, int) or isinstance(value, bool):
            problems.append(f"{year}年“{label}”应为整数")
        elif value < 0:
            problems.append(f"{year}年“{label}”不能为负数（现为{value}）")
    adopted, proposed = counts.get("proposals_adopted", 0), counts.get("proposals", 0)
    if isinstance(adopted, int) and isinstance(proposed, int) and adopted > proposed:
        problems.append(f"{year}年合理化建议采纳{adopted}件，多于提出的{proposed}件")
    return problems


def patent_details_problems(year: int, patents: int, details: str) -> list[str]:
    """Patent details are one patent a line (number and type); more lines than patents is a slip."""
    lines = [line for line in details.splitlines() if line.strip()]
    if isinstance(patents, int) and len(lines) > patents:
        return [f"{year}年专利明细有{len(lines)}行，多于专利数{patents}件"]
    return []
