"""The sums that feed plan item 6, through the derived-indicator registry."""

from datetime import date

from tests.conftest import COUNTY, NANSAN
from zkdesk.domain.roles import Role
from zkdesk.services.actor import Actor
from zkdesk.services.derived import derive, known_sources
from zkdesk.services.studio_progress import item6_summary
from zkdesk.services.studio_results import ResultInput, save_result
from zkdesk.services.studios import MemberInput, StudioInput, change_status, delete_studio, register_studio
from zkdesk.store.models import Indicator, IndicatorTarget

MENGPENG = "530924102"
MEMBERS = [MemberInput("甲"), MemberInput("乙"), MemberInput("丙")]


def studio(db, actor, name, township=NANSAN, level="县级", applied=date(2021, 1, 10)) -> str:
    with db.session() as s:
        return register_studio(
            s, actor, StudioInput(name=name, kind="劳模创新工作室", township_code=township, lead_name=name,
                                  applied_on=applied, level=level), MEMBERS)


def value(db, source, org, year):
    with db.session() as s:
        return derive(s, source, org, year)


def test_every_item6_source_of_the_catalog_is_registered(county_db):
    db, _ = county_db
    with db.session() as s:
        sources = {i.source for i in s.query(Indicator).filter(Indicator.source.startswith("studios."))}
    assert sources == {"studios.county_named", "studios.proposals", "studios.innovations", "studios.patents",
                       "studios.methods", "studios.achievements"}
    assert sources <= known_sources()


def test_county_named_counts_the_naming_year_unless_revoked_by_its_end(county_db):
    db, admin = county_db
    kept = studio(db, admin, "甲")
    revoked_same_year = studio(db, admin, "乙")
    revoked_later = studio(db, admin, "丙", township=MENGPENG)
    city_level = studio(db, admin, "丁", level="市级")
    applied_only = studio(db, admin, "戊")
    with db.session() as s:
        change_status(s, admin, kept, "命名", date(2022, 5, 1))
        change_status(s, admin, revoked_same_year, "命名", date(2022, 3, 1))
        change_status(s, admin, revoked_same_year, "撤销", date(2022, 12, 31))  # on the last day: no longer counts
        change_status(s, admin, revoked_later, "命名", date(2022, 8, 1))
        change_status(s, admin, revoked_later, "撤销", date(2024, 1, 1))
        change_status(s, admin, city_level, "命名", date(2022, 8, 1))
    got = value(db, "studios.county_named", COUNTY, 2022)
    assert got.value == 2.0 and set(got.record_ids) == {kept, revoked_later} and got.record_kind == "studio"
    assert value(db, "studios.county_named", NANSAN, 2022).value == 1.0  # a township counts only its own
    assert value(db, "studios.county_named", MENGPENG, 2022).value == 1.0
    assert value(db, "studios.county_named", COUNTY, 2023).value == 0.0
    assert applied_only not in got.record_ids
    with db.session() as s:
        summary = item6_summary(s, admin, today=date(2024, 6, 1))
    row = next(r for r in summary.rows if r.source == "studios.county_named")
    assert row.total == 2.0 and row.target == 5.0 and row.percent == 40.0
    assert summary.county_named_today == 1  # 丙 was revoked on 2024-01-01


def test_result_sums_per_year_and_org_and_deleted_studios_drop_out(county_db):
    db, admin = county_db
    a = studio(db, admin, "甲")
    b = studio(db, admin, "乙", township=MENGPENG)
    with db.session() as s:
        save_result(s, admin, a, 2022, ResultInput(proposals=7, proposals_adopted=2, tech_innovations=2, rd_projects=1,
                                                   patents=1, methods=1, achievements_awarded=2))
        save_result(s, admin, b, 2022, ResultInput(proposals=5, tech_innovations=1, patents=2))
        save_result(s, admin, a, 2023, ResultInput(proposals=3, rd_projects=4))
    assert value(db, "studios.proposals", COUNTY, 2022).value == 12.0
    assert value(db, "studios.proposals", NANSAN, 2022).value == 7.0
    assert value(db, "studios.innovations", COUNTY, 2022).value == 4.0  # 技术革新 + 研发项目
    assert value(db, "studios.innovations", COUNTY, 2023).value == 4.0
    assert value(db, "studios.patents", COUNTY, 2022).value == 3.0
    assert value(db, "studios.methods", COUNTY, 2022).value == 1.0
    assert value(db, "studios.achievements", COUNTY, 2022).value == 2.0
    assert value(db, "studios.proposals", COUNTY, 2021).value == 0.0
    assert len(value(db, "studios.proposals", COUNTY, 2022).record_ids) == 2
    with db.session() as s:
        summary = item6_summary(s, admin)
    assert summary.years == [2021, 2022, 2023, 2024, 2025]
    proposals = next(r for r in summary.rows if r.code == "06.1")
    assert proposals.by_year[2022] == 12.0 and proposals.by_year[2023] == 3.0
    assert proposals.total == 15.0 and proposals.target == 100.0 and proposals.percent == 15.0
    with db.session() as s:
        delete_studio(s, admin, b)
    assert value(db, "studios.proposals", COUNTY, 2022).value == 7.0


def test_a_township_sees_its_allocated_target_or_none(county_db):
    db, admin = county_db
    nansan = Actor("clerk", "南伞录入员", Role.CLERK, NANSAN)
    with db.session() as s:
        proposals = s.query(Indicator).filter(Indicator.source == "studios.proposals").one()
        s.add(IndicatorTarget(origin=COUNTY, indicator_id=proposals.id, org_code=NANSAN, year=None, value=20))
    with db.session() as s:
        rows = {r.code: r for r in item6_summary(s, nansan).rows}
    assert rows["06.1"].target == 20.0
    assert rows["06.2"].target is None and rows["06.2"].percent is None
