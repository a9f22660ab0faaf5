"""The words and tables of an evaluation report, shared by the PDF and the Word writers, so the
two outputs say the same thing: the cover lines, the chapter headings, the summary sentence and
the tables as rows of text."""

from __future__ import annotations

from dataclasses import dataclass

from zkdesk.domain.progress import format_number
from zkdesk.services import evaluation_status as ev
from zkdesk.services.evaluation_report import ANNUAL, EvaluationReport, ItemSection
from zkdesk.services.narratives import HEADINGS, PLACEHOLDER

CHINESE_NUMBERS = "一二三四五六七八九十"


@dataclass(frozen=True)
class Chapter:
    heading: str  # "一、总体情况"
    kind: str  # "summary" | "items" | a narrative key


def chapters(report: EvaluationReport) -> list[Chapter]:
    if report.kind == ANNUAL:
        plan = [("主要工作和成效", "effects"), ("指标完成情况", "summary"), ("分项完成情况", "items"),
                ("存在的问题", "problems"), (f"{report.year_to + 1}年工作打算", "next")]
    else:
        plan = [("总体情况", "summary"), ("分项评估", "items")] + [(HEADINGS[k], k) for k in ("effects", "problems", "next")]
    plan.append(("责任分工落实情况", "duties"))
    return [Chapter(f"{CHINESE_NUMBERS[i]}、{title}", kind) for i, (title, kind) in enumerate(plan)]


def cover_lines(report: EvaluationReport) -> list[str]:
    lines = [report.plan_name + (f"（{report.document}）" if report.document else ""), f"评估单位：{report.org_name}",
             f"评估期间：{report.range_label}"]
    return lines + [f"{report.made_on.year}年{report.made_on.month}月{report.made_on.day}日"]


def narrative_text(report: EvaluationReport, key: str) -> tuple[str, bool]:
    """(text, typed): the typed text, or the placeholder when the section is empty."""
    text = (report.narratives.get(key) or "").strip()
    return (text, True) if text else (PLACEHOLDER, False)


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.splitlines() if p.strip()]


def summary_sentence(report: EvaluationReport) -> str:
    c = report.counts
    total = sum(c.values())
    qualitative = [item.number for item in report.items if not item.indicators]
    text = (f"本报告依据{report.plan_name}（{report.document}），对{report.org_name}{report.range_label}规划实施情况进行评估。"
            f"规划共{len(report.items)}项重点任务、{total}项量化指标，截至{report.year_to}年：已完成{c[ev.DONE]}项，"
            f"基本完成{c[ev.BASIC]}项，未完成{c[ev.NOT_DONE]}项，无数据{c[ev.NO_DATA]}项。")
    if qualitative:
        text += f"第{'、'.join(str(n) for n in qualitative)}项任务无量化指标，以工作情况说明评价。"
    text += (f"评价标准：达到目标为已完成；完成率达到目标的{format_number(ev.BASIC_SHARE)}%以上（中期评估时按目标进度推进）为基本完成；"
             "其余为未完成；无填报数据或未分解目标的为无数据。")
    return text


SUMMARY_HEADER = ("序号", "重点任务", "指标数", *ev.STATUSES, "评价")


def summary_rows(report: EvaluationReport) -> list[tuple[str, ...]]:
    rows = []
    for item in report.items:
        c = item.counts
        rows.append((str(item.number), item.title, str(len(item.indicators)), *(str(c[s]) for s in ev.STATUSES),
                     item.status if item.indicators else "无量化指标"))
    c = report.counts
    rows.append(("", "合计", str(sum(c.values())), *(str(c[s]) for s in ev.STATUSES), ""))
    return rows


def item_heading(item: ItemSection) -> str:
    return f"（{item.number}）{item.title}"


def item_responsible(item: ItemSection) -> str:
    return "责任单位：" + ("、".join(item.responsible) if item.responsible else "（未列明）")


def indicator_header(report: EvaluationReport) -> tuple[str, ...]:
    years = []
    for y in report.years:
        label = str(y)
        if y == report.midterm_year and report.kind != ANNUAL:
            label += "\n（中期）"
        elif y == report.year_to and report.kind != ANNUAL:
            label += "\n（终期）" if report.year_to == report.plan_end else "\n（期末）"
        years.append(label)
    return ("编号", "指标", "单位", f"{report.baseline_year}\n（基期）", *years, "目标", "完成率", "评价")


def indicator_rows(report: EvaluationReport, item: ItemSection) -> list[tuple[str, ...]]:
    rows = []
    for line in item.indicators:
        sign = {"ge": "≥", "le": "≤", "eq": "≈"}.get(line.comparator, "")
        target = "不低于上年" if line.comparator == "not_below_last" and line.target is None else (
            "无目标" if line.target is None else f"{sign}{format_number(line.target)}")
        done = "—" if line.completion is None else f"{format_number(line.completion)}%"
        rows.append((line.code, line.name, line.unit, format_number(line.baseline),
                     *(format_number(line.values.get(y)) for y in report.years), target, done, line.status))
    return rows


def indicator_notes(item: ItemSection) -> list[tuple[str, str]]:
    """(code, one line per indicator): the plan's sentence, the reason of the status, the units."""
    notes = []
    for line in item.indicators:
        parts = []
        if line.quote:
            parts.append(f"规划原文：“{line.quote}”")
        parts.append(f"评价：{line.status}（{line.reason}）")
        if line.register_part:
            parts.append(f"数据为{line.register_part}数加填报的其他部分")
        elif line.derived:
            parts.append("数据由登记数据自动计算")
        if line.responsible and tuple(line.responsible) != tuple(item.responsible):
            parts.append("责任单位：" + "、".join(line.responsible))
        notes.append((line.code, "；".join(parts) + "。"))
    return notes


DUTY_HEADER = ("序号", "责任单位", "牵头任务", "配合任务", "牵头指标", *ev.STATUSES)
DUTY_NOTE = ("规划各项任务所列责任单位中，排在首位的为牵头单位，其余为配合单位；各项指标的牵头、配合单位"
             "以县总工会在“规划与目标”中确定的为准；牵头指标的完成情况按本报告的评价标准统计。")


def item_numbers(numbers) -> str:
    """Item numbers, runs shortened: 1、2、3、5 → “1—3、5”; none → “—”."""
    runs: list[list[int]] = []
    for n in sorted(set(numbers)):
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    parts = [f"{r[0]}—{r[-1]}" if len(r) > 2 else "、".join(map(str, r)) for r in runs]
    return "、".join(parts) or "—"


def duty_rows(report: EvaluationReport) -> list[tuple[str, ...]]:
    rows = []
    for k, duty in enumerate(report.duties, 1):
        rows.append((str(k), duty.name, item_numbers(duty.lead_items), item_numbers(duty.co_items),
                     str(len(duty.lead_indicators)), *(str(duty.lead_counts[s]) for s in ev.STATUSES)))
    return rows
