"""The one lock around pdfium (pypdfium2), which is not thread-safe: the preview and printing
(ui/pdf_images.py) and the report charts' images (output/evaluation/charts.py) all take it."""

from __future__ import annotations

import threading

PDFIUM_LOCK = threading.Lock()
