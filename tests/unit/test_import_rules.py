"""An imported row meets the same rules as one typed into the register's form: the same
errors with the same messages, the same warnings, the same computed fields."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.conftest import NANSAN
from tests.importing import apply_and_read, dry_run, rejected, warnings
from tests.xlsxfiles import write_xlsx
from zkdesk.domain import nomination_workflow as wf
from zkdesk.domain.contract_rules import effective_date, expiry_date
from zkdesk.domain.idcard import id_check_char
from zkdesk.domain.uscc import uscc_check_char
from zkdesk.imports.pipeline import apply_plan
from zkdesk.services.award_sessions import SessionInput, create_session
from zkdesk.services.catalog import plan_indicators
from zkdesk.services.errors import UserError
from zkdesk.services.indicator_values import ValueEntry, ValuesRejected, save_values
from zkdesk.services.nominations import NominationInput, create_nomination
from zkdesk.services.studios import MemberInput, StudioInput, register_studio
from zkdesk.store.models import (
    CollectiveContract, ContractCoverage, Enterprise, EnterpriseUnion, IndicatorValue, Nomination, Plan, Studio, StudioMember, YearLock,
)

FENGWEI = "530924101"


def id_number(first17: str) -> str:
    return first17 + id_check_char(first17)


def uscc(body: str) -> str:
    return body + uscc_check_char(body)


ADULT = id_number("53092419850312211")  # born 1985
CHILD = id_number("53092420100601001")  # born 2010: 15 in 2025
U1, U2 = uscc("91530924MA6K8T2C1"), uscc("91530924MA6K8T2C2")


def form_error(db, action) -> str:
    """The message the form's service gives for the same input (nothing is kept)."""
    with pytest.raises(UserError) as err:
        with db.session() as s:
            action(s)
    return str(err.value)


# ---- nominations ------------------------------------------------------------------------------

@pytest.fixture
def award(county_db):
    db, actor = county_db
    with db.session() as s:
        session_id = create_session(s, actor, SessionInput(name="第四届镇康县劳动模范", year=2025, number=4)).id
    return db, actor, session_id


NOMINATION_HEADER = ["届次", "所属乡镇", "姓名", "身份证号码", "人员类别", "工作单位", "主要事迹", "联系电话"]
DEEDS = "扎根一线二十年，" * 40  # 320 characters: within the usual length


def nomination_row(name, number, township="南伞镇", deeds=DEEDS, phone="13900000001"):
    return ["第四届镇康县劳动模范", township, name, number, "一线工人", "镇康县示例茶厂", deeds, phone]


def test_a_nomination_aged_15_by_the_id_is_rejected_with_the_forms_message(award, tmp_path):
    db, actor, session_id = award
    path = write_xlsx(tmp_path / "推荐.xlsx", [NOMINATION_HEADER, nomination_row("小明", CHILD), nomination_row("李四", ADULT)])
    plan = dry_run(db, actor, "nominations", path)
    typed = NominationInput(session_id=session_id, township_code=NANSAN, name="小明", id_number=CHILD,
                            category="企业一线工人和专业技术人员", employer="镇康县示例茶厂", deeds_short=DEEDS)
    message = form_error(db, lambda s: create_nomination(s, actor, typed))
    assert message == "到2025年年龄为15岁，不在18—70岁之间，请核对出生日期或身份证号码"
    assert rejected(plan) == [(2, "身份证号码", message)]  # blamed on the ID number: the age comes from it
    assert plan.summary.new == 1


def test_nomination_warnings_are_the_forms_and_the_row_is_imported(award, tmp_path):
    db, actor, _ = award
    path = write_xlsx(tmp_path / "推荐.xlsx", [NOMINATION_HEADER, nomination_row("李四", ADULT, deeds="扎根一线", phone="12345")])
    plan = dry_run(db, actor, "nominations", path)
    assert rejected(plan) == [] and plan.summary.new == 1
    assert warnings(plan) == [
        (2, "联系电话", "联系电话“12345”不像手机号（11位）或带区号的固定电话，请核对"),
        (2, "主要事迹", "简要事迹仅4字，少于300字，建议充实到约500字"),
        (2, "详细事迹", "尚未填写详细事迹（约2000字），提交推荐前必须填写"),
    ]
    apply_plan(db, actor, plan)
    with db.session() as s:
        person = s.scalars(select(Nomination)).one()
    assert (person.gender, person.birth_date, person.status) == ("男", date(1985, 3, 12), wf.DRAFT)  # from the ID number


