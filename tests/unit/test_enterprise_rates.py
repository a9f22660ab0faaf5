"""Each derived rate of items 4, 13 and 14 with enterprises inside and outside its denominator."""

from datetime import date

import pytest

from tests.enterprise_helpers import MENGPENG, NANSAN, add_contract, add_enterprise, add_evaluation
from zkdesk.services.derived import derive, known_sources
from zkdesk.services.enterprises import UnionInput, YearInput, delete_enterprise, set_enterprise_year

COUNTY = "530924"


def _value(s, key, org, year):
    d = derive(s, key, org, year)
    return d.numerator, d.denominator, d.value


def test_every_enterprise_source_of_the_catalog_is_registered():
    expected = {
        "enterprises.union_coverage_100plus", "enterprises.soe_congress_rate", "enterprises.soe_openness_rate",
        "enterprises.private_congress_rate", "enterprises.private_openness_rate", "contracts.negotiation_rate",
        "contracts.negotiation_rate_100plus", "contracts.signed_alone_rate", "contracts.awareness_rate",
        "contracts.satisfaction_rate", "contracts.quality_80_rate",
    }
    assert expected <= known_sources()


def test_union_coverage_counts_100plus_enterprises_on_the_register(county_db):
    db, actor = county_db
    with db.session() as s:
        a = add_enterprise(s, actor, "甲", employees=150, year=2024)
        b = add_enterprise(s, actor, "乙：2025年才建会", employees=130, year=2024,
                           union=UnionInput(established_on=date(2025, 3, 1)))
        add_enterprise(s, actor, "丙：99人", employees=99, year=2024)
        add_enterprise(s, actor, "丁：注销", employees=200, status="注销", year=2024)
        e = add_enterprise(s, actor, "戊：停产未建会", employees=300, status="停产", year=2024, union=None)
        add_enterprise(s, actor, "己：2025年才登记", employees=500, year=2025)
        g = add_enterprise(s, actor, "庚：恰好100人", employees=100, year=2024, union=None)
        h = add_enterprise(s, actor, "辛：勐捧", township=MENGPENG, employees=150, year=2024)
        i = add_enterprise(s, actor, "壬：已删除", employees=150, year=2024)
        delete_enterprise(s, actor, i)
        j = add_enterprise(s, actor, "癸：2023年的人数沿用", employees=180, year=2023)

        num, den, value = _value(s, "enterprises.union_coverage_100plus", COUNTY, 2024)
        assert (num, den, value) == (3, 6, 50.0)
        assert set(derive(s, "enterprises.union_coverage_100plus", COUNTY, 2024).record_ids) == {a, b, e, g, h, j}
        assert _value(s, "enterprises.union_coverage_100plus", NANSAN, 2024) == (2, 5, 40.0)
        # in 2025 乙's union counts, and 己 (500, no 2024 row) joins the base with its union
        assert _value(s, "enterprises.union_coverage_100plus", COUNTY, 2025)[:2] == (5, 7)


def test_item_13_bases_are_enterprises_with_a_union_by_ownership(county_db):
    db, actor = county_db
    y = 2024
    with db.session() as s:
        add_enterprise(s, actor, "国有一", ownership="国有", year=y,
                       union=UnionInput(established_on=date(2010, 1, 1), congress=True))
        add_enterprise(s, actor, "国有二", ownership="国有", year=y,
                       union=UnionInput(established_on=date(2010, 1, 1), congress=True, congress_on=date(2025, 2, 1),
                                        openness=True))
        add_enterprise(s, actor, "国有三：未建会", ownership="国有", year=y, union=None)
        add_enterprise(s, actor, "国有四：注销", ownership="国有", status="注销", year=y,
                       union=UnionInput(congress=True, openness=True))
        add_enterprise(s, actor, "民营一", ownership="非公", employees=30, year=y,
                       union=UnionInput(congress=True, openness=True))
        add_enterprise(s, actor, "外资一", ownership="外资", employees=20, year=y, union=UnionInput())
        add_enterprise(s, actor, "集体一", ownership="集体", year=y, union=UnionInput(congress=True, openness=True))

        assert _value(s, "enterprises.soe_congress_rate", COUNTY, y) == (1, 2, 50.0)  # 国有二's 职代会 is 2025
        assert _value(s, "enterprises.soe_openness_rate", COUNTY, y) == (1, 2, 50.0)
        assert _value(s, "enterprises.soe_congress_rate", COUNTY, 2025) == (2, 2, 100.0)
        assert _value(s, "enterprises.private_congress_rate", COUNTY, y) == (1, 2, 50.0)  # 非公 + 外资; not 集体
        assert _value(s, "enterprises.private_openness_rate", COUNTY, y) == (1, 2, 50.0)


