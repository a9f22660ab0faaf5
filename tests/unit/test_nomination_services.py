from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import func, select

from tests.conftest import COUNTY, NANSAN
from zkdesk.domain import nomination_workflow as wf
from zkdesk.domain.roles import Role
from zkdesk.services.actor import Actor
from zkdesk.services.award_sessions import SessionInput, create_session, list_sessions
from zkdesk.services.derived import derive
from zkdesk.services.errors import NotFound, PermissionDenied, UserError
from zkdesk.services.nomination_checks import session_checks
from zkdesk.services.nomination_review import HOLIDAYS_KEY, record_objection, take_step
from zkdesk.services.nominations import (
    NominationInput,
    create_nomination,
    delete_nomination,
    employer_choices,
    find_duplicates,
    get_nomination,
    list_nominations,
    update_nomination,
)
from zkdesk.services.settings import put_raw
from zkdesk.store.models import AuditEntry, AwardSession, Enterprise, Nomination, NominationStep

FENGWEI = "530924101"
GOOD = "530924199007041329"  # female, 1990-07-04
X_CHECK = "53092419860419103X"  # male, 1986-04-19
MONDAY = date(2025, 6, 2)


def actor(role: Role, office: str = COUNTY, name: str = "") -> Actor:
    return Actor(username=f"{role.value}-{office}", display_name=name or role.label, role=role, office_code=office)


CLERK, REVIEWER, VIEWER = actor(Role.CLERK), actor(Role.REVIEWER), actor(Role.VIEWER)


def person(session_id, township=NANSAN, id_number=GOOD, **kw) -> NominationInput:
    base = dict(
        session_id=session_id, township_code=township, name="李芳", id_number=id_number, ethnicity="佤族",
        political_status="中共党员", education="大学专科", employer="镇康县南伞制糖有限公司", job_title="制糖车间主任",
        phone="13988776655", category="企业一线工人和专业技术人员", industrial_worker=True,
        deeds_short="事" * 500, deeds_full="迹" * 2000,
    )
    return NominationInput(**(base | kw))


@pytest.fixture
def county(county_db):
    db, admin = county_db
    with db.session() as s:
        fourth = create_session(s, admin, SessionInput("第四届镇康县劳动模范", 2025, 4, quota=12))
    return db, admin, fourth.id


def test_sessions_are_set_up_by_the_county(county):
    db, admin, fourth = county
    with db.session() as s:
        assert [r.label for r in list_sessions(s, VIEWER)] == ["第四届镇康县劳动模范（2025年）"]
        with pytest.raises(UserError, match="荣誉级别"):
            create_session(s, admin, SessionInput("第五届", 2030, 5, level="乡级"))
        award = s.get(AwardSession, fourth)
        assert award.origin == COUNTY
    with db.session() as s, pytest.raises(UserError, match="届次由县总工会设立"):
        create_session(s, actor(Role.ADMIN, NANSAN), SessionInput("第五届", 2030, 5))


def test_create_fills_gender_and_birth_from_the_id_and_is_audited(county):
    db, _, fourth = county
    with db.session() as s:
        nid = create_nomination(s, CLERK, person(fourth, id_number=X_CHECK.lower(), name=" 张强 ", phone="139 8877 6655"))
    with db.session() as s:
        nom = s.get(Nomination, nid)
        assert (nom.name, nom.id_number, nom.gender, nom.birth_date) == ("张强", X_CHECK, "男", date(1986, 4, 19))
        assert nom.status == "draft" and nom.origin == NANSAN and nom.phone == "13988776655"
        entry = s.scalars(select(AuditEntry).where(AuditEntry.entity == "nomination")).one()
        assert entry.action == "create" and entry.entity_id == nid and "张强" in entry.details


def test_bad_input_is_refused_and_nothing_is_written(county):
    db, _, fourth = county
    with db.session() as s:
        with pytest.raises(UserError, match="校验位错误") as err:
            create_nomination(s, CLERK, person(fourth, id_number=GOOD[:-1] + "8", deeds_short="事" * 700))
        assert "超过600字" in str(err.value)  # every error at once
        with pytest.raises(UserError, match="性别“男”与身份证号码不符"):
            create_nomination(s, CLERK, person(fourth, gender="男"))
        with pytest.raises(PermissionDenied):
            create_nomination(s, REVIEWER, person(fourth))
        with pytest.raises(UserError, match="推荐单位"):
            create_nomination(s, actor(Role.CLERK, FENGWEI), person(fourth))  # another township's
    with db.session() as s:
        assert s.scalar(select(func.count(Nomination.id))) == 0


