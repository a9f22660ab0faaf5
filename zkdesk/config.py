"""The data directory (--home / ZKDESK_HOME / platform default) and the files inside it, and
where the office database is: the SQLite file in the data directory (the default), or a
PostgreSQL server database (--database / ZKDESK_DATABASE / the server remembered in the data
directory's database.toml, written by the first-run dialog or `migrate-to --remember`)."""

from __future__ import annotations

import json
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

import platformdirs

DB_FILE_NAME = "zkdesk.sqlite3"
SERVER_FILE_NAME = "database.toml"  # url = "postgresql://user@host/db" — never a password


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

    @property
    def server_file(self) -> Path:
        return self.root / SERVER_FILE_NAME

    def ensure(self) -> "Home":
        from zkdesk.store.private_files import DIR_MODE, private_dir, tighten

        for folder in (self.root, self.backups_dir):  # owner only, also when an older zkdesk made them
            private_dir(folder)
            tighten(folder, DIR_MODE)
        return self


def resolve_home(cli_value: str | os.PathLike | None = None) -> Home:
    """--home wins over ZKDESK_HOME, which wins over the platform's user data dir."""
    if cli_value:
        return Home(Path(cli_value).expanduser().resolve())
    env = os.environ.get("ZKDESK_HOME")
    if env:
        return Home(Path(env).expanduser().resolve())
    return Home(Path(platformdirs.user_data_dir("zkdesk", appauthor=False, roaming=False)))


def remembered_server(home: Home) -> str | None:
    """The server URL this data directory was pointed at, or None (the SQLite file)."""
    try:
        text = home.server_file.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    url = tomllib.loads(text).get("url", "").strip()
    return url or None


def remember_server(home: Home, url: str) -> Path:
    """Point this data directory at a server database from now on. The password, if the URL
    had one, is left out: it comes from a pgpass file or is asked for at each start."""
    from zkdesk.store.engine import database_url, shown_url

    home.root.mkdir(parents=True, exist_ok=True)
    plain = shown_url(database_url(url))
    home.server_file.write_text(
        "# zkdesk: this office's database is on a PostgreSQL server (delete this file to use the local SQLite file)\n"
        f"url = {json.dumps(plain, ensure_ascii=False)}\n",
        encoding="utf-8",
    )
    return home.server_file


def forget_server(home: Home) -> None:
    home.server_file.unlink(missing_ok=True)


def database_target(home: Home, cli_value: str | None = None) -> str | Path:
    """--database wins over ZKDESK_DATABASE, which wins over the remembered server; otherwise
    the SQLite file in the data directory."""
    for value in (cli_value, os.environ.get("ZKDESK_DATABASE"), remembered_server(home)):
        if value and value.strip():
            return value.strip()
    return home.db_path
