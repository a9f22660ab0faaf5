"""What every page is given: the database, the logged-in user, the change bus."""

from __future__ import annotations

from dataclasses import dataclass

from zkdesk.config import Home
from zkdesk.services.actor import Actor
from zkdesk.store.engine import Database
from zkdesk.ui.bus import ChangeBus


@dataclass
class UiContext:
    home: Home
    db: Database
    actor: Actor
    bus: ChangeBus
    office_name: str = ""
    demo: bool = False