def test_employer_links_to_the_enterprise_register(county):
    db, _, fourth = county
    with db.session() as s:
        ent = Enterprise(origin=NANSAN, name="镇康县南伞茶业有限公司", township_code=NANSAN)
        s.add(ent)
        s.flush()
        assert employer_choices(s, CLERK, NANSAN) == [(ent.id, "镇康县南伞茶业有限公司")]
        assert employer_choices(s, CLERK, FENGWEI) == []
        nid = create_nomination(s, CLERK, person(fourth, employer="", enterprise_id=ent.id))
        assert s.get(Nomination, nid).employer == "镇康县南伞茶业有限公司"
        with pytest.raises(UserError, match="不在企业台账中"):
            create_nomination(s, CLERK, person(fourth, id_number=X_CHECK, enterprise_id="no-such-id"))


def test_the_same_person_twice_in_a_session_is_flagged(county):
    db, admin, fourth = county
    with db.session() as s:
        third = create_session(s, admin, SessionInput("第三届镇康县劳动模范", 2021, 3)).id
        create_nomination(s, CLERK, person(fourth))
        create_nomination(s, CLERK, person(third))  # another session: fine
        with pytest.raises(UserError, match="已在第四届镇康县劳动模范中被推荐：南伞镇 李芳（草稿）"):
            create_nomination(s, CLERK, person(fourth, name="李 芳"))
        with pytest.raises(UserError, match="同一人在同一届次只能推荐一次"):  # across townships at the county
            create_nomination(s, CLERK, person(fourth, township=FENGWEI))
        assert len(find_duplicates(s, CLERK, fourth, GOOD.lower())) == 1


def test_duplicates_that_arrive_by_package_are_shown(county):
    db, _, fourth = county
    with db.session() as s:
        create_nomination(s, CLERK, person(fourth))
        # as if imported from 凤尾镇's USB package, where no save could stop it
        s.add(Nomination(origin=FENGWEI, session_id=fourth, township_code=FENGWEI, name="李芳", id_number=GOOD, category="农民工"))
    with db.session() as s:
        rows = list_nominations(s, CLERK, fourth)
        assert [r.township_name for r in rows] == ["凤尾镇", "南伞镇"]
        assert [d.township_name for d in rows[0].duplicate_of] == ["南伞镇"]
        checks = session_checks(s, VIEWER, fourth)
        assert checks.duplicates == (("李芳", ("凤尾镇", "南伞镇")),)
        assert any("重复推荐" in w for w in checks.warnings)


def test_lists_mask_personal_numbers_for_roles_without_the_right(county):
    db, _, fourth = county
    with db.session() as s:
        nid = create_nomination(s, CLERK, person(fourth))
    with db.session() as s:
        assert list_nominations(s, CLERK, fourth)[0].id_number == GOOD
        viewer_row = list_nominations(s, VIEWER, fourth)[0]
        assert (viewer_row.id_number, viewer_row.phone) == ("530924********1329", "139****6655")
        assert viewer_row.age == 35
        detail = get_nomination(s, VIEWER, nid)
        assert detail.masked and detail.fields.id_number == "530924********1329"
        assert get_nomination(s, REVIEWER, nid).fields.phone == "13988776655"


def test_filters(county):
    db, _, fourth = county
    with db.session() as s:
        create_nomination(s, CLERK, person(fourth))
        create_nomination(s, CLERK, person(fourth, FENGWEI, X_CHECK, name="张强", gender="男", category="企业负责人", industrial_worker=False))
        assert [r.name for r in list_nominations(s, VIEWER, fourth, township_code=FENGWEI)] == ["张强"]
        assert [r.name for r in list_nominations(s, VIEWER, fourth, category="企业负责人")] == ["张强"]
        assert [r.name for r in list_nominations(s, VIEWER, fourth, text="制糖")] == ["张强", "李芳"]  # 凤尾镇 first
        assert [r.name for r in list_nominations(s, VIEWER, fourth, text="李")] == ["李芳"]
        assert list_nominations(s, VIEWER, fourth, status="honoured") == []


