"""Listing accounts (managing them is in services/accounts.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from zkdesk.domain.roles import Permission, Role
from zkdesk.services.actor import Actor
from zkdesk.store.models import User


@dataclass(frozen=True)
class UserRow:
    id: int
    username: str
    display_name: str
    role: Role
    active: bool
    last_login_at: datetime | None = None  # UTC
    locked_until: datetime | None = None  # UTC; in the past once the lockout is over

    @property
    def role_label(self) -> str:
        return self.role.label


def list_users(session: Session, actor: Actor) -> list[UserRow]:
    actor.require(Permission.VIEW)
    return [
        UserRow(u.id, u.username, u.display_name, Role(u.role), u.active, u.last_login_at, u.locked_until)
        for u in session.scalars(select(User).order_by(User.id))
    ]
