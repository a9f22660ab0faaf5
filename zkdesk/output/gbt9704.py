"""Cover and notice pages on the GB/T 9704-2012 (党政机关公文格式) grid.

A4; 天头 (top margin) 37 mm; 订口 (binding margin, left) 28 mm; 版心 (type area) 156 × 225 mm;
title 2号 (22 pt) in a 小标宋-like face; body 3号 (16 pt) in a 仿宋-like face; 22 lines of 28
characters. Text is placed character by character on that grid, so every full line is exactly
28 characters wide and every page has exactly 22 lines, whatever the font's own metrics.
"""

from __future__ import annotations

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

PAGE_WIDTH, PAGE_HEIGHT = A4
TOP_MARGIN = 37 * mm  # 天头
BINDING_MARGIN = 28 * mm  # 订口
BODY_WIDTH = 156 * mm  # 版心宽
BODY_HEIGHT = 225 * mm  # 版心高
BODY_LEFT = BINDING_MARGIN
BODY_BOTTOM = PAGE_HEIGHT - TOP_MARGIN - BODY_HEIGHT
LINES_PER_PAGE = 22
CHARS_PER_LINE = 28
LINE_PITCH = BODY_HEIGHT / LINES_PER_PAGE  # ≈ 10.23 mm
CHAR_PITCH = BODY_WIDTH / CHARS_PER_LINE  # ≈ 5.57 mm
TITLE_SIZE = 22.0  # 2号
BODY_SIZE = 16.0  # 3号
PAGE_NUMBER_SIZE = 14.0  # 4号
PAGE_NUMBER_GAP = 7 * mm  # below the type area

# 避头尾: characters that may not start a line, and ones that may not end it.
NO_LINE_START = set("，。、；：？！）》」』”’】〕…—％%,.;:?!)]")
NO_LINE_END = set("（《「『“‘【〔([")


def _units(ch: str) -> float:
    """Grid cells a character takes: CJK and full-width 1, ASCII half."""
    return 0.5 if ord(ch) < 0x2E80 and ch not in "—…“”‘’" else 1.0


def grid_lines(text: str, cells: float = CHARS_PER_LINE, indent: int = 2) -> list[str]:
    """Break one paragraph into grid lines (first line indented by `indent` full-width spaces)."""
    text = "\u3000" * indent + text.strip()
    lines: list[str] = []
    line, used = "", 0.0
    for ch in text:
        w = _units(ch)
        if used + w > cells + 1e-9:
            if ch in NO_LINE_START:  # hang the punctuation in the margin rather than start a line with it
                line += ch
                lines.append(line)
                line, used = "", 0.0
                continue
            carry = ""
            while line and line[-1] in NO_LINE_END:
                carry = line[-1] + carry
                line = line[:-1]
            lines.append(line)
            line, used = carry, sum(_units(c) for c in carry)
        line += ch
        used += w
    if line:
        lines.append(line)
    return lines


def _draw_grid_line(canv, text: str, x: float, baseline: float, font: str, size: float, pitch: float) -> None:
    for ch in text:
        w = _units(ch)
        if ch not in " \u3000":
            # centre each glyph in its cell, as a fixed-grid word processor does
            glyph = stringWidth(ch, font, size)
            canv.setFont(font, size)
            canv.drawString(x + (w * pitch - glyph) / 2, baseline, ch)
        x += w * pitch


def _baseline(line_index: int, size: float) -> float:
    """Baseline of grid line `line_index` (0 = top) within the frame, glyphs centred vertically."""
    centre = BODY_HEIGHT - (line_index + 0.5) * LINE_PITCH
    return centre - 0.36 * size


