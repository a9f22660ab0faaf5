"""Page geometry, the document template and the official page numbers (— 1 —)."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from zkdesk.output import gbt9704
from zkdesk.output.fonts import FontSet


@dataclass(frozen=True)
class Geometry:
    size: tuple[float, float]
    left: float
    right: float
    top: float
    bottom: float
    number_size: float  # page number font size

    @property
    def frame_width(self) -> float:
        return self.size[0] - self.left - self.right

    @property
    def frame_height(self) -> float:
        return self.size[1] - self.top - self.bottom


# Forms: a binding margin on the left in portrait, on the top in landscape.
PORTRAIT = Geometry(A4, left=25 * mm, right=20 * mm, top=20 * mm, bottom=22 * mm, number_size=14.0)
LANDSCAPE = Geometry(landscape(A4), left=15 * mm, right=15 * mm, top=20 * mm, bottom=18 * mm, number_size=12.0)


def geometry_for(orientation: str, widths_mm: float | None = None) -> Geometry:
    """`auto`: landscape when the declared column widths do not fit a portrait page."""
    if orientation == "auto":
        fits = widths_mm is None or widths_mm * mm <= PORTRAIT.frame_width * 1.02
        return PORTRAIT if fits else LANDSCAPE
    return LANDSCAPE if orientation == "landscape" else PORTRAIT


@dataclass
class _Numbering:
    start: int = 1  # the canvas page number shown as — 1 —
    shown: list[int] = field(default_factory=list)


class RestartNumbering(Flowable):
    """Placed at the top of a form's first page: numbering starts again at — 1 — there."""

    def __init__(self, numbering: _Numbering):
        super().__init__()
        self.numbering = numbering
        self.width = self.height = 0

    def wrap(self, *_):
        return 0, 0

    def draw(self):
        self.numbering.start = self.canv.getPageNumber()


class FormDocument:
    """A reportlab document with a numbered "form" template, an unnumbered GB/T 9704 "gbt"
    template for covers and notices, and — for tables — a "later" template for the pages after a
    table's first one, which draws the table header at the top of the page."""

    def __init__(self, geometry: Geometry, fonts: FontSet, title: str, author: str = "", start_with_gbt: bool = False,
                 repeat_header: Flowable | None = None):
        self.buffer = io.BytesIO()
        self.geometry = geometry
        self.fonts = fonts
        self.numbering = _Numbering()
        self.repeat_header = repeat_header
        self.header_height = repeat_header.wrap(geometry.frame_width, geometry.frame_height)[1] if repeat_header else 0.0
        self.doc = BaseDocTemplate(
            self.buffer, pagesize=geometry.size, title=title, author=author, creator="zkdesk",
            initialFontName=fonts.song,  # else every page names Helvetica, a font it does not embed
            leftMargin=geometry.left, rightMargin=geometry.right, topMargin=geometry.top, bottomMargin=geometry.bottom,
        )
        form = PageTemplate(
            "form",
            [Frame(geometry.left, geometry.bottom, geometry.frame_width, geometry.frame_height, 0, 0, 0, 0, id="body")],
            pagesize=geometry.size, onPageEnd=self._page_number,
            autoNextPageTemplate="later" if repeat_header is not None else None,
        )
        later = PageTemplate(
            "later",
            [Frame(geometry.left, geometry.bottom, geometry.frame_width, self.later_height, 0, 0, 0, 0, id="rest")],
            pagesize=geometry.size, onPage=self._draw_header, onPageEnd=self._page_number,
        )
        gbt = PageTemplate(
            "gbt",
            [Frame(gbt9704.BODY_LEFT, gbt9704.BODY_BOTTOM, gbt9704.BODY_WIDTH, gbt9704.BODY_HEIGHT, 0, 0, 0, 0, id="gbt")],
            pagesize=A4,
        )
        self.doc.addPageTemplates([gbt, form, later] if start_with_gbt else [form, gbt, later])

    @property
    def later_height(self) -> float:
        """The frame height of a table's continuation pages, below the repeated header."""
        return self.geometry.frame_height - self.header_height

    def _draw_header(self, canv, _doc) -> None:
        """Drawn once into a form XObject, then placed on every continuation page."""
        g = self.geometry
        if not getattr(self, "_header_form", False):
            canv.beginForm("zkTableHeader", 0, 0, g.frame_width, self.header_height)
            self.repeat_header.drawOn(canv, 0, 0)
            canv.endForm()
            self._header_form = True
        canv.saveState()
        canv.translate(g.left, g.bottom + self.later_height)
        canv.doForm("zkTableHeader")
        canv.restoreState()

    def restart_numbering(self) -> RestartNumbering:
        return RestartNumbering(self.numbering)

    def _page_number(self, canv, _doc) -> None:
        n = canv.getPageNumber() - self.numbering.start + 1
        self.numbering.shown.append(n)
        text = f"— {n} —"
        g = self.geometry
        canv.saveState()
        canv.setFont(self.fonts.song, g.number_size)
        y = g.bottom - 7 * mm - g.number_size * 0.8
        canv.drawCentredString(g.size[0] / 2, max(y, 6 * mm), text)
        canv.restoreState()

    def build(self, story: list[Flowable]) -> tuple[bytes, int]:
        self.doc.build(story)
        return self.buffer.getvalue(), self.doc.page
