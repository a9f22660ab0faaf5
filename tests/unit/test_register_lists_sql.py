"""The register lists filter, join and count in SQL. They must give exactly the rows the Python
filters gave before, on the demo county plus the cases the demo lacks (duplicate, missing and
wrong credit codes, deregistered enterprises, gaps and tombstones in the year rows, unions
founded later, regional contracts, objections, tombstoned contracts and coverage rows, % and _
typed into a search), for every combination of the filters.

The reference functions below are the lists' former Python filters, reading the register
through services/enterprise_facts (enterprise_year_facts, contract_facts), whose year rules
the SQL restates.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections import Counter
from datetime import date

import pytest
from sqlalchemy import select

from tests.enterprise_helpers import MENGPENG, NANSAN, add_contract, add_enterprise
from zkdesk.domain.choices import CONTRACT_TYPES, INDUSTRIES, STUDIO_LEVELS, STUDIO_STATUSES, STUDIO_TYPES
from zkdesk.domain.contract_rules import MULTI_ENTERPRISE_KINDS, in_force_during
from zkdesk.domain.roles import Role
from zkdesk.domain.uscc import check_uscc
from zkdesk.services import enterprise_query
from zkdesk.services.actor import Actor
from zkdesk.services.contracts import ContractFilter, ContractInput, contract_status, list_contracts, update_contract
from zkdesk.services.demo import fill_demo
from zkdesk.services.enterprise_facts import YearFacts, contract_facts, covered_enterprise_ids, enterprise_year_facts
from zkdesk.services.enterprises import (
    MAX_YEAR,
    SIZE_LARGE,
    SIZE_SMALL,
    EnterpriseFilter,
    UnionInput,
    YearInput,
    count_enterprises,
    delete_enterprise,
    delete_enterprise_year,
    duplicate_usccs,
    enterprise_choices,
    list_enterprises,
    save_union,
    set_enterprise_year,
)
from zkdesk.services.evaluations import list_evaluations
from zkdesk.services.nominations import list_nominations
from zkdesk.services.orgs import org_names
from zkdesk.services.studios import StudioFilter, list_studios
from zkdesk.store.migrate import open_database
from zkdesk.store.models import (
    AwardSession,
    CollectiveContract,
    Enterprise,
    Nomination,
    QualityEvaluation,
    Studio,
    StudioMember,
    User,
)

COUNTY = "530924"
TOWNSHIPS = ("530924101", "530924102", "530924103", "530924201", "530924202", "530924204", "530924205")
GOOD = "91530924MA6KXQ7T2Q"
BAD = "91530924MA6KXQ7T2R"
FACT_FIELDS = ("enterprise_id", "name", "uscc", "township_code", "ownership", "industry", "is_company", "employees",
               "status", "has_union", "congress", "openness", "on_register", "large", "operating")


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    """The demo county with the cases it lacks; yields (db, county actor, Nansan actor)."""
    folder = tmp_path_factory.mktemp("lists")
    db = open_database(folder / "zkdesk.sqlite3", folder / "backups")
    with db.session() as s:
        fill_demo(s)
        user = s.scalars(select(User)).first()
        admin = Actor(user.username, user.display_name, Role.ADMIN, COUNTY, user.id)
    with db.session() as s:
        _edge_cases(s, admin)
    yield db, admin, Actor(user.username, user.display_name, Role.ADMIN, NANSAN, user.id)
    db.dispose()


def _edge_cases(s, admin: Actor) -> None:
    some_demo = s.scalars(select(Enterprise.id).where(Enterprise.township_code == NANSAN).order_by(Enterprise.id)).first()
    dup_a = add_enterprise(s, admin, "重复代码甲公司", uscc=GOOD, employees=150)
    dup_b = add_enterprise(s, admin, "重复代码乙公司", township=MENGPENG, uscc=GOOD, employees=20, union=None)
    add_enterprise(s, admin, "未填代码公司", uscc="", employees=100)
    bad = add_enterprise(s, admin, "校验不符公司", uscc=BAD, ownership="国有", employees=99)
    add_enterprise(s, admin, "ABC_100%公司 南伞", employees=100, union=UnionInput(established_on=None, congress=True))
    closed = add_enterprise(s, admin, "注销公司", employees=300, year=2023)
    set_enterprise_year(s, admin, closed, YearInput(2024, 300, "注销"))
    gap = add_enterprise(s, admin, "年度有缺公司", employees=150, year=2021)
    set_enterprise_year(s, admin, gap, YearInput(2024, 40))
    delete_enterprise_year(s, admin, gap, 2024)  # 2025 still reads the 2021 row
    add_enterprise(s, admin, "没有年度公司", year=None)
    add_enterprise(s, admin, "工会后建公司", employees=200, union=UnionInput(
        established_on=date(2024, 6, 1), congress=True, congress_on=date(2025, 3, 1), openness=True, openness_on=None))
    gone_union = add_enterprise(s, admin, "工会撤销公司", employees=130)
    save_union(s, admin, gone_union, None)
    gone = add_enterprise(s, admin, "已删除公司", uscc=GOOD, employees=500)
    delete_enterprise(s, admin, gone)
    regional = add_contract(s, admin, kind="区域性集体合同", signed=date(2024, 1, 10), term=2, negotiation=False,
                            covered=(dup_a, gap, some_demo), township=NANSAN)
    update_contract(s, admin, regional, ContractInput(  # drops `gap`: its coverage row is tombstoned
        kind="区域性集体合同", signed_on=date(2024, 1, 10), term_years=2, covered_enterprise_ids=(dup_a, some_demo),
        township_code=NANSAN, negotiation_established=False, signed_alone=False, title="南伞镇区域性集体合同_2024"))
    add_contract(s, admin, kind="行业性集体合同", signed=date(2019, 5, 1), term=1, covered=(dup_b,), township=MENGPENG)
    add_contract(s, admin, bad, signed=date(2024, 2, 1), filed=date(2024, 2, 5), objection=True)
    dropped = add_contract(s, admin, dup_b, signed=date(2025, 2, 1))
    s.get(CollectiveContract, dropped).deleted = True
    s.flush()


# ---- the former Python filters -------------------------------------------------------------

def _old_duplicates(s) -> set[str]:
    seen = Counter(s.scalars(select(Enterprise.uscc).where(Enterprise.deleted.is_(False), Enterprise.uscc != "")))
    return {code for code, n in seen.items() if n > 1}


def _old_matches(f, flt: EnterpriseFilter) -> bool:
    if flt.township_code and f.township_code != flt.township_code:
        return False
    if flt.ownership and f.ownership != flt.ownership:
        return False
    if flt.industry and f.industry != flt.industry:
        return False
    if flt.size == SIZE_LARGE and not f.large:
        return False
    if flt.size == SIZE_SMALL and f.large:
        return False
    if flt.has_union is not None and f.has_union != flt.has_union:
        return False
    text = flt.text.strip().upper()
    return not text or text in f.name.upper() or text in f.uscc


def _old_enterprises(s, actor, year, flt):
    names, contracts, duplicates = org_names(s), contract_facts(s, year), _old_duplicates(s)
    rows = []
    for f in enterprise_year_facts(s, actor.office_code, year):
        if not _old_matches(f, flt):
            continue
        warning = "未填写" if not f.uscc else "代码重复" if f.uscc in duplicates else "" if check_uscc(f.uscc).ok else "校验不符"
        rows.append((*(getattr(f, k) for k in FACT_FIELDS), names.get(f.township_code, f.township_code),
                     f.enterprise_id in contracts.covered, f.enterprise_id in contracts.negotiated, warning))
    return sorted(rows, key=lambda r: (r[3], r[1], r[0]))


def _new_enterprises(s, actor, year, flt):
    return [(*(getattr(r, k) for k in FACT_FIELDS), r.township_name, r.has_contract, r.negotiated, r.uscc_warning)
            for r in list_enterprises(s, actor, year, flt)]


def _old_contracts(s, actor, flt: ContractFilter, today: date):
    query = select(CollectiveContract).where(CollectiveContract.deleted.is_(False))
    if actor.office_code != COUNTY:
        query = query.where(CollectiveContract.township_code == actor.office_code)
    if flt.township_code:
        query = query.where(CollectiveContract.township_code == flt.township_code)
    if flt.kind:
        query = query.where(CollectiveContract.kind == flt.kind)
    contracts = [c for c in s.scalars(query)
                 if flt.year is None or in_force_during(c.signed_on, c.expires_on, c.review_objection, flt.year)]
    coverage = covered_enterprise_ids(s, contracts)
    enterprise_names = dict(s.execute(select(Enterprise.id, Enterprise.name)).all())
    names, text, rows = org_names(s), flt.text.strip(), []
    for c in contracts:
        party = f"{len(coverage[c.id])}家企业" if c.kind in MULTI_ENTERPRISE_KINDS else enterprise_names.get(c.enterprise_id, "")
        if text and text not in party and text not in c.title:
            continue
        rows.append((c.signed_on, c.id, c.kind, c.title, party, names.get(c.township_code, c.township_code),
                     len(coverage[c.id]), contract_status(c, today)))
    return sorted(rows, key=lambda r: (-r[0].toordinal(), r[1]))


def _new_contracts(s, actor, flt, today):
    return [(r.signed_on, r.id, r.kind, r.title, r.party, r.township_name, r.covered_count, r.status)
            for r in list_contracts(s, actor, flt, today)]


# ---- enterprises ---------------------------------------------------------------------------

TEXTS = ("", "南伞", "有限公司", "abc_100%", "_1", "%", "kxq7", "ma6kxq7t2", "重复代码", "不存在的企业")


def test_every_filter_combination_gives_the_former_rows(county):
    db, admin, _ = county
    with db.read_session() as s:
        checked = 0
        for township, size, union, text in itertools.product(
                (None, *TOWNSHIPS), (None, SIZE_LARGE, SIZE_SMALL), (None, True, False), TEXTS):
            flt = EnterpriseFilter(township_code=township, size=size, has_union=union, text=text)
            new = _new_enterprises(s, admin, 2025, flt)
            assert new == _old_enterprises(s, admin, 2025, flt), flt
            checked += bool(new)
        for ownership, industry in itertools.product((None, "国有", "集体", "非公", "外资"), (None, *INDUSTRIES)):
            flt = EnterpriseFilter(ownership=ownership, industry=industry, size=SIZE_LARGE if industry == "茶" else None)
            assert _new_enterprises(s, admin, 2025, flt) == _old_enterprises(s, admin, 2025, flt), flt
    assert checked > 200  # most combinations find something: the comparison is not of empty lists


def test_every_year_and_both_offices(county):
    """The year rules (latest row up to the year, tombstones, unions by year end, contracts in
    force) year by year, for the county and for one township's office."""
    db, admin, nansan = county
    with db.read_session() as s:
        for year, actor, flt in itertools.product(
                range(2018, 2028), (admin, nansan),
                (EnterpriseFilter(), EnterpriseFilter(size=SIZE_LARGE, has_union=False), EnterpriseFilter(text="公司"))):
            assert _new_enterprises(s, actor, year, flt) == _old_enterprises(s, actor, year, flt), (year, actor.office_code)