def test_nominations_beyond_a_draft_or_from_another_township_are_refused(award, tmp_path):
    db, actor, session_id = award
    other = id_number("53092419790815042")
    with db.session() as s:
        for name, number, gender, born, township, status in (
            ("李四", ADULT, "男", date(1985, 3, 12), NANSAN, wf.COUNTY_REVIEWED),
            ("王芳", other, "女", date(1979, 8, 15), FENGWEI, wf.DRAFT),
        ):
            s.add(Nomination(origin=township, session_id=session_id, township_code=township, name=name, id_number=number,
                             gender=gender, birth_date=born, category="企业一线工人和专业技术人员", employer="镇康县示例茶厂", deeds_short=DEEDS,
                             phone="13900000001", status=status))
    path = write_xlsx(tmp_path / "推荐.xlsx", [
        NOMINATION_HEADER,
        nomination_row("李四", ADULT, deeds=DEEDS + "又一年"),  # a change to a nomination under review
        nomination_row("王芳", other),  # 王芳 is 凤尾镇's nomination already
    ])
    plan = dry_run(db, actor, "nominations", path)
    assert rejected(plan) == [
        (2, "姓名", "“李四”当前状态为“县级评审”，只有草稿才能修改；如需修改请由审核人员退回修改"),
        (3, "身份证号码", "身份证号码 530924********0427 的人员已在第四届镇康县劳动模范中被推荐：凤尾镇 王芳（草稿）。"
                        "同一人在同一届次只能推荐一次"),
    ]
    assert (plan.summary.new, plan.summary.updated, plan.summary.unchanged) == (0, 0, 0)
    unchanged = write_xlsx(tmp_path / "原样.xlsx", [NOMINATION_HEADER, nomination_row("李四", ADULT)])
    assert dry_run(db, actor, "nominations", unchanged).summary.unchanged == 1  # re-importing as it is stays fine


# ---- contracts --------------------------------------------------------------------------------

@pytest.fixture
def enterprise(county_db):
    db, actor = county_db
    with db.session() as s:
        s.add(Enterprise(origin=NANSAN, name="镇康县甲茶业有限公司", uscc=U1, township_code=NANSAN))
        s.add(Enterprise(origin=FENGWEI, name="镇康县乙糖业有限公司", uscc=U2, township_code=FENGWEI))
    return db, actor


CONTRACT_HEADER = ["统一社会信用代码", "合同类型", "签订日期", "期限（年）", "到期日期", "报送日期", "审查有异议", "生效日期", "所属乡镇", "覆盖企业"]


def test_contract_dates_left_blank_are_computed_by_the_rules(enterprise, tmp_path):
    db, actor = enterprise
    path = write_xlsx(tmp_path / "合同.xlsx", [
        CONTRACT_HEADER,
        [U1, "综合", "2024-02-29", 2, None, "2024-03-05", None, None, None, None],
        [U1, "工资专项", "2024-03-01", None, "2025-02-28", None, None, None, None, None],  # term from the expiry
    ])
    rows = apply_and_read(db, actor, dry_run(db, actor, "contracts", path), CollectiveContract, "kind")
    first = rows["综合集体合同"]
    assert (first.expires_on, first.effective_on) == (expiry_date(date(2024, 2, 29), 2), effective_date(date(2024, 3, 5), False))
    assert (first.expires_on, first.effective_on) == (date(2026, 2, 28), date(2024, 3, 20))
    wage = rows["工资专项集体合同"]
    assert (wage.term_years, wage.expires_on, wage.effective_on) == (1, date(2025, 2, 28), None)


