"""The one place where the evaluation report meets the progress API: figures per year, the
baseline, and the evaluation status (已完成 / 基本完成 / 未完成 / 无数据) with its reason.

Everything the report needs from services/progress.py and domain/progress.py goes through
`Figures` and `judge` below, so a change of the catalog's target kinds, baselines or status
reasons is one change here. Figures are those of `progress_for` (the same calculator), so a
report's number for a year equals `zkdesk progress --json` for that year.

Status at the end of a report's range, from the progress status of that year:
  - 已完成: the target is reached (progress 已完成);
  - 基本完成: not reached, but the completion rate is at least BASIC_SHARE % of the target, or
    (before the target year: a mid-term evaluation) the figure is on its straight-line path
    (progress 进度正常);
  - 未完成: otherwise;
  - 无数据: no figure, or no target for the org unit.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from zkdesk.domain import progress as rules
from zkdesk.services import progress as progress_service
from zkdesk.store.models import Indicator, Plan

DONE, BASIC, NOT_DONE, NO_DATA = "已完成", "基本完成", "未完成", "无数据"
STATUSES = (DONE, BASIC, NOT_DONE, NO_DATA)
BASIC_SHARE = 90.0  # completion rate (% of the target) counted as 基本完成


@dataclass(frozen=True)
class Judgement:
    status: str  # one of STATUSES
    reason: str  # one Chinese sentence


class Figures:
    """Figures of one plan for any org unit and year, loaded once per report."""

    def __init__(self, session: Session, plan: Plan):
        # the progress calculator is private to services/progress.py; this adapter is the only
        # other module that uses it, so that per-year figures are not loaded once per year
        self._calc = progress_service._Calculator(session, plan)
        self.plan = plan

    @property
    def indicators(self) -> list[Indicator]:
        return self._calc.indicators

    @property
    def township_codes(self) -> list[str]:
        return self._calc.township_codes

    def row(self, ind: Indicator, org_code: str, year: int) -> progress_service.ProgressRow:
        return self._calc.row(ind, org_code, year)

    def responsible(self, ind: Indicator) -> tuple[str, ...]:
        return self._calc.responsible(ind)

    def baseline(self, ind: Indicator, org_code: str) -> float | None:
        """The value before the plan (2020 for 十四五): the org unit's baseline as progress uses
        it (services/baselines.py; the county's is its parts' rolled up), None without one. A
        growth target's figures are growths, so its baseline year stands at 0 in their series."""
        amount = self._calc.baseline(ind, org_code)
        if amount is None or amount.value is None:
            return None
        return 0.0 if rules.judged_as(ind.kind, ind.target_kind) == rules.GROWTH else amount.value

    def expected_path(self, ind: Indicator, org_code: str) -> dict[int, float]:
        """The straight-line target path by year (empty for yearly and not-below-last targets)."""
        return dict(self._calc.path(ind, org_code).expected)


def judge(row: progress_service.ProgressRow, year: int, target_year: int) -> Judgement:
    """The evaluation status of one progress row at the end of a report's range."""
    unit = "" if row.unit in ("", "%") else row.unit
    pct = "%" if row.unit == "%" else ""
    comparator = rules.COMPARATOR_LABELS.get(row.comparator, "")
    if row.actual is None:
        return Judgement(NO_DATA, f"{year}年无数据")
    actual = f"{year}年实际{rules.format_number(row.actual)}{pct}{unit}"
    if row.target is None:
        return Judgement(NO_DATA, f"{actual}，无目标（未分解到本单位），不作评价")
    target = f"目标{comparator}{rules.format_number(row.target)}{pct}{unit}"
    done = "" if row.completion is None else f"，完成率{rules.format_number(row.completion)}%"
    base = f"{actual}，{target}{done}"
    if row.status == rules.DONE:
        return Judgement(DONE, f"{base}，已达到目标")
    if row.completion is not None and row.completion >= BASIC_SHARE:
        return Judgement(BASIC, f"{base}，达到目标的{rules.format_number(BASIC_SHARE)}%以上")
    if row.status == rules.ON_TRACK and year < target_year:
        return Judgement(BASIC, f"{base}，按{target_year}年目标的进度推进")
    return Judgement(NOT_DONE, f"{base}，未达到目标")
