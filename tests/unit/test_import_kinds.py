"""The other four kinds: contracts, nominations, studios and indicator values, each with the
messy cells it meets in practice, exact summaries and re-import idempotence."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.importing import counts, rejected
from tests.importing import dry_run as run
from tests.xlsxfiles import write_xlsx
from zkdesk.domain.uscc import uscc_check_char
from zkdesk.imports.pipeline import apply_plan
from zkdesk.store.models import (
    AwardSession, CollectiveContract, ContractCoverage, Enterprise, IndicatorValue, Nomination, Studio, YearLock,
)

U1 = "91530924MA6K8T2C1" + uscc_check_char("91530924MA6K8T2C1")
U2 = "91530924MA6K8T2C2" + uscc_check_char("91530924MA6K8T2C2")
U4 = "91530924MA6K8T2C4" + uscc_check_char("91530924MA6K8T2C4")


@pytest.fixture
def with_enterprises(county_db):
    db, actor = county_db
    with db.session() as s:
        s.add(Enterprise(origin="530924103", name="镇康县甲茶业有限公司", uscc=U1, township_code="530924103"))
        s.add(Enterprise(origin="530924101", name="镇康县乙糖业有限公司", uscc=U2, township_code="530924101"))
        s.add(Enterprise(origin="530924102", name="镇康县丙果业有限公司", uscc=U4, township_code="530924102"))
    return db, actor


# ---- contracts ------------------------------------------------------------------------------

def test_contracts_dates_numbers_and_enterprise_lookup(with_enterprises, tmp_path):
    db, actor = with_enterprises
    path = write_xlsx(tmp_path / "合同.xlsx", [
        ["2024年集体合同台账"],
        ["统一社会信用代码", "企业名称", "合同类型", "签订时间", "期限", "报送日期", "生效日期", "工资增长幅度", "覆盖职工数", "单独签订", "所属乡镇", "覆盖企业"],
        [U1, None, "综合", date(2024, 3, 1), "3年", "2024.3.8", "2024年3月23日", "5%", "1,200", "√", None, None],
        [None, "镇康县乙糖业有限公司", "工资专项", 45383, 2, "2024-04-10", 20240425, 4.5, "１２０", "是", None, None],
        [None, None, "区域性", "2024/6/1", 3, None, None, None, "3,456", "否", "勐捧镇", "镇康县丙果业有限公司"],
        [None, "不存在的公司", "综合集体合同", "2024-01-05", 3, None, None, None, 10, "是", None, None],
        [U1, None, "综合", "2024年2月", 3, "去年", None, None, "十二", "是", None, None],
        [None, None, "区域性", "2024-07-01", 3, None, None, None, 5, "否", None, None],
    ])
    plan = run(db, actor, "contracts", path)
    assert counts(plan.summary) == (3, 0, 0)
    assert rejected(plan) == [
        (6, "企业名称", "企业名册中没有“不存在的公司”，请先导入该企业或填写统一社会信用代码"),
        (7, "签订时间", "日期“2024年2月”缺少日，请写完整，如 2023-05-01"),
        (7, "报送日期", "无法识别的日期“去年”，请写成 2023-05-01 或 2023年5月1日"),
        (7, "覆盖职工数", "“十二”不是数字"),
        (8, "覆盖企业", "区域性集体合同须选择所覆盖的企业"),
    ]
    apply_plan(db, actor, plan)
    with db.session() as s:
        rows = {c.kind: c for c in s.scalars(select(CollectiveContract))}
        first = rows["综合集体合同"]
        assert (first.signed_on, first.term_years, first.expires_on, first.filed_on, first.effective_on) == (
            date(2024, 3, 1), 3, date(2027, 2, 28), date(2024, 3, 8), date(2024, 3, 23))
        assert (first.wage_increase_pct, first.employees_covered, first.township_code) == (5.0, 1200, "530924103")
        wage = rows["工资专项集体合同"]
        assert (wage.signed_on, wage.effective_on, wage.employees_covered, wage.township_code) == (
            date(2024, 4, 1), date(2024, 4, 25), 120, "530924101")
        regional = rows["区域性集体合同"]
        assert (regional.enterprise_id, regional.township_code, regional.signed_alone, regional.employees_covered) == (
            None, "530924102", False, 3456)
        covered = s.scalars(select(ContractCoverage.enterprise_id).where(ContractCoverage.contract_id == regional.id)).all()
        assert covered == [s.scalar(select(Enterprise.id).where(Enterprise.uscc == U4))]
    assert counts(run(db, actor, "contracts", path).summary) == (0, 0, 3)


# ---- nominations ----------------------------------------------------------------------------

@pytest.fixture
def with_session(county_db):
    db, actor = county_db
    with db.session() as s:
        s.add(AwardSession(origin="530924", name="第四届镇康县劳动模范", number=4, year=2025))
    return db, actor


def test_nominations_id_numbers_and_sessions(with_session, tmp_path):
    db, actor = with_session
    path = write_xlsx(tmp_path / "推荐.xlsx", [
        ["第四届镇康县劳动模范推荐人选汇总表"],
        ["填报单位（盖章）："],
        ["推荐届次", "乡镇", "姓  名", "公民身份号码", "性别", "民族", "出生年月", "学历", "政治面貌", "是否产业工人", "联系电话", "主要事迹", "人员类别"],
        ["第四届镇康县劳动模范", "南伞镇", "李  四", "530924198503122115", "男", "佤", "1985.3.12", "大专", "党员", "√", 13900000001, "  扎根一线\n二十年  ", "一线工人"],
        ["第四届", "530924103", "王芳", "53092419790815042７", None, "汉族", None, "本科", None, "×", None, None, "一线工人"],
        [4, "南伞", "赵六", 530924198001011234, None, None, None, None, None, None, None, None, "一线工人"],
        ["4", "南伞镇", "钱七", "5.30924E+17", None, None, None, None, None, None, None, None, "一线工人"],
        ["第四届镇康县劳动模范", "南伞镇", "孙八", "530924198503122116", None, None, None, None, None, None, None, None, "一线工人"],
        ["第四届镇康县劳动模范", "南伞镇", "周九", "530924198503122115", None, None, None, None, None, None, None, None, "一线工人"],
        ["第九届", "南伞镇", "吴十", "530924197908150427", "男", None, None, None, None, None, None, None, "一线工人"],
        ["第四届镇康县劳动模范", "南伞镇", "郑一", "530924197908150427", "男", None, "1979-08-16", None, None, None, None, None, "一线工人"],
    ], text_columns=(4,))
    plan = run(db, actor, "nominations", path)
    assert counts(plan.summary) == (2, 0, 0)
    lost = "身份证号码被存成了数字（显示为{}），Excel只保留15位有效数字，后几位已经丢失，无法还原。请把该列的单元格格式设为“文本”，再重新录入完整的18位号码"
    assert rejected(plan) == [
        (6, "公民身份号码", lost.format("5.30924E+17")),
        (7, "公民身份号码", lost.format("5.30924E+17")),
        (8, "公民身份号码", "身份证号码校验位错误：最后一位应为5，请核对是否录错"),
        (9, "公民身份号码", "与第4行重复（同一条记录出现两次）"),
        (10, "推荐届次", "届次“第九届”不存在，请先在“劳模推荐”中建立该届次"),
        (11, "性别", "性别“男”与身份证号码不符（按身份证号码应为女）"),
        (11, "出生年月", "出生日期1979-08-16与身份证号码不符（应为1979-08-15）"),
    ]
    summary = apply_plan(db, actor, plan)
    assert summary.new == 2
    with db.session() as s:
        people = {n.name: n for n in s.scalars(select(Nomination))}
        li = people["李四"]
        assert (li.id_number, li.gender, li.ethnicity, li.birth_date, li.education, li.political_status) == (
            "530924198503122115", "男", "佤族", date(1985, 3, 12), "大学专科", "中共党员")
        assert (li.industrial_worker, li.phone, li.deeds_short, li.status, li.origin) == (
            True, "13900000001", "扎根一线\n二十年", "draft", "530924103")
        wang = people["王芳"]
        assert (wang.id_number, wang.gender, wang.birth_date, wang.education) == (
            "530924197908150427", "女", date(1979, 8, 15), "大学本科")
    assert counts(run(db, actor, "nominations", path).summary) == (0, 0, 2)


# ---- studios --------------------------------------------------------------------------------

TEAM = "李四（制茶师，高级技师）、王五、赵六"


def test_studios_match_on_name_and_host(with_enterprises, tmp_path):
    db, actor = with_enterprises
    rows = [
        ["工作室名称", "类型", "依托单位", "信用代码", "乡镇", "领衔人", "级别", "状态", "申报时间", "命名时间", "成员"],
        ["李四劳模创新工作室", "劳模", "镇康县甲茶业有限公司", None, "南伞镇", "李四", "县", "命名", "2023-04-10", "2023年9月1日", TEAM],
        ["张三工匠创新工作室", "工匠", None, U2, "凤尾镇", "张三", None, None, "2023-05-06", None, TEAM],
        ["王五职工创新工作室", "职工创新", "南伞镇卫生院", None, "南伞镇", "王五", "市级", "申报", "2024-01-01", None, TEAM],
        ["赵六职工技师工作站", "技师工作站", None, "91530924MA6K8T2C3" + uscc_check_char("91530924MA6K8T2C3"), "南伞镇", "赵六", None, None, None, None, TEAM],
        ["钱七职工创新工作室", "职工创新", "南伞镇卫生院", None, "南伞镇", "钱七", "市级", "命名", "2024-05-01", "2024-02-01", TEAM],
    ]
    path = write_xlsx(tmp_path / "工作室.xlsx", rows)
    plan = run(db, actor, "studios", path)
    assert counts(plan.summary) == (3, 0, 0)
    assert rejected(plan) == [
        (5, "信用代码", "企业名册中没有该统一社会信用代码：请先导入该企业，或留空只填依托单位名称"),
        (6, "命名时间", "命名日期2024-02-01早于申报日期2024-05-01：未申报不能命名"),
    ]
    apply_plan(db, actor, plan)
    with db.session() as s:
        studios = {st.name: st for st in s.scalars(select(Studio))}
        enterprises = {e.uscc: e.id for e in s.scalars(select(Enterprise))}
    lead = studios["李四劳模创新工作室"]
    assert (lead.enterprise_id, lead.kind, lead.level, lead.status, lead.named_on) == (
        enterprises[U1], "劳模创新工作室", "县级", "命名", date(2023, 9, 1))
    craft = studios["张三工匠创新工作室"]
    assert (craft.enterprise_id, craft.host_name, craft.level, craft.status) == (enterprises[U2], "镇康县乙糖业有限公司", "县级", "申报")
    assert studios["王五职工创新工作室"].enterprise_id is None
    assert counts(run(db, actor, "studios", path).summary) == (0, 0, 3)
    rows[3][6] = "省级"  # a changed level updates, it does not duplicate
    changed = run(db, actor, "studios", write_xlsx(tmp_path / "工作室2.xlsx", rows))
    assert counts(changed.summary) == (0, 1, 2)


# ---- indicator values -----------------------------------------------------------------------

def test_indicator_values_rates_codes_locks(county_db, tmp_path):
    db, actor = county_db
    with db.session() as s:
        s.add(YearLock(origin="530924", org_code="530924101", year=2023, locked=True, locked_by="reviewer"))
    path = write_xlsx(tmp_path / "指标.xlsx", [
        ["指标编号", "指标名称", "单位", "年度", "完成值", "分子", "分母", "备注"],
        [1.1, None, "南伞镇", 2024, None, 8, 10, None],
        ["09.1", "推进建设的职教园区数", "530924", "2024年", 1, None, None, "已建成"],
        ["9.4", None, "勐捧镇", 2023, "２", None, None, None],
        ["04.1", None, "南伞镇", 2024, 50, None, None, None],
        ["01.1", None, "南伞镇", 2023, None, 12, 10, None],
        ["09.1", "职工书屋数", "南伞镇", 2024, 1, None, None, None],
        ["09.4", None, "凤尾镇", 2023, 1, None, None, None],
        ["99.9", None, "南伞镇", 2024, 1, None, None, None],
        ["09.1", None, "南伞镇", 2019, 1, None, None, None],
        ["09.1", None, "南伞镇", 2024, 1, None, None, None],  # a county task: 县本级 alone enters it
    ])
    plan = run(db, actor, "indicator-values", path)
    assert counts(plan.summary) == (3, 0, 0)
    assert rejected(plan) == [
        (5, "指标编号", "由登记数据自动计算，不能手工录入"),
        (6, "分子", "分子（12）不能大于分母（10）"),
        (7, "指标名称", "指标名称与编号09.1（推进建设的职教园区数）不一致"),
        (8, "年度", "凤尾镇2023年的数值已审核锁定（reviewer），须审核员解锁后才能修改"),
        (9, "指标编号", "规划目录中没有编号为“99.9”的指标"),
        (10, "年度", "2019年不在任何规划期内"),
        (11, "单位", "指标09.1：该指标是县总工会本级的任务，由县本级填报，乡镇不填报"),
    ]
    apply_plan(db, actor, plan)
    with db.session() as s:
        values = {(v.org_code, v.year): v for v in s.scalars(select(IndicatorValue))}
    rate = values[("530924103", 2024)]
    assert (rate.numerator, rate.denominator, rate.value, rate.changed_by) == (8.0, 10.0, 80.0, "admin")
    assert values[("530924", 2024)].value == 1.0 and values[("530924", 2024)].note == "已建成"
    assert values[("530924102", 2023)].value == 2.0
    assert counts(run(db, actor, "indicator-values", path).summary) == (0, 0, 3)
