"""zkdesk migrate-to URL: copy this office's database to an empty PostgreSQL database (or back
to an SQLite file with sqlite:FILE)."""

from __future__ import annotations

import argparse

from zkdesk.commands.common import add_user_args, logged_in, print_json, server_password


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("migrate-to", help="把本单位数据库复制到空的 PostgreSQL 数据库（或 sqlite:文件）")
    p.add_argument("target", metavar="URL", help="postgresql://用户@服务器/数据库 或 sqlite:文件路径")
    p.add_argument("--remember", action="store_true", help="复制成功后，本机以后使用该服务器数据库")
    p.add_argument("--json", action="store_true")
    add_user_args(p)
    p.set_defaults(handler=cmd_migrate_to)


def cmd_migrate_to(args: argparse.Namespace) -> int:
    from zkdesk.config import remember_server
    from zkdesk.services.office_move import move_office
    from zkdesk.store.engine import database_url, shown_url
    from zkdesk.store.postgres import PasswordRequired

    url = database_url(args.target)
    with logged_in(args) as (ctx, actor):
        try:
            report = move_office(ctx.db, actor, url)
        except PasswordRequired:
            report = move_office(ctx.db, actor, url, server_password(url))
        remembered = None
        if args.remember and url.get_backend_name() != "sqlite":
            remembered = str(remember_server(ctx.home, shown_url(url)))
    if args.json:
        print_json(report.as_dict() | {"remembered": remembered})
    else:
        print(f"已复制 {report.total} 条记录到 {report.target}，操作日志链条完整")
        if remembered:
            print(f"本机以后使用该服务器数据库（记录在 {remembered}，不含密码）")
    return 0
