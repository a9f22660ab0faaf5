"""The narratives of an evaluation report (主要成效, 存在的问题, 下一步工作): kept per plan, org unit
and report range, in the audit trail, within scope, printed in place by both outputs, and carried
to the county in a township's package."""

from __future__ import annotations

import io

import pytest
from docx import Document
from sqlalchemy import select

from tests.output_helpers import ADMIN, COUNTY, NANSAN, NANSAN_CLERK, VIEWER, compact, demo_database, pdf_pages
from tests.unit.exchange_world import make_office_at
from zkdesk.output.evaluation.pdf import render_report_pdf
from zkdesk.output.evaluation.word import render_report_docx
from zkdesk.services.errors import PermissionDenied, UserError
from zkdesk.services.evaluation_report import build_report
from zkdesk.services.narratives import PLACEHOLDER, get_narratives, save_narratives
from zkdesk.store.models import AuditEntry, EvaluationNarrative

PLAN = "zk-2021-2025"


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    database = demo_database(tmp_path_factory.mktemp("demo-narratives"))
    yield database
    database.dispose()


def test_saved_per_plan_org_and_range_and_audited(db):
    with db.session() as s:
        save_narratives(s, ADMIN, PLAN, {"effects": "终期：职工技能提升。", "next": "谋划十五五。"})
        save_narratives(s, ADMIN, PLAN, {"effects": "中期：稳步推进。"}, COUNTY, 2021, 2023)
        save_narratives(s, ADMIN, PLAN, {"problems": "南伞镇数据报送不及时。"}, NANSAN)  # typed in from paper
    with db.session() as s:
        final = get_narratives(s, ADMIN, PLAN)
        mid = get_narratives(s, ADMIN, PLAN, COUNTY, 2021, 2023)
        annual = get_narratives(s, ADMIN, PLAN, COUNTY, 2024, 2024)
        nansan = get_narratives(s, NANSAN_CLERK, PLAN)
        # a later save of one section keeps the others
        save_narratives(s, ADMIN, PLAN, {"problems": "部分指标未分解。"})
        again = get_narratives(s, ADMIN, PLAN)
        entries = s.scalars(select(AuditEntry).where(AuditEntry.entity == "evaluation_narrative").order_by(AuditEntry.id)).all()
        rows = s.scalars(select(EvaluationNarrative)).all()
    assert final == {"effects": "终期：职工技能提升。", "problems": "", "next": "谋划十五五。"}
    assert mid == {"effects": "中期：稳步推进。", "problems": "", "next": ""}
    assert annual == {"effects": "", "problems": "", "next": ""}
    assert nansan["problems"] == "南伞镇数据报送不及时。"
    assert again == {"effects": "终期：职工技能提升。", "problems": "部分指标未分解。", "next": "谋划十五五。"}
    assert [e.action for e in entries] == ["create", "create", "create", "update"]
    assert {(r.org_code, r.origin, r.year_from, r.year_to) for r in rows} == {
        (COUNTY, COUNTY, 2021, 2025), (COUNTY, COUNTY, 2021, 2023), (NANSAN, NANSAN, 2021, 2025)}
    # the revision moves on a change (what the exchange compares)
    assert next(r for r in rows if r.org_code == COUNTY and r.year_to == 2025).revision == 2


def test_scope_permission_and_bad_input_are_refused_in_chinese(db):
    with db.session() as s:
        with pytest.raises(PermissionDenied):
            save_narratives(s, NANSAN_CLERK, PLAN, {"effects": "x"}, COUNTY)
        with pytest.raises(PermissionDenied):
            get_narratives(s, NANSAN_CLERK, PLAN, "530924101")
        with pytest.raises(PermissionDenied, match="权限"):
            save_narratives(s, VIEWER, PLAN, {"effects": "x"})
        with pytest.raises(UserError, match="不在十四五规划期"):
            save_narratives(s, ADMIN, PLAN, {"effects": "x"}, COUNTY, 2020, 2025)
        with pytest.raises(UserError, match="未知的报告部分"):
            save_narratives(s, ADMIN, PLAN, {"summary": "x"})
        with pytest.raises(UserError, match="超过"):
            save_narratives(s, ADMIN, PLAN, {"effects": "字" * 20001})


def test_the_report_prints_the_stored_words_in_place_and_placeholders_for_empty_ones(db):
    with db.session() as s:
        save_narratives(s, ADMIN, PLAN, {"effects": "全县新建劳模创新工作室十二个。\n职工技能素质明显提升。",
                                         "problems": "", "next": "启动十五五规划编制。"})
    with db.read_session() as s:
        report = build_report(s, ADMIN, PLAN, COUNTY)
        mid = build_report(s, ADMIN, PLAN, COUNTY, 2021, 2023)
    assert report.narratives["next"] == "启动十五五规划编制。" and mid.narratives["effects"] == "中期：稳步推进。"
    text = compact("".join(pdf_pages(render_report_pdf(report).data)))
    assert "全县新建劳模创新工作室十二个。职工技能素质明显提升。" in text and "启动十五五规划编制。" in text
    assert text.count(compact(PLACEHOLDER)) == 1  # 存在的问题 only
    assert text.index("三、主要成效") < text.index("全县新建劳模创新工作室") < text.index("四、存在的问题") \
        < text.index(compact(PLACEHOLDER)) < text.index("五、下一步工作") < text.index("启动十五五规划编制")
    doc = Document(io.BytesIO(render_report_docx(report).data))
    paragraphs = [p.text for p in doc.paragraphs]
    at = paragraphs.index("三、主要成效")
    assert paragraphs[at + 1:at + 7] == ["全县新建劳模创新工作室十二个。", "职工技能素质明显提升。", "四、存在的问题",
                                         PLACEHOLDER, "五、下一步工作", "启动十五五规划编制。"]


def test_a_townships_words_travel_to_the_county(tmp_path):
    county, town = make_office_at(tmp_path, COUNTY), make_office_at(tmp_path, NANSAN)
    town.applied(*[p.path for p in county.export(tmp_path / "setup", NANSAN)], trust=[county.fingerprint])
    with town.db.session() as s:
        save_narratives(s, NANSAN_CLERK, PLAN, {"effects": "南伞镇边境口岸职工服务站建成。"}, NANSAN, 2024, 2024)
    (result,) = county.applied(*[p.path for p in town.export(tmp_path / "up")], trust=[town.fingerprint])
    assert result.counts["rejected"] == 0, result.rejected
    with county.db.read_session() as s:
        assert get_narratives(s, ADMIN, PLAN, NANSAN, 2024, 2024)["effects"] == "南伞镇边境口岸职工服务站建成。"
        report = build_report(s, ADMIN, PLAN, NANSAN, 2024, 2024)
    assert report.narratives["effects"] == "南伞镇边境口岸职工服务站建成。"
    for office in (county, town):
        office.db.dispose()