def test_contract_dates_given_must_agree_and_terms_follow_the_rules(enterprise, tmp_path):
    db, actor = enterprise
    path = write_xlsx(tmp_path / "合同.xlsx", [
        CONTRACT_HEADER,
        [U2, "综合", "2024-03-01", 3, "2027-03-01", "2024-03-05", "是", "2024-03-20", None, None],
        [U2, "工资专项", "2024-03-01", 4, None, "2024-02-20", None, None, None, None],
        [U1, "女职工专项", "2024-03-01", 3, None, None, None, None, "凤尾镇", None],
    ])
    by_row = {}
    for row, column, message in rejected(dry_run(db, actor, "contracts", path)):
        by_row.setdefault(row, []).append(f"{column}：{message}")
    assert by_row == {
        2: ["到期日期：到期日期2027-03-01与签订日期和期限不符：签订日期2024-03-01、期限3年，应为2027-02-28（可留空，自动计算）",
            "生效日期：生效日期2024-03-20不符：审查有异议的合同不生效（可留空，自动计算）"],
        3: ["期限（年）：集体合同期限应为1至3年，现为4年", "报送日期：报送日期2024-02-20早于签订日期2024-03-01"],
        4: ["所属乡镇：企业“镇康县甲茶业有限公司”属于南伞镇，与所填所属乡镇“凤尾镇”不符"],
    }


def test_contract_rules_match_the_form(enterprise, tmp_path):
    from zkdesk.services.contracts import ContractInput, create_contract

    db, actor = enterprise
    with db.session() as s:
        ent_id = s.scalar(select(Enterprise.id).where(Enterprise.uscc == U1))
    future = date(date.today().year + 1, 1, 1)
    typed = ContractInput(kind="综合集体合同", signed_on=future, enterprise_id=ent_id)
    message = form_error(db, lambda s: create_contract(s, actor, typed))
    path = write_xlsx(tmp_path / "合同.xlsx", [
        CONTRACT_HEADER,
        [U1, "综合", future, 3, None, None, None, None, None, None],
        [None, "区域性", "2024-06-01", 3, None, None, None, None, "南伞镇", f"{U1}、镇康县乙糖业有限公司"],
    ])
    assert rejected(dry_run(db, actor, "contracts", path)) == [
        (2, "签订日期", message),
        (3, "覆盖企业", "南伞镇的区域性集体合同只能覆盖本乡镇的企业，“镇康县乙糖业有限公司”不在南伞镇"),
    ]


# ---- studios ----------------------------------------------------------------------------------

STUDIO_HEADER = ["工作室名称", "类型", "依托单位", "所属乡镇", "领办人", "状态", "申报日期", "命名日期", "成员"]
TEAM = "张三（机修工，技师）、李四（电工，高级工）、王五"


def test_a_studio_named_before_its_application_is_rejected_with_the_forms_message(county_db, tmp_path):
    db, actor = county_db
    typed = StudioInput(name="李明劳模创新工作室", kind="劳模创新工作室", township_code=NANSAN, lead_name="李明",
                        applied_on=date(2023, 5, 1), status="命名", named_on=date(2023, 4, 30))
    members = [MemberInput("张三"), MemberInput("李四"), MemberInput("王五")]
    message = form_error(db, lambda s: register_studio(s, actor, typed, members))
    path = write_xlsx(tmp_path / "工作室.xlsx", [
        STUDIO_HEADER,
        ["李明劳模创新工作室", "劳模", None, "南伞镇", "李明", "命名", "2023-05-01", "2023-04-30", TEAM],
        ["赵六工匠创新工作室", "工匠", None, "南伞镇", "赵六", "申报", "2023-05-01", None, "张三、李四"],
        ["钱七工匠创新工作室", "工匠", None, "南伞镇", "钱七", "申报", None, None, TEAM],
    ])
    plan = dry_run(db, actor, "studios", path)
    assert message == "命名日期2023-04-30早于申报日期2023-05-01：未申报不能命名"
    assert rejected(plan) == [
        (2, "命名日期", message),
        (3, "成员", "工作室成员至少3人，现有2人"),
        (4, "申报日期", "请填写申报日期"),
    ]


