"""Backup file names: the local date-time and what triggered the backup, readable and parseable.

    zkdesk-20250103-083015-daily.sqlite3
    zkdesk-20250103-083015-migration-0001_initial_schema.sqlite3
    zkdesk-20250103-083015.2-import.sqlite3      (a second backup within the same second)
    zkdesk-20250103-083015-daily.dump            (an office database on a PostgreSQL server: pg_dump)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

SQLITE_SUFFIX, DUMP_SUFFIX = ".sqlite3", ".dump"

# Trigger keys (ASCII, in file names) and how the user reads them.
TRIGGER_LABELS = {
    "daily": "每日首次启动",
    "migration": "升级前",
    "import": "导入前",
    "exit": "退出时",
    "manual": "手动备份",
    "restore": "恢复前",
}

_NAME = re.compile(
    r"^zkdesk-(?P<date>\d{8})-(?P<time>\d{6})(?:\.(?P<seq>\d+))?-(?P<trigger>[a-z]+)(?:-(?P<extra>[A-Za-z0-9_.-]+))?(?P<suffix>\.sqlite3|\.dump)$"
)
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


@dataclass(frozen=True)
class BackupName:
    at: datetime  # local time, naive: what the office's clock said
    trigger: str
    extra: str = ""
    seq: int = 0
    suffix: str = SQLITE_SUFFIX

    @property
    def trigger_label(self) -> str:
        return TRIGGER_LABELS.get(self.trigger, self.trigger)


def backup_file_name(at: datetime, trigger: str, extra: str = "", seq: int = 0, suffix: str = SQLITE_SUFFIX) -> str:
    if trigger not in TRIGGER_LABELS:
        raise ValueError(f"unknown backup trigger {trigger!r}")
    extra = _UNSAFE.sub("_", extra).strip("_.-")
    stamp = at.strftime("%Y%m%d-%H%M%S") + (f".{seq}" if seq else "")
    return f"zkdesk-{stamp}-{trigger}" + (f"-{extra}" if extra else "") + suffix


def parse_backup_file_name(name: str) -> BackupName | None:
    """The parts of a name written by backup_file_name, or None for any other file."""
    m = _NAME.match(name)
    if not m or m["trigger"] not in TRIGGER_LABELS:
        return None
    try:
        at = datetime.strptime(m["date"] + m["time"], "%Y%m%d%H%M%S")
    except ValueError:
        return None
    return BackupName(at=at, trigger=m["trigger"], extra=m["extra"] or "", seq=int(m["seq"] or 0), suffix=m["suffix"])
