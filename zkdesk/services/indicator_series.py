"""Reading indicator figures in bulk: stored values and derived ones, by indicator, org, year."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from zkdesk.domain.progress import RATE, Amount
from zkdesk.services.derived import Derived, Registers, derive
from zkdesk.store.models import Indicator, IndicatorValue

DERIVED_NOTE = "由登记数据自动计算"

# indicator id -> org code -> year -> Amount
Figures = dict[str, dict[str, dict[int, Amount]]]


def stored_amount(kind: str, row: IndicatorValue) -> Amount:
    if kind == RATE:
        return Amount(row.value, row.numerator, row.denominator)
    return Amount(row.value)


def live_values(session: Session, indicator_ids: Iterable[str], org_codes: Iterable[str] | None = None,
                years: tuple[int, int] | None = None) -> list[IndicatorValue]:
    ids = list(indicator_ids)
    if not ids:
        return []
    query = select(IndicatorValue).where(IndicatorValue.indicator_id.in_(ids), IndicatorValue.deleted.is_(False))
    if org_codes is not None:
        query = query.where(IndicatorValue.org_code.in_(list(org_codes)))
    if years is not None:
        query = query.where(IndicatorValue.year.between(*years))
    return list(session.scalars(query))


def stored_figures(session: Session, indicators: list[Indicator], years: tuple[int, int] | None = None) -> Figures:
    kinds = {i.id: i.kind for i in indicators}
    figures: Figures = defaultdict(lambda: defaultdict(dict))
    for row in live_values(session, kinds, years=years):
        figures[row.indicator_id][row.org_code][row.year] = stored_amount(kinds[row.indicator_id], row)
    return figures


class DerivedCache:
    """derive() results of one request, so every org and year is computed once, from registers
    read once for all of them (services.derived.Registers)."""

    def __init__(self, session: Session):
        self.session = session
        self.registers = Registers(session)
        self._cache: dict[tuple[str, str, int], Derived | None] = {}

    def get(self, source: str, org_code: str, year: int) -> Derived | None:
        key = (source, org_code, year)
        if key not in self._cache:
            self._cache[key] = derive(self.registers, source, org_code, year)
        return self._cache[key]

    def amounts(self, source: str, org_code: str, years: Iterable[int]) -> dict[int, Amount]:
        result = {}
        for year in years:
            d = self.get(source, org_code, year)
            if d is not None and (d.value is not None or d.denominator is not None):
                result[year] = Amount(d.value, d.numerator, d.denominator)
        return result
