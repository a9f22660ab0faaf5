"""Each indicator's target kind and level, checked against the words of the plan sentence it
quotes (issue 15): 动态保持 holds every year, 每年 is judged each year, 增加 is growth over the
2020 level, 上一届 compares with the previous term, and the 县总工会's own tasks are entered by
the county alone."""

import re
import tomllib
from pathlib import Path

import pytest
from sqlalchemy import select

from zkdesk.domain import progress as rules
from zkdesk.paths import plans_dir
from zkdesk.store.models import Indicator
from zkdesk.store.seed import load_shipped_data

THRESHOLD, CUM, GROWTH, STOCK, RATE, YEARLY, TERM = (rules.THRESHOLD, rules.CUMULATIVE, rules.GROWTH, rules.STOCK,
                                                     rules.RATE, rules.YEARLY, rules.PER_TERM)
TASK = rules.MILESTONE
COUNTY, BOTH = rules.COUNTY_ONLY, rules.BOTH

# code: (target kind, level, words of the quoted sentence the two rest on)
EXPECTED = {
    "01.1": (RATE, BOTH, ["到 2025 年", "覆盖率不低于 70%"]),
    "01.2": (CUM, BOTH, ["新增数量"]),
    "02.1": (RATE, BOTH, ["到 2025 年", "率达 70%"]),
    "02.2": (RATE, BOTH, ["使用率达 70%"]),
    "02.3": (YEARLY, BOTH, ["每年"]),
    "02.4": (YEARLY, BOTH, ["每年", "惠及农民工"]),
    "03.1": (CUM, COUNTY, ["评选表彰", "镇康县劳动模范"]),
    "03.2": (TASK, COUNTY, ["修订", "评选服务管理办法"]),
    "04.1": (THRESHOLD, BOTH, ["动态全覆盖"]),
    "04.2": (STOCK, BOTH, ["队伍达到"]),
    "05.1": (CUM, BOTH, ["实现超过", "人次"]),
    "05.2": (YEARLY, COUNTY, ["县总工会", "每年举办", "县级"]),
    "06.1": (CUM, BOTH, ["累计"]),
    "06.2": (CUM, BOTH, ["项目 10 件"]),
    "06.3": (CUM, BOTH, ["专利 5 件"]),
    "06.4": (CUM, BOTH, ["推广"]),
    "06.5": (CUM, BOTH, ["评选"]),
    "06.6": (CUM, BOTH, ["创建"]),
    "06.7": (CUM, BOTH, ["培育"]),
    "06.8": (TASK, COUNTY, ["研究制订", "选树创建管理办法"]),
    "07.1": (GROWTH, BOTH, ["人数增加"]),
    "08.1": (STOCK, COUNTY, ["职业学校不少于 1 所"]),
    "08.2": (STOCK, COUNTY, ["职业学校", "涵盖专业"]),
    "08.3": (RATE, BOTH, ["占在校学生总数的 10%左右"]),
    "08.4": (CUM, BOTH, ["培养"]),
    "09.1": (STOCK, COUNTY, ["推进 1个职教园区"]),
    "09.2": (CUM, COUNTY, ["培育 1 家", "产教融合型企业"]),
    "09.3": (CUM, COUNTY, ["建成", "实训基地 1 个"]),
    "09.4": (CUM, BOTH, ["转化应用"]),
    "09.5": (STOCK, BOTH, ["选派各 1名"]),
    "09.6": (CUM, BOTH, ["培育"]),
    "10.1": (CUM, BOTH, ["累计"]),
    "10.2": (STOCK, BOTH, ["总量达到"]),
    "10.3": (STOCK, BOTH, ["总量达到"]),
    "11.1": (TASK, COUNTY, ["建立完善", "网络平台"]),
    "12.1": (TERM, BOTH, ["党的代表大会代表", "不低于上一届的比例人数"]),
    "12.2": (TERM, BOTH, ["人民代表大会代表", "不低于上一届的比例人数"]),
    "12.3": (TERM, COUNTY, ["政协委员", "不低于上一届的比例人数"]),  # a 政协 sits at the county only
    "12.4": (TERM, BOTH, ["群团组织代表大会代表", "不低于上一届的比例人数"]),
    "12.5": (RATE, COUNTY, ["第四届镇康县劳动模范", "比例不低于 10%"]),
    "13.1": (RATE, BOTH, ["建制率", "达到 95%"]),
    "13.2": (RATE, BOTH, ["建制率", "达到 95%"]),
    "13.3": (RATE, BOTH, ["建制率", "达到 80%"]),
    "13.4": (RATE, BOTH, ["建制率", "达到 80%"]),
    "14.1": (THRESHOLD, BOTH, ["动态保持在 80%以上"]),
    "14.2": (RATE, BOTH, ["到 2025 年", "建制率达到 90%"]),
    "14.3": (RATE, BOTH, ["合同率达到 80%"]),
    "14.4": (RATE, BOTH, ["知晓率达到 90%"]),
    "14.5": (RATE, BOTH, ["满意度达到 80%"]),
    "14.6": (RATE, BOTH, ["达到 80%"]),
    "15.1": (CUM, BOTH, ["为不少于 20 家企业开展"]),
    "15.2": (CUM, BOTH, ["新命名"]),
    "15.3": (RATE, BOTH, ["结案率不低于 100%"]),
    "15.4": (CUM, BOTH, ["组织不少于 2 万人次"]),
    "15.5": (TASK, COUNTY, ["建立", "劳动争议多元化解机制"]),
    "16.1": (CUM, BOTH, ["新增", "累计"]),
    "16.2": (CUM, BOTH, ["累计"]),
    "16.3": (YEARLY, BOTH, ["每年"]),
    "16.4": (CUM, BOTH, ["不少于 1000 人次"]),
    "17.1": (TASK, COUNTY, ["完成", "实名制录入工作"]),
    "17.2": (TASK, COUNTY, ["实现信息共享"]),
    "18.1": (CUM, COUNTY, ["申报 5 个云南省职工服务阵地建设项目"]),
    "18.2": (CUM, BOTH, ["建设不少于 5 个"]),
    "18.3": (CUM, BOTH, ["筹集"]),
    "18.4": (CUM, BOTH, ["走访慰问"]),
    "18.5": (STOCK, BOTH, ["人数突破"]),
}


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _catalog() -> dict[str, dict]:
    data = tomllib.loads((plans_dir() / "zk-2021-2025.toml").read_text(encoding="utf-8"))
    return {e["code"]: e for e in data["indicator"]}