def test_a_township_sees_and_edits_only_its_own(township_db):
    db, admin = township_db  # 南伞镇's office
    with db.session() as s:
        s.add(AwardSession(id="s4", origin=COUNTY, name="第四届镇康县劳动模范", number=4, year=2025))
        s.flush()
        other = Nomination(origin=FENGWEI, session_id="s4", township_code=FENGWEI, name="外乡", id_number=X_CHECK)
        s.add(other)
        s.flush()
        clerk = actor(Role.CLERK, NANSAN)
        create_nomination(s, clerk, person("s4"))
        assert [r.name for r in list_nominations(s, clerk, "s4")] == ["李芳"]
        with pytest.raises(NotFound):
            get_nomination(s, clerk, other.id)
        assert session_checks(s, clerk, "s4").by_township == ((NANSAN, "南伞镇", 1),)


def test_only_drafts_are_edited_or_deleted(county):
    db, _, fourth = county
    with db.session() as s:
        nid = create_nomination(s, CLERK, person(fourth))
        update_nomination(s, CLERK, nid, person(fourth, job_title="厂长助理"))
        assert s.get(Nomination, nid).job_title == "厂长助理"
        take_step(s, CLERK, nid, wf.Action.RECOMMEND, "同意推荐")
        with pytest.raises(UserError, match="只有草稿才能修改"):
            update_nomination(s, CLERK, nid, person(fourth, job_title="厂长"))
        with pytest.raises(UserError, match="只有草稿才能删除"):
            delete_nomination(s, CLERK, nid)
        take_step(s, REVIEWER, nid, wf.Action.RETURN, "请补充事迹")
        delete_nomination(s, CLERK, nid)
    with db.session() as s:
        assert s.get(Nomination, nid).deleted is True  # a tombstone, not a hard delete
        assert list_nominations(s, CLERK, fourth) == []
        # the same person may now be nominated again
        create_nomination(s, CLERK, person(fourth))


def test_the_whole_workflow_records_every_step(county):
    db, _, fourth = county
    county_reviewer = actor(Role.REVIEWER, COUNTY, "县审核员")
    with db.session() as s:
        nid = create_nomination(s, CLERK, person(fourth))
        assert take_step(s, CLERK, nid, "recommend", "同意推荐") == wf.UNIT_RECOMMENDED
        with pytest.raises(UserError, match="需要“审核”权限"):
            take_step(s, CLERK, nid, "township_review", "同意")
        take_step(s, REVIEWER, nid, "township_review", "情况属实")
        take_step(s, county_reviewer, nid, "county_review", "评审通过")
        with pytest.raises(UserError, match="公示开始日期"):
            take_step(s, county_reviewer, nid, "publicize")
        take_step(s, county_reviewer, nid, "publicize", publicity_start=MONDAY, on=MONDAY)
        nom = s.get(Nomination, nid)
        assert (nom.publicity_start, nom.publicity_end) == (MONDAY, date(2025, 6, 6))
        with pytest.raises(UserError, match="2025年06月06日之后方可结束公示"):
            take_step(s, county_reviewer, nid, "honour", on=date(2025, 6, 6))
        record_objection(s, county_reviewer, nid, "反映其事迹有夸大", on=date(2025, 6, 4))
        with pytest.raises(UserError, match="核查结论"):
            take_step(s, county_reviewer, nid, "honour", on=date(2025, 6, 9))
        take_step(s, county_reviewer, nid, "honour", "经核查，反映问题不属实", on=date(2025, 6, 9))
    with db.session() as s:
        detail = get_nomination(s, REVIEWER, nid)
        assert detail.status == wf.HONOURED and detail.status_label == "表彰"
        assert "2025-06-04 县审核员：反映其事迹有夸大" == detail.objections
        assert [(st.label, st.opinion) for st in detail.steps] == [
            ("单位推荐", "同意推荐"), ("乡镇审核", "情况属实"), ("县级评审", "评审通过"), ("公示", ""),
            ("表彰", "经核查，反映问题不属实"),
        ]
        origins = s.scalars(select(NominationStep.origin).order_by(NominationStep.at)).all()
        assert origins == [NANSAN, NANSAN, COUNTY, COUNTY, COUNTY]
        actions = s.scalars(select(AuditEntry.action).where(AuditEntry.entity == "nomination").order_by(AuditEntry.id)).all()
        assert actions == ["create", "nomination_recommend", "nomination_township_review", "nomination_county_review",
                           "nomination_publicize", "nomination_objection", "nomination_honour"]


