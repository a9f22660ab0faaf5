"""zkdesk backup [--to DIR] [--list], zkdesk restore FILE, zkdesk verify.

Exit status: 0 success; 2 bad input or refused (one Chinese line); `verify` exits 1 when it
finds a damaged file or an edited audit row, naming the first broken row. Without --user it
cannot do the checks that need the data key, and says which (still exit 0 when nothing is wrong).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from zkdesk.commands.common import add_user_args, logged_in, open_context, print_json, read_password
from zkdesk.config import database_target, resolve_home
from zkdesk.services.errors import UserError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("backup", help="立即备份数据库（默认到数据目录的 backups/）")
    p.add_argument("--to", metavar="DIR", help="备份到此文件夹（如U盘）")
    p.add_argument("--list", action="store_true", help="列出数据目录中的备份")
    p.add_argument("--json", action="store_true")
    add_user_args(p)
    p.set_defaults(handler=cmd_backup)

    p = sub.add_parser("restore", help="用备份文件恢复数据库（先备份当前数据）")
    p.add_argument("file", metavar="FILE", help="备份文件")
    p.add_argument("--user", help="用户名（数据库损坏时可不填）")
    p.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_restore)

    p = sub.add_parser("verify", help="校验数据库文件和操作日志链条")
    p.add_argument("--user", help="用户名：登录后解锁本单位数据密钥，做需要密钥的检查（不填则跳过并列出）")
    p.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_verify)


def cmd_backup(args: argparse.Namespace) -> int:
    from zkdesk.services.backups import list_backups, make_backup, size_text

    with logged_in(args) as (ctx, actor):
        if args.list:
            with ctx.db.session():
                backups = list_backups(ctx.home, actor)
            if args.json:
                print_json({"backups": [b.as_dict() for b in backups]})
            else:
                for b in backups:
                    print(f"{b.when_text}\t{b.trigger_label}\t{size_text(b.size)}\t{b.path}")
            return 0
        to_dir = Path(args.to).expanduser() if args.to else None
        with ctx.db.session() as s:
            info = make_backup(s, actor, ctx.home, ctx.db, to_dir)
    if args.json:
        print_json(info.as_dict())
    else:
        print(f"已备份并校验：{info.path}（{size_text(info.size)}）")
    return 0


def _server_url(home, args):
    from zkdesk.store.engine import database_url

    url = database_url(database_target(home, args.database))
    return url if url.get_backend_name() != "sqlite" else None


def cmd_restore(args: argparse.Namespace) -> int:
    from zkdesk.services.auth import login_and_commit
    from zkdesk.services.restore import check_startup, restore_after_damage, restore_backup

    home = resolve_home(args.home).ensure()
    source = Path(args.file).expanduser()
    if _server_url(home, args) is not None:
        return _restore_server(args, home, source)
    health = check_startup(home, home.db_path)
    if not health.ok:
        # Nobody can log in to a damaged database: restoring it needs no account.
        result = restore_after_damage(home, home.db_path, source)
    else:
        if not args.user:
            raise UserError("恢复备份需要管理员或有备份权限的用户：请加 --user 用户名 --password-stdin")
        with open_context(args) as ctx:  # closed before the file is replaced
            actor = login_and_commit(ctx.db, args.user, read_password(args))
        result = restore_backup(home, home.db_path, source, actor)
    safety = result.safety_backup or result.damaged_copy
    if args.json:
        print_json({"restored_from": str(result.restored_from), "safety_backup": str(safety) if safety else None})
    else:
        print(f"已恢复：{result.restored_from.name}" + (f"；恢复前的数据保存在 {safety}" if safety else ""))
    return 0


def _restore_server(args: argparse.Namespace, home, source: Path) -> int:
    """Into an empty server database only: nothing in use is replaced (restore_into_server)."""
    from zkdesk.commands.common import server_password
    from zkdesk.store.engine import Database
    from zkdesk.services.restore import restore_into_server
    from zkdesk.store.postgres import PasswordRequired

    url = _server_url(home, args)
    db = Database(url)
    try:
        try:
            result = restore_into_server(db, source)
        except PasswordRequired:
            db.dispose()
            db = Database(url, server_password(url))
            result = restore_into_server(db, source)
    finally:
        db.dispose()
    if args.json:
        print_json({"restored_from": str(result.restored_from), "safety_backup": None, "database": url.database})
    else:
        print(f"已恢复到服务器数据库 {url.database}：{result.restored_from.name}")
    return 0


def _unlock_for_verify(ctx, args: argparse.Namespace) -> None:
    """A login unlocks the data key in this process, for the checks that need it."""
    from zkdesk.services.auth import login_and_commit

    login_and_commit(ctx.db, args.user, read_password(args))


def cmd_verify(args: argparse.Namespace) -> int:
    from zkdesk.services.integrity import verify_file, verify_server
    from zkdesk.store.backup_file import integrity_ok

    home = resolve_home(args.home)
    if _server_url(home, args) is not None:
        with open_context(args, require_init=False) as ctx:
            if args.user:
                _unlock_for_verify(ctx, args)
            report = verify_server(ctx.db, home.backups_dir)
    else:
        if not home.db_path.exists():
            raise UserError(f"数据目录 {home.root} 中没有数据库")
        if args.user and integrity_ok(home.db_path, quick=True)[0]:  # a damaged file is reported, not logged in to
            with open_context(args, require_init=False) as ctx:
                _unlock_for_verify(ctx, args)
        report = verify_file(home.db_path, home.backups_dir)
    if args.json:
        print_json(report.as_dict())
    elif report.ok:
        print(report.message)
    if not report.ok:
        sys.stderr.write(f"错误：{report.message}\n")
        return 1
    return 0
