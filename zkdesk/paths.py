"""Where the shipped data (resources/, forms/) lives, in a checkout, a wheel or a bundle."""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def _first_existing(name: str) -> Path:
    candidates = []
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        candidates.append(Path(bundle) / name)
    candidates.append(_PACKAGE_DIR.parent / name)  # source checkout / editable install
    candidates.append(_PACKAGE_DIR / name)  # wheel install maps the folder into the package
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"找不到程序数据目录 {name}（安装不完整？）")


@cache
def resources_dir() -> Path:
    return _first_existing("resources")


@cache
def forms_dir() -> Path:
    return _first_existing("forms")


def plans_dir() -> Path:
    return resources_dir() / "plans"


def fonts_dir() -> Path:
    return resources_dir() / "fonts"
