"""Every form rendered from the demo county, checked inside the PDF: page size, embedded fonts,
title, headers, figures and totals computed here independently from the database."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date

import pytest
from sqlalchemy import select

from tests.output_helpers import A4_LANDSCAPE, A4_PORTRAIT, ADMIN, COUNTY, NANSAN, NANSAN_CLERK, VIEWER
from tests.output_helpers import assert_fonts_embedded, compact, demo_database, page_sizes, pdf_lines, pdf_pages, render
from zkdesk.output.catalog import load_catalog
from zkdesk.output.printing import PrintRequest, prepare, write_output
from zkdesk.services.catalog import current_plan
from zkdesk.services.errors import PermissionDenied, UserError
from zkdesk.services.progress import progress_for, township_breakdown
from zkdesk.store.models import (
    AuditEntry,
    AwardSession,
    CollectiveContract,
    ContractCoverage,
    Enterprise,
    EnterpriseUnion,
    EnterpriseYear,
    Nomination,
    OrgUnit,
    QualityEvaluation,
    Studio,
    StudioResult,
)

YEAR = 2025
FULL_ID = re.compile(r"530924\d{11}[\dX]")
MASKED_ID = re.compile(r"530924\*{8}\d{3}[\dX]")
FULL_PHONE = re.compile(r"(?<!\d)1[3589]\d{9}(?!\d)")
MASKED_PHONE = re.compile(r"1[3589]\d\*{4}\d{4}")


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    database = demo_database(tmp_path_factory.mktemp("demo-county"))
    yield database
    database.dispose()


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


def after(lines: list[str], label: str, count: int, start: int = 0) -> list[str]:
    i = lines.index(label, start)
    return lines[i + 1:i + 1 + count]


# --- 集体协商建制情况汇总表 ---------------------------------------------------------------

def year_rows(session, year):
    """Enterprise id -> its EnterpriseYear row for `year`: that year's, else the latest earlier one."""
    rows = {}
    for ey in session.scalars(select(EnterpriseYear).where(EnterpriseYear.deleted.is_(False), EnterpriseYear.year <= year)
                              .order_by(EnterpriseYear.year)):
        rows[ey.enterprise_id] = ey
    return rows


