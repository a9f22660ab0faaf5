from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import select

from tests.conftest import NANSAN
from zkdesk.domain.idcard import id_check_char
from zkdesk.domain.roles import Role
from zkdesk.services.actor import Actor
from zkdesk.services.errors import PermissionDenied, UserError
from zkdesk.services.studio_results import ResultInput, remove_result, save_result, studio_history
from zkdesk.services.studios import (
    MemberInput,
    StudioFilter,
    StudioInput,
    add_member,
    change_status,
    delete_studio,
    get_studio,
    list_studios,
    register_studio,
    remove_member,
    update_studio,
)
from zkdesk.store.models import AuditEntry, Enterprise, Studio, StudioMember, StudioResult

MENGPENG = "530924102"
FIRST17 = "53092419800101123"
ID_NUMBER = FIRST17 + id_check_char(FIRST17)
MEMBERS = [MemberInput("张三", "机修工", "技师"), MemberInput("李四", "电工", "高级工"), MemberInput("王五", "质检员")]


def studio_input(**kw) -> StudioInput:
    base = dict(name="李明劳模创新工作室", kind="劳模创新工作室", township_code=NANSAN, lead_name="李明",
                applied_on=date(2022, 3, 1), industry="糖", lead_phone="13812345678", lead_id_number=ID_NUMBER)
    return StudioInput(**(base | kw))


def register(db, actor, **kw) -> str:
    with db.session() as s:
        return register_studio(s, actor, studio_input(**kw), MEMBERS)


def test_register_keeps_every_field_members_and_an_audit_entry(county_db):
    db, admin = county_db
    sid = register(db, admin, lead_id_number=ID_NUMBER.lower(), room_notes="80平方米", funding_notes="县总工会补助2万元")
    with db.session() as s:
        studio = s.get(Studio, sid)
        assert studio.origin == NANSAN and studio.lead_id_number == ID_NUMBER and studio.status == "申报"
        assert studio.room_notes == "80平方米" and studio.funding_notes == "县总工会补助2万元"
        assert sorted(m.name for m in studio.members) == ["张三", "李四", "王五"]
        assert all(m.origin == NANSAN for m in studio.members)
        entry = s.scalars(select(AuditEntry).where(AuditEntry.entity == "studio")).one()
        assert entry.action == "create" and ID_NUMBER not in entry.details  # masked in the trail


def test_fewer_than_three_members_is_refused_and_nothing_is_written(county_db):
    db, admin = county_db
    with pytest.raises(UserError, match="工作室成员至少3人，现有2人"), db.session() as s:
        register_studio(s, admin, studio_input(), MEMBERS[:2])
    with db.session() as s:
        assert s.scalars(select(Studio)).all() == [] and s.scalars(select(StudioMember)).all() == []


def test_bad_input_names_every_problem(county_db):
    db, admin = county_db
    bad = studio_input(lead_id_number=FIRST17 + "0" if id_check_char(FIRST17) != "0" else FIRST17 + "1",
                       named_on=date(2022, 1, 1), status="命名", lead_phone="abc", industry="咖啡")
    with pytest.raises(UserError) as err, db.session() as s:
        register_studio(s, admin, bad, MEMBERS)
    text = str(err.value)
    assert "领衔人身份证号码校验位错误" in text and "未申报不能命名" in text
    assert "联系电话“abc”格式不对" in text and "产业“咖啡”无效" in text


def test_host_enterprise_is_linked_and_must_be_in_the_same_township(county_db):
    db, admin = county_db
    with db.session() as s:
        s.add_all([Enterprise(id="e1", origin=NANSAN, name="南伞制糖有限公司", township_code=NANSAN),
                   Enterprise(id="e2", origin=MENGPENG, name="勐捧茶业有限公司", township_code=MENGPENG)])
    sid = register(db, admin, enterprise_id="e1", host_name="ignored")
    with db.session() as s:
        assert s.get(Studio, sid).host_name == "南伞制糖有限公司"
    with pytest.raises(UserError, match="依托企业“勐捧茶业有限公司”不在南伞镇"), db.session() as s:
        register_studio(s, admin, studio_input(name="另一个", enterprise_id="e2"), MEMBERS)


def test_status_changes_are_dated_checked_and_audited(county_db):
    db, admin = county_db
    sid = register(db, admin)
    with pytest.raises(UserError, match="未申报不能命名"), db.session() as s:
        change_status(s, admin, sid, "命名", date(2022, 2, 1))
    with pytest.raises(UserError, match="不能变更为“年度复核”"), db.session() as s:
        change_status(s, admin, sid, "年度复核", date(2022, 6, 1))
    with db.session() as s:
        change_status(s, admin, sid, "命名", date(2022, 6, 1), "镇工发〔2022〕12号")
        change_status(s, admin, sid, "年度复核", date(2023, 6, 1))
        change_status(s, admin, sid, "撤销", date(2024, 7, 1))
    with db.session() as s:
        studio = s.get(Studio, sid)
        assert (studio.status, studio.named_on, studio.reviewed_on, studio.revoked_on, studio.naming_doc_no) == (
            "撤销", date(2022, 6, 1), date(2023, 6, 1), date(2024, 7, 1), "镇工发〔2022〕12号")
        assert len(s.scalars(select(AuditEntry).where(AuditEntry.action == "status")).all()) == 3
        history = studio_history(s, admin, sid)
    assert [m.label for m in history.milestones] == ["申报", "命名（镇工发〔2022〕12号）", "年度复核", "撤销"]


