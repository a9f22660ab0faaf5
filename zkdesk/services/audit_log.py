"""Browsing and filtering the audit trail (reviewers and administrators); the Excel export is
written by output/audit_xlsx.py from these rows and logged here."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zkdesk.domain.roles import Permission, Role
from zkdesk.services import audit
from zkdesk.services.actor import Actor
from zkdesk.services.errors import UserError
from zkdesk.services.privacy import mask_text, sees_personal
from zkdesk.store.models import AuditEntry

# Features add their own actions freely; unknown ones are shown as they are.
ACTION_LABELS = {
    "init": "初始化",
    "login": "登录",
    "login_failed": "登录失败",
    "unlock": "解锁",
    "unlock_failed": "解锁失败",
    "create": "新增",
    "update": "修改",
    "delete": "删除",
    "import": "导入",
    "export": "导出",
    "print": "打印",
    "disclose_personal": "导出/打印个人信息",
    "backup": "备份",
    "restore": "恢复",
    "password_reset": "重置密码",
    "password_change": "修改密码",
    "disable": "停用用户",
    "enable": "启用用户",
    "demo": "填入演示数据",
    "package_refused": "拒收数据包",
}
ENTITY_LABELS = {
    "user": "用户",
    "office": "本单位",
    "setting": "设置",
    "database": "数据库",
    "audit_log": "操作日志",
    "personal_data": "个人信息",
    "enterprise": "企业",
    "nomination": "劳模推荐",
    "studio": "三室一站",
    "indicator_value": "指标数值",
    "collective_contract": "集体合同",
    "plan": "规划目录",
    "package": "数据包",
}
# Field names that occur in details, as the user reads them (others are shown as they are).
FIELD_LABELS = {
    "username": "用户名",
    "display_name": "姓名",
    "role": "角色",
    "active": "启用",
    "reason": "原因",
    "failed": "连续错误次数",
    "locked": "已锁定",
    "folder": "文件夹",
    "external": "外部位置",
    "size": "字节数",
    "file": "文件",
    "count": "条数",
    "what": "内容",
    "office": "单位",
    "admin": "管理员",
    "backup_time": "备份时间",
    "safety_backup": "恢复前备份",
    "damaged_copy": "损坏文件副本",
    "sender": "发送单位",
    "sender_verified": "发送单位已验证",
    "message": "说明",
    "fingerprint": "密钥指纹",
    "dry_run": "仅预览",
    "target": "输出到",
    "source": "源文件",
    "person": "人员",
    "year": "年度",
    "org": "单位",
}
REASON_LABELS = {"wrong password": "密码错误", "unknown user": "用户名不存在", "disabled": "用户已停用"}
DISPLAY_LIMIT = 2000


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


def entity_label(entity: str) -> str:
    return ENTITY_LABELS.get(entity, entity)


@dataclass(frozen=True)
class AuditFilter:
    username: str = ""  # "" = everyone
    action: str = ""
    entity: str = ""
    date_from: date | None = None  # local dates, both ends included
    date_to: date | None = None


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime  # local time
    username: str
    action: str
    entity: str
    entity_id: str
    details: str  # JSON as stored (masked for roles without VIEW_PERSONAL)

    @property
    def action_label(self) -> str:
        return action_label(self.action)

    @property
    def entity_label(self) -> str:
        return entity_label(self.entity)

    @property
    def summary(self) -> str:
        """The details in one readable line: old → new for changes, key: value otherwise."""
        try:
            data = json.loads(self.details)
        except ValueError:
            return self.details
        if not isinstance(data, dict) or not data:
            return "" if data in ({}, None) else str(data)
        old, new = data.get("old"), data.get("new")
        rest = [f"{_field(k)}：{_value(k, v)}" for k, v in data.items() if k not in ("old", "new")]
        if isinstance(old, dict) and isinstance(new, dict):
            parts = [f"{_field(k)}：{_value(k, old.get(k))} → {_value(k, new.get(k))}" for k in sorted(set(old) | set(new))]
        elif isinstance(new, dict):
            parts = ["新建 " + "，".join(f"{_field(k)} {_value(k, v)}" for k, v in new.items())]
        elif isinstance(old, dict):
            parts = ["删除前 " + "，".join(f"{_field(k)} {_value(k, v)}" for k, v in old.items())]
        elif "old" in data or "new" in data:
            parts = [f"{_value('', old)} → {_value('', new)}"]
        else:
            parts = []
        return "；".join([*parts, *rest])


def _field(key: str) -> str:
    return FIELD_LABELS.get(key, key)


def _value(key: str, value) -> str:
    if key == "role" and isinstance(value, str):
        try:
            return Role(value).label
        except ValueError:
            return value
    if key == "reason" and value in REASON_LABELS:
        return REASON_LABELS[value]
    if value is True or value is False:
        return "是" if value else "否"
    if value is None or value == "":
        return "（空）"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 80 else text[:77] + "…"


def _local_midnight_utc(day: date) -> datetime:
    return datetime.combine(day, time()).astimezone().astimezone(UTC)


def _query(flt: AuditFilter):
    q = select(AuditEntry)
    if flt.username:
        q = q.where(AuditEntry.username == flt.username)
    if flt.action:
        q = q.where(AuditEntry.action == flt.action)
    if flt.entity:
        q = q.where(AuditEntry.entity == flt.entity)
    if flt.date_from and flt.date_to and flt.date_from > flt.date_to:
        raise UserError("开始日期晚于结束日期")
    if flt.date_from:
        q = q.where(AuditEntry.at >= _local_midnight_utc(flt.date_from))
    if flt.date_to:
        q = q.where(AuditEntry.at < _local_midnight_utc(flt.date_to + timedelta(days=1)))
    return q.order_by(AuditEntry.id.desc())


def _row(actor: Actor, e: AuditEntry) -> AuditRow:
    return AuditRow(e.id, e.at.astimezone().replace(tzinfo=None), e.username, e.action, e.entity, e.entity_id, mask_text(actor, e.details))


def search_audit(session: Session, actor: Actor, flt: AuditFilter = AuditFilter(), limit: int | None = DISPLAY_LIMIT) -> list[AuditRow]:
    """Matching entries, newest first (at most `limit`)."""
    actor.require(Permission.VIEW_AUDIT)
    q = _query(flt)
    if limit is not None:
        q = q.limit(limit)
    return [_row(actor, e) for e in session.scalars(q)]


def count_audit(session: Session, actor: Actor, flt: AuditFilter = AuditFilter()) -> int:
    actor.require(Permission.VIEW_AUDIT)
    return session.scalar(select(func.count()).select_from(_query(flt).order_by(None).subquery()))


@dataclass(frozen=True)
class FilterChoices:
    usernames: list[str]
    actions: list[str]
    entities: list[str]


def filter_choices(session: Session, actor: Actor) -> FilterChoices:
    """The users, actions and kinds of record that occur in the log, for the filter lists."""
    actor.require(Permission.VIEW_AUDIT)

    def distinct(column) -> list[str]:
        return [v for v in session.scalars(select(column).distinct().order_by(column)) if v]

    return FilterChoices(distinct(AuditEntry.username), distinct(AuditEntry.action), distinct(AuditEntry.entity))


def record_export(session: Session, actor: Actor, file_name: str, count: int) -> None:
    """Log that `count` entries were written to `file_name` (output/audit_xlsx.py writes it).
    The details of changes can carry ID and phone numbers: for a role that sees them whole,
    the export is a disclosure of personal data."""
    actor.require(Permission.VIEW_AUDIT)
    if sees_personal(actor):
        audit.personal_data_disclosed(session, actor, "操作日志导出（Excel）", count, entity_id="audit_log", file=file_name)
    else:
        audit.record(session, actor.username, "export", "audit_log", "", {"file": file_name, "count": count})
