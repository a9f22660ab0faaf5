"""Studio results (studio by name + township, year, the result columns) and indicator values
of cumulative indicators given as running totals (累计数): the form's rules and messages,
nothing written on refusal, re-import unchanged."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from tests.importing import counts, rejected
from tests.importing import dry_run as run
from tests.xlsxfiles import write_xlsx
from zkdesk.imports.pipeline import apply_plan
from zkdesk.store.models import Studio, StudioResult, IndicatorValue, Indicator


@pytest.fixture
def with_studios(county_db):
    db, actor = county_db
    with db.session() as s:
        for name, township, revoked in (("李四劳模创新工作室", "530924103", None), ("张三工匠创新工作室", "530924101", date(2023, 6, 1)),
                                        ("李四劳模创新工作室", "530924101", None)):
            s.add(Studio(origin=township, name=name, kind="劳模创新工作室", township_code=township, lead_name="李四",
                         status="撤销" if revoked else "命名", revoked_on=revoked))
    return db, actor


def test_studio_results_by_name_and_township(with_studios, tmp_path):
    db, actor = with_studios
    path = write_xlsx(tmp_path / "成果.xlsx", [
        ["工作室名称", "所属乡镇", "年度", "合理化建议", "合理化建议采纳（件）", "技术革新", "专利", "专利明细", "培训人次"],
        ["李四劳模创新工作室", "南伞镇", 2023, 12, 8, 2, 1, "ZL202310000001.1 实用新型", 150],
        ["李四劳模创新工作室", "南伞镇", "2024年", 10, 4, None, None, None, 80],
        ["李四劳模创新工作室", "凤尾镇", 2024, 3, 5, None, None, None, None],
        ["张三工匠创新工作室", "凤尾镇", 2024, 1, 1, None, None, None, None],
        ["王五职工创新工作室", "南伞镇", 2024, 1, 1, None, None, None, None],
        ["李四劳模创新工作室", "南伞镇", 2022, 1, 0, -2, 1, "甲\n乙", None],
    ])
    with db.session() as s:
        before = s.scalar(select(func.count(StudioResult.id)))
    plan = run(db, actor, "studio-results", path)
    assert rejected(plan) == [
        (4, "合理化建议采纳（件）", "2024年合理化建议采纳5件，多于提出的3件"),
        (5, "年度", "工作室已于2023-06-01撤销，不能登记2024年的成果"),
        (6, "工作室名称", "南伞镇没有登记名为“王五职工创新工作室”的工作室，请先在三室一站中登记或导入该工作室"),
        (7, "技术革新", "2022年“技术革新”不能为负数（现为-2）"),
        (7, "专利明细", "2022年专利明细有2行，多于专利数1件"),
    ]
    assert counts(plan.summary) == (2, 0, 0)
    with db.session() as s:
        assert s.scalar(select(func.count(StudioResult.id))) == before  # the dry run writes nothing
    apply_plan(db, actor, plan)
    with db.session() as s:
        rows = {r.year: r for r in s.scalars(select(StudioResult))}
        studio = s.scalars(select(Studio).where(Studio.township_code == "530924103")).one()
        assert {r.studio_id for r in rows.values()} == {studio.id}
        assert (rows[2023].proposals, rows[2023].proposals_adopted, rows[2023].patents, rows[2023].people_trained,
                rows[2023].origin) == (12, 8, 1, 150, "530924103")
        assert (rows[2024].tech_innovations, rows[2024].people_trained) == (0, 80)
    assert counts(run(db, actor, "studio-results", path).summary) == (0, 0, 2)


def test_cumulative_indicator_running_totals(county_db, tmp_path):
    db, actor = county_db
    with db.session() as s:
        assert s.scalar(select(Indicator.kind).where(Indicator.code == "01.2")) == "cumulative"
    path = write_xlsx(tmp_path / "累计.xlsx", [
        ["指标编号", "单位", "年度", "数值", "累计数"],
        ["01.2", "南伞镇", 2021, None, 3],
        ["01.2", "南伞镇", 2022, None, 7],
        ["01.2", "南伞镇", 2023, 2, 9],
        ["01.2", "勐捧镇", 2022, None, 5],
        ["01.2", "勐捧镇", 2021, None, 2],
        ["01.2", "凤尾镇", 2021, 1, 4],
        ["01.2", "木场乡", 2021, None, -1],
        ["01.1", "南伞镇", 2021, None, 3],
    ])
    plan = run(db, actor, "indicator-values", path)
    assert rejected(plan) == [
        (6, "年度", "指标01.2的2022年累计数已按此前各年计算：同一指标、同一单位的各年度请按从早到晚排列"),
        (7, "累计数", "数值1与累计数4不符：截至上年累计0，本年新增应为4（两者填一个即可）"),
        (8, "累计数", "累计数（-1）不能小于截至上年的累计数（0）"),
        (9, "累计数", "指标01.1不是累计类指标，不填累计数"),
    ]
    apply_plan(db, actor, plan)
    with db.session() as s:
        values = {(v.org_code, v.year): v.value for v in s.scalars(select(IndicatorValue))}
    assert values == {("530924103", 2021): 3.0, ("530924103", 2022): 4.0, ("530924103", 2023): 2.0,
                      ("530924102", 2022): 5.0}
    assert counts(run(db, actor, "indicator-values", path).summary) == (0, 0, 4)
