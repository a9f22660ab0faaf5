"""责任分工表 (镇工表6-1) and 各责任单位任务落实情况表 (镇工表6-2) on the demo county: every
indicator with its lead and co-responsible departments as kept in the database, every
department's duties, and the evaluation status the report gives for the year."""

from __future__ import annotations

import pytest

from tests.output_helpers import ADMIN, COUNTY, NANSAN, compact, demo_database, font_report, pdf_pages, render
from zkdesk.output.catalog import load_catalog
from zkdesk.services import departments as dep
from zkdesk.services.catalog import plan_indicators
from zkdesk.services.evaluation_report import build_report
from zkdesk.services.progress import plan_by_code

PLAN, YEAR = "zk-2021-2025", 2025


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    database = demo_database(tmp_path_factory.mktemp("demo-duty-forms"))
    with database.session() as s:
        ind = next(i for i in plan_indicators(s, plan_by_code(s, PLAN).id) if i.code == "04.1")
        dep.set_duties(s, ADMIN, ind.id, "rsj", ["zgh"])  # an edit the forms must follow
    yield database
    database.dispose()


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


def test_the_duty_table_prints_each_indicators_departments_and_status(db, catalog):
    prepared, pdf = render(db, catalog, "duty-table", year=YEAR, org_code=COUNTY)
    with db.read_session() as s:
        report = build_report(s, ADMIN, PLAN, COUNTY, 2021, YEAR)
        duties = dep.plan_duties(s, plan_by_code(s, PLAN).id)
    lines = {line.code: line for line in report.indicators}
    assert [row["code"] for row in prepared.rows] == list(lines)
    by_code = {row["code"]: row for row in prepared.rows}
    assert by_code["04.1"]["lead"] == "县人力资源社会保障局" and by_code["04.1"]["co"] == "县总工会"
    assert by_code["01.1"]["lead"] == "县委组织部" and "各乡（镇）" in by_code["01.1"]["co"]
    for code, line in lines.items():
        assert by_code[code]["status"] == line.status, code  # as the final report judges it
    assert all(by_code[code]["lead"] for code in lines) and len(duties) == len(lines)
    text = compact("\n".join(pdf_pages(pdf.data)))
    assert "任务责任分工表" in text and "镇工表6-1" in text and "县人力资源社会保障局" in text
    assert all(font_report(pdf.data).values())


def test_each_department_prints_what_it_leads_then_what_it_supports(db, catalog):
    prepared, pdf = render(db, catalog, "department-duties", year=YEAR, org_code=COUNTY)
    rows = prepared.rows
    with db.read_session() as s:
        duties = dep.plan_duties(s, plan_by_code(s, PLAN).id)
        order = [d.code for d in dep.list_departments(s)]
    expected = sum(len(d.codes) for d in duties.values())
    assert len(rows) == expected
    printed = list(dict.fromkeys(row["department_code"] for row in rows))
    assert printed == [c for c in order if c in printed]  # the official order
    zgh = [row for row in rows if row["department_code"] == "zgh"]
    roles = [row["role"] for row in zgh]
    assert roles == sorted(roles, key=lambda r: r != "牵头") and "牵头" in roles and "配合" in roles
    assert {"role": "配合", "code": "04.1"}.items() <= next(r for r in zgh if r["code"] == "04.1").items()
    rsj = [row for row in rows if row["department_code"] == "rsj" and row["role"] == "牵头"]
    assert [row["code"] for row in rsj] == ["04.1"]
    text = compact("\n".join(pdf_pages(pdf.data)))
    assert "各责任单位任务落实情况表" in text and "县总工会" in text


def test_a_township_prints_the_duties_with_its_own_status(db, catalog):
    prepared, _ = render(db, catalog, "duty-table", year=YEAR, org_code=NANSAN)
    with db.read_session() as s:
        report = build_report(s, ADMIN, PLAN, NANSAN, 2021, YEAR)
    assert [row["status"] for row in prepared.rows] == [line.status for line in report.indicators]
