"""The pages of the main window, in navigation order.

Each entry names its page class as "module:Class"; the class is built with a UiContext.
A feature replaces its placeholder entry when its page exists.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass


@dataclass(frozen=True)
class PageSpec:
    key: str
    label: str
    target: str  # "module:Class"
    pending_note: str = ""  # for placeholders: what will be here


PAGES: list[PageSpec] = [
    PageSpec("indicators", "指标台账", "zkdesk.ui.pages.indicators:IndicatorsPage"),
    PageSpec("nominations", "劳模推荐", "zkdesk.ui.pages.nominations:NominationsPage"),
    PageSpec("studios", "三室一站", "zkdesk.ui.pages.studios:StudiosPage"),
    PageSpec("enterprises", "集体合同企业", "zkdesk.ui.pages.enterprises:EnterprisesPage"),
    PageSpec("print", "打印报表", "zkdesk.ui.pages.printing:PrintPage"),
    PageSpec("exchange", "数据交换", "zkdesk.ui.pages.exchange:ExchangePage"),
    PageSpec("admin", "系统管理", "zkdesk.ui.pages.admin:AdminPage"),
]


def load_page_class(spec: PageSpec):
    module_name, _, class_name = spec.target.partition(":")
    return getattr(importlib.import_module(module_name), class_name)