def test_studio_members_are_written_and_a_name_is_used_once_per_township(county_db, tmp_path):
    db, actor = county_db
    path = write_xlsx(tmp_path / "工作室.xlsx", [
        STUDIO_HEADER,
        ["李明劳模创新工作室", "劳模", "南伞镇卫生院", "南伞镇", "李明", "申报", "2023-05-01", None, TEAM],
        ["李明劳模创新工作室", "劳模", "南伞镇中学", "南伞镇", "李明", "申报", "2023-05-01", None, TEAM],
        ["孙八职工创新工作室", "职工创新", None, "南伞镇", "孙八", "申报", "2023-05-01", None, None],
    ])
    plan = dry_run(db, actor, "studios", path)
    assert rejected(plan) == [
        (3, "工作室名称", "本乡镇已登记名为“李明劳模创新工作室”的工作室"),
        (4, "成员", "工作室成员至少3人，现有0人"),
    ]
    apply_plan(db, actor, plan)
    with db.session() as s:
        studio_id = s.scalars(select(Studio.id)).one()
        members = sorted((m.name, m.job, m.skill_level) for m in s.scalars(select(StudioMember)) if not m.deleted)
    assert members == [("张三", "机修工", "技师"), ("李四", "电工", "高级工"), ("王五", "", "")]
    # the members column names the whole list: re-importing it with one member changed replaces that one
    again = write_xlsx(tmp_path / "工作室2.xlsx", [
        STUDIO_HEADER, ["李明劳模创新工作室", "劳模", "南伞镇卫生院", "南伞镇", "李明", "申报", "2023-05-01", None, "张三（机修工，技师）、李四（电工，高级工）、赵六"],
    ])
    summary = apply_plan(db, actor, dry_run(db, actor, "studios", again))
    assert (summary.new, summary.updated) == (0, 1)
    with db.session() as s:
        live = sorted(m.name for m in s.scalars(select(StudioMember).where(StudioMember.studio_id == studio_id)) if not m.deleted)
    assert live == ["张三", "李四", "赵六"]
    # a file of a few columns changes what it names: the stored dates and members still count
    level_only = write_xlsx(tmp_path / "级别.xlsx", [
        ["工作室名称", "类型", "依托单位", "所属乡镇", "领办人", "级别"],
        ["李明劳模创新工作室", "劳模", "南伞镇卫生院", "南伞镇", "李明", "市级"],
    ])
    plan = dry_run(db, actor, "studios", level_only)
    assert (rejected(plan), plan.summary.updated) == ([], 1)
    # a studio typed into the form with that name is refused the same way
    typed = StudioInput(name="李明劳模创新工作室", kind="劳模创新工作室", township_code=NANSAN, lead_name="李明",
                        applied_on=date(2023, 5, 1))
    assert form_error(db, lambda s: register_studio(s, actor, typed, [MemberInput("甲"), MemberInput("乙"), MemberInput("丙")])) \
        == "本乡镇已登记名为“李明劳模创新工作室”的工作室"


# ---- indicator values -------------------------------------------------------------------------

def _indicator(db, code):
    with db.session() as s:
        plan_id = s.scalar(select(Plan.id))
        return plan_id, next(i for i in plan_indicators(s, plan_id) if i.code == code).id


VALUE_HEADER = ["指标编号", "单位", "年度", "数值", "分子", "分母", "说明"]


def test_indicator_values_get_the_grids_errors_locks_and_warnings(county_db, tmp_path):
    db, actor = county_db
    plan_id, count_id = _indicator(db, "09.5")  # a stock townships report
    with db.session() as s:
        s.add(YearLock(origin="530924", org_code=FENGWEI, year=2023, locked=True, locked_by="reviewer"))
        save_values(s, actor, plan_id, NANSAN, 2022, [ValueEntry(count_id, value=2)])
    rate_id = _indicator(db, "01.1")[1]
    grid = form_error(db, lambda s: save_values(s, actor, plan_id, NANSAN, 2024, [ValueEntry(rate_id, numerator=12, denominator=10)]))
    locked = form_error(db, lambda s: save_values(s, actor, plan_id, FENGWEI, 2023, [ValueEntry(count_id, value=1)]))
    path = write_xlsx(tmp_path / "指标.xlsx", [
        VALUE_HEADER,
        ["01.1", "南伞镇", 2024, None, 12, 10, None],
        ["09.5", "凤尾镇", 2023, 1, None, None, None],
        ["09.5", "南伞镇", 2023, 40, None, None, None],  # far above 2022's 2, no 说明
        ["09.5", "南伞镇", 2024, 40, None, None, "新建园区统一计入"],  # explained
        ["01.1", "南伞镇", 2023, None, 8, None, None],
    ])
    plan = dry_run(db, actor, "indicator-values", path)
    assert grid.startswith("以下数值有错误，未保存：\n01.1 ") and grid.endswith("：分子（12）不能大于分母（10）")
    assert locked == "凤尾镇2023年的数值已审核锁定（reviewer），须审核员解锁后才能修改"
    assert rejected(plan) == [
        (2, "分子", "分子（12）不能大于分母（10）"),
        (3, "年度", locked),
        (6, "分母", "分子和分母须同时填写"),
    ]
    assert warnings(plan) == [(4, "数值", "40 与本单位往年数值（2—2）相差很大，请核实并填写说明")]
    apply_plan(db, actor, plan)
    with db.session() as s:
        stored = {v.year: v for v in s.scalars(select(IndicatorValue).where(IndicatorValue.org_code == NANSAN))}
    assert (stored[2023].value, stored[2023].complete) == (40.0, False)  # saved, but not complete: as the grid does
    assert (stored[2024].value, stored[2024].complete, stored[2024].note) == (40.0, True, "新建园区统一计入")


