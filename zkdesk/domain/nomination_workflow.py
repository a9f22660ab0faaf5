"""The review workflow of a nomination: which steps exist, from where, and who may take them.

    draft 草稿 → unit_recommended 单位推荐 → township_reviewed 乡镇审核 → county_reviewed 县级评审
          → publicized 公示 → honoured 表彰
    any review stage → rejected 未通过;   any review stage → draft (退回修改, with a reason)

Who: 推荐 (submitting a draft) needs the EDIT permission (录入员); every other step needs
REVIEW (审核员, 管理员). Steps taken on a nomination that has passed 乡镇审核 are county
decisions and need the county's office. 公示 needs its start date; it closes (表彰) only after
PUBLICITY_WORKING_DAYS whole working days counted from the start date, the start day included.
Pure: callers pass the role, the office level and today's date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from zkdesk.domain.roles import Permission, Role, role_can
from zkdesk.domain.workdays import add_working_days

PUBLICITY_WORKING_DAYS = 5

DRAFT = "draft"
UNIT_RECOMMENDED = "unit_recommended"
TOWNSHIP_REVIEWED = "township_reviewed"
COUNTY_REVIEWED = "county_reviewed"
PUBLICIZED = "publicized"
HONOURED = "honoured"
REJECTED = "rejected"

STATUS_LABELS = {
    DRAFT: "草稿",
    UNIT_RECOMMENDED: "单位推荐",
    TOWNSHIP_REVIEWED: "乡镇审核",
    COUNTY_REVIEWED: "县级评审",
    PUBLICIZED: "公示",
    HONOURED: "表彰",
    REJECTED: "未通过",
}
STATUSES = tuple(STATUS_LABELS)
FINAL_STATUSES = frozenset({HONOURED, REJECTED})
REVIEW_STAGES = frozenset({UNIT_RECOMMENDED, TOWNSHIP_REVIEWED, COUNTY_REVIEWED, PUBLICIZED})
# From these statuses on, the nomination is in the county's hands.
COUNTY_STAGES = frozenset({TOWNSHIP_REVIEWED, COUNTY_REVIEWED, PUBLICIZED})


class Action(StrEnum):
    RECOMMEND = "recommend"
    TOWNSHIP_REVIEW = "township_review"
    COUNTY_REVIEW = "county_review"
    PUBLICIZE = "publicize"
    HONOUR = "honour"
    REJECT = "reject"
    RETURN = "return"


@dataclass(frozen=True)
class Transition:
    action: Action
    label: str  # the button's text
    sources: frozenset[str]
    target: str
    permission: Permission
    opinion_required: bool = False


TRANSITIONS: dict[Action, Transition] = {
    t.action: t
    for t in (
        Transition(Action.RECOMMEND, "推荐", frozenset({DRAFT}), UNIT_RECOMMENDED, Permission.EDIT),
        Transition(Action.TOWNSHIP_REVIEW, "审核", frozenset({UNIT_RECOMMENDED}), TOWNSHIP_REVIEWED, Permission.REVIEW),
        Transition(Action.COUNTY_REVIEW, "评审", frozenset({TOWNSHIP_REVIEWED}), COUNTY_REVIEWED, Permission.REVIEW),
        Transition(Action.PUBLICIZE, "公示", frozenset({COUNTY_REVIEWED}), PUBLICIZED, Permission.REVIEW),
        Transition(Action.HONOUR, "表彰", frozenset({PUBLICIZED}), HONOURED, Permission.REVIEW),
        Transition(Action.REJECT, "未通过", REVIEW_STAGES, REJECTED, Permission.REVIEW, opinion_required=True),
        Transition(Action.RETURN, "退回修改", REVIEW_STAGES, DRAFT, Permission.REVIEW, opinion_required=True),
    )
}

_PERMISSION_WORDS = {Permission.EDIT: "录入和修改数据", Permission.REVIEW: "审核"}


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


def actions_from(status: str) -> list[Action]:
    """The steps that exist from `status`, whoever takes them."""
    return [t.action for t in TRANSITIONS.values() if status in t.sources]


def publicity_end(start: date, holidays=(), extra_workdays=()) -> date:
    """The last day of the 公示: the PUBLICITY_WORKING_DAYS-th working day from the start."""
    return add_working_days(start, PUBLICITY_WORKING_DAYS, holidays, extra_workdays)


def refusal(
    status: str,
    action: Action | str,
    *,
    role: Role | str,
    at_county: bool,
    opinion: str = "",
    publicity_start: date | None = None,
    on: date | None = None,
    has_objections: bool = False,
    holidays=(),
    extra_workdays=(),
) -> str:
    """Why this step may not be taken now (Chinese), or "" when it may.

    `publicity_start` is the start date given with 公示, or the recorded one when closing it;
    `on` is the day the step is taken.
    """
    try:
        t = TRANSITIONS[Action(action)]
    except ValueError:
        return f"未知的审核步骤“{action}”"
    role = Role(role)
    if status not in t.sources:
        return f"当前状态为“{status_label(status)}”，不能进行“{t.label}”"
    if not role_can(role, t.permission):
        return f"“{t.label}”需要“{_PERMISSION_WORDS[t.permission]}”权限，当前角色（{role.label}）不能进行此步骤"
    if status in COUNTY_STAGES and not at_county:
        return f"已通过乡镇审核的推荐由县总工会评审，乡镇不能进行“{t.label}”"
    if t.opinion_required and not opinion.strip():
        return f"“{t.label}”须填写意见（原因）"
    if t.action is Action.PUBLICIZE and publicity_start is None:
        return "请填写公示开始日期"
    if t.action is Action.HONOUR:
        if publicity_start is None:
            return "没有公示开始日期，不能结束公示"
        end = publicity_end(publicity_start, holidays, extra_workdays)
        if on is None or on <= end:
            return (
                f"公示自{publicity_start:%Y年%m月%d日}起须满{PUBLICITY_WORKING_DAYS}个工作日，"
                f"{end:%Y年%m月%d日}之后方可结束公示并表彰"
            )
        if has_objections and not opinion.strip():
            return "公示期间有异议，表彰前须在意见中写明核查结论"
    return ""
