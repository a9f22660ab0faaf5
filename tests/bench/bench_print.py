"""Benchmark: a 1,000-row summary printed through the form engine, beside a bare reportlab
table of the same rows (same fonts, widths, header repeat and grid) built in the same run.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/bench/bench_print.py [ROWS]

Prints both timings and the ratio (aim: under 1.3×). The engine's extra work: the two-level
header with spans, township group and subtotal rows, measuring which cells must wrap
(Paragraph) and which can be drawn as plain strings, and keeping the footer with the last rows.
"""

from __future__ import annotations

import io
import random
import statistics
import sys
import time
from datetime import date, timedelta

from pypdf import PdfReader
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate, Table, TableStyle

from zkdesk.output.catalog import load_catalog
from zkdesk.output.fonts import font_set
from zkdesk.output.pdf_page import LANDSCAPE
from zkdesk.output.pdf_table import column_widths
from zkdesk.output.printing import PreparedForm, Texts, render_pdf
from zkdesk.output.tablemodel import build_table

TOWNSHIPS = ["凤尾镇", "勐捧镇", "南伞镇", "忙丙乡", "勐堆乡", "木场乡", "军赛乡"]
KINDS = ["综合集体合同", "工资专项集体合同", "女职工权益保护专项集体合同"]


def synthetic_rows(n: int) -> list[dict]:
    rng = random.Random(7)
    rows = []
    for i in range(n):
        signed = date(2023, 1, 1) + timedelta(days=rng.randint(0, 900))
        has = rng.random() < 0.7
        rows.append({
            "township": TOWNSHIPS[i * len(TOWNSHIPS) // n],
            "name": f"镇康县{rng.choice('南伞勐捧凤尾忙丙')}{rng.choice(['制糖有限公司', '茶业有限公司', '建筑工程有限公司', '水电开发有限公司'])}{i}",
            "uscc": f"91530924MA{i:07d}X",
            "ownership": rng.choice(["国有", "非公", "集体"]),
            "employees": rng.randint(5, 600),
            "unionised": has or rng.random() < 0.5,
            "contract_kind": rng.choice(KINDS) if has else "",
            "sign_mode": "单独签订" if has else "",
            "signed_on": signed if has else None,
            "term_years": 3 if has else None,
            "expires_on": signed + timedelta(days=1094) if has else None,
            "filed_on": signed + timedelta(days=5) if has else None,
            "review": "无异议" if has else "",
            "employees_covered": rng.randint(5, 600) if has else None,
            "wage_increase_pct": round(rng.uniform(2, 8), 1) if has else None,
            "contact_person": "张三",
            "contact_phone": "139****5678",
        })
    return rows


def engine(prepared: PreparedForm) -> bytes:
    return render_pdf(prepared).data


def bare(texts: list[list[str]], widths: list[float], fonts) -> bytes:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=landscape(A4), leftMargin=15 * mm, rightMargin=15 * mm,
                            topMargin=20 * mm, bottomMargin=18 * mm)
    table = Table(texts, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), fonts.song, 8), ("GRID", (0, 0), (-1, -1), 0.4, "black"),
                               ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    doc.build([table])
    return buffer.getvalue()


def cpu_seconds(fn) -> float:
    # CPU time of this process: other programs busy on the machine do not blur the comparison
    started = time.process_time()
    fn()
    return time.process_time() - started


def main(n: int = 1000) -> None:
    fonts = font_set()  # registered once, outside both timings
    form = load_catalog().get("contract-list")
    rows = synthetic_rows(n)
    prepared = PreparedForm(form=form, year=2025, org_code="530924", org_name="镇康县总工会", rows=rows,
                            texts=[Texts(title=form.title, subtitle="（截至2025年12月31日）", left="填报单位（盖章）：镇康县总工会",
                                         footer=form.footer, notes=form.notes)], masked=True, unmasked_personal=False)
    model = build_table(form.table, rows)
    widths = column_widths(model, LANDSCAPE.frame_width, fonts, form.table.font_size, form.table.header_font_size)
    header = [" / ".join(c.header) for c in form.table.columns]
    texts = [header] + [r.texts for r in model.body if r.kind == "data"]
    engine(prepared), bare(texts, widths, fonts)  # warm up
    engine_runs, bare_runs = [], []
    for _ in range(5):  # interleaved, so both see the same machine
        engine_runs.append(cpu_seconds(lambda: engine(prepared)))
        bare_runs.append(cpu_seconds(lambda: bare(texts, widths, fonts)))
    t_engine, t_bare = statistics.median(engine_runs), statistics.median(bare_runs)
    pages = len(PdfReader(io.BytesIO(engine(prepared))).pages)
    print(f"{n} rows ({pages} pages): form engine {t_engine:.2f} s, bare reportlab table {t_bare:.2f} s "
          f"(CPU time, median of 5), ratio {t_engine / t_bare:.2f}×")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
