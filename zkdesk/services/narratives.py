"""The narrative sections of an evaluation report (成效, 问题, 下一步), per plan and org unit."""

from __future__ import annotations

# (key, heading) in the order they are printed
SECTIONS = (("effects", "主要成效"), ("problems", "存在的问题"), ("next", "下一步工作"))
SECTION_KEYS = tuple(key for key, _ in SECTIONS)
HEADINGS = dict(SECTIONS)
PLACEHOLDER = "（此部分尚未填写，请补充后重新生成本报告。）"
