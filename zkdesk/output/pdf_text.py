"""Text pieces shared by the PDF renderers: paragraph styles, the 表号 block, title lines,
and the heading and footer every printed form has."""

from __future__ import annotations

from functools import lru_cache
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle
from reportlab.lib import textsplit as _rl_textsplit
from reportlab.platypus import paragraph as _rl_paragraph

from zkdesk.output.fonts import FontSet
from zkdesk.output.formdef import FormDef

_ALIGN = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT}

# reportlab's CJK line breaking knows the Japanese characters that may not start a line but not
# the Chinese full-width ones; without these a line can begin with "，".
_CHINESE_CANNOT_START = "，；：？！…”’》〉｝％"
for _module in (_rl_paragraph, _rl_textsplit):
    if not set(_CHINESE_CANNOT_START) <= set(_module.ALL_CANNOT_START):
        _module.ALL_CANNOT_START = _module.ALL_CANNOT_START + _CHINESE_CANNOT_START


@lru_cache(maxsize=256)
def style(font: str, size: float, align: str = "left", leading: float | None = None, indent: float = 0.0,
          left: float = 0.0) -> ParagraphStyle:
    # wordWrap CJK: Chinese text breaks between any two characters, as it should
    return ParagraphStyle(
        f"{font}-{size}-{align}-{leading}-{indent}-{left}", fontName=font, fontSize=size, leading=leading or size * 1.25,
        alignment=_ALIGN[align], wordWrap="CJK", firstLineIndent=indent, leftIndent=left,
    )


class CellParagraph(Paragraph):
    """A paragraph inside a table cell: reportlab re-measures a long table many times, always at
    the same column width, so the line breaking is kept from the last call. The same object may
    stand in every cell of a column that holds the same text."""

    def wrap(self, avail_width, avail_height):
        if getattr(self, "_wrapped_at", None) != avail_width:
            self._wrapped_size = super().wrap(avail_width, avail_height)
            self._wrapped_at = avail_width
        return self._wrapped_size

    def split(self, avail_width, avail_height):
        self._wrapped_at = None
        return super().split(avail_width, avail_height)


def para(text: str, font: str, size: float, align: str = "left", leading: float | None = None, indent: float = 0.0,
         left: float = 0.0, cell: bool = False) -> Paragraph:
    markup = "<br/>".join(escape(line) for line in str(text).split("\n"))
    return (CellParagraph if cell else Paragraph)(markup, style(font, size, align, leading, indent, left))


def note_paras(notes: tuple[str, ...] | list[str], fonts: FontSet, size: float = 9.5) -> list[Flowable]:
    """Notes under a form with a hanging indent of three characters (under the "1." of "说明：1.");
    leading full-width spaces indent a note's first line (paragraph text loses them otherwise)."""
    out: list[Flowable] = []
    for note in notes:
        lead = len(note) - len(note.lstrip("\u3000"))
        out.append(para(note.lstrip("\u3000"), fonts.song, size, leading=size * 1.5, indent=(lead - 3) * size, left=3 * size))
    return out


def fits(text: str, font: str, size: float, width: float) -> bool:
    return "\n" not in text and stringWidth(text, font, size) <= width


def number_block(number: str, authority: str, fonts: FontSet, size: float = 10.5) -> Flowable | None:
    """表号 and 制表机关 at the top right."""
    rows = [[label, value] for label, value in (("表　　号：", number), ("制表机关：", authority)) if value]
    if not rows:
        return None
    value_width = max(stringWidth(v, fonts.song, size) for _, v in rows) + 2
    table = Table(rows, colWidths=[stringWidth("制表机关：", fonts.song, size) + 2, value_width], hAlign="RIGHT")
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), fonts.song, size),
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
    ]))
    return table


def title_block(title: str, subtitle: str, fonts: FontSet, size: float) -> list[Flowable]:
    out: list[Flowable] = [para(title, fonts.title, size, "center", leading=size * 1.35)]
    if subtitle:
        out += [Spacer(1, 1 * mm), para(subtitle, fonts.kai, size * 0.6, "center")]
    out.append(Spacer(1, 3 * mm))
    return out


def spread_line(texts: list[str], width: float, fonts: FontSet, size: float, aligns: list[str] | None = None,
                even: bool = False) -> Table | None:
    """Texts across the page width in one row. `even`: equal columns (the footer's 单位负责人,
    填表人 …); otherwise each text gets its own width plus an equal share of the rest, so a
    long unit name never wraps, and empty texts take no room."""
    if not any(texts):
        return None
    aligns = aligns or ["left"] * len(texts)
    pairs = [(t, a) for t, a in zip(texts, aligns) if t or even]
    if even:
        widths = [width / len(pairs)] * len(pairs)
    else:
        natural = [stringWidth(t, fonts.song, size) + size for t, _ in pairs]
        spare = width - sum(natural)
        widths = [w + spare / len(pairs) for w in natural] if spare >= 0 else [width * w / sum(natural) for w in natural]
    cells = [[para(t, fonts.song, size, a) for t, a in pairs]]
    table = Table(cells, colWidths=widths)
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), fonts.song, size),  # a table without one names Helvetica, unembedded
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
    ]))
    return table


def form_heading(form: FormDef, texts, width: float, fonts: FontSet) -> list[Flowable]:
    """Above a form's body: 表号 and 制表机关, the title and subtitle, and the line under them
    (填报单位 left, 年度 centred, date right)."""
    out: list[Flowable] = []
    block = number_block(form.number, form.authority, fonts)
    if block is not None:
        out.append(block)
    out += title_block(texts.title, texts.subtitle, fonts, form.title_size)
    above = spread_line([texts.left, texts.center, texts.right], width, fonts, 10.5, ["left", "center", "right"])
    if above is not None:
        out += [above, Spacer(1, 1.5 * mm)]
    return out


def form_footer(texts, width: float, fonts: FontSet) -> list[Flowable]:
    """Below a form's body: the signature line (单位负责人, 填表人 …) and the numbered notes."""
    out: list[Flowable] = []
    below = spread_line(list(texts.footer), width, fonts, 10.5, even=True)
    if below is not None:
        out += [Spacer(1, 3 * mm), below]
    if texts.notes:
        out.append(Spacer(1, 2 * mm))
        out += note_paras(texts.notes, fonts)
    return out