class GridText(Flowable):
    """A titled notice on the 22 × 28 grid; continues on following pages when long.

    `lines` are (kind, text): kind "title" (centred, 22 pt, title font), "heading" (hei font),
    "body" (fangsong), or "blank".
    """

    def __init__(self, lines: list[tuple[str, str]], fonts):
        super().__init__()
        self.lines = lines
        self.fonts = fonts

    @classmethod
    def notice(cls, title: str, paragraphs: list[str], fonts) -> GridText:
        lines: list[tuple[str, str]] = []
        for part in _title_lines(title, fonts.title):
            lines.append(("title", part))
        lines.append(("blank", ""))
        for paragraph in paragraphs:
            kind = "heading" if paragraph.startswith(("一、", "二、", "三、", "四、", "五、", "六、", "七、", "八、", "九、", "十、")) else "body"
            lines.extend((kind, line) for line in grid_lines(paragraph))
        return cls(lines, fonts)

    def wrap(self, avail_width, avail_height):
        rows = min(len(self.lines), LINES_PER_PAGE)
        return BODY_WIDTH, rows * LINE_PITCH - 0.01  # never a hair taller than the type area

    def split(self, avail_width, avail_height):
        fit = int((avail_height + 0.01) // LINE_PITCH)
        if fit >= len(self.lines) or fit <= 0:
            return []
        return [GridText(self.lines[:fit], self.fonts), GridText(self.lines[fit:], self.fonts)]

    def draw(self):
        canv = self.canv
        top = len(self.lines) * LINE_PITCH if len(self.lines) < LINES_PER_PAGE else BODY_HEIGHT
        offset = BODY_HEIGHT - top  # when drawn partially, the flowable's own origin is lower
        for i, (kind, text) in enumerate(self.lines[:LINES_PER_PAGE]):
            if kind == "blank":
                continue
            if kind == "title":
                width = stringWidth(text, self.fonts.title, TITLE_SIZE)
                canv.setFont(self.fonts.title, TITLE_SIZE)
                canv.drawString((BODY_WIDTH - width) / 2, _baseline(i, TITLE_SIZE) - offset, text)
            else:
                font = self.fonts.hei if kind == "heading" else self.fonts.fangsong
                _draw_grid_line(canv, text, 0, _baseline(i, BODY_SIZE) - offset, font, BODY_SIZE, CHAR_PITCH)


def _title_lines(title: str, font: str) -> list[str]:
    """Split a long title into lines that fit the type area (no more than 20 characters of 22 pt)."""
    parts, line = [], ""
    for ch in title:
        if stringWidth(line + ch, font, TITLE_SIZE) > BODY_WIDTH - 2 * CHAR_PITCH:
            parts.append(line)
            line = ""
        line += ch
    return parts + [line] if line else parts


class CoverPage(Flowable):
    """A cover: the title on grid lines 5–6, underlined fields from line 10, issuer and date at
    the foot of the type area."""

    def __init__(self, title: str, lines: list[tuple[str, str]], issuer: str, date: str, fonts):
        super().__init__()
        self.title, self.lines, self.issuer, self.date, self.fonts = title, lines, issuer, date, fonts

    def wrap(self, avail_width, avail_height):
        return BODY_WIDTH, BODY_HEIGHT - 0.01

    def draw(self):
        canv = self.canv
        size = 26.0  # 一号, larger than a notice title, as covers are
        row = 4
        for part in _title_lines(self.title, self.fonts.title):
            width = stringWidth(part, self.fonts.title, size)
            canv.setFont(self.fonts.title, size)
            canv.drawString((BODY_WIDTH - width) / 2, _baseline(row, size), part)
            row += 2 if size > 24 else 1
        label_width = max((stringWidth(label, self.fonts.fangsong, BODY_SIZE) for label, _ in self.lines), default=0)
        left = 3 * CHAR_PITCH
        row = max(row + 3, 10)
        for label, value in self.lines:
            base = _baseline(row, BODY_SIZE)
            canv.setFont(self.fonts.fangsong, BODY_SIZE)
            canv.drawString(left, base, label)
            x0 = left + label_width + CHAR_PITCH / 2
            x1 = BODY_WIDTH - 3 * CHAR_PITCH
            canv.setLineWidth(0.6)
            canv.line(x0, base - 3, x1, base - 3)
            if value:
                size = BODY_SIZE  # a long unit name shrinks to stay on its line
                while stringWidth(value, self.fonts.fangsong, size) > x1 - x0 and size > 9:
                    size -= 0.5
                width = stringWidth(value, self.fonts.fangsong, size)
                canv.setFont(self.fonts.fangsong, size)
                canv.drawString(x0 + max((x1 - x0 - width) / 2, 0), base, value)
            row += 2
        canv.setFont(self.fonts.fangsong, BODY_SIZE)
        for i, text in enumerate((self.issuer, self.date)):
            if text:
                width = stringWidth(text, self.fonts.fangsong, BODY_SIZE)
                canv.drawString((BODY_WIDTH - width) / 2, _baseline(LINES_PER_PAGE - 3 + i, BODY_SIZE), text)
