"""zkdesk init, zkdesk demo."""

from __future__ import annotations

import argparse

from zkdesk.commands.common import open_context, print_json, read_password


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("init", help="初始化本单位数据库并创建管理员")
    p.add_argument("--org", required=True, help="本单位统计用区划代码，如 530924 或 530924103")
    p.add_argument("--admin", required=True, help="管理员用户名")
    p.add_argument("--name", default="", help="管理员姓名")
    p.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码")
    p.set_defaults(handler=cmd_init)

    p = sub.add_parser("demo", help="填入演示数据（标明为演示）")
    p.add_argument("--json", action="store_true")
    p.add_argument("--user", help="以该用户登录后填入：身份证号和电话当即加密保存（不登录则在下次登录时加密）")
    p.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码")
    p.set_defaults(handler=cmd_demo)


def cmd_init(args: argparse.Namespace) -> int:
    from zkdesk.services.key_slots import RECOVERY_CODE
    from zkdesk.services.office import initialise

    with open_context(args, require_init=False) as ctx:
        password = read_password(args, "管理员密码：")
        with ctx.db.session() as s:
            user = initialise(s, args.org, args.admin, password, args.name)
            code = s.info[RECOVERY_CODE]
        print(f"已初始化：单位 {args.org}，管理员 {user.username}，数据目录 {ctx.home.root}")
        print(RECOVERY_TEXT.format(code=code))
    return 0


RECOVERY_TEXT = ("恢复码：{code}\n"
                 "请把恢复码抄在纸上，与电脑分开妥善保管：所有用户的密码都遗失时，凭它才能恢复本单位的密钥。"
                 "它只显示这一次（管理员可用 zkdesk keys recovery-code 换一个新的）。")


def cmd_demo(args: argparse.Namespace) -> int:
    from zkdesk.services import key_slots
    from zkdesk.services.demo import fill_demo

    with open_context(args, require_init=False) as ctx:
        if args.user:  # the data key unlocked: the numbers are sealed as they are written
            from zkdesk.services.auth import login_and_commit

            login_and_commit(ctx.db, args.user, read_password(args))
        with ctx.db.session() as s:
            summary = fill_demo(s)
            sealed_now = key_slots.unlocked(s) is not None
    if args.json:
        print_json(summary | {"sealed": sealed_now})
    else:
        print("已填入演示数据：" + "，".join(f"{k} {v}" for k, v in summary.items()))
        if not sealed_now:
            print("身份证号和电话号码将在下次有用户登录时加密保存")
    return 0
