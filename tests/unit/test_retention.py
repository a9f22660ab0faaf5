"""The retention rule (7 daily + 4 weekly + 12 monthly + last 48 hours) and backup file names."""

from datetime import date, datetime, timedelta

import pytest

from zkdesk.domain.backup_names import backup_file_name, parse_backup_file_name
from zkdesk.domain.retention import backups_to_keep


def _simulate(days: list[datetime]) -> set[datetime]:
    """Apply the rule after every backup, as the program does, deleting what it drops."""
    kept: set[datetime] = set()
    for now in days:
        kept.add(now)
        kept = backups_to_keep([(at, at) for at in kept], now)
    return kept


def test_a_year_of_daily_starts_ends_with_exactly_the_promised_set():
    start = datetime(2025, 1, 1, 8, 30)
    days = [start + timedelta(days=i) for i in range(365)]  # ends Wed 2025-12-31
    kept = _simulate(days)
    expected_days = {
        # 7 daily: the last seven days
        *(date(2025, 12, d) for d in range(25, 32)),
        # 4 weekly: newest of ISO weeks 1 (2026, running), 52, 51, 50 -> Dec 31, 28, 21, 14
        date(2025, 12, 21), date(2025, 12, 14),
        # 12 monthly: the last day of January ... December
        date(2025, 1, 31), date(2025, 2, 28), date(2025, 3, 31), date(2025, 4, 30), date(2025, 5, 31),
        date(2025, 6, 30), date(2025, 7, 31), date(2025, 8, 31), date(2025, 9, 30), date(2025, 10, 31),
        date(2025, 11, 30),
    }
    assert {k.date() for k in kept} == expected_days
    assert len(kept) == 20


def test_applying_the_rule_daily_equals_applying_it_once():
    start = datetime(2024, 3, 5, 9, 0)
    days = [start + timedelta(days=i, hours=(i * 7) % 10) for i in range(400)]
    once = backups_to_keep([(d, d) for d in days], days[-1])
    assert _simulate(days) == once


def test_several_backups_a_day_keep_the_last_48_hours_whole():
    now = datetime(2025, 6, 11, 18, 0)
    times = [datetime(2025, 6, d, h) for d in range(1, 12) for h in (8, 10, 17) if datetime(2025, 6, d, h) <= now]
    kept = backups_to_keep([(t, t) for t in times], now)
    # today and yesterday entirely (the copy before this morning's import is still there) ...
    assert {t for t in times if t >= now - timedelta(hours=48)} <= kept
    assert datetime(2025, 6, 10, 8) in kept and datetime(2025, 6, 9, 17) in kept
    # ... older days only their newest backup
    assert datetime(2025, 6, 8, 8) not in kept and datetime(2025, 6, 8, 17) in kept
    assert all(t.hour == 17 for t in kept if t < now - timedelta(hours=48))


def test_a_pc_switched_off_for_months_keeps_its_last_backups():
    times = [datetime(2025, 1, 1) + timedelta(days=i) for i in range(30)]
    kept = backups_to_keep([(t, t) for t in times], datetime(2025, 9, 1))
    assert {t.date() for t in kept} >= {date(2025, 1, d) for d in range(24, 31)}


def test_names_carry_date_time_and_trigger_and_parse_back():
    at = datetime(2025, 1, 3, 8, 30, 15)
    name = backup_file_name(at, "migration", "0001_initial schema")
    assert name == "zkdesk-20250103-083015-migration-0001_initial_schema.sqlite3"
    parsed = parse_backup_file_name(name)
    assert (parsed.at, parsed.trigger, parsed.extra, parsed.trigger_label) == (at, "migration", "0001_initial_schema", "升级前")
    second = parse_backup_file_name(backup_file_name(at, "import", seq=2))
    assert (second.at, second.trigger, second.seq) == (at, "import", 2)
    for other in ("zkdesk.sqlite3", "zkdesk-20250103-083015-daily.sqlite3.partial", "zkdesk-20251303-083015-daily.sqlite3",
                  "zkdesk-20250103-083015-bogus.sqlite3", "notes.txt"):
        assert parse_backup_file_name(other) is None
    with pytest.raises(ValueError):
        backup_file_name(at, "bogus")
