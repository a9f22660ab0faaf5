"""Data sources of the printed forms: one small module per register, found automatically.

A source is a function taking a SourceQuery and returning a SourceResult (rows of plain values,
unformatted and unmasked). It registers itself with `@source(...)`, declaring the fields a form
may print (the form loader checks every column against them), which fields are personal data
(masked by the engine, never by the source), the extra title placeholders it fills, and
optionally which years have data and which persons a per-person form can be printed for.

Adding a source for a new form is one new module in this package; nothing else to register.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from zkdesk.services.actor import Actor

# How a personal field is masked: "id" → 530924********1234, "phone" → 139****5678.
PERSONAL_KINDS = ("id", "phone")


@dataclass(frozen=True)
class SourceQuery:
    session: Session  # read only: sources never write
    actor: Actor
    org_code: str  # the county (530924) or one township; already checked against the actor's office
    year: int
    person_id: str | None = None  # per-person forms: which record

    @property
    def year_end(self) -> date:
        return date(self.year, 12, 31)


@dataclass
class SourceResult:
    rows: list[dict[str, object]]
    meta: dict[str, str] = field(default_factory=dict)  # fills the source's title placeholders


YearsFn = Callable[[Session, str], list[int]]  # (session, org_code) -> years having data
PersonsFn = Callable[[Session, str, int], list[tuple[str, str]]]  # (session, org_code, year) -> [(id, label)]


@dataclass(frozen=True)
class SourceSpec:
    name: str
    label: str
    fn: Callable[[SourceQuery], SourceResult]
    fields: dict[str, str]  # field name -> Chinese description
    personal: dict[str, str]  # field name -> one of PERSONAL_KINDS
    meta: tuple[str, ...]
    years: YearsFn | None
    persons: PersonsFn | None  # set for per-person (record) sources

    @property
    def per_person(self) -> bool:
        return self.persons is not None


_REGISTRY: dict[str, SourceSpec] = {}


def source(
    name: str,
    *,
    label: str,
    fields: dict[str, str],
    personal: dict[str, str] | None = None,
    meta: tuple[str, ...] = (),
    years: YearsFn | None = None,
    persons: PersonsFn | None = None,
) -> Callable[[Callable[[SourceQuery], SourceResult]], Callable[[SourceQuery], SourceResult]]:
    personal = dict(personal or {})
    for key, kind in personal.items():
        if key not in fields or kind not in PERSONAL_KINDS:
            raise ValueError(f"source {name}: bad personal field {key}={kind}")

    def register(fn: Callable[[SourceQuery], SourceResult]) -> Callable[[SourceQuery], SourceResult]:
        if name in _REGISTRY:
            raise ValueError(f"source {name} registered twice")
        _REGISTRY[name] = SourceSpec(name, label, fn, dict(fields), personal, tuple(meta), years, persons)
        return fn

    return register


_loaded = False


def _load_all() -> None:
    global _loaded
    if _loaded:
        return
    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith("_"):
            importlib.import_module(f"{__name__}.{info.name}")
    _loaded = True


def get_source(name: str) -> SourceSpec | None:
    _load_all()
    return _REGISTRY.get(name)


def all_sources() -> dict[str, SourceSpec]:
    _load_all()
    return dict(_REGISTRY)
