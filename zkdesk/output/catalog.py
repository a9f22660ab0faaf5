"""The printable forms: the shipped forms/ folder plus the office's own forms folder.

A county adds a form by putting a .toml file into `<data directory>/forms/`; a file there with
the same name as a shipped one replaces it. A malformed file does not hide the others: it is
listed under `problems` with the Chinese message naming the file and the key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from zkdesk.output.formdef import FormDef
from zkdesk.output.formload import FormError, parse_form
from zkdesk.paths import forms_dir
from zkdesk.services.errors import NotFound

USER_FORMS_FOLDER = "forms"


def user_forms_dir(home_root: Path) -> Path:
    return Path(home_root) / USER_FORMS_FOLDER


@dataclass
class FormCatalog:
    forms: dict[str, FormDef] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def ordered(self) -> list[FormDef]:
        return sorted(self.forms.values(), key=lambda f: (f.order, f.key))

    def get(self, key: str) -> FormDef:
        form = self.forms.get(key)
        if form is None:
            bad = [p for p in self.problems if f" {key}.toml " in p]
            if bad:
                raise FormError(bad[0])
            known = "、".join(f.key for f in self.ordered())
            raise NotFound(f"没有名为“{key}”的报表（可用：{known}；用 zkdesk forms 查看）")
        return form


def load_catalog(extra_dirs: list[Path] | tuple[Path, ...] = ()) -> FormCatalog:
    """Every form in the shipped folder, then in `extra_dirs` (later folders win)."""
    catalog = FormCatalog()
    for folder in (forms_dir(), *extra_dirs):
        folder = Path(folder)
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.toml")):
            try:
                form = parse_form(path)
            except FormError as exc:
                catalog.forms.pop(path.stem, None)
                catalog.problems.append(str(exc))
                continue
            catalog.forms[form.key] = form
    return catalog
