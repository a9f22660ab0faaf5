"""zkdesk enterprises duplicates / enterprises merge KEEP OTHER: 合并重复企业 from the command line."""

from __future__ import annotations

import argparse

from zkdesk.commands.common import add_user_args, logged_in, print_json


def register(sub: argparse._SubParsersAction) -> None:
    ent = sub.add_parser("enterprises", help="集体合同企业：查找和合并重复企业")
    esub = ent.add_subparsers(dest="enterprises_command", metavar="操作", required=True)

    p = esub.add_parser("duplicates", help="列出统一社会信用代码相同的企业（可合并）")
    p.add_argument("--json", action="store_true")
    add_user_args(p)
    p.set_defaults(handler=cmd_duplicates)

    p = esub.add_parser("merge", help="把企业 OTHER 合并到 KEEP（年度情况、工会、合同、工作室等移到 KEEP，OTHER 删除）")
    p.add_argument("keep", metavar="KEEP", help="保留的企业的记录编号")
    p.add_argument("other", metavar="OTHER", help="并入后删除的企业的记录编号")
    p.add_argument("--json", action="store_true")
    add_user_args(p)
    p.set_defaults(handler=cmd_merge)


def cmd_duplicates(args: argparse.Namespace) -> int:
    from zkdesk.services.enterprise_merge import duplicate_groups

    with logged_in(args) as (ctx, actor), ctx.db.read_session() as s:
        groups = duplicate_groups(s, actor)
    if args.json:
        print_json({"duplicates": [{"uscc": g[0].uscc, "enterprises": [
            {"id": d.id, "name": d.name, "township": d.township, "years": d.years, "contracts": d.contracts}
            for d in g]} for g in groups]})
        return 0
    if not groups:
        print("没有统一社会信用代码重复的企业")
    for g in groups:
        print(f"统一社会信用代码 {g[0].uscc}：")
        for d in g:
            print(f"  {d.id}  {d.name}（{d.township}），年度情况{d.years}条，集体合同{d.contracts}份")
    return 0


def cmd_merge(args: argparse.Namespace) -> int:
    from zkdesk.services.enterprise_merge import merge_enterprises

    with logged_in(args) as (ctx, actor), ctx.db.session() as s:
        result = merge_enterprises(s, actor, args.keep, args.other)
    if args.json:
        print_json(result.to_json())
    else:
        print(result.summary)
    return 0
