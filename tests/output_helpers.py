"""Shared by the printing tests: a demo county database, actors, and looking inside PDFs."""

from __future__ import annotations

import io
import re
from pathlib import Path

from pypdf import PdfReader

from tests.databases import new_database
from zkdesk.domain.roles import Role
from zkdesk.output.printing import PrintRequest, prepare, render_pdf
from zkdesk.services.actor import Actor
from zkdesk.services.demo import fill_demo

COUNTY = "530924"
NANSAN = "530924103"
A4_PORTRAIT, A4_LANDSCAPE = (595, 842), (842, 595)  # points, as pypdf reads the media box
ADMIN = Actor(username="demo", display_name="演示管理员", role=Role.ADMIN, office_code=COUNTY)
VIEWER = Actor(username="viewer", display_name="查看员", role=Role.VIEWER, office_code=COUNTY)
NANSAN_CLERK = Actor(username="nansan", display_name="南伞录入员", role=Role.CLERK, office_code=NANSAN)


def demo_database(root: Path):
    db = new_database(root)
    with db.session() as s:
        fill_demo(s)
    return db


def pdf_pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def pdf_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def page_sizes(data: bytes) -> set[tuple[int, int]]:
    return {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in PdfReader(io.BytesIO(data)).pages}


def font_report(data: bytes) -> dict[str, bool]:
    """Every font any page uses -> whether its outlines are embedded as TrueType (/FontFile2)."""
    fonts: dict[str, bool] = {}
    for page in PdfReader(io.BytesIO(data)).pages:
        resources = page.get("/Resources") or {}
        for ref in (resources.get("/Font") or {}).values():
            font = ref.get_object()
            descriptor = font.get("/FontDescriptor")
            embedded = descriptor is not None and "/FontFile2" in descriptor.get_object()
            fonts[str(font["/BaseFont"])] = embedded
    return fonts


def render(db, catalog, key, actor=ADMIN, **kw):
    """Prepare form `key` in a session of its own and render it: (prepared, RenderedPdf)."""
    with db.session() as s:
        prepared = prepare(s, actor, catalog.get(key), PrintRequest(key, **kw))
    return prepared, render_pdf(prepared)


def compact(text: str) -> str:
    """Text without line breaks and spaces: a header that wraps in its cell still reads whole."""
    return re.sub(r"\s", "", text)


def assert_fonts_embedded(data: bytes):
    fonts = font_report(data)
    assert fonts and all(fonts.values()), fonts
