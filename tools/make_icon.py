"""Draw the program icon (resources/icons/zkdesk.png and .ico) with Qt and the bundled font.
`python tools/make_icon.py` — run again only to change the icon."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QImage, QPainter

from zkdesk.paths import resources_dir
from zkdesk.ui.fonts import register_bundled_fonts


def draw(size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setBrush(QColor("#c62f2f"))
    p.setPen(Qt.PenStyle.NoPen)
    margin = size * 0.04
    p.drawRoundedRect(QRectF(margin, margin, size - 2 * margin, size - 2 * margin), size * 0.18, size * 0.18)
    font = QFont("ZKDesk Hei")
    font.setPixelSize(int(size * 0.62))
    font.setBold(True)
    p.setFont(font)
    p.setPen(QColor("#fff6d5"))
    p.drawText(QRectF(0, -size * 0.03, size, size), Qt.AlignmentFlag.AlignCenter, "工")
    p.end()
    return image


def main() -> None:
    app = QGuiApplication([])
    register_bundled_fonts()
    out = resources_dir() / "icons"
    out.mkdir(exist_ok=True)
    draw(256).save(str(out / "zkdesk.png"))
    draw(256).save(str(out / "zkdesk.ico"))
    del app


if __name__ == "__main__":
    main()
