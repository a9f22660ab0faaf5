"""Working days for 公示 periods: Monday–Friday, less the public holidays the office lists."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta


def is_working_day(day: date, holidays: Iterable[date] = (), extra_workdays: Iterable[date] = ()) -> bool:
    if day in set(extra_workdays):  # 调休 Saturdays count as working days
        return True
    return day.weekday() < 5 and day not in set(holidays)


def add_working_days(start: date, count: int, holidays: Iterable[date] = (), extra_workdays: Iterable[date] = ()) -> date:
    """The day on which `count` working days, counting `start` if it is one, are complete."""
    holidays, extra = set(holidays), set(extra_workdays)
    day, done = start, 0
    while True:
        if is_working_day(day, holidays, extra):
            done += 1
            if done >= count:
                return day
        day += timedelta(days=1)


def working_days_between(start: date, end: date, holidays: Iterable[date] = (), extra_workdays: Iterable[date] = ()) -> int:
    """Working days from start to end, both included."""
    holidays, extra = set(holidays), set(extra_workdays)
    n, day = 0, start
    while day <= end:
        if is_working_day(day, holidays, extra):
            n += 1
        day += timedelta(days=1)
    return n
