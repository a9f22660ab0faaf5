import pytest

from zkdesk.services import derived
from zkdesk.services.derived import Derived, derivation, derive, rate


def test_registry_round_trip_and_double_registration(fresh_db):
    @derivation("test.constant")
    def _constant(session, org_code, year):
        return Derived(value=float(year), record_kind="none")

    with fresh_db.session() as s:
        assert derive(s, "test.constant", "530924", 2024).value == 2024.0
        assert derive(s, "no.such.source", "530924", 2024) is None
    with pytest.raises(ValueError):
        derivation("test.constant")(_constant)
    derived._REGISTRY.pop("test.constant")


def test_rate_is_numerator_over_denominator():
    assert rate(3, 4).value == 75.0
    assert rate(0, 0).value is None
