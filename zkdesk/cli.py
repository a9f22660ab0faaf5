"""Command line: `zkdesk` alone opens the window; subcommands serve scripts and power users.

The names and --json shapes here are a contract with the county's scripts (docs/architecture.md).
Each feature registers its subcommands from its own module in zkdesk/commands/.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import re
import sys

from zkdesk import __version__
from zkdesk.commands.common import run_safely, started
from zkdesk.store.private_files import restrict_umask

COMMAND_MODULES = [
    "zkdesk.commands.setup_cmds",
    "zkdesk.commands.progress_cmds",
    "zkdesk.commands.backup_cmds",
    "zkdesk.commands.exchange_cmds",
    "zkdesk.commands.enterprise_cmds",
    "zkdesk.commands.xlsx_cmds",
    "zkdesk.commands.print_cmds",
    "zkdesk.commands.server_cmds",
]


_ARGPARSE_MESSAGES = [  # argparse speaks English; the county's clerks read one Chinese line
    (re.compile(r"the following arguments are required: (.*)"), "缺少必需的参数：{0}"),
    (re.compile(r"unrecognized arguments: (.*)"), "无法识别的参数：{0}"),
    (re.compile(r"argument (\S+): invalid choice: '?([^' ]*)'? \(choose from (.*)\)"), "参数 {0} 的取值“{1}”无效，可选：{2}"),
    (re.compile(r"argument (\S+): invalid int value: '?([^']*)'?"), "参数 {0} 应为整数，收到“{1}”"),
    (re.compile(r"argument (\S+): expected one argument"), "参数 {0} 后面缺少取值"),
]


class ChineseHelpFormatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        # prefix "" is argparse measuring a subcommand's name: leave that alone
        return super().add_usage(usage, actions, groups, prefix="用法：" if prefix is None else prefix)


class ChineseArgumentParser(argparse.ArgumentParser):
    """Help in Chinese (argparse's own words replaced), and bad command lines end with one
    Chinese line on stderr and exit status 2. Subcommand parsers are made by this class too."""

    def __init__(self, *args, add_help: bool = True, **kwargs):
        kwargs.setdefault("formatter_class", ChineseHelpFormatter)
        super().__init__(*args, add_help=False, **kwargs)
        self._positionals.title = "参数"
        self._optionals.title = "选项"
        if add_help:
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help="显示本帮助并退出")

    def add_argument(self, *names, **kwargs):
        if "--json" in names and "help" not in kwargs:
            kwargs["help"] = "以JSON格式输出结果（一个JSON对象）"
        return super().add_argument(*names, **kwargs)

    def error(self, message: str):
        for pattern, template in _ARGPARSE_MESSAGES:
            match = pattern.search(message)
            if match:
                message = template.format(*match.groups())
                break
        self.exit(2, f"错误：{message}（用 {self.prog} -h 查看用法）\n")


def build_parser() -> argparse.ArgumentParser:
    parser = ChineseArgumentParser(prog="zkdesk", description="镇康县产业工人队伍建设改革台账")
    parser.add_argument("--home", metavar="目录", help="数据目录（也可用环境变量 ZKDESK_HOME）")
    parser.add_argument("--database", metavar="URL",
                        help="单位服务器数据库 postgresql://用户@服务器/数据库（也可用环境变量 ZKDESK_DATABASE）；默认用数据目录中的 SQLite 文件")
    parser.add_argument("--version", action="version", version=f"zkdesk {__version__}", help="显示版本号并退出")
    parser.add_argument("--self-test", action="store_true", help="自检：临时数据库、目录、报表、窗口")
    sub = parser.add_subparsers(dest="command", metavar="命令")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    restrict_umask()  # the office's data: owner only (store/private_files.py)
    # Start-up makes a great many objects that live as long as the process (modules, SQLAlchemy's
    # mappers): the cyclic collector would walk them again and again (a tenth of a command's
    # fixed cost). It is paused until the command has opened its database and logged in
    # (commands.common.started), and in any case when main() returns.
    collecting, frozen = gc.isenabled(), gc.get_freeze_count()
    gc.disable()
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if args.self_test:
            from zkdesk.selftest import run_self_test

            started()
            return run_self_test()
        if args.command is None:
            from zkdesk.app import run_gui

            started()
            return run_gui(args.home, args.database)
        return run_safely(args.handler, args)
    finally:  # (called in a process that goes on, e.g. a test: the collector as it was)
        started()
        if gc.get_freeze_count() > frozen:
            gc.unfreeze()
        if not collecting:
            gc.disable()


if __name__ == "__main__":
    raise SystemExit(main())
