"""The data directory (--home / ZKDESK_HOME / platform default) and the files inside it."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

DB_FILE_NAME = "zkdesk.sqlite3"


@dataclass(frozen=True)
class Home:
    """A zkdesk data directory: the database, its backups and exchange files live here."""

    root: Path

    @property
    def db_path(self) -> Path:
        return self.root / DB_FILE_NAME

    @property
    def backups_dir(self) -> Path:
        return self.root / "backups"

    @property
    def exchange_dir(self) -> Path:
        return self.root / "exchange"

    def ensure(self) -> "Home":
        self.root.mkdir(parents=True, exist_ok=True)
        self.backups_dir.mkdir(exist_ok=True)
        return self


def resolve_home(cli_value: str | os.PathLike | None = None) -> Home:
    """--home wins over ZKDESK_HOME, which wins over the platform's user data dir."""
    if cli_value:
        return Home(Path(cli_value).expanduser().resolve())
    env = os.environ.get("ZKDESK_HOME")
    if env:
        return Home(Path(env).expanduser().resolve())
    return Home(Path(platformdirs.user_data_dir("zkdesk", appauthor=False, roaming=False)))
