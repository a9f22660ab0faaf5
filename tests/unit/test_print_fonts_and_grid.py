"""Font discovery (official fonts first, bundled otherwise) and the GB/T 9704 grid."""

from __future__ import annotations

import shutil

from reportlab.lib.units import mm

from zkdesk.output import gbt9704
from zkdesk.output.fonts import discover_fonts, system_font_dirs
from zkdesk.paths import fonts_dir


def test_official_font_files_are_preferred_when_present(tmp_path):
    # a stand-in for C:\Windows\Fonts\simhei.ttf (any TrueType CJK font with that file name)
    shutil.copy(fonts_dir() / "zkdesk-hei.ttf", tmp_path / "SimHei.ttf")
    nested = tmp_path / "truetype" / "windows"
    nested.mkdir(parents=True)
    shutil.copy(fonts_dir() / "zkdesk-song.ttf", nested / "仿宋_GB2312.ttf")
    fonts = discover_fonts([tmp_path])
    assert fonts.choices["hei"].official and fonts.choices["hei"].path.name == "SimHei.ttf"
    assert fonts.choices["title"].official  # 方正小标宋 absent: SimHei stands in for the title
    assert fonts.choices["fangsong"].official and fonts.choices["fangsong"].path.parent == nested
    assert not fonts.choices["song"].official and fonts.choices["song"].path.name == "zkdesk-song.ttf"
    assert not fonts.choices["kai"].official and fonts.choices["kai"].path.name == "zkdesk-kai.ttf"


def test_unusable_font_files_fall_back_to_the_bundled_ones(tmp_path):
    (tmp_path / "simhei.ttf").write_bytes(b"not a font at all")
    fonts = discover_fonts([tmp_path])
    assert not fonts.choices["hei"].official and fonts.choices["hei"].path.name == "zkdesk-hei.ttf"


def test_font_dirs_can_be_overridden(monkeypatch, tmp_path):
    monkeypatch.setenv("ZKDESK_FONT_DIRS", str(tmp_path))
    assert system_font_dirs() == [tmp_path]
    monkeypatch.setenv("ZKDESK_FONT_DIRS", "")
    assert system_font_dirs() == []


def test_grid_geometry_is_gbt_9704():
    assert round(gbt9704.TOP_MARGIN / mm) == 37 and round(gbt9704.BINDING_MARGIN / mm) == 28
    assert (round(gbt9704.BODY_WIDTH / mm), round(gbt9704.BODY_HEIGHT / mm)) == (156, 225)
    assert gbt9704.LINES_PER_PAGE * gbt9704.LINE_PITCH == gbt9704.BODY_HEIGHT
    assert gbt9704.CHARS_PER_LINE * gbt9704.CHAR_PITCH == gbt9704.BODY_WIDTH
    assert (gbt9704.TITLE_SIZE, gbt9704.BODY_SIZE) == (22.0, 16.0)


def test_grid_lines_hold_28_characters_and_keep_punctuation_rules():
    text = "本表由推荐人选所在单位如实填写" * 5
    lines = gbt9704.grid_lines(text)
    assert lines[0].startswith("\u3000\u3000") and len(lines[0]) == 28
    assert all(len(line) == 28 for line in lines[:-1])
    assert "".join(lines).replace("\u3000", "") == text
    # a comma that would start a line hangs at the end of the previous one instead
    hanging = gbt9704.grid_lines("一" * 28 + "，二", indent=0)
    assert hanging[0].endswith("，") and not hanging[1].startswith("，")
    # an opening bracket never ends a line
    opening = gbt9704.grid_lines("一" * 27 + "（二）", indent=0)
    assert not opening[0].endswith("（") and opening[1].startswith("（")
    # ASCII takes half a cell
    assert len(gbt9704.grid_lines("A" * 56, indent=0)) == 1