def test_the_edge_cases_are_there_to_be_compared(county):
    db, admin, _ = county
    with db.read_session() as s:
        rows = {r.name: r for r in list_enterprises(s, admin, 2025, EnterpriseFilter(text="公司"))}
        r2024 = {r.name: r for r in list_enterprises(s, admin, 2024)}
    assert rows["重复代码甲公司"].uscc_warning == rows["重复代码乙公司"].uscc_warning == "代码重复"
    assert rows["未填代码公司"].uscc_warning == "未填写" and rows["校验不符公司"].uscc_warning == "校验不符"
    assert "已删除公司" not in rows and not rows["注销公司"].on_register and not rows["注销公司"].large
    assert rows["年度有缺公司"].employees == 150 and rows["没有年度公司"].status is None
    assert rows["工会后建公司"].congress and not r2024["工会后建公司"].congress and r2024["工会后建公司"].has_union
    assert not rows["工会撤销公司"].has_union and rows["ABC_100%公司 南伞"].has_union
    assert rows["重复代码甲公司"].has_contract and not rows["重复代码甲公司"].negotiated
    assert not rows["年度有缺公司"].has_contract and not rows["校验不符公司"].has_contract


def test_the_year_columns_are_the_year_facts_fields_in_order():
    """list_enterprises makes YearFacts from the rows positionally."""
    names = [c.name for c in enterprise_query.YearColumns(2025).select(COUNTY).selected_columns]
    fields = getattr(YearFacts, "_fields", None) or [f.name for f in dataclasses.fields(YearFacts)]
    assert names == list(fields)


