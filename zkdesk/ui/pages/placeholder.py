"""A plain notice for a page whose feature is not open yet. Nothing fake."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


class PlaceholderPage(QWidget):
    def __init__(self, ctx, spec, parent=None):
        super().__init__(parent)
        title = QLabel(f"<h2>{spec.label}</h2>")
        notice = QLabel(f"本功能尚未开放。<br><br>将提供：{spec.pending_note}")
        notice.setObjectName("pendingNotice")
        notice.setWordWrap(True)
        notice.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(notice)
        layout.addStretch(1)
