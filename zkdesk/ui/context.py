"""What every page is given: the database, the logged-in user, the change bus."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from zkdesk.config import Home
from zkdesk.services.actor import Actor

if TYPE_CHECKING:
    from zkdesk.store.engine import Database
from zkdesk.ui.bus import ChangeBus
from zkdesk.ui.work_year import WorkYear


class AppControl(Protocol):
    """What the running program offers its pages (app.AppRunner): restoring a backup closes the
    window and the database, replaces the file and starts again at the login; signing out closes
    the window (its unsaved work already settled) and shows the login again."""

    def restore_and_restart(self, backup: Path) -> None: ...

    def sign_out(self) -> None: ...


@dataclass
class UiContext:
    home: Home
    db: Database
    actor: Actor
    bus: ChangeBus
    office_name: str = ""
    demo: bool = False
    controller: AppControl | None = None  # None in tests that build a bare window
    # read once after login, so pages need no database to build their filters
    townships: list[tuple[str, str]] = field(default_factory=list)  # (code, short name) this office keeps
    org_names: dict[str, str] = field(default_factory=dict)  # short names by code
    work_year: int = field(default_factory=lambda: date.today().year)  # the year pages open on
    current_year: WorkYear | None = None  # the year pages show now, shared (ui.work_year); made from work_year

    def __post_init__(self) -> None:
        if self.current_year is None:
            self.current_year = WorkYear(self.work_year)