def test_a_large_result_reads_every_contract_once_and_gives_the_same(county, monkeypatch):
    """Past LOOKUP_BY_ID rows the contracts and codes are read whole instead of by id."""
    db, admin, nansan = county
    monkeypatch.setattr(enterprise_query, "LOOKUP_BY_ID", 5)
    with db.read_session() as s:
        for year, actor in itertools.product((2019, 2024, 2025), (admin, nansan)):
            for flt in (EnterpriseFilter(), EnterpriseFilter(text="重复代码")):
                assert _new_enterprises(s, actor, year, flt) == _old_enterprises(s, actor, year, flt)
        assert duplicate_usccs(s) == _old_duplicates(s) == {GOOD}


def test_counts_and_choices(county):
    db, admin, nansan = county
    with db.read_session() as s:
        rows = list_enterprises(s, admin, 2025)
        c = count_enterprises(rows)
        assert c.total == len(rows) and sum(c.by_township.values()) == len(rows)
        assert c.large == sum(r.large for r in rows) and c.with_union == sum(r.has_union for r in rows)
        assert c.large_with_union == sum(r.large and r.has_union for r in rows)
        assert c.with_contract == sum(r.has_contract for r in rows) > 0
        assert c.flagged_uscc == sum(r.uscc_warning in ("代码重复", "校验不符") for r in rows) == 3
        for actor, township in ((admin, None), (admin, MENGPENG), (nansan, None), (nansan, MENGPENG)):
            old = [(f.enterprise_id, f.name, f.township_code) for f in enterprise_year_facts(s, actor.office_code, MAX_YEAR)
                   if township is None or f.township_code == township]
            new = [(c.id, c.name, c.township_code) for c in enterprise_choices(s, actor, township)]
            assert new == sorted(old, key=lambda r: (r[2], r[1], r[0])) and (new or actor is nansan)


