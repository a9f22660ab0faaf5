"""企业工会: an enterprise's union and democratic management (建会, 建会时间, 主席, 职代会,
厂务公开, 职工董事/监事), one per enterprise, matched on the enterprise.

Rows meet the form's rules (services/enterprises.union_problems, then union_as_stored as
clean_union does). 是否建会 “否” records that the enterprise has no union (a stored one is
removed, as the form does).
"""

from __future__ import annotations

from dataclasses import fields
from datetime import date
from operator import attrgetter

from sqlalchemy import select
from sqlalchemy.orm import Session

from zkdesk.imports import cells
from zkdesk.imports.kinds._shared import ENTERPRISE_LINK, enterprise_of, load_enterprises
from zkdesk.imports.spec import Column, KindSpec, Lookups, RowError, Warnings
from zkdesk.services.enterprises import UnionInput, union_as_stored, union_problems
from zkdesk.services.scope import org_filter
from zkdesk.store.models import Enterprise, EnterpriseUnion

COLUMNS = (
    *ENTERPRISE_LINK,
    Column("has_union", "是否建会", cells.yes_no, fmt="bool", blank=None, stored=False, width=8,
           synonyms=("建会", "已建会", "是否建立工会", "建立工会", "有无工会", "是否已建会", "已建立工会"),
           note="“否”表示没有工会（已登记的工会会被删除）；空白时，填了工会的其他项即视为“是”", example="是"),
    Column("established_on", "建会时间", cells.parse_date, fmt="date", blank=None, width=12,
           synonyms=("建会日期", "工会成立日期", "工会成立时间", "成立时间", "成立日期"), example=date(2019, 6, 1)),
    Column("members", "会员人数", cells.integer, fmt="int", blank=0, width=8,
           synonyms=("工会会员人数", "会员数", "会员人数（人）"), example=110),
    Column("chair", "工会主席", cells.person_name, width=10, synonyms=("主席", "工会主席姓名"), example="赵六"),
    Column("congress", "职代会", cells.yes_no, fmt="bool", blank=False, width=8,
           synonyms=("是否建立职代会", "建立职代会", "职工代表大会", "是否建立职工代表大会制度", "职代会制度", "是否建立职代会制度"),
           note="是否建立职工代表大会制度；空白视为“否”", example="是"),
    Column("congress_on", "职代会建立时间", cells.parse_date, fmt="date", blank=None, width=12,
           synonyms=("职代会建立日期", "职代会时间")),
    Column("openness", "厂务公开", cells.yes_no, fmt="bool", blank=False, width=8,
           synonyms=("是否实行厂务公开", "厂务公开制度", "实行厂务公开", "是否建立厂务公开制度"),
           note="是否实行厂务公开；空白视为“否”", example="是"),
    Column("openness_on", "厂务公开建立时间", cells.parse_date, fmt="date", blank=None, width=12,
           synonyms=("厂务公开建立日期", "厂务公开时间")),
    Column("worker_director", "职工董事", cells.yes_no, fmt="bool", blank=False, width=8,
           synonyms=("是否有职工董事", "职工董事制度"), note="只适用于公司制企业；空白视为“否”"),
    Column("worker_supervisor", "职工监事", cells.yes_no, fmt="bool", blank=False, width=8,
           synonyms=("是否有职工监事", "职工监事制度"), note="只适用于公司制企业；空白视为“否”"),
)
_UNION_FIELDS = tuple(f.name for f in fields(UnionInput))
_union_values = attrgetter(*_UNION_FIELDS)


def load(session: Session, lookups: Lookups) -> None:
    load_enterprises(session, lookups)
    is_company = dict(session.execute(select(Enterprise.id, Enterprise.is_company)).all())
    for ent_id, attrs in lookups.pending:  # the roster's own enterprises, as the import leaves them
        is_company[ent_id] = attrs.get("is_company", is_company.get(ent_id, True))
    lookups.extra["is_company"] = is_company


def resolve(values: dict, lookups: Lookups, _warned: Warnings) -> dict:
    enterprise = enterprise_of(values, lookups)
    given = {key: values[key] for key in _UNION_FIELDS if key in values}
    if values.get("has_union") is False:
        filled = [key for key, value in given.items() if value not in (None, "", False, 0)]
        if filled:
            raise RowError(filled[0], "“是否建会”填了“否”，这一项应空白（没有工会就没有工会的各项情况）")
        return {"enterprise_id": enterprise[0], "origin": enterprise[1], "deleted": True}
    stored = lookups.stored_record({"enterprise_id": enterprise[0]})
    if stored and not stored.get("deleted"):  # the stored union's values where the file has no column
        given = {key: stored[key] for key in _UNION_FIELDS if key in stored} | given
    data = UnionInput(**given)
    is_company = lookups.extra["is_company"].get(enterprise[0], True)
    problems = union_problems(is_company, data, lookups.today)
    if problems:
        raise RowError.of(problems)
    union = union_as_stored(data)  # clean_union, without checking again
    return {"enterprise_id": enterprise[0], "origin": enterprise[1], **dict(zip(_UNION_FIELDS, _union_values(union)))}


def export_rows(session: Session, office_code: str) -> list[dict]:
    query = (
        select(EnterpriseUnion, Enterprise.uscc, Enterprise.name)
        .join(Enterprise, Enterprise.id == EnterpriseUnion.enterprise_id)
        .where(EnterpriseUnion.deleted.is_(False), Enterprise.deleted.is_(False),
               org_filter(Enterprise.township_code, office_code))
        .order_by(Enterprise.township_code, Enterprise.name, Enterprise.uscc, Enterprise.id)
    )
    return [
        {"enterprise_uscc": uscc, "enterprise_name": name, "has_union": True}
        | {key: getattr(union, key) for key in _UNION_FIELDS}
        for union, uscc, name in session.execute(query)
    ]


KIND = KindSpec(
    name="unions",
    label="企业工会",
    entity="enterprise_union",
    model=EnterpriseUnion,
    columns=COLUMNS,
    match=("enterprise_id",),
    scope="origin",
    key_column="enterprise_uscc",
    resolve=resolve,
    prepare=load,
    export_rows=export_rows,
    link=("enterprise_uscc", "enterprise_name"),
    sort_note="按企业（统一社会信用代码或名称）对应已有工会，每家企业一个工会",
)
