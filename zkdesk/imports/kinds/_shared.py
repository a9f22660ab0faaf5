"""Lookups several kinds share: enterprises by USCC or by name, township names for export."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from zkdesk.imports import cells
from zkdesk.imports.cells import nfkc
from zkdesk.imports.spec import Column, Lookups, RowError
from zkdesk.store.models import Enterprise, OrgUnit


def name_key(name: str) -> str:
    if not name:
        return ""
    if not name.isascii():  # ASCII text (a credit code) is its own NFKC form
        name = nfkc(name)
    return "".join(name.split()).upper()


def load_enterprises(session: Session, lookups: Lookups) -> None:
    """extra["enterprise_by_uscc"] and extra["enterprises_by_name"]: (id, township, name);
    loaded once for all the parts of a roster that read them (lookups.shared)."""
    if "enterprises" not in lookups.shared:
        lookups.shared["enterprises"] = _enterprise_lookups(session, lookups)
    lookups.extra["enterprise_by_uscc"], lookups.extra["enterprises_by_name"] = lookups.shared["enterprises"]


def _enterprise_lookups(session: Session, lookups: Lookups) -> tuple[dict, dict]:
    by_uscc: dict[str, tuple[str, str, str]] = {}
    by_name: dict[str, list[tuple[str, str, str]]] = {}
    rows = session.execute(
        select(Enterprise.id, Enterprise.uscc, Enterprise.township_code, Enterprise.name).where(Enterprise.deleted.is_(False))
    )
    for ent_id, uscc, township, name in rows:
        entry = (ent_id, township, name)
        if uscc:
            by_uscc[name_key(uscc)] = entry
        by_name.setdefault(name_key(name), []).append(entry)
    if lookups.pending:  # the roster's own enterprises, as the import leaves them
        changed = {ent_id for ent_id, _attrs in lookups.pending}
        by_name = {key: [e for e in found if e[0] not in changed] for key, found in by_name.items()}
        for ent_id, attrs in lookups.pending:
            entry = (ent_id, attrs["township_code"], attrs["name"])
            if attrs.get("uscc"):
                by_uscc[name_key(attrs["uscc"])] = entry
            by_name.setdefault(name_key(attrs["name"]), []).append(entry)
    return by_uscc, by_name


def township_names(session: Session) -> dict[str, str]:
    """code -> short name (南伞镇): exports write names, which imports read back."""
    return dict(session.execute(select(OrgUnit.code, OrgUnit.short_name)).all())


# The columns naming the enterprise a row of an enterprise's register belongs to (its year
# figures, its union): by code, else by name.
ENTERPRISE_LINK = (
    Column("enterprise_uscc", "统一社会信用代码", cells.uscc, stored=False, width=22,
           synonyms=("企业统一社会信用代码", "信用代码", "社会信用代码", "统一代码"),
           note="企业须已在企业名册中（或在同一文件的企业名册中）", example="91530924MA6K8T2C1N"),
    Column("enterprise_name", "企业名称", cells.text, stored=False, width=30,
           synonyms=("单位名称", "企业（单位）名称", "企业全称", "企业名"),
           note="未填信用代码时，按名称在企业名册中查找（须唯一）", example="镇康县南伞示例茶业有限公司"),
)


def enterprise_of(values: dict, lookups: Lookups, optional: bool = False) -> tuple[str, str, str] | None:
    """The enterprise the row names (id, township, name) by its code, else its name (which
    must be unique); RowError when it is not in the register. `optional`: a row naming
    none gives None (a regional contract), else it is refused."""
    code = values.get("enterprise_uscc")
    if code:
        by_uscc = lookups.extra["enterprise_by_uscc"]
        # a code as cells.uscc gives it (ASCII, upper case, no spaces) is its own key
        found = (code.isascii() and by_uscc.get(code)) or by_uscc.get(name_key(code))
        if found is None:
            raise RowError("enterprise_uscc", f"企业名册中没有统一社会信用代码为{code}的企业，请先导入该企业")
        return found
    name = values.get("enterprise_name")
    if name:
        found = lookups.extra["enterprises_by_name"].get(name_key(name), [])
        if len(found) == 1:
            return found[0]
        if found:
            raise RowError("enterprise_name", f"企业名册中有{len(found)}家“{name}”，请填写统一社会信用代码区分")
        if not optional:
            raise RowError("enterprise_name", f"企业名册中没有“{name}”，请先导入该企业或填写统一社会信用代码")
    elif not optional:
        raise RowError("enterprise_uscc", "请填写企业的统一社会信用代码或企业名称")
    return None