# ---- contracts and evaluations ------------------------------------------------------------

def test_contract_lists_give_the_former_rows(county):
    db, admin, nansan = county
    today = date(2025, 6, 30)
    with db.read_session() as s:
        for actor, township, kind, year, text in itertools.product(
                (admin, nansan), (None, NANSAN, MENGPENG), (None, *CONTRACT_TYPES), (None, 2019, 2024, 2026),
                ("", "集体合同", "家企业", "3家", "_2024", "%", "重复代码")):
            flt = ContractFilter(township_code=township, kind=kind, year=year, text=text)
            assert _new_contracts(s, actor, flt, today) == _old_contracts(s, actor, flt, today), (actor.office_code, flt)
        regional = [r for r in list_contracts(s, admin, ContractFilter(kind="区域性集体合同"), today)]
        assert [(r.party, r.covered_count) for r in regional] == [("2家企业", 2)]


def test_evaluation_lists_give_the_former_rows(county):
    db, admin, nansan = county
    with db.read_session() as s:
        names, seen = org_names(s), Counter()
        for actor, year, township in itertools.product((admin, nansan), (2023, 2024, 2025), (None, NANSAN, MENGPENG)):
            negotiated = contract_facts(s, year).negotiated
            query = (select(QualityEvaluation.id, Enterprise.id, Enterprise.name, Enterprise.township_code)
                     .join(Enterprise, Enterprise.id == QualityEvaluation.enterprise_id)
                     .where(QualityEvaluation.deleted.is_(False), Enterprise.deleted.is_(False), QualityEvaluation.year == year))
            old = sorted(((ev, ent in negotiated, name, names[code]) for ev, ent, name, code in s.execute(query)
                          if (actor.office_code == COUNTY or code == actor.office_code) and (not township or code == township)),
                         key=lambda r: r[0])
            rows = list_evaluations(s, actor, year, township)
            assert sorted((r.id, r.negotiated, r.enterprise_name, r.township_name) for r in rows) == old
            seen.update(negotiated for _, negotiated, _, _ in old)
    assert seen[True] > 50 and seen[False] > 0  # both kinds of row were compared


