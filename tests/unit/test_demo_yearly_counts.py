"""The demo's yearly counts read as the plan means them (issue 15). 02.3 "每年开展法律服务活动不少于
1 场次" is a floor for the whole county, held by whichever office holds the session (level both,
no township target): seven townships each holding one is not what the demo should show as 700%."""

from zkdesk.services.demo import fill_demo
from zkdesk.services.progress import county_and_townships, plan_by_code

PLAN = "zk-2021-2025"


def test_the_demo_holds_about_the_county_s_yearly_target(fresh_db):
    with fresh_db.session() as s:
        fill_demo(s)
    with fresh_db.read_session() as s:
        plan_id = plan_by_code(s, PLAN).id
        for year in range(2021, 2026):
            county, townships = county_and_townships(s, plan_id, year)
            rows = {r.code: r for r in county}
            sessions = rows["02.3"]
            assert sessions.target == 1.0 and sessions.actual in (1.0, 2.0), (year, sessions.actual)
            assert sessions.completion <= 200.0 and sessions.status == "已完成", year
            # no township target: the township's sessions count towards the county's floor
            assert all({r.code: r for r in t}["02.3"].target is None for t in townships.values())
            held = sum({r.code: r for r in t}["02.3"].actual or 0 for t in townships.values())
            assert held == sessions.actual
            # the county's own task (县本级 alone): at least the one competition a year
            assert rows["05.2"].actual >= 1.0, year
            # the yearly counts with a large target stay about the target
            for code in ("02.4", "16.3"):
                assert 50.0 <= rows[code].completion <= 200.0, (year, code, rows[code].completion)
