"""企业年度情况: an enterprise's 职工人数 and 经营状态 for a year, matched on enterprise + year.

Rows meet the form's rules (services/enterprises.year_problems). The enterprise is named by
its credit code or its name; in an enterprise roster the same row's enterprise is written
first (kinds/enterprises.py lists this kind among its parts), so one sheet can carry both.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from zkdesk.domain import choices
from zkdesk.imports import cells
from zkdesk.imports.kinds._shared import ENTERPRISE_LINK, enterprise_of, load_enterprises
from zkdesk.imports.spec import Column, KindSpec, Lookups, RowError, Warnings
from zkdesk.services.enterprises import YearInput, year_problems
from zkdesk.services.scope import org_filter
from zkdesk.store.models import Enterprise, EnterpriseYear

STATUS_ALIASES = {"正常": "正常经营", "经营": "正常经营", "在营": "正常经营", "存续": "正常经营", "营业": "正常经营",
                  "停业": "停产", "停产停业": "停产", "歇业": "停产", "已注销": "注销", "吊销": "注销"}

COLUMNS = (
    *ENTERPRISE_LINK,
    Column("year", "年度", cells.year, fmt="int", blank=None, width=8, synonyms=("年份", "统计年度", "填报年度"),
           note="如 2024；空白按今年", example=2024),
    Column("employees", "职工人数", cells.integer, required=True, fmt="int", width=10,
           synonyms=("职工总数", "职工数", "在岗职工人数", "职工人数（人）", "从业人员数", "企业职工人数"),
           note="该年度的职工人数，不能为负数", example=120),
    Column("operating_status", "经营状态", cells.choice(choices.OPERATING_STATUSES, STATUS_ALIASES), blank="正常经营",
           width=10, synonyms=("经营情况", "企业状态", "生产经营状态"), note="空白按“正常经营”", example="正常经营"),
    Column("status_date", "状态日期", cells.parse_date, fmt="date", blank=None, width=12,
           synonyms=("停产日期", "注销日期", "状态变更日期"), note="停产、注销的日期，可空"),
)
# the form's field names where the file's columns are named otherwise
_BLAME = {"year": "year", "employees": "employees", "operating_status": "operating_status"}


def resolve(values: dict, lookups: Lookups, _warned: Warnings) -> dict:
    enterprise = enterprise_of(values, lookups)
    year = values.get("year") or lookups.today.year
    row = YearInput(year, values["employees"], values.get("operating_status") or "正常经营", values.get("status_date"))
    problems = year_problems(row)
    if problems:
        raise RowError.of([(_BLAME.get(field, field), message) for field, message in problems])
    attrs = {"enterprise_id": enterprise[0], "origin": enterprise[1], "year": row.year, "employees": row.employees}
    for key in ("operating_status", "status_date"):  # a column the file lacks leaves the stored value
        if key in values:
            attrs[key] = getattr(row, key)
    return attrs


def export_rows(session: Session, office_code: str) -> list[dict]:
    query = (
        select(EnterpriseYear, Enterprise.uscc, Enterprise.name)
        .join(Enterprise, Enterprise.id == EnterpriseYear.enterprise_id)
        .where(EnterpriseYear.deleted.is_(False), Enterprise.deleted.is_(False),
               org_filter(Enterprise.township_code, office_code))
        .order_by(Enterprise.township_code, Enterprise.name, Enterprise.uscc, Enterprise.id, EnterpriseYear.year)
    )
    return [
        {"enterprise_uscc": uscc, "enterprise_name": name, "year": row.year, "employees": row.employees,
         "operating_status": row.operating_status, "status_date": row.status_date}
        for row, uscc, name in session.execute(query)
    ]


KIND = KindSpec(
    name="enterprise-years",
    label="企业年度情况",
    entity="enterprise_year",
    model=EnterpriseYear,
    columns=COLUMNS,
    match=("enterprise_id", "year"),
    scope="origin",
    key_column="year",
    resolve=resolve,
    prepare=load_enterprises,
    export_rows=export_rows,
    link=("enterprise_uscc", "enterprise_name", "year"),
    sort_note="按企业（统一社会信用代码或名称）和年度对应已有记录",
)
