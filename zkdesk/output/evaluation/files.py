"""Writing an evaluation report to a file chosen by its extension: .pdf or .docx (Word)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from zkdesk.output.printing import write_atomically
from zkdesk.services.errors import UserError
from zkdesk.services.evaluation_report import EvaluationReport

KINDS = (".pdf", ".docx")
# python-docx (with lxml, 10 MB in the bundle) is the optional extra `word`: the offline installer
# stays within its budget without it (docs/architecture.md), so a missing one is said in Chinese.
WORD_MISSING = ("生成 Word 文件需要 python-docx 组件，本安装包未包含。请在可联网的电脑上执行 "
                "pip install \"zkdesk[word]\" 后重试；也可先保存 PDF。")


def word_available() -> bool:
    import importlib.util

    return all(importlib.util.find_spec(name) is not None for name in ("docx", "lxml"))


def require_word() -> None:
    if not word_available():
        raise UserError(WORD_MISSING)


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
    if suffix == ".docx":
        require_word()
    return suffix[1:]


def render_report(report: EvaluationReport, kind: str):
    """(bytes, pages or None, charts, chart seconds)."""
    if kind == "pdf":
        from zkdesk.output.evaluation.pdf import render_report_pdf

        rendered = render_report_pdf(report)
        return rendered.data, rendered.pages, rendered.charts, rendered.chart_seconds
    if kind == "docx":
        require_word()
        from zkdesk.output.evaluation.word import render_report_docx

        rendered = render_report_docx(report)
        return rendered.data, None, rendered.charts, rendered.chart_seconds
    raise UserError(f"不支持的评估报告格式：{kind}")


def write_report(report: EvaluationReport, path: Path) -> WrittenReport:
    kind = report_kind_of(path)
    data, pages, count, seconds = render_report(report, kind)
    write_atomically(Path(path), data)
    return WrittenReport(Path(path), kind, pages, count, seconds)