def test_holidays_set_for_the_office_lengthen_the_publicity(county):
    db, _, fourth = county
    with db.session() as s:
        put_raw(s, HOLIDAYS_KEY, '["2025-06-02"]')  # 端午节
        nid = create_nomination(s, CLERK, person(fourth))
        s.get(Nomination, nid).status = wf.COUNTY_REVIEWED
        take_step(s, REVIEWER, nid, "publicize", publicity_start=MONDAY)
        assert s.get(Nomination, nid).publicity_end == date(2025, 6, 9)


def test_a_township_cannot_take_county_steps_and_incomplete_drafts_are_not_submitted(township_db):
    db, _ = township_db
    with db.session() as s:
        s.add(AwardSession(id="s4", origin=COUNTY, name="第四届镇康县劳动模范", number=4, year=2025))
        s.flush()
        clerk, reviewer = actor(Role.CLERK, NANSAN), actor(Role.REVIEWER, NANSAN)
        nid = create_nomination(s, clerk, person("s4", deeds_full=""))
        with pytest.raises(UserError, match="还不能推荐：未填写详细事迹"):
            take_step(s, clerk, nid, "recommend")
        update_nomination(s, clerk, nid, person("s4"))
        take_step(s, clerk, nid, "recommend")
        take_step(s, reviewer, nid, "township_review", "同意")
        with pytest.raises(UserError, match="乡镇不能进行“评审”"):
            take_step(s, reviewer, nid, "county_review")
        assert s.get(Nomination, nid).status == wf.TOWNSHIP_REVIEWED


def _honour(s, nid):
    nom = s.get(Nomination, nid)
    nom.status = wf.HONOURED


def test_session_shares_and_counts(county):
    db, _, fourth = county
    ids = ["530924199007041329", "53092419860419103X", "530924198503122510", "530924197802152424"]
    with db.session() as s:
        made = [
            create_nomination(s, CLERK, person(fourth, NANSAN, ids[0], industrial_worker=True)),
            create_nomination(s, CLERK, person(fourth, NANSAN, ids[1], name="张强", category="企业负责人", industrial_worker=False)),
            create_nomination(s, CLERK, person(fourth, FENGWEI, ids[2], name="王军", category="农民工", industrial_worker=False)),
            create_nomination(s, CLERK, person(fourth, FENGWEI, ids[3], name="赵丽", category="公务员", industrial_worker=False)),
        ]
        _honour(s, made[0])
        _honour(s, made[1])
        s.get(Nomination, made[3]).status = wf.REJECTED
        checks = session_checks(s, VIEWER, fourth)
    assert (checks.listed.total, checks.listed.industrial, checks.listed.managers) == (3, 1, 1)
    assert checks.listed.industrial_share == 33.33 and checks.listed.manager_share == 33.33
    assert checks.listed.industrial_target_met
    assert (checks.honoured.total, checks.honoured.industrial_share) == (2, 50.0)
    assert dict((code, n) for code, _, n in checks.by_township)[NANSAN] == 2
    assert dict((code, n) for code, _, n in checks.by_township)[FENGWEI] == 1
    assert len(checks.by_township) == 7  # every township, even with none
    assert dict(checks.by_category)["农民工"] == 1 and dict(checks.by_category)["公务员"] == 0
    assert dict(checks.by_status) == {"草稿": 1, "表彰": 2, "未通过": 1}
    assert checks.warnings == []


def test_a_low_industrial_share_and_an_overfull_list_warn(county):
    db, admin, _ = county
    with db.session() as s:
        small = create_session(s, admin, SessionInput("第五届镇康县劳动模范", 2030, 5, quota=0)).id
        nid = create_nomination(s, CLERK, person(small, category="企业负责人", industrial_worker=False))
        assert session_checks(s, VIEWER, small).warnings == ["产业工人占比0.0%，低于10%的目标"]
        _honour(s, nid)
        checks = session_checks(s, VIEWER, small)
    assert checks.listed.industrial_share == 0.0 and not checks.listed.industrial_target_met
    assert checks.warnings == ["产业工人占比0.0%，低于10%的目标", "已表彰1人，超过表彰名额0名"]


