#!/usr/bin/env python3
"""Build the bundled CJK font subsets in resources/fonts/.

Produces three plain TrueType (glyf) fonts that reportlab can embed in PDFs
and Qt can load with QFontDatabase.addApplicationFont():

    zkdesk-hei.ttf   "ZKDesk Hei"   <- WenQuanYi Micro Hei   (wqy-microhei.ttc)
    zkdesk-song.ttf  "ZKDesk Song"  <- AR PL UMing CN        (uming.ttc)
    zkdesk-kai.ttf   "ZKDesk Kai"   <- AR PL UKai CN         (ukai.ttc)

The source fonts come from the Debian packages fonts-wqy-microhei,
fonts-arphic-uming and fonts-arphic-ukai:

    sudo apt-get install fonts-wqy-microhei fonts-arphic-uming fonts-arphic-ukai
    pip install fonttools
    python tools/build_font_subsets.py

Character set: all of GB2312, ASCII, Latin-1, full-width forms, CJK
punctuation, common general punctuation / symbols, and a list of extra
characters (ethnic-group names, rare given-name characters) used by zkdesk.
Characters missing from a source font are reported and skipped.

The fonts are renamed so they never collide with an installed system font,
and a modification notice is written into the name table (required by the
Arphic Public License section 2a and Apache-2.0 section 4b).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import sys
from pathlib import Path

from fontTools import subset
from fontTools.pens.boundsPen import BoundsPen
from fontTools.ttLib import TTCollection, TTFont
from fontTools.ttLib.tables._g_l_y_f import Glyph, GlyphComponent

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT_DIR = REPO_ROOT / "resources" / "fonts"

DEFAULT_WQY = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
DEFAULT_UMING = "/usr/share/fonts/truetype/arphic/uming.ttc"
DEFAULT_UKAI = "/usr/share/fonts/truetype/arphic/ukai.ttc"

# Extra characters: ethnic-group names, places and rare name characters.
EXTRA_CHARS = (
    "佤傈僳崩德昂佧仡佬畲珞巴毛南鄂哈尼锡伯裕固塔吉克孜乌兹别俄罗斯温保安撒拉"
    "怒独龙门基诺黎僜拉祜纳西景颇阿昌普米傣彝苗瑶壮侗布依水土家羌白朝鲜蒙"
    "藏维吾尔柯尔克孜达斡尔鄂伦春赫哲裕固京高山"
    "堃喆昇珺玥頔淼犇镕垚鑫燚芃翀婧彧钰旸晔菡璟琤骞"
)

# Individual symbols commonly used in Chinese documents and forms.
EXTRA_SYMBOLS = (
    "—–―‐‑‒…‥‘’‚“”„·•‧※№℃℉°′″‰‱§¶†‡"
    "√×÷±≤≥≠≈∞∑∏∫∵∴∈∉⊙○●◎◇◆□■△▲▽▼☆★☐☑☒✓✔✕✖✗✘→←↑↓↔⇒⇐"
    "￥¥€£¢$＄％％"
    "ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩⅪⅫⅰⅱⅲⅳⅴⅵⅶⅷⅸⅹ"
)

UNICODE_RANGES = [
    (0x0020, 0x007E),  # ASCII printable
    (0x00A0, 0x00FF),  # Latin-1 supplement
    (0x2010, 0x2027),  # general punctuation: dashes, quotes, ellipsis
    (0x2030, 0x203B),  # per-mille, primes, reference mark
    (0x2100, 0x2122),  # letterlike: ℃ № ℡ ™ ...
    (0x2160, 0x217F),  # Roman numerals
    (0x2190, 0x2199),  # arrows
    (0x2460, 0x249B),  # ①-⑳, ⑴-⒇, ⒈-⒛
    (0x2500, 0x257F),  # box drawing
    (0x25A0, 0x25FF),  # geometric shapes
    (0x2605, 0x2606),  # ★ ☆
    (0x2610, 0x2612),  # ☐ ☑ ☒
    (0x2713, 0x2718),  # ✓ ✔ ✕ ✖ ✗ ✘
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0x3220, 0x3229),  # ㈠-㈩
    (0x3231, 0x3231),  # ㈱
    (0xFE30, 0xFE4F),  # CJK compatibility forms (vertical punctuation)
    (0xFF01, 0xFF5E),  # full-width ASCII
    (0xFFE0, 0xFFE6),  # full-width signs ￠￡￢￣￤￥￦
]


# WenQuanYi Micro Hei 0.2.0-beta ships *empty* outlines for a few GB2312
# characters (pinyin letters with caron, the Celsius sign, Roman numerals
# V and X).  When the source glyph is empty we rebuild it as a composite of
# glyphs that exist in the same font.  Spec: ("stack", base, mark[, mark2])
# puts marks centred above the base; ("row", a, b, ...) lays the parts out
# side by side, centred in the original advance width.
REPAIRS = {
    "\u01ce": ("stack", "a", "\u02c7"),        # ǎ
    "\u01d0": ("stack", "\u0131", "\u02c7"),  # ǐ
    "\u01d2": ("stack", "o", "\u02c7"),        # ǒ
    "\u01d4": ("stack", "u", "\u02c7"),        # ǔ
    "\u01d8": ("stack", "\u00fc", "\u00b4"),  # ǘ
    "\u01da": ("stack", "\u00fc", "\u02c7"),  # ǚ
    "\u01dc": ("stack", "\u00fc", "`"),        # ǜ
    "\u2103": ("row", "\u00b0", "C"),          # ℃
    "\u2109": ("row", "\u00b0", "F"),          # ℉
    "\u2164": ("row", "V"),                     # Ⅴ
    "\u2169": ("row", "X"),                     # Ⅹ
    "\u223c": ("row", "~"),                     # ∼
}
STACK_GAP = 90    # font units between base top and mark bottom (2048 upm)
ROW_GAP = 60      # font units between side-by-side parts


def _bounds(font: TTFont, glyph_name: str):
    gs = font.getGlyphSet()
    pen = BoundsPen(gs)
    gs[glyph_name].draw(pen)
    return pen.bounds


def repair_empty_glyphs(font: TTFont) -> list[str]:
    """Replace empty outlines listed in REPAIRS by composites; return fixed chars."""
    cmap = font.getBestCmap()
    glyf, hmtx = font["glyf"], font["hmtx"]
    scale = font["head"].unitsPerEm / 2048
    fixed = []
    for ch, (mode, *parts) in REPAIRS.items():
        target = cmap.get(ord(ch))
        if target is None or _bounds(font, target) is not None:
            continue  # absent or already has an outline
        names = [cmap.get(ord(p)) for p in parts]
        boxes = [_bounds(font, n) if n else None for n in names]
        if any(b is None for b in boxes):
            continue
        advance = hmtx[target][0]
        offsets = []
        if mode == "stack":
            bx0, _, bx1, btop = boxes[0]
            centre = (bx0 + bx1) / 2
            offsets.append((0, 0))
            top = btop
            for (mx0, my0, mx1, my1) in boxes[1:]:
                dy = max(0, top + STACK_GAP * scale - my0)
                offsets.append((centre - (mx0 + mx1) / 2, dy))
                top = my1 + dy
        else:  # row
            widths = [b[2] - b[0] for b in boxes]
            total = sum(widths) + ROW_GAP * scale * (len(boxes) - 1)
            x = (advance - total) / 2
            for b, w in zip(boxes, widths):
                offsets.append((x - b[0], 0))
                x += w + ROW_GAP * scale
        glyph = Glyph()
        glyph.numberOfContours = -1
        glyph.components = []
        for n, (dx, dy) in zip(names, offsets):
            comp = GlyphComponent()
            comp.glyphName = n
            comp.x, comp.y = round(dx), round(dy)
            comp.flags = 0x4  # ROUND_XY_TO_GRID
            glyph.components.append(comp)
        glyf[target] = glyph
        glyph.recalcBounds(glyf)
        hmtx[target] = (advance, glyph.xMin)
        fixed.append(ch)
    return fixed


def gb2312_chars() -> set[int]:
    """Every character encodable in GB2312 (rows 0xA1-0xF7, cells 0xA1-0xFE)."""
    out: set[int] = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                ch = bytes((hi, lo)).decode("gb2312")
            except UnicodeDecodeError:
                continue
            out.update(ord(c) for c in ch)
    return out


def wanted_codepoints() -> set[int]:
    cps = gb2312_chars()
    for lo, hi in UNICODE_RANGES:
        cps.update(range(lo, hi + 1))
    cps.update(ord(c) for c in EXTRA_CHARS + EXTRA_SYMBOLS)
    return cps


def load_face(path: str, want_family: str | None, index: int | None) -> TTFont:
    """Load one face from a .ttc (by family name or index) or a plain .ttf."""
    if path.lower().endswith((".ttc", ".otc")):
        coll = TTCollection(path, lazy=True)
        names = [f["name"].getDebugName(1) for f in coll.fonts]
        coll.close()
        if want_family is not None:
            if want_family not in names:
                raise SystemExit(f"{path}: no face named {want_family!r} (has {names})")
            index = names.index(want_family)
        return TTFont(path, fontNumber=index or 0, lazy=False)
    return TTFont(path, lazy=False)


def rename(font: TTFont, family: str, ps_name: str, source_desc: str,
           date: str, repaired: list[str]) -> None:
    name = font["name"]
    source_version = (name.getDebugName(5) or "").strip()
    # Drop every record that carries a family/style/full/PS name so that no
    # original (possibly localized) name survives, plus old description.
    for nid in (1, 2, 3, 4, 6, 10, 16, 17, 18, 21, 22):
        name.removeNames(nameID=nid)
    notice = (
        f"Modified {date} by the zkdesk project (tools/build_font_subsets.py): "
        f"subset of {source_desc} ({source_version}) reduced to GB2312 plus "
        f"punctuation/symbols and a few extra characters, embedded bitmaps "
        f"and glyph names removed, renamed to \"{family}\"."
    )
    if repaired:
        notice += (" Empty source outlines rebuilt as composites: "
                   + "".join(repaired) + ".")
    records = {
        1: family,
        2: "Regular",
        3: f"{ps_name};{source_version};zkdesk-subset-{date}",
        4: family,
        5: f"{source_version}; zkdesk subset {date}",
        6: ps_name,
        10: notice,
        16: family,
        17: "Regular",
    }
    for nid, text in records.items():
        name.removeNames(nameID=nid)
        # Windows Unicode BMP, en-US.
        name.setName(text, nid, 3, 1, 0x409)
    # Also embed the notice in the copyright string so it is prominent.
    for rec in name.names:
        if rec.nameID == 0:
            rec.string = rec.toUnicode().rstrip() + "\n" + notice

    # Present a single "Regular" face (UMing is "Light"/300 upstream).
    os2 = font["OS/2"]
    os2.usWeightClass = 400
    os2.fsSelection = (os2.fsSelection & ~0b1100001) | 0b1000000  # REGULAR
    font["head"].macStyle = 0
    if "CFF " in font or "CFF2" in font or "glyf" not in font:
        raise SystemExit(f"{family}: output is not plain TrueType (glyf)")


def build(src: str, family_in_ttc: str | None, out: Path, family: str,
          ps_name: str, source_desc: str, date: str,
          codepoints: set[int]) -> None:
    font = load_face(src, family_in_ttc, 0)
    repaired = repair_empty_glyphs(font)
    cmap = font.getBestCmap()
    available = sorted(c for c in codepoints if c in cmap)
    missing = sorted(c for c in codepoints if c not in cmap)
    # Only report missing characters that we explicitly care about (GB2312
    # hanzi and the extra list); gaps in the broad symbol ranges are normal.
    important = gb2312_chars() | {ord(c) for c in EXTRA_CHARS}
    missing_important = [c for c in missing if c in important]

    opts = subset.Options()
    opts.name_IDs = ["*"]          # keep copyright/license/URL records
    opts.name_languages = [0x409]  # drop localized (zh) names: no collisions
    opts.name_legacy = False       # drop Mac-platform name records
    opts.notdef_outline = True
    opts.glyph_names = False
    opts.hinting = True            # keep fpgm/prep/cvt/instructions
    opts.drop_tables += ["BDF", "EBDT", "EBLC", "EBSC", "FFTM", "VORG"]
    opts.layout_features = ["*"]   # fonts have few features; keep them all
    sub = subset.Subsetter(options=opts)
    sub.populate(unicodes=available)
    sub.subset(font)

    rename(font, family, ps_name, source_desc, date, repaired)
    out.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(out))
    size = out.stat().st_size
    print(f"{out.name}: {family!r} from {source_desc}: {len(available)} chars, "
          f"{font['maxp'].numGlyphs} glyphs, {size / 1048576:.2f} MiB")
    if repaired:
        print("  rebuilt empty source glyphs: " + "".join(repaired))
    if missing_important:
        print("  missing in source: "
              + "".join(chr(c) for c in missing_important[:200])
              + (" ..." if len(missing_important) > 200 else ""))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--wqy", default=DEFAULT_WQY,
                    help=f"WenQuanYi Micro Hei .ttc/.ttf (default {DEFAULT_WQY})")
    ap.add_argument("--uming", default=DEFAULT_UMING,
                    help=f"AR PL UMing .ttc (default {DEFAULT_UMING})")
    ap.add_argument("--ukai", default=DEFAULT_UKAI,
                    help=f"AR PL UKai .ttc (default {DEFAULT_UKAI})")
    ap.add_argument("--out-dir", default=str(DEFAULT_OUT_DIR),
                    help="output directory (default resources/fonts)")
    ap.add_argument("--date", default=_dt.date.today().isoformat(),
                    help="date written into the modification notice")
    ap.add_argument("--only", choices=["hei", "song", "kai"], action="append",
                    help="build only these fonts (repeatable)")
    args = ap.parse_args(argv)

    out_dir = Path(args.out_dir)
    cps = wanted_codepoints()
    jobs = {
        "hei": (args.wqy, "WenQuanYi Micro Hei", "zkdesk-hei.ttf",
                "ZKDesk Hei", "ZKDeskHei-Regular", "WenQuanYi Micro Hei"),
        "song": (args.uming, "AR PL UMing CN", "zkdesk-song.ttf",
                 "ZKDesk Song", "ZKDeskSong-Regular", "AR PL UMing CN"),
        "kai": (args.ukai, "AR PL UKai CN", "zkdesk-kai.ttf",
                "ZKDesk Kai", "ZKDeskKai-Regular", "AR PL UKai CN"),
    }
    for key in args.only or list(jobs):
        src, face, fname, family, ps, desc = jobs[key]
        if not Path(src).is_file():
            print(f"error: source font not found: {src}", file=sys.stderr)
            return 1
        build(src, face, out_dir / fname, family, ps, desc, args.date, cps)
    return 0


if __name__ == "__main__":
    sys.exit(main())
