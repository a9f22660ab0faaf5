"""A scrollable stack of page images, the way a print preview shows paper.

Each page is laid out at its size at once, but scaled (a smooth scale costs a few ms a page on
the GUI thread) only when it comes near the view: a 60-page report shows without a pause, and
scrolling scales the pages it reaches."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

PREVIEW_DPI = 120.0
SCREEN_DPI = 96.0
FIT_WIDTH = 0.0  # zoom values meaning: as wide as the view / a whole page in view
FIT_PAGE = -1.0
MARGIN, SPACING = 16, 14  # around and between the pages


class PagePreview(QScrollArea):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("previewArea")
        self.setWidgetResizable(True)
        self.setStyleSheet("QScrollArea { background: #6b6f75; border: none; }")
        self._body = QWidget()
        self._body.setStyleSheet("background: #6b6f75;")
        self._layout = QVBoxLayout(self._body)
        self._layout.setContentsMargins(MARGIN, MARGIN, MARGIN, MARGIN)
        self._layout.setSpacing(SPACING)
        self._layout.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.setWidget(self._body)
        self._images: list[QImage] = []
        self._labels: list[QLabel] = []
        self._zoom = FIT_PAGE
        self._shown_for = (0, 0)
        self._unscaled: set[int] = set()  # pages laid out at their size, their image not scaled yet
        self.verticalScrollBar().valueChanged.connect(lambda _value: self._scale_near_view())
        self._message = QLabel("", objectName="previewMessage")
        self._message.setStyleSheet("color: white; font-size: 12pt;")
        self._message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._layout.addWidget(self._message)

    @property
    def page_count(self) -> int:
        return len(self._images)

    def show_message(self, text: str) -> None:
        self.set_pages([])
        self._message.setText(text)
        self._message.show()

    def set_zoom(self, zoom: float) -> None:
        self._zoom = zoom
        self._rescale()

    def set_pages(self, images: list[QImage]) -> None:
        for label in self._labels:
            label.deleteLater()
        self._labels = []
        self._unscaled = set()
        self._images = list(images)
        self._message.setVisible(not images)
        for i, _ in enumerate(self._images):
            label = QLabel(objectName=f"previewPage{i + 1}")
            label.setFrameShape(QFrame.Shape.NoFrame)
            label.setStyleSheet("background: white;")
            self._layout.addWidget(label, 0, Qt.AlignmentFlag.AlignHCenter)
            self._labels.append(label)
        self._rescale()
        self.verticalScrollBar().setValue(0)

    def _scale(self) -> float:
        room_w = max(200, self.viewport().width() - 40)
        room_h = max(200, self.viewport().height() - 30)
        widest = max(img.width() for img in self._images)
        if self._zoom == FIT_WIDTH:
            return min(1.5, room_w / widest)
        if self._zoom == FIT_PAGE:
            tallest = max(img.height() for img in self._images)
            return min(1.5, room_w / widest, room_h / tallest)
        return self._zoom * SCREEN_DPI / PREVIEW_DPI

    def _rescale(self) -> None:
        if not self._images:
            return
        scale = self._scale()
        self._shown_for = (self.viewport().width(), self.viewport().height())
        for image, label in zip(self._images, self._labels):
            width = max(1, round(image.width() * scale))
            label.clear()
            label.setFixedSize(width, max(1, round(image.height() * width / image.width())))
        self._unscaled = set(range(len(self._images)))
        self._scale_near_view()

    def _scale_near_view(self) -> None:
        """Scale the pages within a screen's height of the view (the layout may not have placed
        the labels yet: their places are summed from their fixed heights)."""
        if not self._unscaled:
            return
        top = self.verticalScrollBar().value() - self.viewport().height()
        bottom = self.verticalScrollBar().value() + 2 * self.viewport().height()
        y = MARGIN
        for index, label in enumerate(self._labels):
            height = label.maximumHeight()
            if y > bottom:
                break
            if y + height >= top and index in self._unscaled:
                self._unscaled.discard(index)
                image = self._images[index]
                pixmap = QPixmap.fromImage(image).scaledToWidth(label.maximumWidth(), Qt.TransformationMode.SmoothTransformation)
                label.setPixmap(pixmap)
                label.setFixedSize(pixmap.size())
            y += height + SPACING

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        size = (self.viewport().width(), self.viewport().height())
        if self._zoom in (FIT_WIDTH, FIT_PAGE) and size != self._shown_for:
            self._rescale()
        else:
            self._scale_near_view()  # a taller view reaches pages not scaled yet
