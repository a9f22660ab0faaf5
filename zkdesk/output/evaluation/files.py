"""Writing an evaluation report to a file chosen by its extension: .pdf or .docx (Word)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from zkdesk.output.printing import write_atomically
from zkdesk.services.errors import UserError
from zkdesk.services.evaluation_report import EvaluationReport

KINDS = (".pdf", ".docx")


@dataclass(frozen=True)
class WrittenReport:
    path: Path
    kind: str  # "pdf" | "docx"
    pages: int | None  # the PDF's; Word paginates a .docx itself
    charts: int
    chart_seconds: float


def report_kind_of(path: Path) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in KINDS:
        raise UserError(f"评估报告的扩展名应为 .pdf 或 .docx（Word）：{Path(path).name}")
    return suffix[1:]


def render_report(report: EvaluationReport, kind: str):
    """(bytes, pages or None, charts, chart seconds)."""
    if kind == "pdf":
        from zkdesk.output.evaluation.pdf import render_report_pdf

        rendered = render_report_pdf(report)
        return rendered.data, rendered.pages, rendered.charts, rendered.chart_seconds
    if kind == "docx":
        from zkdesk.output.evaluation.word import render_report_docx

        rendered = render_report_docx(report)
        return rendered.data, None, rendered.charts, rendered.chart_seconds
    raise UserError(f"不支持的评估报告格式：{kind}")


def write_report(report: EvaluationReport, path: Path) -> WrittenReport:
    kind = report_kind_of(path)
    data, pages, count, seconds = render_report(report, kind)
    write_atomically(Path(path), data)
    return WrittenReport(Path(path), kind, pages, count, seconds)