# ---- nominations and studios ----------------------------------------------------------------

def test_nomination_lists_give_the_former_rows(county):
    db, admin, nansan = county
    with db.read_session() as s:
        sessions = s.scalars(select(AwardSession.id)).all()
        every = s.scalars(select(Nomination).where(Nomination.deleted.is_(False))).all()
        statuses = sorted({n.status for n in every})
        categories = sorted({n.category for n in every})
        words = ("", every[0].name[:1], every[3].employer[2:5], "车间", "%", "_")
        found = 0
        for sid, actor, township, status, category, text in itertools.product(
                sessions, (admin, nansan), (None, NANSAN), (None, *statuses), (None, categories[0]), words):
            old = sorted(
                (n.id for n in every
                 if n.session_id == sid and (actor.office_code == COUNTY or n.township_code == actor.office_code)
                 and (not township or n.township_code == township) and (not status or n.status == status)
                 and (not category or n.category == category)
                 and (not text or any(text.upper() in v.upper() for v in (n.name, n.employer, n.job_title)))),
            )
            rows = list_nominations(s, actor, sid, township_code=township, status=status, category=category, text=text)
            assert sorted(r.id for r in rows) == old
            assert [(r.township_code, r.name) for r in rows] == sorted((r.township_code, r.name) for r in rows)
            found += len(rows)
    assert found > 100  # the demo has about 40 nominations a session


def test_studio_lists_give_the_former_rows(county):
    db, admin, nansan = county
    with db.read_session() as s:
        for actor, kind, level, status in itertools.product(
                (admin, nansan), (None, *STUDIO_TYPES), (None, *STUDIO_LEVELS[:3]), (None, *STUDIO_STATUSES[:2])):
            result = list_studios(s, actor, StudioFilter(kind=kind, level=level, status=status))
            studios = [st for st in s.scalars(select(Studio).where(Studio.deleted.is_(False)))
                       if (actor.office_code == COUNTY or st.township_code == actor.office_code)
                       and (not kind or st.kind == kind) and (not level or st.level == level)
                       and (not status or st.status == status)]
            members = Counter(m.studio_id for m in s.scalars(select(StudioMember).where(StudioMember.deleted.is_(False))))
            old = sorted(((st.township_code, st.applied_on, st.name, st.id, members[st.id]) for st in studios),
                         key=lambda r: (r[0], r[1] or date.min, r[2], r[3]))
            assert [(r.township_code, r.applied_on, r.name, r.id, r.member_count) for r in result.rows] == old
            assert result.total == len(old) and sum(result.by_kind.values()) == len(old)
