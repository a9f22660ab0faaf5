"""The enterprise register's services: validation, warnings, permissions, scoping, audit."""

from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tests.enterprise_helpers import MENGPENG, NANSAN, add_contract, add_enterprise, add_evaluation
from zkdesk.domain.roles import Role
from zkdesk.services.actor import Actor
from zkdesk.services.contracts import ContractFilter, get_contract, list_contracts, update_contract
from zkdesk.services.enterprises import (
    EnterpriseFilter,
    EnterpriseInput,
    UnionInput,
    YearInput,
    count_enterprises,
    create_enterprise,
    delete_enterprise,
    get_enterprise,
    list_enterprises,
    replace_enterprise_years,
    save_union,
    update_enterprise,
    uscc_warnings,
)
from zkdesk.services.errors import PermissionDenied, UserError
from zkdesk.services.evaluations import EvaluationInput, list_evaluations, save_evaluation
from zkdesk.services.reminders import FILING, NO_UNION, RENEWAL, list_reminders
from zkdesk.store.models import AuditEntry, CollectiveContract, Enterprise, EnterpriseUnion

GOOD = "91530924MA6KXQ7T2Q"
BAD = "91530924MA6KXQ7T2R"


def _audit_actions(s, entity):
    return s.scalars(select(AuditEntry.action).where(AuditEntry.entity == entity).order_by(AuditEntry.id)).all()


def test_failed_uscc_check_warns_but_saves(county_db):
    db, actor = county_db
    with db.session() as s:
        saved = create_enterprise(s, actor, EnterpriseInput(name="南伞某公司", township_code=NANSAN, uscc=BAD.lower()))
        assert any("校验位不符" in w for w in saved.warnings)
        ent = s.get(Enterprise, saved.id)
        assert ent.uscc == BAD  # normalised to upper case, kept as entered
        assert _audit_actions(s, "enterprise") == ["create"]


def test_duplicate_uscc_in_the_county_is_flagged(county_db):
    db, actor = county_db
    with db.session() as s:
        first = create_enterprise(s, actor, EnterpriseInput(name="甲公司", township_code=NANSAN, uscc=GOOD))
        assert first.warnings == ()
        second = create_enterprise(s, actor, EnterpriseInput(name="乙公司", township_code=MENGPENG, uscc=GOOD))
        assert second.warnings == ("统一社会信用代码与“甲公司”（南伞镇）重复",)
        assert uscc_warnings(s, GOOD, exclude_id=first.id) == ["统一社会信用代码与“乙公司”（勐捧镇）重复"]
        flags = {r.name: r.uscc_warning for r in list_enterprises(s, actor, 2025)}
        assert flags == {"甲公司": "代码重复", "乙公司": "代码重复"}
        delete_enterprise(s, actor, second.id)
        assert uscc_warnings(s, GOOD, exclude_id=first.id) == []


def test_bad_input_is_refused_and_nothing_is_written(county_db):
    db, actor = county_db
    for data, fragment in [
        (EnterpriseInput(name=" ", township_code=NANSAN), "企业名称"),
        (EnterpriseInput(name="x", township_code="530924999"), "乡镇"),
        (EnterpriseInput(name="x", township_code=NANSAN, ownership="私营"), "所有制"),
        (EnterpriseInput(name="x", township_code=NANSAN, uscc="9" * 19), "18位"),
    ]:
        with pytest.raises(UserError, match=fragment):
            with db.session() as s:
                create_enterprise(s, actor, data)
    with db.session() as s:
        assert s.scalar(select(func.count(Enterprise.id))) == 0


def test_viewer_cannot_edit_and_a_township_cannot_touch_another(county_db):
    db, actor = county_db
    with db.session() as s:
        ent = add_enterprise(s, actor, "勐捧企业", township=MENGPENG)
    viewer = replace(actor, role=Role.VIEWER, username="v")
    with pytest.raises(PermissionDenied):
        with db.session() as s:
            create_enterprise(s, viewer, EnterpriseInput(name="x", township_code=NANSAN))
    nansan = Actor("clerk", "录入员", Role.CLERK, NANSAN)
    with db.session() as s:
        assert list_enterprises(s, nansan, 2025) == []  # sees only its own township
        with pytest.raises(PermissionDenied, match="只能查看和管理本单位的数据"):
            create_enterprise(s, nansan, EnterpriseInput(name="x", township_code=MENGPENG))
        with pytest.raises(PermissionDenied):
            get_enterprise(s, nansan, ent)


