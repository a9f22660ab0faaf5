"""The one place that maps an indicator's `source` key to the register it is computed from.

Each register module registers its keys with `@derivation("key")`. A derivation computes the
value of one org unit and one year, the way a clerk would have reported it:
  - rate: numerator and denominator at the end of the year (value = 100·num/den);
  - cumulative: the year's own count (progress adds the plan years up);
  - stock / yearly: the level at the end of the year / the year's count.
For the county (530924) a derivation counts every township, so rates come out as Σnum/Σden.
`record_ids` lists the records behind the number, for drill-down.

A derivation reads the registers through `Registers`, one per request: each register is read
once for the whole county (per year where its rule is per year) and every derivation of that
request — every indicator, org unit and year — takes its part of it in memory. The number of
statements a progress request runs does not grow with the registers or the number of indicators.

A register may cover only part of what the plan counts (the 三室一站 register holds the studios'
合理化建议, 专利, 先进操作法…, the plan counts them for all workers). Such a derivation declares it
in its decorator, `@derivation("key", partial=STUDIO_PART)`: its figure is the register's part, and
the clerk types the rest (其他) as the indicator's stored value; progress adds the two
(source "derived+entered") and shows both. `partial_of(source)` is the one place that says so.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from zkdesk.domain.orgcodes import COUNTY_CODE, is_county


@dataclass(frozen=True)
class Derived:
    value: float | None
    numerator: float | None = None
    denominator: float | None = None
    record_kind: str = ""  # "nomination" | "studio" | "studio_result" | "enterprise" | "contract" ...
    record_ids: tuple[str, ...] = field(default=())
    explanation: str = ""  # one Chinese sentence: what is counted


class Registers:
    """One request's reading of the registers. `once(key, load)` runs `load(session)` the first
    time a key is asked for and hands the same result to every later derivation of the request.
    Loads read the whole county; a derivation keeps its org unit's part (`of_org`)."""

    def __init__(self, session: Session):
        self.session = session
        self._loaded: dict[Hashable, Any] = {}

    def once(self, key: Hashable, load: Callable[[Session], Any]) -> Any:
        if key not in self._loaded:
            self._loaded[key] = load(self.session)
        return self._loaded[key]


# Not an org unit: where the county's code reads the whole county, this asks a derivation for
# 县本级's own records only (those attached to the county itself, none of the townships'): what
# 县本级's own entry sheet shows beside the 其他 it enters. `own_scope` is the one way to ask.
COUNTY_OWN = f"{COUNTY_CODE}:own"


def own_scope(org_code: str) -> str:
    """What to derive for an org unit's own records: a township's are its area's; the county's
    own are 县本级's alone (COUNTY_OWN)."""
    return COUNTY_OWN if is_county(org_code) else org_code


def of_org(org_code: str) -> Callable[[str | None], bool]:
    """Whether a record of this township counts for `org_code` (services.scope.org_filter in memory);
    COUNTY_OWN keeps the records attached to 县本级 itself."""
    if org_code == COUNTY_OWN:
        return lambda township: township == COUNTY_CODE
    if is_county(org_code):
        return lambda _township: True
    return lambda township: township == org_code


@dataclass(frozen=True)
class Partial:
    """A register that covers only part of a total: what its part is called and what the part the
    clerk types (其他) covers, both as a clerk reads them."""

    register_label: str  # e.g. "三室一站登记"
    other_label: str  # e.g. "其他（三室一站以外的职工）"


STUDIO_PART = Partial("三室一站登记", "其他（三室一站以外的职工）")

Derivation = Callable[[Registers, str, int], Derived]
_REGISTRY: dict[str, Derivation] = {}
_PARTIAL: dict[str, Partial] = {}


def derivation(key: str, partial: Partial | None = None) -> Callable[[Derivation], Derivation]:
    """Register `fn` as the derivation of `key`; `partial`: the register covers only part of the
    total, and the rest is entered by hand (see the module's docstring)."""
    def register(fn: Derivation) -> Derivation:
        if key in _REGISTRY:
            raise ValueError(f"derivation {key} registered twice")
        _REGISTRY[key] = fn
        if partial is not None:
            _PARTIAL[key] = partial
        return fn

    return register


def partial_of(source: str | None) -> Partial | None:
    """How the register of `source` covers its total: None when it covers all of it (or there is
    no such derivation); else the part entered by hand is added to it."""
    if not source:
        return None
    _load_register_modules()
    return _PARTIAL.get(source)


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


def derive(reader: Session | Registers, source: str, org_code: str, year: int) -> Derived | None:
    """The derived value, or None when no register provides this source (yet). Pass the
    request's `Registers` when deriving more than one value; a session reads for this one."""
    _load_register_modules()
    fn = _REGISTRY.get(source)
    if fn is None:
        return None
    return fn(reader if isinstance(reader, Registers) else Registers(reader), org_code, year)


def rate(numerator: float, denominator: float, **kw) -> Derived:
    value = None if not denominator else round(100.0 * numerator / denominator, 2)
    return Derived(value=value, numerator=float(numerator), denominator=float(denominator), **kw)