def test_the_table_covers_every_indicator_of_the_catalog():
    assert set(_catalog()) == set(EXPECTED)


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_every_quote_is_a_sentence_of_the_plan(code):
    plan = _squash((Path(__file__).parents[1] / "fixtures" / "zhenkang-workforce-plan-2022.txt").read_text(encoding="utf-8"))
    assert _squash(_catalog()[code]["quote"]) in plan


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_kind_and_level_follow_the_quoted_sentence(code):
    entry = _catalog()[code]
    kind, level, words = EXPECTED[code]
    quote = _squash(entry["quote"])
    for word in words:
        assert _squash(word) in quote, f"{code}: “{word}” is not in its quote"
    assert entry["target_kind"] == kind
    assert entry["level"] == level


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_the_words_decide_the_kind(code):
    """The plan's own words: no sentence says 动态, 每年, 增加 or 上一届 without its kind."""
    entry = _catalog()[code]
    quote, kind = _squash(entry["quote"]), entry["target_kind"]
    assert ("动态" in quote) == (kind == THRESHOLD)
    assert ("上一届" in quote) == (kind == TERM)
    assert ("人数增加" in quote) == (kind == GROWTH)
    assert ("每年" in quote) == (kind == YEARLY)
    if "县总工会" in quote:
        assert entry["level"] == COUNTY
    if kind in (RATE, THRESHOLD, TERM):
        assert entry["unit"] == "%" and entry["kind"] == RATE
    if "累计" in quote:
        assert kind == CUM
    # a task of the plan (修订, 制订, 建立, 完成 … with no number) is done or not
    assert (kind == TASK) == (not re.search(r"\d", quote) and bool(re.search("修订|制订|建立|完成|实现", quote)))
    if kind == TASK:
        assert entry["target"] == 1 and entry["unit"] == "项"
    if kind == GROWTH:  # a headcount, less the 2020 baseline: it may fall
        assert entry["kind"] == STOCK


def test_award_sessions_project_as_steps():
    assert _catalog()["03.1"]["projection"] == rules.STEP
    assert all(e.get("projection", rules.LINE) == rules.LINE for c, e in _catalog().items() if c != "03.1")


def test_the_database_holds_the_catalog_kinds_and_levels(fresh_db):
    with fresh_db.session() as s:
        load_shipped_data(s)
        got = {i.code: (i.target_kind, i.level) for i in s.scalars(select(Indicator))}
    assert got == {code: (kind, level) for code, (kind, level, _) in EXPECTED.items()}