def test_update_years_union_and_soft_delete(county_db):
    db, actor = county_db
    with db.session() as s:
        ent = add_enterprise(s, actor, "甲", employees=80, year=2024, union=None, is_company=False)
        replace_enterprise_years(s, actor, ent, [YearInput(2024, 90), YearInput(2025, 110, "正常经营")])
        with pytest.raises(UserError, match="公司制"):
            save_union(s, actor, ent, UnionInput(worker_director=True))
        save_union(s, actor, ent, UnionInput(established_on=date(2021, 1, 1), members=60, chair="李", congress=True,
                                             congress_on=date(2021, 6, 1), openness=False, openness_on=date(2021, 6, 1)))
        detail = get_enterprise(s, actor, ent)
        assert [(y.year, y.employees) for y in detail.years] == [(2024, 90), (2025, 110)]
        assert detail.union.congress_on == date(2021, 6, 1) and detail.union.openness_on is None  # no 厂务公开, no date
        replace_enterprise_years(s, actor, ent, [YearInput(2025, 115)])
        assert [(y.year, y.employees) for y in get_enterprise(s, actor, ent).years] == [(2025, 115)]
        with pytest.raises(UserError, match="重复"):
            replace_enterprise_years(s, actor, ent, [YearInput(2025, 1), YearInput(2025, 2)])
        save_union(s, actor, ent, None)
        assert get_enterprise(s, actor, ent).union is None
        save_union(s, actor, ent, UnionInput(members=5))  # re-founded: the one row comes back
        assert s.scalar(select(func.count(EnterpriseUnion.id))) == 1
        update_enterprise(s, actor, ent, EnterpriseInput(name="甲（更名）", township_code=NANSAN))
        delete_enterprise(s, actor, ent)
        assert s.get(Enterprise, ent).deleted  # a tombstone, not a hard delete
        assert list_enterprises(s, actor, 2025) == []
        assert _audit_actions(s, "enterprise") == ["create", "update", "delete"]
        assert "delete" in _audit_actions(s, "enterprise_year")


def test_list_filters_and_counts(county_db):
    db, actor = county_db
    with db.session() as s:
        add_enterprise(s, actor, "大国有", ownership="国有", employees=300)
        add_enterprise(s, actor, "小民营", employees=30, union=None)
        add_enterprise(s, actor, "大民营未建会", employees=120, union=None, township=MENGPENG)
        rows = list_enterprises(s, actor, 2025)
        counts = count_enterprises(rows)
        assert (counts.total, counts.large, counts.large_with_union, counts.with_union) == (3, 2, 1, 1)
        names = lambda flt: sorted(r.name for r in list_enterprises(s, actor, 2025, flt))
        assert names(EnterpriseFilter(size="large")) == ["大国有", "大民营未建会"]
        assert names(EnterpriseFilter(has_union=False)) == ["大民营未建会", "小民营"]
        assert names(EnterpriseFilter(township_code=MENGPENG)) == ["大民营未建会"]
        assert names(EnterpriseFilter(ownership="国有")) == ["大国有"]
        assert names(EnterpriseFilter(text="民营", size="small")) == ["小民营"]


def test_contract_dates_are_computed_and_checked(county_db):
    db, actor = county_db
    with db.session() as s:
        ent = add_enterprise(s, actor, "甲")
        cid = add_contract(s, actor, ent, signed=date(2024, 3, 15), term=3, filed=date(2024, 3, 20))
        c = s.get(CollectiveContract, cid)
        assert (c.expires_on, c.effective_on, c.township_code, c.origin) == (date(2027, 3, 14), date(2024, 4, 4), NANSAN, NANSAN)
        data = replace(get_contract(s, actor, cid), review_objection=True, review_opinion="工资条款不符合规定")
        update_contract(s, actor, cid, data)
        assert c.effective_on is None
        for bad, fragment in [
            (replace(data, term_years=5), "1至3年"),
            (replace(data, filed_on=date(2024, 3, 1)), "早于签订日期"),
            (replace(data, signed_on=None), "签订日期"),
            (replace(data, kind="劳动合同"), "合同类型"),
            (replace(data, kind="区域性集体合同", covered_enterprise_ids=()), "覆盖的企业"),
            (replace(data, signed_on=date.today() + timedelta(days=1)), "晚于今天"),
        ]:
            with pytest.raises(UserError, match=fragment):
                update_contract(s, actor, cid, bad)
        assert _audit_actions(s, "contract") == ["create", "update"]