def test_derived_indicators(county):
    db, admin, fourth = county
    with db.session() as s:
        third = create_session(s, admin, SessionInput("第三届镇康县劳动模范", 2021, 3)).id
        city = create_session(s, admin, SessionInput("临沧市第四届劳动模范", 2025, 4, level="市级")).id
        a = create_nomination(s, CLERK, person(fourth, NANSAN, "530924199007041329"))
        b = create_nomination(s, CLERK, person(fourth, FENGWEI, "53092419860419103X", category="农民工",
                                               industrial_worker=False))
        create_nomination(s, CLERK, person(fourth, FENGWEI, "530924198503122510", industrial_worker=False))
        d = create_nomination(s, CLERK, person(third, NANSAN, "530924198503122510"))
        e = create_nomination(s, CLERK, person(city, NANSAN, "530924197802152424"))
        for nid in (a, b, d, e):
            _honour(s, nid)
        # c is not honoured
    with db.session() as s:
        total = derive(s, "nominations.county_model_workers", COUNTY, 2025)
        assert total.value == 2.0 and set(total.record_ids) == {a, b}
        assert derive(s, "nominations.county_model_workers", COUNTY, 2021).value == 1.0
        assert derive(s, "nominations.county_model_workers", NANSAN, 2025).value == 1.0
        assert derive(s, "nominations.county_model_workers", COUNTY, 2023).value == 0.0
        share = derive(s, "nominations.industrial_worker_share", COUNTY, 2025)
        assert (share.numerator, share.denominator, share.value) == (1.0, 2.0, 50.0)
        assert derive(s, "nominations.industrial_worker_share", FENGWEI, 2025).value == 0.0
        assert derive(s, "nominations.industrial_worker_share", COUNTY, 2024).value is None  # not held yet


def test_the_fourth_session_is_also_found_by_its_name(county):
    db, admin, _ = county
    with db.session() as s:
        named = create_session(s, admin, SessionInput("镇康县第四届劳动模范", 2025, 0)).id
        _honour(s, create_nomination(s, CLERK, person(named)))
        share = derive(s, "nominations.industrial_worker_share", COUNTY, 2025)
    assert (share.numerator, share.denominator) == (1.0, 1.0)


def test_update_refuses_moving_between_sessions_or_townships(county):
    db, _, fourth = county
    with db.session() as s:
        nid = create_nomination(s, CLERK, person(fourth))
        with pytest.raises(UserError, match="不能更改推荐单位"):
            update_nomination(s, CLERK, nid, replace(person(fourth), township_code=FENGWEI))


def test_industrial_workers_of_12_5_follow_the_category_and_the_tick_only_where_it_does_not_decide(county):
    db, _, fourth = county
    ids = ["530924199007041329", "53092419860419103X", "530924198503122510", "530924197802152424"]
    with db.session() as s:
        made = [
            # 一线: counts whatever the tick says
            create_nomination(s, CLERK, person(fourth, NANSAN, ids[0], industrial_worker=False)),
            # 企业负责人: does not count, ticked or not
            create_nomination(s, CLERK, person(fourth, NANSAN, ids[1], name="张强", category="企业负责人",
                                               industrial_worker=True)),
            # 农民工: the category does not decide; the tick does
            create_nomination(s, CLERK, person(fourth, FENGWEI, ids[2], name="王军", category="农民工", industrial_worker=True)),
            create_nomination(s, CLERK, person(fourth, FENGWEI, ids[3], name="赵丽", category="农民工", industrial_worker=False)),
        ]
        for nid in made:
            _honour(s, nid)
        stored = [s.get(Nomination, nid).industrial_worker for nid in made]
        share = derive(s, "nominations.industrial_worker_share", COUNTY, 2025)
        checks = session_checks(s, VIEWER, fourth)
    assert stored == [True, False, True, False]  # saved as the rule decides
    assert (share.numerator, share.denominator, share.value) == (2.0, 4.0, 50.0)
    assert "按人员类别认定（企业一线工人和专业技术人员计入）" in share.explanation
    assert "人员类别不能确定的2人按“属于产业工人”勾选认定，其中1人计入" in share.explanation
    assert checks.listed.industrial == 2


def test_a_tick_stored_against_the_category_does_not_count(county):
    """A record from before the rule (or from a package) with the tick against its category."""
    db, _, fourth = county
    with db.session() as s:
        a = create_nomination(s, CLERK, person(fourth, NANSAN, "530924199007041329"))
        b = create_nomination(s, CLERK, person(fourth, NANSAN, "53092419860419103X", name="张强", category="公务员"))
        for nid in (a, b):
            _honour(s, nid)
        s.get(Nomination, a).industrial_worker = False
        s.get(Nomination, b).industrial_worker = True
        s.flush()
        share = derive(s, "nominations.industrial_worker_share", COUNTY, 2025)
    assert (share.numerator, share.denominator) == (1.0, 2.0)
    assert "不能确定" not in share.explanation
