"""The one place that maps an indicator's `source` key to the register it is computed from.

Each register module registers its keys with `@derivation("key")`. A derivation computes the
value of one org unit and one year, the way a clerk would have reported it:
  - rate: numerator and denominator at the end of the year (value = 100·num/den);
  - cumulative: the year's own count (progress adds the plan years up);
  - stock / yearly: the level at the end of the year / the year's count.
For the county (530924) a derivation counts every township, so rates come out as Σnum/Σden.
`record_ids` lists the records behind the number, for drill-down.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session


@dataclass(frozen=True)
class Derived:
    value: float | None
    numerator: float | None = None
    denominator: float | None = None
    record_kind: str = ""  # "nomination" | "studio" | "studio_result" | "enterprise" | "contract" ...
    record_ids: tuple[str, ...] = field(default=())
    explanation: str = ""  # one Chinese sentence: what is counted


Derivation = Callable[[Session, str, int], Derived]
_REGISTRY: dict[str, Derivation] = {}


def derivation(key: str) -> Callable[[Derivation], Derivation]:
    def register(fn: Derivation) -> Derivation:
        if key in _REGISTRY:
            raise ValueError(f"derivation {key} registered twice")
        _REGISTRY[key] = fn
        return fn

    return register


def _load_register_modules() -> None:
    # Imported here, not at the top, so each register module can import this one.
    import importlib

    for name in REGISTER_MODULES:
        importlib.import_module(name)


REGISTER_MODULES: list[str] = [
    "zkdesk.services.derived.nominations",
    "zkdesk.services.derived.studios",
    "zkdesk.services.derived.enterprises",
]


def known_sources() -> set[str]:
    _load_register_modules()
    return set(_REGISTRY)


def derive(session: Session, source: str, org_code: str, year: int) -> Derived | None:
    """The derived value, or None when no register provides this source (yet)."""
    _load_register_modules()
    fn = _REGISTRY.get(source)
    return fn(session, org_code, year) if fn else None


def rate(numerator: float, denominator: float, **kw) -> Derived:
    value = None if not denominator else round(100.0 * numerator / denominator, 2)
    return Derived(value=value, numerator=float(numerator), denominator=float(denominator), **kw)
