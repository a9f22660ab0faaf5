"""zkdesk forms, zkdesk print: the official printed forms, headless."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from zkdesk.commands.common import add_user_args, logged_in, print_json
from zkdesk.config import resolve_home


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("forms", help="列出可打印的报表（正式表样）")
    p.add_argument("--sources", action="store_true", help="列出数据源及其字段（编写报表定义文件时用）")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_forms)

    p = sub.add_parser("print", help="按正式表样输出报表：OUT 以 .pdf 或 .xlsx 结尾")
    p.add_argument("form", metavar="FORM", help="报表名称（见 zkdesk forms），如 contract-list")
    p.add_argument("out", metavar="OUT", help="输出文件：.pdf 或 .xlsx")
    p.add_argument("--year", type=int, help="年度（默认：有数据的最近年度）")
    p.add_argument("--org", help="单位代码（默认：本单位；县总工会可指定乡镇）")
    p.add_argument("--person", help="逐人表：人员的记录编号或姓名（不指定则输出当年全部人员）")
    add_user_args(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_print)

    report = sub.add_parser("report", help="评估报告（终期、中期评估，年度工作总结）：PDF 或 Word")
    kinds = report.add_subparsers(dest="report_kind", metavar="KIND", required=True)
    p = kinds.add_parser("evaluation", help="规划实施评估报告：OUT 以 .pdf 或 .docx 结尾")
    p.add_argument("out", metavar="OUT", help="输出文件：.pdf 或 .docx（Word，可在 Word/WPS 中编辑）")
    p.add_argument("--plan", required=True, help="规划代码，如 zk-2021-2025")
    p.add_argument("--org", help="单位代码（默认：本单位；530924 为全县）")
    p.add_argument("--from", dest="year_from", type=int, help="起始年度（默认：规划起始年）")
    p.add_argument("--to", dest="year_to", type=int,
                   help="截止年度（默认：规划末年；如 --from 2021 --to 2023 为中期评估，起止同一年为年度工作总结）")
    add_user_args(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_report_evaluation)

    p = kinds.add_parser("duties", help="责任分工：各责任单位牵头、配合的任务和指标及牵头指标的完成情况")
    p.add_argument("--plan", required=True, help="规划代码，如 zk-2021-2025")
    p.add_argument("--org", help="单位代码（默认：本单位；530924 为全县）")
    p.add_argument("--from", dest="year_from", type=int, help="起始年度（默认：规划起始年）")
    p.add_argument("--to", dest="year_to", type=int, help="截止年度（默认：规划末年）")
    p.add_argument("--department", metavar="CODE",
                   help="只列该责任单位（其代码）：其牵头、配合的每项指标及完成情况")
    p.add_argument("--set", metavar="INDICATOR", help="调整该指标（编号，如 01.1）的责任单位：须同时给出 --lead")
    p.add_argument("--lead", metavar="CODE", help="与 --set 同用：牵头单位代码")
    p.add_argument("--co", metavar="CODE,...", default="", help="与 --set 同用：配合单位代码，逗号分隔，按此顺序")
    add_user_args(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_report_duties)

    p = kinds.add_parser("departments", help="责任单位：代码和名称")
    add_user_args(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_report_departments)

    p = kinds.add_parser("narrative", help="评估报告中的文字部分（主要成效、存在的问题、下一步工作）：查看或填写")
    p.add_argument("--plan", required=True, help="规划代码，如 zk-2021-2025")
    p.add_argument("--org", help="单位代码（默认：本单位）")
    p.add_argument("--from", dest="year_from", type=int, help="起始年度（默认：规划起始年），与评估报告相同")
    p.add_argument("--to", dest="year_to", type=int, help="截止年度（默认：规划末年），与评估报告相同")
    p.add_argument("--effects", metavar="FILE", help="用该文本文件（UTF-8）的内容填写“主要成效”；空文件为清空")
    p.add_argument("--problems", metavar="FILE", help="填写“存在的问题”")
    p.add_argument("--next", metavar="FILE", help="填写“下一步工作”")
    add_user_args(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_report_narrative)


def _catalog(args: argparse.Namespace):
    from zkdesk.output.catalog import load_catalog, user_forms_dir

    return load_catalog([user_forms_dir(resolve_home(args.home).root)])


def cmd_sources(args: argparse.Namespace) -> int:
    from zkdesk.output.sources import all_sources

    sources = all_sources()
    if args.json:
        print_json({"sources": {name: {"label": s.label, "per_person": s.per_person, "fields": s.fields,
                                       "personal": s.personal, "placeholders": list(s.meta)}
                                for name, s in sorted(sources.items())}})
        return 0
    for name, s in sorted(sources.items()):
        kind = "逐人表" if s.per_person else "汇总表"
        print(f"{name}（{s.label}，{kind}）")
        for field, label in s.fields.items():
            masked = "（个人信息，按权限隐去部分号码）" if field in s.personal else ""
            print(f"    {field:<22} {label}{masked}")
    return 0


def cmd_forms(args: argparse.Namespace) -> int:
    if args.sources:
        return cmd_sources(args)
    catalog = _catalog(args)
    forms = catalog.ordered()
    if args.json:
        print_json({
            "forms": [{
                "key": f.key, "name": f.name, "number": f.number, "authority": f.authority, "kind": f.kind,
                "per_person": f.per_person, "orientation": f.orientation, "source": f.source,
                "description": f.description, "file": f.path.name,
            } for f in forms],
            "problems": catalog.problems,
        })
    else:
        for f in forms:
            kind = "逐人表" if f.per_person else "汇总表"
            print(f"{f.key:<22} {f.number:<10} {f.name}（{kind}）")
        for problem in catalog.problems:
            sys.stderr.write(f"错误：{problem}\n")
    return 2 if catalog.problems else 0


def cmd_print(args: argparse.Namespace) -> int:
    from zkdesk.output.printing import PrintRequest, output_kind, prepare, write_output

    out = Path(args.out).expanduser().resolve()
    output_kind(out)  # a wrong extension fails before the password is asked
    form = _catalog(args).get(args.form)
    with logged_in(args) as (ctx, actor), ctx.db.session() as s:
        prepared = prepare(s, actor, form, PrintRequest(args.form, args.year, args.org, args.person))
        summary = write_output(s, actor, prepared, out)
    title = prepared.texts[0].title if len(prepared.texts) == 1 else form.name
    if args.json:
        print_json({
            "file": str(summary.path), "form": form.key, "title": title, "kind": summary.kind, "year": prepared.year,
            "org": prepared.org_code, "rows": summary.rows, "pages": summary.pages, "masked": summary.masked,
        })
    else:
        pages = f"，{summary.pages}页" if summary.pages else ""
        masked = "；身份证号码和电话号码已部分隐去" if summary.masked else ""
        print(f"已输出 {summary.path}：{title}（{prepared.org_name}，{prepared.year}年），{summary.rows}行{pages}{masked}")
    return 0


def cmd_report_evaluation(args: argparse.Namespace) -> int:
    from zkdesk.output.evaluation.files import report_kind_of, write_report
    from zkdesk.services.evaluation_report import build_report

    out = Path(args.out).expanduser().resolve()
    report_kind_of(out)  # a wrong extension fails before the password is asked
    with logged_in(args) as (ctx, actor), ctx.db.read_session() as s:
        org = args.org or actor.office_code
        report = build_report(s, actor, args.plan, org, args.year_from, args.year_to)
    written = write_report(report, out)
    c = report.counts
    if args.json:
        print_json({
            "file": str(written.path), "kind": written.kind, "report": report.kind, "title": report.title,
            "plan": report.plan_code, "org": report.org_code, "from": report.year_from, "to": report.year_to,
            "pages": written.pages, "charts": written.charts, "indicators": len(report.indicators),
            "counts": c,
        })
    else:
        pages = f"，{written.pages}页" if written.pages else ""
        print(f"已输出 {written.path}：{report.title}（{report.range_label}{pages}）；"
              + "，".join(f"{k}{v}项" for k, v in c.items()))
    return 0


def _read_text(path: str) -> str:
    from zkdesk.services.errors import UserError

    file = Path(path).expanduser()
    try:
        return file.read_bytes().decode("utf-8-sig").replace("\r\n", "\n").strip()
    except FileNotFoundError:
        raise UserError(f"找不到文件：{file}") from None
    except UnicodeDecodeError:
        raise UserError(f"文件不是 UTF-8 编码的文本，请另存为 UTF-8 后重试：{file}") from None


def cmd_report_narrative(args: argparse.Namespace) -> int:
    from zkdesk.services.narratives import HEADINGS, PLACEHOLDER, get_narratives, report_range, save_narratives
    from zkdesk.services.progress import plan_by_code

    given = {key: getattr(args, key) for key in ("effects", "problems", "next") if getattr(args, key) is not None}
    texts = {key: _read_text(path) for key, path in given.items()}  # a bad file fails before the password
    with logged_in(args) as (ctx, actor):
        org = args.org or actor.office_code
        if texts:
            with ctx.db.session() as s:
                stored = save_narratives(s, actor, args.plan, texts, org, args.year_from, args.year_to)
        else:
            with ctx.db.read_session() as s:
                stored = get_narratives(s, actor, args.plan, org, args.year_from, args.year_to)
        with ctx.db.read_session() as s:
            year_from, year_to = report_range(plan_by_code(s, args.plan), args.year_from, args.year_to)
    if args.json:
        print_json({"plan": args.plan, "org": org, "from": year_from, "to": year_to, "saved": sorted(texts), **stored})
    else:
        if texts:
            print("已保存：" + "、".join(HEADINGS[k] for k in texts))
        for key, heading in HEADINGS.items():
            print(f"【{heading}】")
            print(stored[key] or PLACEHOLDER)
    return 0


def cmd_report_departments(args: argparse.Namespace) -> int:
    from zkdesk.services.departments import departments_for_view

    with logged_in(args) as (ctx, actor), ctx.db.read_session() as s:
        rows = departments_for_view(s, actor)
    if args.json:
        print_json({"departments": [{"code": d.code, "name": d.name, "full_name": d.full_name} for d in rows]})
        return 0
    for d in rows:
        print(f"{d.code:<10} {d.name}" + (f"（{d.full_name}）" if d.full_name and d.full_name != d.name else ""))
    return 0


def _set_duties(args: argparse.Namespace, db, actor) -> None:
    from zkdesk.services.departments import set_duties
    from zkdesk.services.errors import UserError
    from zkdesk.services.progress import plan_by_code

    if not args.lead:
        raise UserError("调整责任单位须用 --lead 给出牵头单位代码")
    with db.session() as s:
        plan = plan_by_code(s, args.plan)
        ind = next((i for i in plan.indicators if i.code == args.set.strip() and not i.deleted), None)
        if ind is None:
            raise UserError(f"{plan.short_name}规划中没有编号为 {args.set} 的指标")
        co = [c for c in (x.strip() for x in args.co.replace("，", ",").split(",")) if c]
        duties = set_duties(s, actor, ind.id, args.lead, co)
    if not args.json:
        print(f"指标 {ind.code} 的责任单位：牵头 {'、'.join(d.name for d in duties.lead)}"
              f"；配合 {'、'.join(d.name for d in duties.co) or '无'}")


def cmd_report_duties(args: argparse.Namespace) -> int:
    from zkdesk.output.evaluation.content import item_numbers
    from zkdesk.services.errors import UserError
    from zkdesk.services.evaluation_report import build_report

    with logged_in(args) as (ctx, actor):
        if args.set:
            _set_duties(args, ctx.db, actor)
        with ctx.db.read_session() as s:
            report = build_report(s, actor, args.plan, args.org or actor.office_code, args.year_from, args.year_to)
    duties = report.duties
    if args.department:
        duties = [d for d in duties if d.code == args.department.strip()]
        if not duties:
            raise UserError(f"责任单位“{args.department}”在{report.plan_short}规划中没有任务（代码见 zkdesk report departments）")
    lines = {i.code: i for i in report.indicators}
    if args.json:
        print_json({"plan": report.plan_code, "org": report.org_code, "from": report.year_from, "to": report.year_to,
                    "departments": [{"name": d.name, "code": d.code, "lead_items": list(d.lead_items),
                                     "co_items": list(d.co_items), "lead_indicators": list(d.lead_indicators),
                                     "co_indicators": list(d.co_indicators), "counts": d.lead_counts,
                                     "indicators": [{"code": c, "role": role, "name": lines[c].name,
                                                     "status": lines[c].status, "reason": lines[c].reason}
                                                    for role, codes in (("lead", d.lead_indicators), ("co", d.co_indicators))
                                                    for c in codes]} for d in duties]})
        return 0
    print(f"{report.org_name}{report.plan_short}规划责任分工（{report.range_label}；排在首位的责任单位为牵头单位）")
    if args.department:
        d = duties[0]
        print(f"{d.name}（{d.code}）")
        for role, codes in (("牵头", d.lead_indicators), ("配合", d.co_indicators)):
            for c in codes:
                print(f"  {role} {c} {lines[c].name}：{lines[c].status}（{lines[c].reason}）")
        return 0
    for d in duties:
        counts = "，".join(f"{k}{v}" for k, v in d.lead_counts.items() if v)
        print(f"{d.name}：牵头任务 {item_numbers(d.lead_items)}，配合任务 {item_numbers(d.co_items)}；"
              f"牵头指标{len(d.lead_indicators)}项" + (f"（{counts}）" if counts else ""))
    return 0
