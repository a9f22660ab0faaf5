"""docs/architecture.md's layers: nothing below ui/ imports Qt, and domain/store never reach up."""

import ast
from pathlib import Path

import zkdesk

PACKAGE = Path(zkdesk.__file__).resolve().parent
QT_ALLOWED = {"ui", "app.py", "selftest.py"}
LOWER = {"domain": {"domain"}, "store": {"domain", "store"}, "services": {"domain", "store", "services"}}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def _modules():
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE)
        yield rel, _imports(path)


def test_qt_only_in_ui_layer():
    offenders = [
        str(rel) for rel, names in _modules()
        if rel.parts[0] not in QT_ALLOWED and any(n.split(".")[0] in ("PySide6", "shiboken6") for n in names)
    ]
    assert offenders == []


def test_lower_layers_never_import_upper_ones():
    offenders = []
    for rel, names in _modules():
        layer = rel.parts[0]
        if layer not in LOWER:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == "zkdesk" and len(parts) > 1 and parts[1] not in LOWER[layer] and parts[1] not in ("paths", "config", "__init__"):
                offenders.append(f"{rel} imports {name}")
    assert offenders == []


def test_the_check_itself_sees_imports(tmp_path):
    sample = tmp_path / "x.py"
    sample.write_text("from PySide6.QtWidgets import QWidget\nimport zkdesk.ui.bus\n")
    assert _imports(sample) == {"PySide6.QtWidgets", "zkdesk.ui.bus"}
