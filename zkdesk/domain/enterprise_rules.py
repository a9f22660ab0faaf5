"""Rules of an enterprise's own fields (企业名册), shared by the register's form and the
Excel import. Pure: plain values in, (field, Chinese message) problems out.

The 统一社会信用代码's check character is domain/uscc.py's (a failure only warns); a
duplicate code in the county is the service's warning (services/enterprises.py).
"""

from __future__ import annotations

from zkdesk.domain.choices import OWNERSHIP_TYPES
from zkdesk.domain.uscc import normalize_uscc, uscc_form_problem

NAME_LIMIT = 200
# (field, label, longest length): what the register's columns hold
TEXT_LIMITS = (("industry", "所属行业", 50), ("address", "地址", 200), ("contact_person", "联系人", 50),
               ("contact_phone", "联系电话", 30))


def field_problems(name: str, ownership: str, uscc: str = "", industry: str = "", address: str = "",
                   contact_person: str = "", contact_phone: str = "") -> list[tuple[str, str]]:
    """Every problem with an enterprise's fields, in form order; empty when they are fine."""
    problems = []
    name = name.strip()
    if not name:
        problems.append(("name", "请填写企业名称"))
    elif len(name) > NAME_LIMIT:
        problems.append(("name", f"企业名称过长（最多{NAME_LIMIT}字）"))
    if ownership not in OWNERSHIP_TYPES:
        problems.append(("ownership", f"所有制类型“{ownership}”不在可选范围内：{'、'.join(OWNERSHIP_TYPES)}"))
    code = normalize_uscc(uscc)
    if len(code) > 18:
        problems.append(("uscc", f"统一社会信用代码应为18位，现为{len(code)}位"))
    elif problem := uscc_form_problem(code):  # not a code at all; a wrong check character only warns
        problems.append(("uscc", problem))
    values = (industry, address, contact_person, contact_phone)
    for (field, label, limit), value in zip(TEXT_LIMITS, values):
        if len(value) > limit and len(value.strip()) > limit:
            problems.append((field, f"{label}过长（最多{limit}字）"))
    return problems
