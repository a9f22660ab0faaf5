"""The pages not shown yet are imported while the window is idle (ui/warm_pages.py): one module
per step, a module after the program's modules it imports, nothing while work is running."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import QObject

from zkdesk.ui import ops
from zkdesk.ui.warm_pages import PageWarmer, top_imports


@pytest.fixture
def fake_pages(tmp_path, monkeypatch):
    """A package zkdesk.fakewarm with a page that imports a part, which imports a helper; each
    module notes when it was imported."""
    import zkdesk

    root = tmp_path / "zkdesk" / "fakewarm"
    root.mkdir(parents=True)
    # each notes its name, and whether the warmer imported it itself (else another module's import did)
    (root / "__init__.py").write_text(
        "import sys\nORDER = []\n"
        "def note(name):\n"
        "    frame, by = sys._getframe(2), 'another module'\n"
        "    while frame is not None:\n"
        "        if frame.f_code.co_name == '<module>' and 'fakewarm' in frame.f_code.co_filename and frame is not sys._getframe(1):\n"
        "            break\n"
        "        if frame.f_code.co_filename.endswith('warm_pages.py'):\n"
        "            by = 'warmer'\n"
        "            break\n"
        "        frame = frame.f_back\n"
        "    ORDER.append((name, by))\n", encoding="utf-8")
    (root / "helper.py").write_text("from zkdesk.fakewarm import note\nnote('helper')\n", encoding="utf-8")
    (root / "part.py").write_text("from zkdesk.fakewarm import note\nimport zkdesk.fakewarm.helper\nnote('part')\n",
                                  encoding="utf-8")
    (root / "page.py").write_text("from zkdesk.fakewarm import note\nfrom zkdesk.fakewarm.part import note as _n\n"
                                  "def later():\n    import zkdesk.fakewarm.unused\nnote('page')\n", encoding="utf-8")
    monkeypatch.setattr(zkdesk, "__path__", [*zkdesk.__path__, str(tmp_path / "zkdesk")])
    yield "zkdesk.fakewarm"
    for name in [n for n in sys.modules if n.startswith("zkdesk.fakewarm")]:
        del sys.modules[name]


def test_a_modules_top_imports_of_the_program_are_found_not_those_inside_functions(fake_pages):
    assert top_imports(f"{fake_pages}.page") == [fake_pages, f"{fake_pages}.part"]
    assert top_imports("zkdesk.ui.pages.printing")  # a real page imports the program's modules
    assert "zkdesk.ui.warm_pages" not in top_imports("zkdesk.ui.pages.printing")


def test_the_pages_are_imported_parts_first_and_not_while_work_runs(qtbot, fake_pages):
    owner = QObject()
    busy = object()
    ops.hold(busy)  # a refresh running: the warmer waits for it
    try:
        warmer = PageWarmer(owner, [f"{fake_pages}.page"], start_ms=0)
        qtbot.wait(400)
        assert f"{fake_pages}.page" not in sys.modules and not warmer.done
    finally:
        ops.release(busy)
    qtbot.waitUntil(lambda: warmer.done, timeout=5000)
    # one module per step, a module after its parts: each imported by the warmer itself
    assert sys.modules[fake_pages].ORDER == [("helper", "warmer"), ("part", "warmer"), ("page", "warmer")]
    assert f"{fake_pages}.unused" not in sys.modules