def test_a_rate_row_gets_its_value_from_numerator_and_denominator(county_db, tmp_path):
    db, actor = county_db
    path = write_xlsx(tmp_path / "指标.xlsx", [VALUE_HEADER, ["01.1", "南伞镇", 2024, 99, 2, 3, None]])
    apply_plan(db, actor, dry_run(db, actor, "indicator-values", path))
    with db.session() as s:
        row = s.scalars(select(IndicatorValue)).one()
    assert (row.numerator, row.denominator, row.value) == (2.0, 3.0, 66.67)  # the typed 99 is not a rate's value


def test_grid_refuses_what_the_import_refuses(county_db):
    db, actor = county_db
    plan_id, rate_id = _indicator(db, "01.1")
    with pytest.raises(ValuesRejected, match="分子和分母须同时填写"):
        with db.session() as s:
            save_values(s, actor, plan_id, NANSAN, 2023, [ValueEntry(rate_id, numerator=8)])


# ---- enterprises ------------------------------------------------------------------------------

ENTERPRISE_HEADER = ["企业名称", "统一社会信用代码", "所属乡镇", "公司制", "地址", "行业"]


def test_enterprise_rows_meet_the_forms_field_rules(county_db, tmp_path):
    from zkdesk.services.enterprises import EnterpriseInput, create_enterprise

    db, actor = county_db
    long_address = "南伞镇" + "长" * 200
    message = form_error(db, lambda s: create_enterprise(s, actor, EnterpriseInput(
        name="镇康县丙公司", township_code=NANSAN, address=long_address)))
    path = write_xlsx(tmp_path / "名册.xlsx", [
        ENTERPRISE_HEADER,
        ["镇康县丙公司", U1, "南伞镇", "是", long_address, "茶"],
        ["镇康县丁公司", U2, "南伞镇", "是", "南伞镇1号", "建筑业"],  # the form's industry box takes other text too
    ])
    plan = dry_run(db, actor, "enterprises", path)
    assert message == "地址过长（最多200字）"
    assert rejected(plan) == [(2, "地址", message)]
    apply_plan(db, actor, plan)
    with db.session() as s:
        assert s.scalar(select(Enterprise.industry).where(Enterprise.uscc == U2)) == "建筑业"


def test_enterprise_codes_held_twice_warn_and_a_non_company_loses_worker_directors(county_db, tmp_path):
    db, actor = county_db
    with db.session() as s:
        first = Enterprise(origin=NANSAN, name="镇康县甲茶业有限公司", uscc=U1, township_code=NANSAN, is_company=True)
        s.add_all([first, Enterprise(origin=FENGWEI, name="镇康县甲茶业凤尾分公司", uscc=U1, township_code=FENGWEI)])
        s.flush()
        s.add(EnterpriseUnion(origin=NANSAN, enterprise_id=first.id, worker_director=True, worker_supervisor=True))
    path = write_xlsx(tmp_path / "名册.xlsx", [ENTERPRISE_HEADER, ["镇康县甲茶业有限公司", U1, "南伞镇", "否", None, None]])
    plan = dry_run(db, actor, "enterprises", path)
    assert warnings(plan) == [(2, "统一社会信用代码", "统一社会信用代码与“镇康县甲茶业凤尾分公司”（凤尾镇）重复")]
    apply_plan(db, actor, plan)
    with db.session() as s:
        union = s.scalars(select(EnterpriseUnion)).one()
        assert s.get(Enterprise, union.enterprise_id).is_company is False
        assert (union.worker_director, union.worker_supervisor) == (False, False)