def test_regional_contract_covers_several_and_is_never_signed_alone(county_db):
    db, actor = county_db
    with db.session() as s:
        a, b = add_enterprise(s, actor, "甲"), add_enterprise(s, actor, "乙")
        cid = add_contract(s, actor, kind="行业性集体合同", covered=[a, b], alone=True, township=NANSAN)
        assert s.get(CollectiveContract, cid).signed_alone is False
        assert set(get_contract(s, actor, cid).covered_enterprise_ids) == {a, b}
        rows = list_contracts(s, actor, ContractFilter(year=2025))
        assert [(r.party, r.covered_count) for r in rows] == [("2家企业", 2)]
        update_contract(s, actor, cid, replace(get_contract(s, actor, cid), covered_enterprise_ids=(a,)))
        assert get_contract(s, actor, cid).covered_enterprise_ids == (a,)
        assert list_contracts(s, actor, ContractFilter(year=2020)) == []
        elsewhere = add_enterprise(s, actor, "勐捧企业", township=MENGPENG)
        with pytest.raises(UserError, match="只能覆盖本乡镇的企业"):
            add_contract(s, actor, kind="区域性集体合同", covered=[a, elsewhere], township=NANSAN)
        add_contract(s, actor, kind="行业性集体合同", covered=[a, elsewhere], township="530924")  # a county one may


def test_evaluation_total_and_rates_are_computed(county_db):
    db, actor = county_db
    with db.session() as s:
        ent = add_enterprise(s, actor, "甲")
        add_contract(s, actor, ent, signed=date(2025, 1, 1))
        add_evaluation(s, actor, ent, 2025, scores=(18, 17.5, 16, 19, 15), respondents=40, aware=36, satisfied=30)
        add_evaluation(s, actor, ent, 2025, scores=(18, 18, 18, 19, 15), respondents=40, aware=38, satisfied=30)
        [row] = list_evaluations(s, actor, 2025)
        assert (row.score_total, row.awareness_rate, row.satisfaction_rate, row.negotiated) == (88, 95.0, 75.0, True)
        with pytest.raises(UserError, match="超过100分"):
            save_evaluation(s, actor, EvaluationInput(ent, 2025, 30, 30, 30, 10, 10))
        with pytest.raises(UserError, match="知晓人数"):
            save_evaluation(s, actor, EvaluationInput(ent, 2025, 10, 10, 10, 10, 10, respondents=5, aware=6))


def test_reminders(county_db):
    db, actor = county_db
    today = date(2025, 11, 20)
    with db.session() as s:
        big = add_enterprise(s, actor, "未建会大厂", employees=150, union=None)
        ent = add_enterprise(s, actor, "甲")
        other = add_enterprise(s, actor, "乙")
        add_contract(s, actor, ent, signed=date(2023, 1, 10), term=3, filed=date(2023, 1, 15))  # ends 2026-01-09
        add_contract(s, actor, other, signed=date(2023, 1, 5), term=3, filed=date(2023, 1, 8))  # ends 2026-01-04...
        add_contract(s, actor, other, signed=date(2025, 11, 1), term=3)  # ...but renewed; this one is not filed
        add_contract(s, actor, ent, kind="工资专项集体合同", signed=date(2023, 6, 1), term=3, filed=date(2023, 6, 2))
        reminders = list_reminders(s, actor, today)
    kinds = [(r.kind, r.due) for r in reminders]
    assert kinds == [(FILING, date(2025, 11, 11)), (RENEWAL, date(2026, 1, 9)), (NO_UNION, None)]
    assert "未建会大厂" in reminders[2].text and reminders[2].record_id == big
    assert "2026-01-09到期" in reminders[1].text
