"""What the indicator views share: status colours, number text, the org choices."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from PySide6.QtGui import QColor

from zkdesk.domain.orgcodes import COUNTY_CODE, is_county
from zkdesk.domain.progress import (
    BEHIND,
    DONE,
    NO_DATA,
    NO_TARGET,
    NOT_ASSESSED,
    NOT_MET,
    ON_TRACK,
    RATE,
    format_number,
)

STATUS_COLORS = {
    DONE: QColor("#b9e4c0"),
    ON_TRACK: QColor("#cfe3fb"),
    BEHIND: QColor("#f6c4c0"),
    NOT_MET: QColor("#f2a29b"),
    NO_TARGET: QColor("#ececec"),
    NO_DATA: QColor("#ececec"),
    NOT_ASSESSED: QColor("#f7f7f7"),
}
ERROR_COLOR = QColor("#f4b4b4")
WARNING_COLOR = QColor("#ffe9a6")
READ_ONLY_COLOR = QColor("#f1f1f1")
GROUP_COLOR = QColor("#e3e9f1")


def figure_text(value: float | None, kind: str, empty: str = "") -> str:
    if value is None:
        return empty
    return f"{format_number(value)}%" if kind == RATE else format_number(value)


def local_time(moment: datetime | None) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M") if moment else ""


@dataclass(frozen=True)
class OrgChoice:
    label: str
    code: str
    rollup: bool = False


def org_choices(office_code: str, townships: list[tuple[str, str]]) -> list[OrgChoice]:
    """The county sees its roll-up, its own 县本级 values and every township; a township itself."""
    if is_county(office_code):
        return [OrgChoice("全县汇总（只读）", COUNTY_CODE, True), OrgChoice("县本级", COUNTY_CODE)] + [
            OrgChoice(name, code) for code, name in townships
        ]
    return [OrgChoice(name, code) for code, name in townships if code == office_code]
