"""PDF pages as QImages (pypdfium2), for the preview and for printing page images.

pdfium is not thread-safe: every use goes through one lock, so a preview worker and a print job
never touch it at the same time.
"""

from __future__ import annotations

from collections.abc import Callable

import pypdfium2 as pdfium
from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage, QPainter, QTransform
from PySide6.QtPrintSupport import QPrinter

from zkdesk.output.pdfium import PDFIUM_LOCK
from zkdesk.services.errors import UserError

_LOCK = PDFIUM_LOCK  # shared with the report charts (output/pdfium.py)
PRINT_DPI_CAP = 600  # a 600 dpi A4 page is already 35 MB in grey


def _to_qimage(bitmap) -> QImage:
    if bitmap.n_channels == 1:
        fmt = QImage.Format.Format_Grayscale8
    else:
        fmt = QImage.Format.Format_RGB32  # pdfium's BGRx is Qt's RGB32 on little-endian machines
    image = QImage(bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride, fmt)
    return image.copy()  # own the pixels: the pdfium bitmap is freed after this


def page_count(pdf_bytes: bytes) -> int:
    with _LOCK:
        doc = pdfium.PdfDocument(pdf_bytes)
        try:
            return len(doc)
        finally:
            doc.close()


def render_pages(pdf_bytes: bytes, dpi: float, max_pages: int | None = None, grayscale: bool = True,
                 check: Callable[[], None] | None = None) -> list[QImage]:
    """The pages as images; `check()` is called before each page (a preview's ticket.check:
    a superseded preview stops here)."""
    with _LOCK:
        doc = pdfium.PdfDocument(pdf_bytes)
        try:
            count = len(doc) if max_pages is None else min(len(doc), max_pages)
            images = []
            for i in range(count):
                if check is not None:
                    check()
                page = doc[i]
                bitmap = page.render(scale=dpi / 72.0, grayscale=grayscale, prefer_bgrx=True, may_draw_forms=False)
                images.append(_to_qimage(bitmap))
                bitmap.close()
                page.close()
            return images
        finally:
            doc.close()


def print_pdf(pdf_bytes: bytes, printer: QPrinter, grayscale: bool = True) -> int:
    """Paint every page as an image at the printer's resolution (capped); landscape pages on
    portrait paper are turned. Safe in a worker thread: QPainter may paint on a QPrinter there."""
    dpi = min(printer.resolution(), PRINT_DPI_CAP)
    printer.setFullPage(True)
    painter = QPainter()
    if not painter.begin(printer):
        raise UserError("无法开始打印：打印机不可用，或输出文件无法写入")
    try:
        count = page_count(pdf_bytes)
        for i in range(count):
            if i:
                printer.newPage()
            image = render_page(pdf_bytes, i, dpi, grayscale)
            paper = QRectF(printer.pageLayout().fullRectPixels(printer.resolution()))
            if (image.width() > image.height()) != (paper.width() > paper.height()):
                image = image.transformed(QTransform().rotate(90))
            scale = min(paper.width() / image.width(), paper.height() / image.height())
            w, h = image.width() * scale, image.height() * scale
            target = QRectF((paper.width() - w) / 2, (paper.height() - h) / 2, w, h)
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
            painter.drawImage(target, image)
        return count
    finally:
        painter.end()


def render_page(pdf_bytes: bytes, index: int, dpi: float, grayscale: bool) -> QImage:
    """One page (a whole job's worth of 600 dpi pages would not fit in memory at once)."""
    with _LOCK:
        doc = pdfium.PdfDocument(pdf_bytes)
        try:
            page = doc[index]
            bitmap = page.render(scale=dpi / 72.0, grayscale=grayscale, prefer_bgrx=True, may_draw_forms=False)
            image = _to_qimage(bitmap)
            bitmap.close()
            page.close()
            return image
        finally:
            doc.close()

