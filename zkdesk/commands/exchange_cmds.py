"""zkdesk package export / package import, zkdesk keys show."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from zkdesk.commands.common import add_user_args, logged_in, print_json

LISTED = 30  # conflicting and refused records named in the plain-text import summary


def register(sub: argparse._SubParsersAction) -> None:
    package = sub.add_parser("package", help="U盘数据包：导出、导入")
    psub = package.add_subparsers(dest="package_command", metavar="操作", required=True)

    p = psub.add_parser("export", help="导出数据包（乡镇→县总工会，或县总工会→乡镇）")
    p.add_argument("--to", required=True, help="写入的文件夹，例如U盘")
    p.add_argument("--for", dest="for_code", help="县总工会：收件乡镇代码（不写则每个乡镇各导出一份）")
    p.add_argument("--full", action="store_true", help="导出全部记录，而不只是对方尚未确认收到的")
    p.add_argument("--json", action="store_true")
    add_user_args(p)
    p.set_defaults(handler=cmd_export)

    p = psub.add_parser("import", help="导入数据包（可给多个文件或一个文件夹）")
    p.add_argument("files", nargs="+", metavar="FILE", help="数据包文件或文件夹")
    p.add_argument("--dry-run", action="store_true", help="只预览，不写入")
    p.add_argument("--json", action="store_true")
    p.add_argument("--trust-new-key", action="append", default=[], metavar="FINGERPRINT",
                   help="首次收到对方数据包时，电话核对过的对方密钥指纹（可写多次）")
    add_user_args(p)
    p.set_defaults(handler=cmd_import)

    p = psub.add_parser("conflicts", help="列出尚未处理的冲突（本地值与对方值）")
    p.add_argument("--json", action="store_true")
    add_user_args(p)
    p.set_defaults(handler=cmd_conflicts)

    p = psub.add_parser("resolve", help="处理一条冲突：保留本地（local）或采用对方（theirs）")
    p.add_argument("conflict_id", type=int, metavar="ID", help="冲突编号（冲突列表中的编号）")
    p.add_argument("--take", required=True, choices=["local", "theirs"], help="local：保留本地；theirs：采用对方")
    add_user_args(p)
    p.set_defaults(handler=cmd_resolve)

    p = psub.add_parser("status", help="县总工会：各乡镇报送情况（最近的数据包、缺号、冲突、指标是否填齐）；"
                                       "县和乡镇：被对方拒收、尚待重新报送的记录")
    p.add_argument("--year", type=int, help="统计到哪一年（默认今年）")
    p.add_argument("--json", action="store_true")
    add_user_args(p)
    p.set_defaults(handler=cmd_status)

    keys = sub.add_parser("keys", help="本单位及交换对象的密钥")
    ksub = keys.add_subparsers(dest="keys_command", metavar="操作", required=True)
    p = ksub.add_parser("show", help="显示本单位密钥指纹和已信任的对方密钥")
    p.add_argument("--json", action="store_true")
    add_user_args(p)
    p.set_defaults(handler=cmd_keys_show)
    p = ksub.add_parser("forget", help="删除已信任的对方密钥（对方重装 zkdesk 后，电话核实再用）")
    p.add_argument("code", metavar="CODE", help="对方单位代码")
    add_user_args(p)
    p.set_defaults(handler=cmd_keys_forget)
    p = ksub.add_parser("recovery-code", help="生成新的恢复码（旧的作废；只显示这一次）")
    add_user_args(p)
    p.set_defaults(handler=cmd_keys_recovery_code)
    p = ksub.add_parser("rotate", help="更换本单位的交换密钥：新密钥由旧密钥签名，随下一个数据包告知对方")
    p.add_argument("--json", action="store_true")
    add_user_args(p)
    p.set_defaults(handler=cmd_keys_rotate)


def cmd_export(args: argparse.Namespace) -> int:
    from zkdesk.exchange.export import export_packages
    from zkdesk.output.catalog import user_forms_dir

    with logged_in(args) as (ctx, actor):
        results = export_packages(ctx.db, actor, Path(args.to), args.for_code, args.full,
                                  forms_dir=user_forms_dir(ctx.home.root))
    if args.json:
        print_json({"packages": [r.to_json() for r in results]})
    else:
        for r in results:
            forms = f"，报表定义 {'、'.join(r.forms)}" if r.forms else ""
            print(f"已导出 {r.path.name}：发给{r.receiver_name}，第{r.sequence}号，{r.total}条记录，{r.receipts}份回执{forms}")
            for w in r.warnings:
                print(f"  注意：{w}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from zkdesk.exchange.forms import form_summary
    from zkdesk.exchange.importing import import_packages
    from zkdesk.output.catalog import user_forms_dir

    with logged_in(args) as (ctx, actor):
        results = import_packages(ctx.db, actor, [Path(f) for f in args.files], ctx.home.backups_dir,
                                  dry_run=args.dry_run, trust=set(args.trust_new_key),
                                  forms_dir=user_forms_dir(ctx.home.root))
    if args.json:
        print_json({"packages": [r.to_json() for r in results], "dry_run": args.dry_run})
    else:
        for r in results:
            if r.error:
                print(f"{r.file}：{'跳过' if r.skipped else '未导入'}——{r.error}")
                continue
            c = r.counts
            verb = "预览" if args.dry_run else ("已导入" if r.applied else "未改动")
            print(f"{r.file}：{verb}（{r.sender_name}第{r.sequence}号）新增{c['new']} 更新{c['updated']} "
                  f"未变{c['unchanged']} 冲突{c['conflicts']} 拒收{c['rejected']}")
            if any(r.form_counts.values()):
                print(f"  报表定义：{form_summary(r.form_counts)}")
            for w in r.warnings:
                print(f"  注意：{w}")
            listed = [*(("冲突", c) for c in r.conflicts), *(("拒收", x) for x in r.rejected)]
            for what, item in listed[:LISTED]:
                print(f"  {what}：{item.get('table_label', '')}“{item.get('label', '')}”——{item.get('reason', '')}")
            if len(listed) > LISTED:
                print(f"  ……另有{len(listed) - LISTED}条冲突或拒收的记录，加 --json 可看全部")
            for x in r.refused_by_peer[:LISTED]:  # our records the sender's receipts refused
                print(f"  对方拒收本单位的{x.table_label}“{x.label}”——{x.reason}；{x.status_text}")
            if len(r.refused_by_peer) > LISTED:
                print(f"  ……另有{len(r.refused_by_peer) - LISTED}条被对方拒收的记录，见 package status")
    failed = [r for r in results if r.error and not r.skipped]
    if failed:
        sys.stderr.write(f"错误：{len(failed)}个数据包未导入：{failed[0].error}\n")
    return 2 if failed else 0


def cmd_conflicts(args: argparse.Namespace) -> int:
    from zkdesk.exchange.conflicts import list_conflicts

    with logged_in(args) as (ctx, actor), ctx.db.read_session() as s:
        rows = list_conflicts(s, actor)
    if args.json:
        print_json({"conflicts": [c.to_json() for c in rows]})
        return 0
    if not rows:
        print("没有尚未处理的冲突")
    for c in rows:
        print(f"第{c.id}号冲突：{c.peer_name}第{c.sequence}号数据包，{c.table_label}“{c.title}”")
        for d in c.diffs:
            print(f"  {d.label}：本地值 {d.local}；对方值 {d.remote}")
    return 0


def cmd_resolve(args: argparse.Namespace) -> int:
    from zkdesk.exchange.conflicts import resolve_conflict

    with logged_in(args) as (ctx, actor), ctx.db.session() as s:
        resolve_conflict(s, actor, args.conflict_id, args.take)
    print(f"第{args.conflict_id}号冲突已处理：{'保留本地' if args.take == 'local' else '采用对方'}")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from datetime import date

    from zkdesk.domain.orgcodes import is_county
    from zkdesk.exchange.refused import refused_records
    from zkdesk.exchange.submissions import submissions

    with logged_in(args) as (ctx, actor), ctx.db.read_session() as s:
        rows = submissions(s, actor, args.year or date.today().year) if is_county(actor.office_code) else []
        refused = refused_records(s, actor)
    if args.json:
        print_json({"townships": [r.to_json() for r in rows], "refused_records": [r.to_json() for r in refused]})
        return 0
    for r in rows:
        if r.last_sequence is None:
            print(f"{r.name}：尚未收到数据包")
            continue
        received = r.last_received.astimezone().strftime("%Y-%m-%d %H:%M") if r.last_received else ""
        line = f"{r.name}：最近第{r.last_sequence}号（{received}收到，{r.last_text}）"
        if r.gaps:
            line += f"，{r.gap_text}"
        if r.open_conflicts:
            line += f"，未处理冲突{r.open_conflicts}条"
        print(line)
        if r.years:
            print("  指标数值：" + "；".join(f"{y}年{f.text}" for y, f in r.years.items()))
    if refused:
        print(f"被对方拒收、尚未被接收的记录{len(refused)}条：")
    for r in refused:
        print(f"  第{r.sequence}号数据包被{r.peer_name}拒收：{r.table_label}“{r.label}”——{r.reason}；{r.status_text}")
    if not rows and not refused:
        print("没有被县总工会拒收的记录")
    return 0


def cmd_keys_show(args: argparse.Namespace) -> int:
    from zkdesk.exchange.overview import keys_overview

    with logged_in(args) as (ctx, actor), ctx.db.session() as s:
        overview = keys_overview(s, actor)
    if args.json:
        print_json(overview.to_json())
        return 0
    print(f"本单位 {overview.office_code} 的密钥指纹：{overview.fingerprint}")
    for p in overview.peers:
        state = f"已信任 {p.fingerprint}" if p.fingerprint else "尚未收到其密钥"
        print(f"  {p.name}（{p.code}）：{state}；已发出至第{p.last_out_seq}号，对方确认至第{p.acked_out_seq}号")
    return 0


def cmd_keys_forget(args: argparse.Namespace) -> int:
    from zkdesk.services.exchange_keys import forget_peer_key

    with logged_in(args) as (ctx, actor), ctx.db.session() as s:
        forget_peer_key(s, actor, args.code)
    print(f"已删除 {args.code} 的密钥；其下一个数据包将重新要求核对指纹")
    return 0


def cmd_keys_recovery_code(args: argparse.Namespace) -> int:
    from zkdesk.commands.setup_cmds import RECOVERY_TEXT
    from zkdesk.services.key_slots import new_recovery_code

    with logged_in(args) as (ctx, actor), ctx.db.session() as s:
        code = new_recovery_code(s, actor)
    print(RECOVERY_TEXT.format(code=code))
    return 0


def cmd_keys_rotate(args: argparse.Namespace) -> int:
    from zkdesk.services.exchange_keys import rotate_office_keys

    with logged_in(args) as (ctx, actor), ctx.db.session() as s:
        old, new = rotate_office_keys(s, actor)
    if args.json:
        print_json({"old_fingerprint": old, "fingerprint": new})
        return 0
    print(f"本单位的交换密钥已更换：旧指纹 {old}，新指纹 {new}")
    print("此后导出的数据包都带有由旧密钥签名的新密钥，对方导入时自动改信新密钥，无需电话核对；"
          "对方在此之前用旧密钥加密发来的数据包仍能导入")
    return 0
