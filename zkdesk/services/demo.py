"""A realistic demo county, for trying the program out. Everything it writes is marked 演示."""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zkdesk.domain import choices
from zkdesk.domain.idcard import id_check_char
from zkdesk.domain.nomination_rules import industrial_worker
from zkdesk.domain.orgcodes import COUNTY_CODE
from zkdesk.domain.uscc import CHARSET, uscc_check_char
from zkdesk.services import audit
from zkdesk.services import settings
from zkdesk.services.office import DEMO_KEY, initialise, is_initialised, office_code
from zkdesk.services.errors import UserError
from zkdesk.store.base import utcnow
from zkdesk.store.models import (
    AwardSession,
    CollectiveContract,
    Enterprise,
    EnterpriseUnion,
    EnterpriseYear,
    Indicator,
    IndicatorBaseline,
    IndicatorValue,
    Nomination,
    NominationStep,
    OrgUnit,
    Plan,
    QualityEvaluation,
    Studio,
    StudioMember,
    StudioResult,
)
from zkdesk.store.seed import seed_id

DEMO_ADMIN = "demo"
DEMO_PASSWORD = "zkdesk-demo"
DEMO_MARK = "演示数据"
YEARS = range(2021, 2026)

_SURNAMES = "李王张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
_GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉兰春梅海燕德昌永福正荣云飞应祥成林金凤小平学文家兴光辉"
_TRADES = [
    ("糖", "制糖有限公司"), ("茶", "茶业有限公司"), ("果", "果业开发有限公司"), ("烟", "烟叶专业合作社"),
    ("畜", "畜牧养殖有限公司"), ("其他", "建筑工程有限公司"), ("其他", "商贸有限公司"), ("其他", "运输有限公司"),
    ("其他", "水电开发有限公司"), ("茶", "古树茶厂"), ("糖", "蔗糖加工厂"), ("其他", "矿业有限公司"),
]
_PLACES = ["南伞", "勐捧", "凤尾", "忙丙", "勐堆", "木场", "军赛", "永德", "滇西", "边城", "南汀", "永康", "德党", "孟定", "清水", "沧江"]
_JOBS = ["制糖车间主任", "茶叶加工技师", "机修班长", "质检员", "电工", "焊工", "养殖技术员", "驾驶员", "仓库主管", "种植技术员"]


def _person_name(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2))))


def _office_shift(office: str) -> tuple[int, ...]:
    """How a township office's demo moves its codes away from the county demo's (which has the
    same random draws): by the township's own digits, so every office's demo has its own credit
    codes and ID numbers and a township package meets no artificial duplicates at the county."""
    if office == COUNTY_CODE:
        return (0,) * 7
    return tuple(int(d) + 1 for d in office[-3:]) + (int(office[-1]) + 3,) * 4


def _id_number(rng: random.Random, birth: date, female: bool, shift: tuple[int, ...]) -> str:
    seq = (rng.randrange(0, 99) + sum(shift) * 7) % 99 * 10 \
        + (rng.choice((0, 2, 4, 6, 8)) if female else rng.choice((1, 3, 5, 7, 9)))
    first17 = f"530924{birth:%Y%m%d}{seq:03d}"
    return first17 + id_check_char(first17)


def _uscc(rng: random.Random, shift: tuple[int, ...]) -> str:
    drawn = [CHARSET.index(rng.choice(CHARSET)) for _ in range(7)]
    body = "9153092" + "4" + "MA" + "".join(CHARSET[(d + k) % len(CHARSET)] for d, k in zip(drawn, shift, strict=True))
    return body + uscc_check_char(body)


def _phone(rng: random.Random) -> str:
    return "1" + rng.choice("3589") + "".join(str(rng.randrange(10)) for _ in range(9))


