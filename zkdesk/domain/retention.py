"""Which backups to keep: 7 daily + 4 weekly + 12 monthly, plus everything from the last 48 hours.

Each rule keeps the newest backup of each of its most recent periods that *have* a backup
(like `borg prune --keep-daily 7 --keep-weekly 4 --keep-monthly 12`, rules applied
independently and united). Counting periods that have backups, not calendar periods, means a PC
left switched off for three months still keeps its last backups instead of losing them all.

The 48-hour window keeps every backup of today and yesterday, so the copy made before this
morning's import is still there after tonight's exit backup.

Applying the rule every day gives the same set as applying it once at the end: a backup that is
not the newest of its period never becomes it, and a period that leaves a window never returns.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from datetime import datetime, timedelta
from typing import TypeVar

KEEP_DAILY = 7
KEEP_WEEKLY = 4
KEEP_MONTHLY = 12
KEEP_RECENT = timedelta(hours=48)

T = TypeVar("T")


def _day(at: datetime) -> Hashable:
    return at.date()


def _iso_week(at: datetime) -> Hashable:
    year, week, _ = at.isocalendar()
    return (year, week)


def _month(at: datetime) -> Hashable:
    return (at.year, at.month)


def _newest_per_period(items: list[tuple[datetime, T]], period: Callable[[datetime], Hashable], count: int) -> list[T]:
    """The newest item of each of the `count` most recent periods (items sorted newest first)."""
    kept: list[T] = []
    seen: set[Hashable] = set()
    for at, item in items:
        key = period(at)
        if key in seen:
            continue
        if len(seen) == count:
            break
        seen.add(key)
        kept.append(item)
    return kept


def backups_to_keep(backups: Iterable[tuple[datetime, T]], now: datetime) -> set[T]:
    """Given (local time, backup) pairs, the backups the retention rule keeps."""
    items = sorted(backups, key=lambda pair: pair[0], reverse=True)
    keep: set[T] = {item for at, item in items if at >= now - KEEP_RECENT}
    keep.update(_newest_per_period(items, _day, KEEP_DAILY))
    keep.update(_newest_per_period(items, _iso_week, KEEP_WEEKLY))
    keep.update(_newest_per_period(items, _month, KEEP_MONTHLY))
    return keep
