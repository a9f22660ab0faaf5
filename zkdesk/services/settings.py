"""This office's settings, declared as data: key, type, default, Chinese label, limits.

Stored as text in the `setting` table. `value(session, key)` gives the typed value (the default
when unset or unreadable), `change(session, actor, key, value)` checks, stores and audits a
user's change. Internal keys (which office this is, the exchange keys) are stored with
`get_raw`/`put_raw` and are not offered on any screen.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from zkdesk.domain.roles import Permission
from zkdesk.services.errors import UserError
from zkdesk.store.models import Setting


@dataclass(frozen=True)
class SettingSpec:
    key: str
    kind: str  # int | bool | text | dates
    default: Any
    label: str  # shown on screen and in the audit trail
    minimum: int | None = None
    maximum: int | None = None
    help: str = ""
    permission: Permission = Permission.MANAGE_USERS  # who may change it


def _this_year() -> int:
    return date.today().year


SPECS: dict[str, SettingSpec] = {
    spec.key: spec
    for spec in (
        SettingSpec("idle_lock_seconds", "int", 15 * 60, "空闲锁定时间（秒）", 0, 24 * 60 * 60,
                    "多长时间无操作后锁定窗口，0表示不锁定"),
        SettingSpec("work_year", "int", _this_year, "当前工作年度", 2000, 2100,
                    "各页面打开时显示的年度；未设置时为最近一个已录入指标数值的年度，没有数据时为今年"),
        SettingSpec("import_row_limit", "int", 100_000, "导入表格的最大行数", 1, 1_048_576,
                    "超过此行数的工作表不予导入，请拆分后再导入"),
        SettingSpec("workdays.holidays", "dates", (), "法定节假日",
                    help="公示期按工作日计算时跳过的日期"),
        SettingSpec("workdays.extra_workdays", "dates", (), "调休工作日",
                    help="公示期按工作日计算时计入的周末日期"),
        SettingSpec("demo_data", "bool", False, "演示数据", permission=Permission.MANAGE_PLANS),
    )
}


# Internal keys, never on a screen: which office this database is, and the exchange keys
# (services/exchange_keys.py).
OFFICE_KEY = "office_code"


def office_code(session: Session) -> str | None:
    """The org unit this database belongs to (None before the first-run set-up)."""
    return get_raw(session, OFFICE_KEY)


def get_raw(session: Session, key: str, default: str | None = None) -> str | None:
    row = session.get(Setting, key)
    return row.value if row else default


def put_raw(session: Session, key: str, value: str) -> None:
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value


def _default(spec: SettingSpec) -> Any:
    return spec.default() if callable(spec.default) else spec.default


_READERS: dict[str, Callable[[str], Any]] = {
    "int": int,
    "bool": lambda text: text.strip().lower() in ("1", "true", "是"),
    "text": str,
    "dates": lambda text: tuple(sorted(date.fromisoformat(d) for d in json.loads(text))),
}


def _plain(spec: SettingSpec, value: Any) -> Any:
    """The value as JSON can hold it (for the audit trail)."""
    return sorted(d.isoformat() for d in value) if spec.kind == "dates" else value


def _writer(spec: SettingSpec, value: Any) -> str:
    if spec.kind == "dates":
        return json.dumps(_plain(spec, value))
    if spec.kind == "bool":
        return "1" if value else "0"
    return str(value)


def value(session: Session, key: str) -> Any:
    """The typed value of a declared setting; its default when unset or unreadable, clamped to its limits."""
    spec = SPECS[key]
    raw = get_raw(session, key)
    if raw is None:
        return _default(spec)
    try:
        result = _READERS[spec.kind](raw)
    except (ValueError, TypeError):
        return _default(spec)
    if spec.kind == "int":
        if spec.minimum is not None:
            result = max(result, spec.minimum)
        if spec.maximum is not None:
            result = min(result, spec.maximum)
    return result


def check(spec: SettingSpec, new: Any) -> None:
    """Raise UserError (Chinese) unless `new` is an acceptable value for the setting."""
    if spec.kind == "int":
        if not isinstance(new, int) or isinstance(new, bool):
            raise UserError(f"“{spec.label}”应为整数")
        low = spec.minimum if spec.minimum is not None else new
        high = spec.maximum if spec.maximum is not None else new
        if not low <= new <= high:
            raise UserError(f"“{spec.label}”应在{low}到{high}之间")
    elif spec.kind == "dates" and not all(isinstance(d, date) for d in new):
        raise UserError(f"“{spec.label}”应为日期列表")


def change(session: Session, actor, key: str, new: Any) -> bool:
    """A user's change of a declared setting: permission, limits, audit. False when unchanged."""
    from zkdesk.services import audit  # audit imports the store only; kept local to stay light

    spec = SPECS[key]
    actor.require(spec.permission)
    check(spec, new)
    old = value(session, key)
    if old == new:
        return False
    put_raw(session, key, _writer(spec, new))
    audit.record(session, actor.username, "update", "setting", key,
                 {"label": spec.label, "old": _plain(spec, old), "new": _plain(spec, new)})
    return True