def fill_demo(session: Session, seed: int = 2022) -> dict[str, int]:
    """Fill the database with a demo county. Initialises a county office if needed."""
    if not is_initialised(session):
        initialise(session, COUNTY_CODE, DEMO_ADMIN, DEMO_PASSWORD, "演示管理员")
    if session.scalar(select(func.count(Enterprise.id))):
        raise UserError("数据库中已有企业数据，为免混淆，演示数据只能填入空数据库")
    rng = random.Random(seed)
    origin_office = office_code(session)
    townships = list(session.scalars(select(OrgUnit).where(OrgUnit.level == "township").order_by(OrgUnit.sort_order)))
    if origin_office != COUNTY_CODE:
        townships = [t for t in townships if t.code == origin_office]
    counts = {"企业": 0, "集体合同": 0, "劳模推荐": 0, "三室一站": 0, "指标数值": 0}

    shift = _office_shift(origin_office)
    enterprises = _demo_enterprises(session, rng, townships, counts, shift)
    _demo_contracts(session, rng, enterprises, counts)
    _demo_nominations(session, rng, townships, enterprises, counts, shift)
    _demo_studios(session, rng, townships, enterprises, counts)
    _demo_indicator_values(session, rng, townships, counts)
    settings.put_raw(session, DEMO_KEY, "1")
    audit.record(session, DEMO_ADMIN, "demo", "database", "", counts)
    return counts


def _demo_enterprises(session, rng, townships, counts, shift) -> list[tuple[Enterprise, int, bool]]:
    made = []
    for township in townships:
        for _ in range(rng.randint(35, 55)):
            industry, suffix = rng.choice(_TRADES)
            name = f"镇康县{rng.choice(_PLACES)}{rng.choice(_PLACES)}{suffix}"
            ownership = rng.choices(["国有", "集体", "非公", "外资"], weights=[12, 5, 80, 3])[0]
            ent = Enterprise(
                origin=township.code, name=name, uscc=_uscc(rng, shift), township_code=township.code, ownership=ownership,
                industry=industry, is_company="有限公司" in name, address=f"{township.short_name}{rng.randint(1, 99)}号",
                contact_person=_person_name(rng), contact_phone=_phone(rng), note=DEMO_MARK,
            )
            session.add(ent)
            session.flush()
            base = rng.choice([rng.randint(8, 60), rng.randint(60, 99), rng.randint(100, 600)])
            for year in YEARS:
                session.add(EnterpriseYear(origin=township.code, enterprise_id=ent.id, year=year,
                                           employees=max(3, base + rng.randint(-8, 12) * (year - 2020)),
                                           operating_status="停产" if rng.random() < 0.03 else "正常经营"))
            has_union = base >= 100 and rng.random() < 0.9 or rng.random() < 0.5
            if has_union:
                session.add(EnterpriseUnion(
                    origin=township.code, enterprise_id=ent.id,
                    established_on=date(rng.randint(2008, 2023), rng.randint(1, 12), rng.randint(1, 28)),
                    members=int(base * rng.uniform(0.6, 0.98)), chair=_person_name(rng),
                    congress=rng.random() < (0.95 if ownership == "国有" else 0.75),
                    openness=rng.random() < (0.95 if ownership == "国有" else 0.7),
                    worker_director=ent.is_company and rng.random() < 0.3,
                    worker_supervisor=ent.is_company and rng.random() < 0.4,
                ))
            made.append((ent, base, has_union))
            counts["企业"] += 1
    session.flush()
    return made