# ---- a file without some columns updates what it has -----------------------------------------

def test_a_column_the_file_lacks_is_checked_with_the_stored_value(award, tmp_path):
    db, actor, session_id = award
    with db.session() as s:
        create_nomination(s, actor, NominationInput(
            session_id=session_id, township_code=NANSAN, name="李四", id_number=ADULT, category="企业负责人",
            employer="镇康县示例茶厂", deeds_short=DEEDS, deeds_full=DEEDS * 5))
    short = ["届次", "所属乡镇", "姓名", "身份证号码", "联系电话"]  # no 人员类别, no deeds
    path = write_xlsx(tmp_path / "电话.xlsx", [
        short, ["第四届镇康县劳动模范", "南伞镇", "李四", ADULT, "13900000009"],
        ["第四届镇康县劳动模范", "南伞镇", "王芳", id_number("53092419790815042"), "13900000008"],
    ])
    plan = dry_run(db, actor, "nominations", path)
    assert rejected(plan) == [(3, "人员类别", "请选择人员类别")]  # a new nomination needs it; 李四 has one
    assert [w for w in warnings(plan) if w[0] == 2] == []  # 李四's stored deeds count, not blanks
    assert (plan.summary.new, plan.summary.updated) == (0, 1)


def test_contract_and_value_columns_the_file_lacks_keep_their_stored_values(enterprise, tmp_path):
    from zkdesk.services.contracts import ContractInput, create_contract

    db, actor = enterprise
    plan_id, count_id = _indicator(db, "09.5")  # a stock townships report
    with db.session() as s:
        ent_id = s.scalar(select(Enterprise.id).where(Enterprise.uscc == U1))
        create_contract(s, actor, ContractInput(kind="综合集体合同", signed_on=date(2024, 3, 1), term_years=2, enterprise_id=ent_id))
        create_contract(s, actor, ContractInput(kind="区域性集体合同", signed_on=date(2024, 3, 1), township_code=NANSAN,
                                                covered_enterprise_ids=(ent_id,)))
        save_values(s, actor, plan_id, NANSAN, 2022, [ValueEntry(count_id, value=2)])
        save_values(s, actor, plan_id, NANSAN, 2023, [ValueEntry(count_id, value=40, note="新建园区统一计入")])
    contracts = write_xlsx(tmp_path / "合同.xlsx", [
        ["统一社会信用代码", "合同类型", "签订日期", "所属乡镇", "覆盖职工人数"],  # no term, no coverage
        [U1, "综合", "2024-03-01", None, 80],
        [None, "区域性", "2024-03-01", "南伞镇", 300],
    ])
    rows = apply_and_read(db, actor, dry_run(db, actor, "contracts", contracts), CollectiveContract, "kind")
    mine = rows["综合集体合同"]
    assert (mine.term_years, mine.expires_on, mine.employees_covered) == (2, date(2026, 2, 28), 80)
    regional = rows["区域性集体合同"]
    with db.session() as s:
        covered = s.scalars(select(ContractCoverage.enterprise_id).where(ContractCoverage.contract_id == regional.id)).all()
    assert (regional.employees_covered, covered) == (300, [ent_id])  # its coverage stays
    values = write_xlsx(tmp_path / "指标.xlsx", [["指标编号", "单位", "年度", "数值"], ["09.5", "南伞镇", 2023, 41]])
    plan = dry_run(db, actor, "indicator-values", values)
    assert warnings(plan) == []  # the stored 说明 still explains a value far from 2022's
    stored = apply_and_read(db, actor, plan, IndicatorValue, "year")
    assert (stored[2023].value, stored[2023].complete, stored[2023].note) == (41.0, True, "新建园区统一计入")
