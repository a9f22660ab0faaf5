"""zkdesk report evaluation, as the county's scripts run it: the --json keys, both outputs,
a mid-term range, and Chinese refusals."""

from __future__ import annotations

import pytest

from tests.cli.helpers import run_cli
from tests.output_helpers import compact, pdf_pages
from zkdesk.services.demo import DEMO_PASSWORD

LOGIN = ("--user", "demo", "--password-stdin")


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    root = tmp_path_factory.mktemp("report-cli") / "h"
    assert run_cli(root, "demo").code == 0
    return root


def _report(home, *args):
    return run_cli(home, "report", "evaluation", *args, *LOGIN, stdin=DEMO_PASSWORD + "\n")


def test_final_evaluation_pdf_with_json_equal_to_progress(home, tmp_path):
    out = tmp_path / "终期评估.pdf"
    r = _report(home, str(out), "--plan", "zk-2021-2025", "--json")
    assert r.code == 0, r.err
    data = r.json()
    assert set(data) >= {"file", "kind", "report", "title", "plan", "org", "from", "to", "pages", "charts",
                         "indicators", "counts"}
    assert (data["kind"], data["report"], data["org"], data["from"], data["to"]) == ("pdf", "final", "530924", 2021, 2025)
    assert data["indicators"] == 66 and sum(data["counts"].values()) == 66  # 60 figures and 6 tasks and data["charts"] >= 18
    text = compact("".join(pdf_pages(out.read_bytes())))
    assert "镇康县十四五规划终期评估报告" in text
    progress = run_cli(home, "progress", "--year", "2025", "--json").json()
    for ind in progress["indicators"]:
        assert compact(f"{ind['code']}{ind['name']}") in text


def test_word_output_with_the_same_json_keys(home, tmp_path):
    from docx import Document

    out = tmp_path / "终期评估.docx"
    r = _report(home, str(out), "--plan", "zk-2021-2025", "--json")
    assert r.code == 0, r.err
    data = r.json()
    assert (data["kind"], data["pages"], data["indicators"]) == ("docx", None, 66) and data["charts"] >= 18
    doc = Document(str(out))
    assert "镇康县十四五规划终期评估报告" in [p.text for p in doc.paragraphs]
    assert len(doc.inline_shapes) == data["charts"]


def test_mid_term_for_a_township_and_bad_input(home, tmp_path):
    out = tmp_path / "中期.pdf"
    r = _report(home, str(out), "--plan", "zk-2021-2025", "--org", "530924103", "--from", "2021", "--to", "2023")
    assert r.code == 0, r.err
    assert "南伞镇十四五规划中期评估报告" in r.out and out.exists()
    bad = run_cli(home, "report", "evaluation", str(tmp_path / "x.txt"), "--plan", "zk-2021-2025", *LOGIN,
                  stdin=DEMO_PASSWORD + "\n")
    assert bad.code != 0 and "扩展名应为 .pdf 或 .docx" in bad.err and "Traceback" not in bad.err
    late = _report(home, str(out), "--plan", "zk-2021-2025", "--from", "2019")
    assert late.code != 0 and "不在十四五规划期" in late.err


def test_narratives_set_from_files_read_back_and_printed(home, tmp_path):
    effects = tmp_path / "成效.txt"
    effects.write_text("\ufeff全县新建劳模创新工作室十二个。\r\n职工技能素质明显提升。\r\n", encoding="utf-8")
    r = run_cli(home, "report", "narrative", "--plan", "zk-2021-2025", "--effects", str(effects), "--json", *LOGIN,
                stdin=DEMO_PASSWORD + "\n")
    assert r.code == 0, r.err
    data = r.json()
    assert data["saved"] == ["effects"] and (data["from"], data["to"], data["org"]) == (2021, 2025, "530924")
    assert data["effects"] == "全县新建劳模创新工作室十二个。\n职工技能素质明显提升。" and data["problems"] == ""
    shown = run_cli(home, "report", "narrative", "--plan", "zk-2021-2025", *LOGIN, stdin=DEMO_PASSWORD + "\n")
    assert shown.code == 0 and "【主要成效】" in shown.out and "尚未填写" in shown.out
    out = tmp_path / "r.pdf"
    assert _report(home, str(out), "--plan", "zk-2021-2025").code == 0
    assert "全县新建劳模创新工作室十二个。" in compact("".join(pdf_pages(out.read_bytes())))
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes("存在的问题".encode("gbk"))
    bad = run_cli(home, "report", "narrative", "--plan", "zk-2021-2025", "--problems", str(gbk), *LOGIN,
                  stdin=DEMO_PASSWORD + "\n")
    assert bad.code == 2 and "UTF-8" in bad.err and "Traceback" not in bad.err


def test_duties_per_responsible_unit(home):
    r = run_cli(home, "report", "duties", "--plan", "zk-2021-2025", "--json", *LOGIN, stdin=DEMO_PASSWORD + "\n")
    assert r.code == 0, r.err
    departments = {d["name"]: d for d in r.json()["departments"]}
    assert departments["县委组织部"]["lead_items"][:3] == [1, 2, 3]
    assert sum(len(d["lead_indicators"]) for d in departments.values()) == 66  # 60 figures and 6 tasks
    assert set(departments["县总工会"]["counts"]) == {"已完成", "基本完成", "未完成", "无数据"}
    text = run_cli(home, "report", "duties", "--plan", "zk-2021-2025", *LOGIN, stdin=DEMO_PASSWORD + "\n")
    assert text.code == 0 and "各乡（镇）：牵头任务 —，配合任务 1—18" in text.out


def test_duties_of_one_department_and_set_on_the_command_line(home):
    listed = run_cli(home, "report", "departments", "--json", *LOGIN, stdin=DEMO_PASSWORD + "\n")
    assert listed.code == 0 and {"code": "zgh", "name": "县总工会", "full_name": "镇康县总工会"} in listed.json()["departments"]
    r = run_cli(home, "report", "duties", "--plan", "zk-2021-2025", "--set", "01.1", "--lead", "zgh", "--co", "zzb,xz",
                "--department", "zgh", "--json", *LOGIN, stdin=DEMO_PASSWORD + "\n")
    assert r.code == 0, r.err
    (zgh,) = r.json()["departments"]
    assert zgh["code"] == "zgh" and "01.1" in zgh["lead_indicators"]
    assert {"code": "01.1", "role": "lead"}.items() <= zgh["indicators"][0].items()
    assert all(i["status"] in ("已完成", "基本完成", "未完成", "无数据") and i["reason"] for i in zgh["indicators"])
    bad = run_cli(home, "report", "duties", "--plan", "zk-2021-2025", "--set", "01.1", "--lead", "nope",
                  *LOGIN, stdin=DEMO_PASSWORD + "\n")
    assert bad.code != 0 and "没有代码为“nope”的责任单位" in bad.err and "Traceback" not in bad.err
