"""zkdesk import / export / template: Excel in and out from the command line."""

from __future__ import annotations

import argparse
from pathlib import Path

from zkdesk.commands.common import add_user_args, logged_in, open_context, print_json
from zkdesk.imports.kinds import kind_names

KIND_HELP = "、".join(kind_names())


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("import", help="从Excel表格导入（先预览，再写入）")
    p.add_argument("kind", metavar="KIND", choices=kind_names(), help=KIND_HELP)
    p.add_argument("file", metavar="FILE.xlsx", help="xlsx、xls、xlsb 或 ods 文件")
    p.add_argument("--dry-run", action="store_true", help="只检查，不写入数据库")
    p.add_argument("--json", action="store_true", help="以JSON输出导入结果")
    p.add_argument("--annotate", metavar="OUT.xlsx", help="有被拒绝的行时，保存标注了问题的副本")
    add_user_args(p)
    p.set_defaults(handler=cmd_import)

    p = sub.add_parser("export", help="把台账导出为Excel表格")
    p.add_argument("kind", metavar="KIND", choices=kind_names(), help=KIND_HELP)
    p.add_argument("file", metavar="FILE.xlsx")
    add_user_args(p)
    p.set_defaults(handler=cmd_export)

    p = sub.add_parser("template", help="生成空白导入模板")
    p.add_argument("kind", metavar="KIND", choices=kind_names(), help=KIND_HELP)
    p.add_argument("file", metavar="FILE.xlsx")
    p.set_defaults(handler=cmd_template)


def _import_modules(kind: str) -> None:
    """The import's own modules (the pipeline, the kind and its parts): loaded during the login."""
    from zkdesk.imports.kinds import get_kind
    from zkdesk.imports.pipeline import check_file  # noqa: F401

    for part in get_kind(kind).parts:
        get_kind(part)


def cmd_import(args: argparse.Namespace) -> int:
    with logged_in(args, meanwhile=lambda: _import_modules(args.kind)) as (ctx, actor):
        from zkdesk.imports.pipeline import apply_plan, check_file

        with ctx.db.session() as s:
            plan = check_file(s, actor, args.kind, Path(args.file))
        summary = plan.summary if args.dry_run else apply_plan(ctx.db, actor, plan, ctx.home.backups_dir)
        if args.annotate and plan.summary.rejected:
            from zkdesk.imports.annotate import save_annotated_copy  # openpyxl: only to write a file

            with ctx.db.session() as s:
                save_annotated_copy(s, actor, plan, Path(args.annotate))
    if args.json:
        print_json(summary.to_json())
        return 0
    print(("预览（未写入）：" if args.dry_run else "已导入：") + summary.headline())
    if summary.ignored_columns:
        print(summary.ignored_text())
    for item in summary.rejected:
        print(f"  {_where(item)}第{item.row}行 {item.column}：{item.message}")
    for item in summary.warnings:
        print(f"  提示 {_where(item)}第{item.row}行 {item.column}：{item.message}")
    if summary.backup:
        print(f"导入前的数据库备份：{summary.backup}")
    return 0


def _where(item) -> str:
    return f"工作表“{item.sheet}”" if item.sheet else ""


def cmd_export(args: argparse.Namespace) -> int:
    from zkdesk.imports.registers import export_register

    with logged_in(args) as (ctx, actor), ctx.db.session() as s:
        count = export_register(s, actor, args.kind, Path(args.file))
    print(f"已导出 {count} 条到 {args.file}")
    return 0


def cmd_template(args: argparse.Namespace) -> int:
    from zkdesk.imports.templates import township_choices, write_template

    with open_context(args, require_init=False) as ctx, ctx.db.session() as s:
        townships, county = township_choices(s)
    write_template(args.kind, Path(args.file), townships, county)
    print(f"已生成模板：{args.file}")
    return 0
