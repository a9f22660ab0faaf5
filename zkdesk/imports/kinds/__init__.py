"""The kinds of Excel import, one small module each. Names are the CLI's (docs/architecture.md)."""

from __future__ import annotations

import importlib

from zkdesk.imports.spec import KindSpec
from zkdesk.services.errors import UserError

KIND_MODULES = {
    "enterprises": "zkdesk.imports.kinds.enterprises",
    "enterprise-years": "zkdesk.imports.kinds.enterprise_years",
    "unions": "zkdesk.imports.kinds.unions",
    "contracts": "zkdesk.imports.kinds.contracts",
    "nominations": "zkdesk.imports.kinds.nominations",
    "studios": "zkdesk.imports.kinds.studios",
    "studio-results": "zkdesk.imports.kinds.studio_results",
    "indicator-values": "zkdesk.imports.kinds.indicator_values",
}


def kind_names() -> list[str]:
    return list(KIND_MODULES)


def get_kind(name: str) -> KindSpec:
    module = KIND_MODULES.get(name)
    if module is None:
        raise UserError(f"未知的导入类型“{name}”，可选：{'、'.join(KIND_MODULES)}")
    return importlib.import_module(module).KIND


def all_kinds() -> list[KindSpec]:
    return [get_kind(name) for name in KIND_MODULES]
