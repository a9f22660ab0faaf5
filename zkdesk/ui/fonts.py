"""Make CJK text render everywhere: register the bundled font with Qt and prefer it
when the system has no official Chinese font."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from zkdesk.paths import fonts_dir

# Office machines with these show them; others fall back to the bundled subset.
PREFERRED_UI_FAMILIES = ("Microsoft YaHei", "微软雅黑", "SimHei", "黑体", "Noto Sans CJK SC", "WenQuanYi Micro Hei")
BUNDLED_FILES = ("zkdesk-hei.ttf",)


def register_bundled_fonts() -> list[str]:
    families: list[str] = []
    for name in BUNDLED_FILES:
        path = fonts_dir() / name
        if not path.exists():
            continue
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id >= 0:
            families.extend(QFontDatabase.applicationFontFamilies(font_id))
    return families


def apply_cjk_font(app: QApplication, point_size: int = 10) -> str:
    """Choose the UI font family; the bundled one always stays in the fallback chain."""
    bundled = register_bundled_fonts()
    installed = set(QFontDatabase.families())
    chosen = next((f for f in PREFERRED_UI_FAMILIES if f in installed), None) or (bundled[0] if bundled else "")
    font = QFont(app.font())
    if chosen:
        font.setFamilies([chosen, *bundled])
    font.setPointSize(point_size)
    app.setFont(font)
    return chosen
