"""zkdesk progress: the --json shape other scripts rely on, the table, the defaults, errors."""

from sqlalchemy import select

from tests.cli.helpers import run_cli
from tests.conftest import NANSAN, make_office
from tests.databases import new_database
from zkdesk.config import Home
from zkdesk.services.baselines import BaselineEntry, save_baselines
from zkdesk.services.indicator_values import ValueEntry, save_values
from zkdesk.services.progress import plan_by_code
from zkdesk.store.models import Indicator


def _county_with_values(tmp_path):
    home = Home(tmp_path / "h").ensure()
    db = new_database(home.root)
    try:
        admin = make_office(db)
        with db.session() as s:
            plan = plan_by_code(s, "zk-2021-2025")
            ids = {i.code: i.id for i in s.scalars(select(Indicator).where(Indicator.plan_id == plan.id))}
            save_values(s, admin, plan.id, NANSAN, 2023, [
                ValueEntry(ids["01.1"], numerator="7", denominator="10"),
                ValueEntry(ids["01.2"], value="12"),
            ])
            save_values(s, admin, plan.id, "530924101", 2023, [ValueEntry(ids["01.1"], numerator="0", denominator="10")])
            save_baselines(s, admin, plan.id, NANSAN, [BaselineEntry(ids["01.1"], numerator="3", denominator="10")])
    finally:
        db.dispose()
    return home.root


def test_progress_json_shape_and_numbers(tmp_path):
    home = _county_with_values(tmp_path)
    r = run_cli(home, "progress", "--json")
    assert r.code == 0, r.err
    data = r.json()
    assert set(data) == {"plan", "year", "org", "indicators"}
    assert (data["plan"], data["year"], data["org"]) == ("zk-2021-2025", 2023, "530924")  # latest year with data
    assert len(data["indicators"]) == 66  # 60 figures and the plan's 6 tasks (完成事项)
    for ind in data["indicators"]:
        assert {"code", "item", "name", "unit", "target", "actual", "completion", "status"} <= set(ind)
        assert {"kind", "level", "baseline", "numerator", "denominator", "expected", "projection", "source",
                "status_reason", "rule_words"} <= set(ind)
        assert ind["rule_words"] and "以本单位上届" not in ind["rule_words"]
        assert ind["status"] in ("已完成", "进度正常", "滞后", "未达标（本年）", "无目标", "无数据", "不考核")
        assert ind["status_reason"]
        for key in ("target", "actual", "completion"):
            assert ind[key] is None or isinstance(ind[key], (int, float))
    by_code = {i["code"]: i for i in data["indicators"]}
    assert by_code["01.1"]["actual"] == 35.0  # 7 of 20, not the mean of 70 % and 0 %
    assert by_code["01.1"]["baseline"] == 30.0  # 南伞's 2020 figure: the only baseline entered
    assert by_code["01.2"]["baseline"] is None  # a cumulative count starts from 0
    assert {k: by_code["01.2"][k] for k in ("code", "item", "name", "unit", "target", "actual", "completion", "status",
                                            "kind", "level", "expected", "source")} == {
        "code": "01.2", "item": 1, "name": "产业工人党员新增数量", "unit": "名", "target": 20.0, "actual": 12.0,
        "completion": 60.0, "status": "进度正常", "kind": "cumulative", "level": "both", "expected": 12.0,
        "source": "entered"}
    assert by_code["01.2"]["status_reason"] == "累计12名，不低于按进度应达到的12名"
    # derived from the (empty) nomination register: counted, not typed — nobody honoured yet
    assert by_code["03.1"]["actual"] == 0.0 and by_code["03.1"]["status"] == "滞后"


def test_progress_for_a_township_and_year(tmp_path):
    home = _county_with_values(tmp_path)
    r = run_cli(home, "progress", "--org", NANSAN, "--year", "2022", "--plan", "zk-2021-2025", "--json")
    data = r.json()
    assert (data["org"], data["year"]) == (NANSAN, 2022)
    assert {i["code"]: i["actual"] for i in data["indicators"]}["01.2"] is None


def test_progress_table_is_readable_chinese(tmp_path):
    home = _county_with_values(tmp_path)
    r = run_cli(home, "progress", "--org", NANSAN)
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    assert lines[1] == "南伞镇  2023年"
    assert lines[2].split() == ["编号", "指标", "单位", "目标", "实际", "完成率", "状态"]
    row = next(line for line in lines if line.startswith("01.2"))
    assert row.split() == ["01.2", "产业工人党员新增数量", "名", "无目标", "12", "—", "无目标"]


def test_progress_bad_input_is_one_chinese_line(tmp_path):
    home = _county_with_values(tmp_path)
    for args, words in ((("--year", "2030"), "不在十四五规划期"), (("--org", "999"), "单位代码 999 不存在"),
                        (("--plan", "nope"), "找不到规划")):
        r = run_cli(home, "progress", *args)
        assert r.code == 2 and words in r.err and len(r.err.strip().splitlines()) == 1


def test_progress_json_names_the_register_part_and_the_other_part(tmp_path):
    from datetime import date

    from zkdesk.services.studio_results import ResultInput, save_result
    from zkdesk.services.studios import MemberInput, StudioInput, register_studio

    home = Home(tmp_path / "h").ensure()
    db = new_database(home.root)
    try:
        admin = make_office(db)
        with db.session() as s:
            for name in ("甲", "乙", "丙"):
                studio = register_studio(s, admin, StudioInput(
                    name=f"{name}工作室", kind="劳模创新工作室", township_code=NANSAN, lead_name=name,
                    applied_on=date(2021, 3, 1), level="县级"), [MemberInput("张三"), MemberInput("李四"), MemberInput("王五")])
                save_result(s, admin, studio, 2023, ResultInput(proposals=1))
            plan = plan_by_code(s, "zk-2021-2025")
            proposals = s.scalars(select(Indicator).where(Indicator.plan_id == plan.id, Indicator.code == "06.1")).one()
            save_values(s, admin, plan.id, NANSAN, 2023, [ValueEntry(proposals.id, value="5")])
    finally:
        db.dispose()
    r = run_cli(home.root, "progress", "--json", "--org", NANSAN, "--year", "2023")
    assert r.code == 0, r.err
    by_code = {i["code"]: i for i in r.json()["indicators"]}
    assert {k: by_code["06.1"][k] for k in ("actual", "source", "derived_part", "entered_part")} == {
        "actual": 8.0, "source": "derived+entered", "derived_part": 3.0, "entered_part": 5.0}
    assert (by_code["06.6"]["source"], by_code["06.6"]["derived_part"], by_code["06.6"]["entered_part"]) == (
        "derived", None, None)
    assert by_code["01.2"]["source"] == "entered" and "derived_part" in by_code["01.2"]  # every row has the keys
