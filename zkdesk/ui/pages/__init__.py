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
    PageSpec("indicators", "指标台账", "zkdesk.ui.pages.placeholder:PlaceholderPage",
             "按乡镇、年度录入规划指标数值，汇总全县并对照目标查看进度。"),
    PageSpec("nominations", "劳模推荐", "zkdesk.ui.pages.placeholder:PlaceholderPage",
             "劳动模范推荐人选登记、资格校验与审核流程。"),
    PageSpec("studios", "三室一站", "zkdesk.ui.pages.placeholder:PlaceholderPage",
             "劳模、工匠、职工创新工作室和职工技师工作站的登记与年度成果。"),
    PageSpec("enterprises", "集体合同企业", "zkdesk.ui.pages.placeholder:PlaceholderPage",
             "企业、工会、职代会与厂务公开、集体合同及质效评估。"),
    PageSpec("print", "打印报表", "zkdesk.ui.pages.printing:PrintPage"),
    PageSpec("exchange", "数据交换", "zkdesk.ui.pages.placeholder:PlaceholderPage",
             "乡镇与县总工会之间用U盘传递加密签名的数据包。"),
    PageSpec("admin", "系统管理", "zkdesk.ui.pages.admin:AdminPage"),
]


def load_page_class(spec: PageSpec):
    module_name, _, class_name = spec.target.partition(":")
    return getattr(importlib.import_module(module_name), class_name)
