"""Offices for exchange tests: each its own database file, keys and admin, in one temp dir."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tests.conftest import make_office
from tests.databases import new_database, table_rows
from zkdesk.exchange.export import export_packages
from zkdesk.exchange.importing import PackageResult, import_packages
from zkdesk.exchange.overview import keys_overview
from zkdesk.output.catalog import user_forms_dir
from zkdesk.services.actor import Actor
from zkdesk.store.engine import Database

COUNTY = "530924"
TOWNSHIPS = ("530924101", "530924102", "530924103", "530924201", "530924202", "530924204", "530924205")
LOG_TABLES = ("exchange_log", "audit_log")


@dataclass
class Office:
    code: str
    root: Path
    db: Database
    actor: Actor

    @property
    def backups(self) -> Path:
        return self.root / "backups"

    @property
    def forms(self) -> Path:
        """The office's own forms folder, in its data directory (whichever engine holds its data)."""
        return user_forms_dir(self.root)

    @property
    def fingerprint(self) -> str:
        with self.db.session() as s:
            return keys_overview(s, self.actor).fingerprint

    def export(self, to: Path, for_code: str | None = None, full: bool = False):
        to.mkdir(parents=True, exist_ok=True)
        return export_packages(self.db, self.actor, to, for_code, full, forms_dir=self.forms)

    def import_(self, *paths: Path, trust=(), dry_run: bool = False) -> list[PackageResult]:
        return import_packages(self.db, self.actor, list(paths), self.backups, dry_run=dry_run, trust=set(trust),
                               forms_dir=self.forms)

    def applied(self, *paths: Path, trust=()) -> list[PackageResult]:
        """Import and return only the packages addressed to this office, asserting no errors."""
        results = [r for r in self.import_(*paths, trust=trust) if not r.skipped]
        assert [r.error for r in results] == [None] * len(results), [r.error for r in results]
        return results


def make_office_at(root: Path, code: str) -> Office:
    """An office in `root/code`: an SQLite file there, or on the PostgreSQL pass a server database."""
    folder = root / code
    db = new_database(folder)
    return Office(code, folder, db, make_office(db, code))


def dump(db: Database, skip: tuple[str, ...] = LOG_TABLES) -> dict[str, list[tuple]]:
    """Every row of every table, for before/after checks."""
    return table_rows(db, skip)
