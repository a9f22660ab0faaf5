"""集体协商建制情况汇总表: plan item 14's rates per township.

The figures are the indicator mechanism's own (services/derived/enterprises.py, which documents
each denominator): every cell is a numerator, denominator or value of the derivation behind
indicators 14.1–14.6, computed for that township. So the printed summary and the progress
figures cannot disagree, and the county's 合计 (Σnumerator / Σdenominator) equals the county's
progress figure.
"""

from __future__ import annotations

from zkdesk.output.sources import SourceQuery, SourceResult, source
from zkdesk.output.sources.common import enterprise_years, townships_in_scope
from zkdesk.services.derived import Derived, Registers, derive

# derivation -> (numerator field, denominator field, rate field); None: the denominator is
# another derivation's (14.3 shares 14.2's, 14.5 shares 14.4's).
ITEM14: dict[str, tuple[str, str | None, str]] = {
    "contracts.negotiation_rate": ("established", "unionised", "established_rate"),
    "contracts.negotiation_rate_100plus": ("big_established", "big", "big_rate"),
    "contracts.signed_alone_rate": ("big_alone", None, "alone_rate"),
    "contracts.awareness_rate": ("aware", "respondents", "awareness_rate"),
    "contracts.satisfaction_rate": ("satisfied", None, "satisfaction_rate"),
    "contracts.quality_80_rate": ("evaluated_good", "evaluated", "good_rate"),
}

FIELDS = {
    "township": "乡镇",
    "unionised": "建会企业数",
    "established": "集体协商建制的建会企业数",
    "established_rate": "集体协商建制率（%）",
    "big": "正常经营的百人以上建会企业数",
    "big_established": "其中集体协商建制的",
    "big_rate": "百人以上建会企业建制率（%）",
    "big_alone": "其中单独签订集体合同的",
    "alone_rate": "单独签订集体合同率（%）",
    "respondents": "受调查职工数",
    "aware": "知晓集体协商的职工数",
    "awareness_rate": "知晓率（%）",
    "satisfied": "对集体协商满意的职工数",
    "satisfaction_rate": "满意度（%）",
    "evaluated": "参加质效评估的建制企业数",
    "evaluated_good": "质效评估80分以上的建制企业数",
    "good_rate": "80分以上比例（%）",
}


def _count(value: float | None) -> int:
    return int(value or 0)


def _row(derived: dict[str, Derived | None]) -> dict[str, object]:
    """One org unit's summary row from its item-14 derivations."""
    row: dict[str, object] = {}
    for key, (numerator, denominator, rate_field) in ITEM14.items():
        d = derived.get(key)
        row[numerator] = _count(d.numerator if d else None)
        if denominator:
            row[denominator] = _count(d.denominator if d else None)
        row[rate_field] = d.value if d else None
    return row


@source("contracts.negotiation", label="集体协商建制情况", fields=FIELDS, years=enterprise_years)
def negotiation_summary(q: SourceQuery) -> SourceResult:
    """One row per township in scope (all seven for the county), empty townships included."""
    rows, registers = [], Registers(q.session)
    for unit in townships_in_scope(q.session, q.org_code):
        row = _row({key: derive(registers, key, unit.code, q.year) for key in ITEM14})
        row["township"] = unit.short_name
        rows.append(row)
    return SourceResult(rows)
