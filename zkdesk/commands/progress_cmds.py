"""zkdesk progress: where an org unit stands against the plan's targets (no user needed:
the figures carry no personal data)."""

from __future__ import annotations

import argparse
import unicodedata

from zkdesk.commands.common import open_context, print_json
from zkdesk.services.errors import UserError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("progress", help="查看规划指标完成进度")
    p.add_argument("--year", type=int, help="年度（默认：最近有数据的年度）")
    p.add_argument("--org", help="单位代码（默认：本单位；530924 为全县汇总）")
    p.add_argument("--plan", help="规划代码（默认：当前规划），如 zk-2021-2025")
    p.add_argument("--json", action="store_true", help="输出一个 JSON 对象")
    p.set_defaults(handler=cmd_progress)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cell(text: str, width: int) -> str:
    if _width(text) > width:
        while _width(text) > width - 1:
            text = text[:-1]
        text += "…"
    return text + " " * (width - _width(text))


def cmd_progress(args: argparse.Namespace) -> int:
    # loaded by this command only (every command builds the parser, which imports this module)
    from zkdesk.domain.orgcodes import is_county
    from zkdesk.domain.progress import format_number
    from zkdesk.services.catalog import current_plan, default_plan
    from zkdesk.services.office import office_code
    from zkdesk.services.orgs import get_org
    from zkdesk.services.progress import default_year, plan_by_code, progress_for

    with open_context(args) as ctx, ctx.db.session() as s:
        org = args.org or office_code(s)
        unit = get_org(s, org)
        if args.plan:
            plan = plan_by_code(s, args.plan)
        else:
            plan = current_plan(s, args.year) if args.year else default_plan(s, default_year_hint())
            if plan is None:
                raise UserError("数据库中没有规划目录")
        year = args.year or default_year(s, plan, org)
        rows = progress_for(s, plan.id, org, year)
        plan_code, plan_name = plan.code, plan.name
        org_label = f"{unit.short_name}（全县汇总）" if is_county(org) else unit.short_name
    if args.json:
        print_json({
            "plan": plan_code, "year": year, "org": org,
            "indicators": [
                {"code": r.code, "item": r.item, "name": r.name, "unit": r.unit, "target": r.target,
                 "actual": r.actual, "completion": r.completion, "status": r.status,
                 "kind": r.target_kind, "level": r.level, "baseline": r.baseline, "numerator": r.numerator,
                 "denominator": r.denominator, "expected": r.expected, "projection": r.projection,
                 "source": r.source, "status_reason": r.status_reason, "rule_words": r.rule_words,
                 "derived_part": r.derived_part, "entered_part": r.entered_part}
                for r in rows
            ],
        })
        return 0
    print(f"{plan_name}")
    print(f"{org_label}  {year}年")
    widths = (6, 40, 6, 10, 10, 8, 8)
    print("".join(_cell(h, w) for h, w in zip(("编号", "指标", "单位", "目标", "实际", "完成率", "状态"), widths)).rstrip())
    for r in rows:
        target = format_number(r.target, "无目标" if r.actual is not None else "—")
        done = "—" if r.completion is None else f"{format_number(r.completion)}%"
        cells = (r.code, r.name, r.unit, target, format_number(r.actual), done, r.status)
        print("".join(_cell(c, w) for c, w in zip(cells, widths)).rstrip())
    return 0


def default_year_hint() -> int:
    from datetime import date

    return date.today().year