def _demo_contracts(session, rng, enterprises, counts) -> None:
    for ent, base, has_union in enterprises:
        if not has_union or rng.random() < 0.15:
            continue
        signed = date(rng.randint(2022, 2025), rng.randint(1, 12), rng.randint(1, 28))
        term = rng.choice((1, 2, 3))
        filed = signed + timedelta(days=rng.randint(2, 9)) if rng.random() < 0.9 else None
        expires = date(signed.year + term, signed.month, signed.day) - timedelta(days=1)
        session.add(CollectiveContract(
            origin=ent.township_code, enterprise_id=ent.id, township_code=ent.township_code,
            kind=rng.choices(choices.CONTRACT_TYPES[:3], weights=[70, 20, 10])[0], title=f"{ent.name}集体合同",
            signed_alone=rng.random() < 0.85, negotiation_established=True, signed_on=signed, term_years=term,
            expires_on=expires, filed_on=filed, effective_on=filed + timedelta(days=15) if filed else None,
            wage_increase_pct=round(rng.uniform(2, 8), 1), employees_covered=base, note=DEMO_MARK,
        ))
        for year in (2024, 2025):
            respondents = max(5, base // 5)
            scores = [rng.uniform(12, 20) for _ in range(5)]
            session.add(QualityEvaluation(
                origin=ent.township_code, enterprise_id=ent.id, year=year,
                score_parties=round(scores[0], 1), score_procedure=round(scores[1], 1), score_content=round(scores[2], 1),
                score_performance=round(scores[3], 1), score_overall=round(scores[4], 1),
                score_total=round(sum(round(x, 1) for x in scores), 1), respondents=respondents,
                aware=int(respondents * rng.uniform(0.8, 1.0)), satisfied=int(respondents * rng.uniform(0.7, 0.98)),
            ))
        counts["集体合同"] += 1


def _demo_nominations(session, rng, townships, enterprises, counts, shift) -> None:
    sessions = []
    for number, year in ((3, 2021), (4, 2025)):
        s = AwardSession(id=seed_id("demo-session", number), origin=COUNTY_CODE, name=f"第{'三四'[number - 3]}届镇康县劳动模范",
                         number=number, year=year, honour_type="劳动模范", level="县级", quota=12)
        session.add(s)
        sessions.append(s)
    session.flush()
    now = utcnow()
    for award in sessions:
        for township in townships:
            local = [e for e, _, _ in enterprises if e.township_code == township.code]
            for _ in range(rng.randint(2, 4)):
                female = rng.random() < 0.4
                birth = date(rng.randint(1968, 1995), rng.randint(1, 12), rng.randint(1, 28))
                category = rng.choices(choices.PERSON_CATEGORIES, weights=[40, 10, 10, 15, 15, 5, 5])[0]
                employer = rng.choice(local) if local else None
                status = "honoured" if rng.random() < 0.75 else rng.choice(["county_reviewed", "township_reviewed", "draft"])
                if award.number == 3:
                    status = "honoured" if rng.random() < 0.8 else "rejected"
                nom = Nomination(
                    origin=township.code, session_id=award.id, township_code=township.code, name=_person_name(rng),
                    gender="女" if female else "男", ethnicity=rng.choices(["汉族", "佤族", "傣族", "德昂族", "拉祜族", "彝族"], weights=[60, 12, 10, 6, 6, 6])[0],
                    birth_date=birth, id_number=_id_number(rng, birth, female, shift),
                    political_status=rng.choice(choices.POLITICAL_STATUSES[:5]), education=rng.choice(choices.EDUCATION_LEVELS[1:5]),
                    employer=employer.name if employer else f"{township.short_name}人民政府",
                    enterprise_id=employer.id if employer else None, job_title=rng.choice(_JOBS), phone=_phone(rng),
                    category=category, industrial_worker=industrial_worker(
                        category, category in ("企业一线工人和专业技术人员", "农民工") and rng.random() < 0.8).counts,
                    earlier_honours="临沧市五一劳动奖章" if rng.random() < 0.2 else "",
                    deeds_short=f"（{DEMO_MARK}）该同志扎根一线，爱岗敬业，带领班组攻坚克难，" * 6,
                    deeds_full=f"（{DEMO_MARK}）该同志长期工作在生产一线，" * 40, status=status,
                )
                session.add(nom)
                session.flush()
                if status != "draft":
                    session.add(NominationStep(origin=township.code, nomination_id=nom.id, from_status="draft",
                                               to_status="unit_recommended", actor=DEMO_ADMIN, at=now, opinion="同意推荐"))
                counts["劳模推荐"] += 1


def _demo_studios(session, rng, townships, enterprises, counts) -> None:
    for township in townships:
        local = [e for e, base, union in enterprises if e.township_code == township.code and base >= 60]
        for _ in range(rng.randint(1, 2)):
            host = rng.choice(local) if local else None
            kind = rng.choice(choices.STUDIO_TYPES)
            lead = _person_name(rng)
            applied = date(rng.randint(2021, 2023), rng.randint(1, 12), rng.randint(1, 28))
            named = applied + timedelta(days=rng.randint(60, 200)) if rng.random() < 0.8 else None
            studio = Studio(
                origin=township.code, name=f"{lead}{kind}" if kind != "职工技师工作站" else f"{lead}职工技师工作站",
                kind=kind, enterprise_id=host.id if host else None, host_name=host.name if host else "",
                township_code=township.code, industry=host.industry if host else "其他", lead_name=lead,
                lead_phone=_phone(rng), level=rng.choices(["县级", "市级", "省级"], weights=[55, 35, 10])[0],
                status="命名" if named else "申报", applied_on=applied, named_on=named,
                naming_doc_no=f"镇工发〔{named.year}〕{rng.randint(1, 60)}号" if named else "", room_notes=DEMO_MARK,
            )
            session.add(studio)
            session.flush()
            for _ in range(rng.randint(3, 7)):
                session.add(StudioMember(origin=township.code, studio_id=studio.id, name=_person_name(rng),
                                         job=rng.choice(_JOBS), skill_level=rng.choice(["高级工", "技师", "高级技师", "中级工"])))
            for year in range(applied.year, 2026):
                proposals = rng.randint(0, 4)
                session.add(StudioResult(
                    origin=township.code, studio_id=studio.id, year=year, proposals=proposals,
                    proposals_adopted=rng.randint(0, proposals), tech_innovations=int(rng.random() < 0.2),
                    rd_projects=int(rng.random() < 0.08), patents=int(rng.random() < 0.08),
                    methods=int(rng.random() < 0.08), achievements_awarded=int(rng.random() < 0.08),
                    training_sessions=rng.randint(1, 6), people_trained=rng.randint(10, 80), people_promoted=rng.randint(0, 6),
                    description=DEMO_MARK,
                ))
            counts["三室一站"] += 1


def _demo_baseline(first: dict, start: float, rng: random.Random) -> dict:
    """A 2020 figure somewhat below the first plan year's (a growth's: its own 2020 level)."""
    if first.get("denominator") is not None:
        den = first["denominator"]
        num = max(0.0, min(den, first["numerator"] - rng.randint(0, 3)))
        return dict(numerator=num, denominator=den, value=round(100 * num / den, 2) if den else None)
    if start:
        return dict(value=start)
    return dict(value=float(max(0, round(first["value"] * rng.uniform(0.7, 0.95)))))


def _demo_indicator_values(session, rng, townships, counts) -> None:
    indicators = list(session.scalars(select(Indicator).join(Plan).where(Plan.code == "zk-2021-2025", Indicator.source == "")))
    base_rng = random.Random(2020)  # the baselines' own, so the figures stay as they were
    county = session.get(OrgUnit, "530924")
    for index, township in enumerate([*townships, county]):  # the county: its own tasks (县本级), entered by it alone
        at_county = township is county
        for ind in indicators:
            if ind.comparator == "not_below_last" or ind.target_kind == "milestone" \
                    or (ind.level == "county_only") != at_county:
                continue
            share = (ind.target or 0) / (1 if at_county else 7)
            growth = ind.target_kind == "growth_over_baseline"
            # a growth target counts a headcount: the 2020 level plus what it grew by
            start = float(base_rng.randint(300, 600)) if growth else 0.0
            first: dict | None = None
            for year in YEARS:
                if ind.kind == "rate":
                    den = rng.randint(5, 40)
                    goal = (ind.target or 80) / 100
                    num = min(den, round(den * min(1.0, goal * rng.uniform(0.75, 1.1) * (0.85 + 0.04 * (year - 2021)))))
                    value = dict(numerator=float(num), denominator=float(den), value=round(100 * num / den, 2))
                elif ind.kind == "stock":
                    value = dict(value=start + float(max(0, round(share * (0.6 + 0.1 * (year - 2021)) * rng.uniform(0.8, 1.2)))))
                elif ind.kind == "yearly":
                    spread = rng.uniform(0.6, 1.6)
                    if share >= 1:  # each org unit its share of the county's yearly count
                        value = dict(value=float(max(0, round(share * spread + 0.4))))
                    else:  # fewer a year than townships (02.3: 不少于1场次 in the whole county): they take turns
                        holds = (index + year) % len(townships) < round(ind.target or 1)
                        value = dict(value=float(round(spread)) if holds else 0.0)
                else:  # cumulative: the year's own count; roll-ups add the years
                    value = dict(value=float(max(0, round(share / 5 * rng.uniform(0.6, 1.4)))))
                session.add(IndicatorValue(origin=township.code, indicator_id=ind.id, org_code=township.code, year=year,
                                           note=DEMO_MARK, changed_by=DEMO_ADMIN, **value))
                counts["指标数值"] += 1
                first = first or value
            if ind.kind in ("rate", "stock") and ind.target_kind != "per_term" and first is not None:
                session.add(IndicatorBaseline(origin=township.code, indicator_id=ind.id, org_code=township.code,
                                              note=DEMO_MARK, changed_by=DEMO_ADMIN, **_demo_baseline(first, start, base_rng)))
    session.flush()
