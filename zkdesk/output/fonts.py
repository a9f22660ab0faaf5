"""Fonts for the PDFs: the official fonts when this machine has them, else the bundled ones.

Roles: title (方正小标宋 / SimHei), hei (SimHei), song (SimSun), fangsong (仿宋_GB2312 /
FangSong) and kai (楷体_GB2312 / KaiTi). Each role takes the first candidate file found in the
usual Windows / Linux (统信UOS, 麒麟) / macOS font folders that reportlab can load and that has
Chinese glyphs; otherwise the bundled TrueType subset. reportlab always embeds TrueType fonts as
subsets (/FontFile2), so a PDF prints the same on any machine.
ZKDESK_FONT_DIRS (folders separated by os.pathsep) replaces the system folders; set it empty
to use only the bundled fonts.
"""

from __future__ import annotations

import os
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from zkdesk.paths import fonts_dir

# (file name, face index in a .ttc); names compared case-insensitively.
CANDIDATES: dict[str, tuple[tuple[str, int], ...]] = {
    "title": (("方正小标宋简体.ttf", 0), ("方正小标宋_gbk.ttf", 0), ("fzxbsjw.ttf", 0), ("fzxbsk.ttf", 0),
              ("fzxbsjw--gb1-0.ttf", 0), ("fzxiaobiaosong-b05s.ttf", 0), ("simhei.ttf", 0), ("黑体.ttf", 0)),
    "hei": (("simhei.ttf", 0), ("黑体.ttf", 0)),
    "song": (("simsun.ttc", 0), ("simsun.ttf", 0), ("宋体.ttf", 0)),
    "fangsong": (("仿宋_gb2312.ttf", 0), ("fs_gb2312.ttf", 0), ("simfang.ttf", 0), ("仿宋.ttf", 0), ("fangsong.ttf", 0)),
    "kai": (("楷体_gb2312.ttf", 0), ("kaiti_gb2312.ttf", 0), ("simkai.ttf", 0), ("楷体.ttf", 0)),
}
BUNDLED = {"title": "zkdesk-hei.ttf", "hei": "zkdesk-hei.ttf", "song": "zkdesk-song.ttf",
           "fangsong": "zkdesk-song.ttf", "kai": "zkdesk-kai.ttf"}
ROLES = tuple(CANDIDATES)


@dataclass(frozen=True)
class FontChoice:
    role: str
    name: str  # the name registered with reportlab
    path: Path
    official: bool  # False: the bundled fallback


@dataclass(frozen=True)
class FontSet:
    choices: dict[str, FontChoice]

    def __getattr__(self, role: str) -> str:
        try:
            return self.choices[role].name
        except KeyError:
            raise AttributeError(role) from None


def system_font_dirs() -> list[Path]:
    override = os.environ.get("ZKDESK_FONT_DIRS")
    if override is not None:
        return [Path(p) for p in override.split(os.pathsep) if p]
    home = Path.home()
    if sys.platform == "win32":
        windir = Path(os.environ.get("WINDIR", r"C:\Windows"))
        local = Path(os.environ.get("LOCALAPPDATA", home / "AppData" / "Local"))
        return [windir / "Fonts", local / "Microsoft" / "Windows" / "Fonts"]
    if sys.platform == "darwin":
        return [home / "Library" / "Fonts", Path("/Library/Fonts"), Path("/System/Library/Fonts/Supplemental")]
    return [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), home / ".local" / "share" / "fonts", home / ".fonts"]


def _index_files(dirs: list[Path]) -> dict[str, Path]:
    """lower-case file name -> first path found, searching each folder recursively."""
    found: dict[str, Path] = {}
    for folder in dirs:
        if not folder.is_dir():
            continue
        for root, _dirs, files in os.walk(folder):
            for name in files:
                if name.lower().endswith((".ttf", ".ttc")):
                    found.setdefault(name.lower(), Path(root) / name)
    return found


_registered: dict[tuple[str, int], str] = {}
_lock = threading.Lock()


def _register(path: Path, index: int) -> str | None:
    """Register a font file once; None when reportlab cannot use it (CFF outlines, no CJK)."""
    key = (str(path), index)
    if key in _registered:
        return _registered[key]
    name = f"zk{len(_registered) + 1}-{path.stem}"
    try:
        font = TTFont(name, str(path), subfontIndex=index)
    except (TTFError, OSError, ValueError, KeyError):
        return None
    if ord("中") not in font.face.charToGlyph:
        return None
    pdfmetrics.registerFont(font)
    _registered[key] = name
    return name


def discover_fonts(dirs: list[Path]) -> FontSet:
    files = _index_files(dirs)
    choices = {}
    for role in ROLES:
        choice = None
        for file_name, index in CANDIDATES[role]:
            path = files.get(file_name.lower())
            if path is not None:
                name = _register(path, index)
                if name:
                    choice = FontChoice(role, name, path, official=True)
                    break
        if choice is None:
            path = fonts_dir() / BUNDLED[role]
            name = _register(path, 0)
            if name is None:
                raise RuntimeError(f"内置字体 {path.name} 无法使用（安装不完整？）")
            choice = FontChoice(role, name, path, official=False)
        choices[role] = choice
    return FontSet(choices)


_cached: FontSet | None = None


def font_set() -> FontSet:
    """The fonts of this machine, discovered and registered once per process."""
    global _cached
    with _lock:
        if _cached is None:
            _cached = discover_fonts(system_font_dirs())
        return _cached