def test_members_are_tombstoned_and_never_fall_below_three(county_db):
    db, admin = county_db
    sid = register(db, admin)
    with db.session() as s:
        first = s.scalars(select(StudioMember).where(StudioMember.studio_id == sid)).first().id
    with pytest.raises(UserError, match="不能移除"), db.session() as s:
        remove_member(s, admin, first)
    with db.session() as s:
        add_member(s, admin, sid, MemberInput("赵六", "焊工", "高级技师"))
        remove_member(s, admin, first)
    with db.session() as s:
        assert s.get(StudioMember, first).deleted is True
        assert len(get_studio(s, admin, sid).members) == 3


def test_personal_data_is_masked_without_the_permission(county_db):
    db, admin = county_db
    sid = register(db, admin)
    viewer = replace(admin, role=Role.VIEWER, username="viewer")
    with db.session() as s:
        assert get_studio(s, viewer, sid).data.lead_id_number == "530924********" + ID_NUMBER[-4:]
        assert get_studio(s, viewer, sid).data.lead_phone == "138****5678"
        assert list_studios(s, viewer).rows[0].lead_phone == "138****5678"
        assert get_studio(s, admin, sid).data.lead_id_number == ID_NUMBER
    with pytest.raises(PermissionDenied), db.session() as s:
        register_studio(s, viewer, studio_input(name="x"), MEMBERS)


def test_a_masked_number_handed_back_keeps_the_stored_one(county_db):
    db, admin = county_db
    sid = register(db, admin)
    with db.session() as s:
        masked = replace(get_studio(s, replace(admin, role=Role.VIEWER), sid).data, lead_honours="县级劳动模范")
        update_studio(s, admin, sid, masked)
    with db.session() as s:
        studio = s.get(Studio, sid)
        assert studio.lead_id_number == ID_NUMBER and studio.lead_phone == "13812345678"
        assert studio.lead_honours == "县级劳动模范"


def test_a_township_sees_and_registers_only_its_own(county_db):
    db, admin = county_db
    register(db, admin)
    register(db, admin, name="勐捧工匠创新工作室", kind="工匠创新工作室", township_code=MENGPENG)
    nansan = Actor("clerk", "南伞录入员", Role.CLERK, NANSAN)
    with db.session() as s:
        assert [r.name for r in list_studios(s, nansan).rows] == ["李明劳模创新工作室"]
        other = s.scalars(select(Studio.id).where(Studio.township_code == MENGPENG)).one()
    with pytest.raises(PermissionDenied), db.session() as s:
        get_studio(s, nansan, other)
    with pytest.raises(UserError, match="乡镇只能登记本乡镇的工作室"), db.session() as s:
        register_studio(s, nansan, studio_input(name="新", township_code=MENGPENG), MEMBERS)


def test_list_filters_and_counts(county_db):
    db, admin = county_db
    register(db, admin)
    register(db, admin, name="甲工匠创新工作室", kind="工匠创新工作室", level="市级", industry="茶")
    register(db, admin, name="乙职工技师工作站", kind="职工技师工作站", township_code=MENGPENG, industry="茶")
    with db.session() as s:
        everything = list_studios(s, admin)
        tea = list_studios(s, admin, StudioFilter(industry="茶"))
        city = list_studios(s, admin, StudioFilter(level="市级", industry="茶"))
    assert everything.total == 3 and everything.by_township == {"南伞镇": 2, "勐捧镇": 1}
    assert everything.by_level == {"县级": 2, "市级": 1} and everything.by_status == {"申报": 3}
    assert tea.total == 2 and tea.by_kind == {"工匠创新工作室": 1, "职工技师工作站": 1}
    assert [r.name for r in city.rows] == ["甲工匠创新工作室"]
    assert everything.rows[0].member_count == 3


def test_results_one_per_year_checked_and_revived_after_removal(county_db):
    db, admin = county_db
    sid = register(db, admin)
    with db.session() as s:
        save_result(s, admin, sid, 2022, ResultInput(proposals=5, proposals_adopted=3))
        save_result(s, admin, sid, 2022, ResultInput(proposals=6, proposals_adopted=4, patents=1))
    with pytest.raises(UserError, match="采纳5件，多于提出的2件"), db.session() as s:
        save_result(s, admin, sid, 2023, ResultInput(proposals=2, proposals_adopted=5))
    with db.session() as s:
        rows = s.scalars(select(StudioResult)).all()
        assert [(r.year, r.proposals, r.patents) for r in rows] == [(2022, 6, 1)]
        remove_result(s, admin, sid, 2022)
    with db.session() as s:
        assert studio_history(s, admin, sid).results == []
        save_result(s, admin, sid, 2022, ResultInput(proposals=1))
        assert [r.values.proposals for r in studio_history(s, admin, sid).results] == [1]
        change_status(s, admin, sid, "撤销", date(2023, 3, 1))
    with pytest.raises(UserError, match="已于2023-03-01撤销，不能登记2024年的成果"), db.session() as s:
        save_result(s, admin, sid, 2024, ResultInput(proposals=1))


def test_deleting_a_studio_tombstones_its_members_and_results(county_db):
    db, admin = county_db
    sid = register(db, admin)
    with db.session() as s:
        save_result(s, admin, sid, 2022, ResultInput(proposals=5))
        delete_studio(s, admin, sid)
    with db.session() as s:
        assert s.get(Studio, sid).deleted
        assert all(m.deleted for m in s.scalars(select(StudioMember)))
        assert all(r.deleted for r in s.scalars(select(StudioResult)))
        assert list_studios(s, admin).total == 0