@pytest.fixture
def item14(county_db):
    """Enterprises U1..U8 of the item-14 cases, year 2025."""
    db, actor = county_db
    y = 2025
    with db.session() as s:
        ids = {
            "U1": add_enterprise(s, actor, "U1 单独签订", employees=150, year=y),
            "U2": add_enterprise(s, actor, "U2 区域性合同覆盖", employees=150, year=y),
            "U3": add_enterprise(s, actor, "U3 停产", employees=150, status="停产", year=y),
            "U4": add_enterprise(s, actor, "U4 50人无合同", employees=50, year=y),
            "U5": add_enterprise(s, actor, "U5 未建会", employees=150, year=y, union=None),
            "U6": add_enterprise(s, actor, "U6 合同已到期", employees=200, year=y),
            "U7": add_enterprise(s, actor, "U7 审查有异议", employees=120, year=y),
            "U8": add_enterprise(s, actor, "U8 单独签订但未建制", employees=120, year=y),
        }
        add_contract(s, actor, ids["U1"], signed=date(2024, 3, 1))
        add_contract(s, actor, kind="区域性集体合同", signed=date(2025, 1, 10), covered=[ids["U2"], ids["U5"]],
                     township=NANSAN)
        add_contract(s, actor, ids["U3"], signed=date(2024, 3, 1))
        add_contract(s, actor, ids["U6"], signed=date(2022, 1, 1), term=2)  # ran to 2023-12-31
        add_contract(s, actor, ids["U7"], signed=date(2025, 2, 1), filed=date(2025, 2, 5), objection=True)
        add_contract(s, actor, ids["U8"], signed=date(2025, 2, 1), negotiation=False)
    return db, actor, ids


def test_negotiation_rate_base_is_every_enterprise_with_a_union(item14):
    db, actor, ids = item14
    with db.session() as s:
        d = derive(s, "contracts.negotiation_rate", COUNTY, 2025)
        assert (d.numerator, d.denominator) == (3, 7)  # U1, U2 (regional), U3; U5 has no union
        assert ids["U5"] not in d.record_ids and ids["U4"] in d.record_ids


def test_negotiation_rate_100plus_base_is_operating_100plus_with_a_union(item14):
    db, actor, ids = item14
    with db.session() as s:
        d = derive(s, "contracts.negotiation_rate_100plus", COUNTY, 2025)
        assert set(d.record_ids) == {ids[k] for k in ("U1", "U2", "U6", "U7", "U8")}  # not U3 停产, U4 50人, U5
        assert (d.numerator, d.value) == (2, 40.0)  # U1 and U2: a regional contract counts for each it covers
        # the expired contract counted in 2023, the year it ran
        assert derive(s, "contracts.negotiation_rate_100plus", COUNTY, 2023).denominator == 0  # no 2023 rows
        set_enterprise_year(s, actor, ids["U6"], YearInput(2023, 200))
        assert derive(s, "contracts.negotiation_rate_100plus", COUNTY, 2023).numerator == 1


def test_signed_alone_rate_counts_own_contracts_only(item14):
    db, actor, ids = item14
    with db.session() as s:
        d = derive(s, "contracts.signed_alone_rate", COUNTY, 2025)
        assert (d.numerator, d.denominator, d.value) == (2, 5, 40.0)  # U1 and U8; not U2 (regional), not U7


def test_survey_and_quality_rates_use_evaluations_of_negotiated_enterprises(item14):
    db, actor, ids = item14
    with db.session() as s:
        add_evaluation(s, actor, ids["U1"], 2025, scores=(18, 18, 16, 16, 16), respondents=50, aware=45, satisfied=40)
        add_evaluation(s, actor, ids["U2"], 2025, scores=(14, 14, 14, 14, 14), respondents=30, aware=24, satisfied=27)
        add_evaluation(s, actor, ids["U4"], 2025, scores=(20, 20, 20, 20, 10), respondents=100, aware=10, satisfied=10)
        add_evaluation(s, actor, ids["U1"], 2024, scores=(1, 1, 1, 1, 1), respondents=100, aware=0, satisfied=0)

        assert _value(s, "contracts.awareness_rate", COUNTY, 2025) == (69, 80, 86.25)  # U4 not negotiated
        assert _value(s, "contracts.satisfaction_rate", COUNTY, 2025) == (67, 80, 83.75)
        assert _value(s, "contracts.quality_80_rate", COUNTY, 2025) == (1, 2, 50.0)  # U1 84 ≥ 80, U2 70
        assert _value(s, "contracts.quality_80_rate", MENGPENG, 2025) == (0, 0, None)


def test_township_scope_of_contract_rates(item14):
    db, actor, ids = item14
    with db.session() as s:
        m = add_enterprise(s, actor, "勐捧企业", township=MENGPENG, employees=150, year=2025)
        add_contract(s, actor, m, signed=date(2025, 5, 1))
        assert derive(s, "contracts.negotiation_rate_100plus", MENGPENG, 2025).numerator == 1
        assert derive(s, "contracts.negotiation_rate_100plus", MENGPENG, 2025).denominator == 1
        assert derive(s, "contracts.negotiation_rate_100plus", NANSAN, 2025).denominator == 5
        assert derive(s, "contracts.negotiation_rate_100plus", COUNTY, 2025).denominator == 6
