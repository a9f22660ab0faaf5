"""Lookups several kinds share: enterprises by USCC or by name, township names for export."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from zkdesk.imports.cells import nfkc
from zkdesk.imports.spec import Lookups
from zkdesk.store.models import Enterprise, OrgUnit


def name_key(name: str) -> str:
    return "".join(nfkc(name or "").split()).upper()


def load_enterprises(session: Session, lookups: Lookups) -> None:
    """extra["enterprise_by_uscc"] and extra["enterprises_by_name"]: (id, township, name)."""
    by_uscc: dict[str, tuple[str, str, str]] = {}
    by_name: dict[str, list[tuple[str, str, str]]] = {}
    rows = session.execute(
        select(Enterprise.id, Enterprise.uscc, Enterprise.township_code, Enterprise.name).where(Enterprise.deleted.is_(False))
    )
    for ent_id, uscc, township, name in rows:
        entry = (ent_id, township, name)
        if uscc:
            by_uscc[name_key(uscc)] = entry
        by_name.setdefault(name_key(name), []).append(entry)
    lookups.extra["enterprise_by_uscc"] = by_uscc
    lookups.extra["enterprises_by_name"] = by_name


def township_names(session: Session) -> dict[str, str]:
    """code -> short name (南伞镇): exports write names, which imports read back."""
    return dict(session.execute(select(OrgUnit.code, OrgUnit.short_name)).all())