def contracts_of_year(session, year):
    """Contracts whose term overlaps the year and that the review did not object to."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    return [c for c in session.scalars(select(CollectiveContract).where(CollectiveContract.deleted.is_(False)))
            if c.signed_on and c.signed_on <= end and (c.expires_on is None or c.expires_on >= start) and not c.review_objection]


def expected_negotiation(session, year):
    """Plan item 14 counted per township straight from the tables, with the definitions of
    services/derived/enterprises.py (the indicators 14.1–14.6)."""
    end = date(year, 12, 31)
    assert session.scalar(select(ContractCoverage.id).limit(1)) is None  # the demo has no regional contracts
    rows = year_rows(session, year)
    contracts = contracts_of_year(session, year)
    negotiated = {c.enterprise_id for c in contracts if c.negotiation_established}
    alone = {c.enterprise_id for c in contracts if c.signed_alone}
    counts: dict[str, Counter] = {}
    for e in session.scalars(select(Enterprise).where(Enterprise.deleted.is_(False))):
        c = counts.setdefault(e.township_code, Counter())
        q = session.scalars(select(QualityEvaluation).where(QualityEvaluation.enterprise_id == e.id, QualityEvaluation.year == year,
                                                            QualityEvaluation.deleted.is_(False))).first()
        if e.id in negotiated and q is not None:  # any evaluated enterprise under a negotiated contract
            c["respondents"] += q.respondents
            c["aware"] += q.aware
            c["satisfied"] += q.satisfied
            c["evaluated"] += 1
            c["good"] += q.score_total >= 80
        ey = rows.get(e.id)
        if ey is None or ey.operating_status == "注销":
            continue
        union = session.scalars(select(EnterpriseUnion).where(EnterpriseUnion.enterprise_id == e.id)).first()
        if union is None or union.deleted or (union.established_on and union.established_on > end):
            continue
        big = ey.operating_status == "正常经营" and ey.employees >= 100
        c["unionised"] += 1
        c["established"] += e.id in negotiated
        c["big"] += big
        c["big_established"] += big and e.id in negotiated
        c["big_alone"] += big and e.id in alone
    return counts


def rate_text(num, den):
    return "—" if not den else f"{100 * num / den:.2f}"


def negotiation_cells(c: Counter) -> list[str]:
    return [str(c["unionised"]), str(c["established"]), rate_text(c["established"], c["unionised"]),
            str(c["big"]), str(c["big_established"]), rate_text(c["big_established"], c["big"]),
            str(c["big_alone"]), rate_text(c["big_alone"], c["big"]),
            str(c["respondents"]), str(c["aware"]), rate_text(c["aware"], c["respondents"]),
            str(c["satisfied"]), rate_text(c["satisfied"], c["respondents"]),
            str(c["evaluated"]), str(c["good"]), rate_text(c["good"], c["evaluated"])]


def test_negotiation_summary_figures_per_township_and_total(db, catalog):
    prepared, pdf = render(db, catalog, "negotiation-summary", year=YEAR)
    assert page_sizes(pdf.data) == {A4_LANDSCAPE}
    assert_fonts_embedded(pdf.data)
    text = "\n".join(pdf_pages(pdf.data))
    lines = pdf_lines(text)
    assert "镇康县集体协商建制情况汇总表" in lines and "（2025年度）" in lines
    for header in ("乡镇", "集体协商建制率", "正常经营的百人以上建会企业", "集体协商质效评估", "表　　号：", "镇工表4-2"):
        assert header in lines
    for header in ("建会企业数", "建制率（%）", "单独签订率（%）", "80分以上比例（%）"):
        assert header in compact(text)
    with db.session() as s:
        counts = expected_negotiation(s, YEAR)
        townships = list(s.scalars(select(OrgUnit).where(OrgUnit.level == "township").order_by(OrgUnit.sort_order)))
    total = Counter()
    for unit in townships:
        assert after(lines, unit.short_name, 16) == negotiation_cells(counts.get(unit.code, Counter())), unit.short_name
        total.update(counts.get(unit.code, Counter()))
    assert after(lines, "合计", 16) == negotiation_cells(total)
    assert total["unionised"] > 100 and total["established"] > 0  # the demo is not empty
    assert "— 1 —" in lines and "单位负责人：" in lines and "填表人：" in lines


def test_negotiation_summary_agrees_with_the_progress_figures(db, catalog):
    """Every township's rates and the county's 合计 are the figures of indicators 14.1–14.6."""
    prepared, _ = render(db, catalog, "negotiation-summary", year=YEAR)
    rates = {"14.1": ("established_rate", "established", "unionised"), "14.2": ("big_rate", "big_established", "big"),
             "14.3": ("alone_rate", "big_alone", "big"), "14.4": ("awareness_rate", "aware", "respondents"),
             "14.5": ("satisfaction_rate", "satisfied", "respondents"), "14.6": ("good_rate", "evaluated_good", "evaluated")}
    with db.session() as s:
        plan = current_plan(s, YEAR)
        county = {r.code: r for r in progress_for(s, plan.id, COUNTY, YEAR)}
        by_township = township_breakdown(s, plan.id, YEAR)
        short = {u.code: u.short_name for u in s.scalars(select(OrgUnit))}
    printed = {row["township"]: row for row in prepared.rows}
    for code, progress_rows in by_township.items():
        for r in progress_rows:
            if r.code in rates:
                rate_field, num, den = rates[r.code]
                row = printed[short[code]]
                assert (row[rate_field], row[num], row[den]) == (r.actual, r.numerator, r.denominator), (code, r.code)
    for code, (_, num, den) in rates.items():
        total_num, total_den = sum(r[num] for r in prepared.rows), sum(r[den] for r in prepared.rows)
        assert (total_num, total_den) == (county[code].numerator, county[code].denominator), code
        assert round(100 * total_num / total_den, 2) == county[code].actual


def test_a_township_prints_only_itself(db, catalog):
    prepared, pdf = render(db, catalog, "negotiation-summary", actor=NANSAN_CLERK, year=YEAR)
    assert [r["township"] for r in prepared.rows] == ["南伞镇"]
    assert prepared.org_code == NANSAN and prepared.org_name.startswith("南伞镇")
    assert f"填报单位（盖章）：{prepared.org_name}" in compact(pdf_pages(pdf.data)[0])
    with pytest.raises(PermissionDenied, match="只能查看和管理本单位的数据"):
        render(db, catalog, "negotiation-summary", actor=NANSAN_CLERK, year=YEAR, org_code="530924")


# --- 集体合同签订情况统计表 ---------------------------------------------------------------

def test_contract_list_repeats_its_header_and_totals_the_register(db, catalog):
    prepared, pdf = render(db, catalog, "contract-list", actor=VIEWER, year=YEAR)
    pages = pdf_pages(pdf.data)
    assert len(pages) > 3 and page_sizes(pdf.data) == {A4_LANDSCAPE}
    assert_fonts_embedded(pdf.data)
    for number, page in enumerate(pages, 1):
        lines = pdf_lines(page)
        for header in ("序号", "企业名称", "统一社会信用代码", "集体合同", "合同类型", "报送审查", "覆盖职工人数"):
            assert header in compact(page), (number, header)
        assert f"— {number} —" in lines
    assert "镇康县企业集体合同签订情况统计表" in pdf_lines(pages[0]) and "（2025年度）" in pdf_lines(pages[0])
    end = date(YEAR, 12, 31)
    with db.session() as s:
        rows = year_rows(s, YEAR)
        counted = [(e, rows[e.id]) for e in s.scalars(select(Enterprise).where(Enterprise.deleted.is_(False)))
                   if e.id in rows and rows[e.id].operating_status != "注销"]
        unions = {u.enterprise_id for u in s.scalars(select(EnterpriseUnion).where(EnterpriseUnion.deleted.is_(False)))
                  if u.established_on is None or u.established_on <= end}
        in_force = {}  # the latest signed contract of the year per enterprise
        for c in sorted(contracts_of_year(s, YEAR), key=lambda c: c.signed_on):
            in_force[c.enterprise_id] = c
        names = {e.name for e, _ in counted}
    assert len(counted) > 200
    expected = [str(len(counted)), str(sum(y.employees for _, y in counted)), str(sum(e.id in unions for e, _ in counted)),
                str(sum(e.id in in_force for e, _ in counted)),
                str(sum(in_force[e.id].employees_covered for e, _ in counted if e.id in in_force))]
    last = pdf_lines(pages[-1])
    assert after(last, "合计", 5, start=last.index("小计") + 1) == expected
    text = "\n".join(pages)
    assert sum(1 for name in names if name in text) > 0.9 * len(names)  # long names may wrap onto two lines
    # a viewer sees phone numbers masked
    assert not FULL_PHONE.search(text) and MASKED_PHONE.search(text)
    assert prepared.masked and not prepared.unmasked_personal


# --- 劳动模范推荐人选汇总表 / 推荐审批表 ---------------------------------------------------

def _recommended(session, year):
    award = session.scalars(select(AwardSession).where(AwardSession.year == year)).one()
    return award, [n for n in session.scalars(select(Nomination).where(Nomination.session_id == award.id))
                   if n.status not in ("draft", "rejected")]


def test_nomination_summary_masks_ids_for_a_viewer(db, catalog):
    _, pdf = render(db, catalog, "nomination-summary", actor=VIEWER, year=YEAR)
    assert page_sizes(pdf.data) == {A4_LANDSCAPE}
    assert_fonts_embedded(pdf.data)
    text = "\n".join(pdf_pages(pdf.data))
    lines = pdf_lines(text)
    with db.session() as s:
        award, people = _recommended(s, YEAR)
    assert f"{award.name}推荐人选汇总表" in lines
    for header in ("序号", "推荐乡镇", "姓名", "出生年月", "工作单位及职务（职称）", "人员类别", "是否产业工人", "身份证号码", "曾获荣誉"):
        assert header in compact(text)
    assert not FULL_ID.search(text)
    assert len(MASKED_ID.findall(text)) == len(people)
    for person in people:
        assert f"{person.id_number[:6]}********{person.id_number[-4:]}" in text
    industrial = sum(p.industrial_worker for p in people)
    assert after(lines, "合计", 2) == [str(len(people)), str(industrial)]


def test_summary_printed_by_an_admin_is_unmasked_and_audited(db, catalog, tmp_path):
    form = catalog.get("nomination-summary")
    with db.session() as s:
        prepared = prepare(s, ADMIN, form, PrintRequest(form.key, year=YEAR))
        write_output(s, ADMIN, prepared, tmp_path / "summary.pdf")
    text = "\n".join(pdf_pages((tmp_path / "summary.pdf").read_bytes()))
    assert FULL_ID.search(text) and not MASKED_ID.search(text)
    with db.session() as s:
        entry = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert (entry.username, entry.action, entry.entity_id) == ("demo", "disclose_personal", "nomination-summary")
    details = json.loads(entry.details)
    assert "summary.pdf" in details["target"] and details["count"] == len(prepared.rows) > 0
    assert details["what"].endswith("（PDF）")


def test_masked_print_is_not_audited(db, catalog, tmp_path):
    form = catalog.get("nomination-summary")
    with db.session() as s:
        before = s.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1))
        write_output(s, VIEWER, prepare(s, VIEWER, form, PrintRequest(form.key, year=YEAR)), tmp_path / "m.pdf")
        assert s.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1)) == before


def test_approval_form_is_the_official_record_unmasked(db, catalog, tmp_path):
    form = catalog.get("nomination-approval")
    with db.session() as s:
        _, people = _recommended(s, YEAR)
        person = people[0]
        prepared = prepare(s, VIEWER, form, PrintRequest(form.key, year=YEAR, person_id=person.id))
        summary = write_output(s, VIEWER, prepared, tmp_path / "approval.pdf")
        audited = s.scalars(select(AuditEntry).where(AuditEntry.action == "disclose_personal", AuditEntry.username == "viewer")).all()
    data = (tmp_path / "approval.pdf").read_bytes()
    assert page_sizes(data) == {A4_PORTRAIT}
    assert_fonts_embedded(data)
    pages = pdf_pages(data)
    assert summary.pages == len(pages) >= 4
    cover, notice, first, *rest = pages
    assert person.name in cover and "镇康县总工会制" in cover and "—" not in cover
    assert "填表说明" in notice and "—" not in notice
    assert person.id_number in first and person.phone in first  # the official record: in full
    for label in ("姓名", "性别", "民族", "出生年月", "政治面貌", "身份证号码", "工作单位及职务", "是否产业工人", "主要事迹", "照片"):
        assert label in compact(first)
    assert "— 1 —" in first and "— 2 —" in rest[0]
    tail = compact("\n".join(rest))
    for label in ("所在单位意见", "乡镇（街道）工会意见", "县总工会意见", "（盖章）", "负责人（签字）："):
        assert label in tail
    # the long deeds wrap onto the next page, in full
    deeds = re.sub(r"\s", "", person.deeds_full)
    flowing = re.sub(r"\s", "", "".join(pages[2:]))
    assert deeds[-30:] in flowing and flowing.count("演示数据") >= person.deeds_full.count("演示数据")
    assert len(audited) == 1 and audited[0].entity_id == "nomination-approval"


def test_approval_forms_for_everyone_of_the_year(db, catalog):
    prepared, pdf = render(db, catalog, "nomination-approval", actor=VIEWER, year=YEAR, org_code=NANSAN)
    with db.session() as s:
        award = s.scalars(select(AwardSession).where(AwardSession.year == YEAR)).one()
        nansan = s.scalars(select(Nomination).where(Nomination.session_id == award.id, Nomination.township_code == NANSAN)).all()
    assert len(prepared.rows) == len(nansan) > 1
    pages = pdf_pages(pdf.data)
    covers = [p for p in pages if "镇康县总工会制" in p]
    assert sorted(n.name for n in nansan) == sorted(next(n.name for n in nansan if n.name in c) for c in covers)
    assert sum("— 1 —" in p for p in pages) == len(nansan)  # numbering restarts for every person


def test_person_by_name_and_unknown_person(db, catalog):
    with db.session() as s:
        _, people = _recommended(s, YEAR)
        unique = next(p for p in people if sum(q.name == p.name for q in people) == 1)
        form = catalog.get("nomination-approval")
        prepared = prepare(s, ADMIN, form, PrintRequest(form.key, year=YEAR, person_id=unique.name))
        assert prepared.rows[0]["name"] == unique.name
        with pytest.raises(UserError, match="没有人员“无此人”"):
            prepare(s, ADMIN, form, PrintRequest(form.key, year=YEAR, person_id="无此人"))
        with pytest.raises(UserError, match="汇总表，不能指定人员"):
            prepare(s, ADMIN, catalog.get("nomination-summary"), PrintRequest("nomination-summary", year=YEAR, person_id=unique.id))


# --- "三室一站"创建情况统计表 --------------------------------------------------------------

def test_studio_summary_totals(db, catalog):
    _, pdf = render(db, catalog, "studio-summary", year=YEAR)
    assert page_sizes(pdf.data) == {A4_LANDSCAPE}
    assert_fonts_embedded(pdf.data)
    pages = pdf_pages(pdf.data)
    lines = pdf_lines("\n".join(pages))
    assert "镇康县“三室一站”创建情况统计表" in lines
    for header in ("年度创新成果", "合理化建议", "提出", "采纳", "技术革新", "年度培训", "场次", "人次", "技能晋级人数"):
        assert header in compact("\n".join(pages))
    end = date(YEAR, 12, 31)
    with db.session() as s:
        studios = [st for st in s.scalars(select(Studio)) if st.applied_on <= end]
        results = {r.studio_id: r for r in s.scalars(select(StudioResult).where(StudioResult.year == YEAR))}
        members = sum(len([m for m in st.members if not m.deleted]) for st in studios)
    fields = ("proposals", "proposals_adopted", "tech_innovations", "rd_projects", "patents", "methods",
              "achievements_awarded", "training_sessions", "people_trained", "people_promoted")
    sums = [sum(getattr(results[st.id], f) for st in studios if st.id in results) for f in fields]
    assert after(lines, "合计", 12) == [str(len(studios)), str(members), *map(str, sums)]
    assert any("小计" in line for line in lines)  # subtotals per township in the county print
    for page_number, page in enumerate(pages, 1):
        assert "年度创新成果" in compact(page) and f"— {page_number} —" in page


def test_an_empty_year_prints_an_empty_form_with_zero_totals(db, catalog):
    prepared, pdf = render(db, catalog, "studio-summary", year=2019)
    lines = pdf_lines(pdf_pages(pdf.data)[0])
    assert prepared.rows == [] and "（无数据）" in lines
    assert after(lines, "合计", 3) == ["0", "0", "0"]
