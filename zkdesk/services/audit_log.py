"""Browsing and filtering the audit trail (reviewers and administrators); the Excel export is
written by output/audit_xlsx.py from these rows and logged here."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zkdesk.domain import nomination_workflow as wf
from zkdesk.domain.roles import Permission, Role
from zkdesk.services import audit
from zkdesk.services.actor import Actor
from zkdesk.services.errors import UserError
from zkdesk.services.orgs import org_names
from zkdesk.services.privacy import mask_text, sees_personal
from zkdesk.services.record_labels import _COMMON_FIELDS, TABLE_LABELS
from zkdesk.services.record_labels import FIELD_LABELS as FIELD_LABELS_BY_TABLE
from zkdesk.store.id_lists import chunks
from zkdesk.store.models import AuditEntry

# The one label table of the audit trail: every action and kind of record the program logs
# (tests/unit/test_audit_words.py finds them in the code) in the words the log screen, its Excel
# export and messages use. A new action or kind of record needs its label here.
ACTION_LABELS = {
    "init": "初始化",
    "login": "登录",
    "login_failed": "登录失败",
    "unlock": "解锁",
    "unlock_failed": "解锁失败",
    "create": "新增",
    "update": "修改",
    "delete": "删除",
    "status": "变更状态",
    "lock": "锁定",
    "import": "导入Excel",
    "export": "导出",
    "print": "打印",
    "print_personal": "打印/保存含个人信息的报表",  # entries written before disclose_personal
    "disclose_personal": "导出/打印个人信息",
    "backup": "备份",
    "restore": "恢复",
    "migrate_to": "迁移到新数据库",
    "migrated_from": "从其他数据库迁入",
    "password_reset": "重置密码",
    "password_change": "修改密码",
    "disable": "停用用户",
    "enable": "启用用户",
    "demo": "填入演示数据",
    "trust_key": "信任对方密钥",
    "forget_key": "删除对方密钥",
    "exchange_export": "导出数据包",
    "exchange_import": "导入数据包",
    "exchange_form": "收到报表定义",
    "exchange_resolution": "对方确认冲突处理",
    "exchange_deletion": "县总工会删除（随数据包）",
    "resolve_conflict": "处理冲突",
    "nomination_recommend": "推荐上报",
    "nomination_township_review": "乡镇审核通过",
    "nomination_county_review": "县总工会评审通过",
    "nomination_publicize": "公示",
    "nomination_honour": "表彰",
    "nomination_reject": "未通过",
    "nomination_return": "退回修改",
    "nomination_objection": "登记公示异议",
    "package_refused": "拒收数据包",
    "merge": "合并重复记录",
    "password_reset_recovery": "用恢复码重设密码",
    "recovery_failed": "恢复码错误",
    "rotate_key": "更换本单位交换密钥",
    "trust_rotated_key": "改信对方的新密钥",
    "set_current": "设为当前规划",
}
# (action, kind of record) pairs whose words differ from the action's alone
ACTION_ENTITY_LABELS = {("lock", "year_lock"): "锁定年度数值", ("unlock", "year_lock"): "解锁年度数值"}
ENTITY_LABELS = {
    **TABLE_LABELS,
    "user": "用户",
    "office": "本单位",
    "setting": "设置",
    "database": "数据库",
    "audit_log": "操作日志",
    "personal_data": "个人信息",
    "contract": "集体合同",
    "plan": "规划目录",
    "exchange_peer": "交换对象的密钥",
    "exchange_key": "本单位密钥",
    "package": "数据包",
    "form": "报表",
}
# Field names that occur in details, as the user reads them; a record's own fields use its
# form's labels (services.record_labels.field_label) first.
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
    "label": "设置项",
    "opinion": "意见",
    "fingerprint": "密钥指纹",
    "sha256": "校验值",
    "package": "数据包序号",
    "peer": "对方单位",
    "by": "处理人",
    "form": "报表",
    "year": "年份",
    "org": "单位",
    "person": "人员",
    "rows": "行数",
    "target": "输出到",
    "receiver": "接收单位",
    "sender": "发送单位",
    "sequence": "序号",
    "records": "记录数",
    "covered_enterprise_ids": "覆盖企业",
    "created": "新增",
    "updated": "修改",
    "skipped": "跳过",
    "rejected": "拒收",
    "conflicts": "冲突",
    "take": "采用",
    "kind": "类别",
    "url": "数据库地址",
    "source": "来源",
    "path": "文件",
    "indicator": "指标",
    "studio": "工作室",
    "members": "成员",
    "backup": "导入前备份",
    "changed": "变动的记录",
    "new": "新增",
    "unchanged": "未变",
    "full": "完整导出",
    "receipts": "回执数",
    "tables": "各类记录数",
    "forms": "报表定义",
    "choice": "处理方式",
    "fields": "冲突字段",
    "kept": "保留本地的字段",
    "taken": "采用对方的字段",
    "trigger": "方式",
    "sender_verified": "发送单位已验证",
    "message": "说明",
    "dry_run": "仅预览",
}
# the kind of a package, a conflict's choice, the kind of change a package made
PACKAGE_KINDS = {"setup": "初始数据包", "county": "县总工会下发", "report": "上报"}
CHANGE_KINDS = {"new": "新增", "update": "更新", "delete": "删除", "conflict": "冲突"}
REASON_LABELS = {"wrong password": "密码错误", "unknown user": "用户名不存在", "disabled": "用户已停用"}
VALUE_LABELS = {"local": "采用本地值", "theirs": "采用对方值", "remote": "采用对方值", **PACKAGE_KINDS, **wf.STATUS_LABELS}  # coded values a field may hold
DISPLAY_LIMIT = 2000
UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")


def action_label(action: str, entity: str = "") -> str:
    return ACTION_ENTITY_LABELS.get((action, entity)) or ACTION_LABELS.get(action) or "其他操作"


def entity_label(entity: str) -> str:
    return ENTITY_LABELS.get(entity) or ("" if not entity else "其他记录")


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
    object_name: str = ""  # the record's name (enterprise, person, form …), not its id
    names: dict[str, str] = field(default_factory=dict, compare=False, repr=False)  # ids in details -> names

    @property
    def action_label(self) -> str:
        return action_label(self.action, self.entity)

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
            return "" if data in ({}, None) else self._value("", data)
        old, new = data.get("old"), data.get("new")
        f, v = self._field, self._value
        rest = [f"{f(k)}：{v(k, val)}" for k, val in data.items() if k not in ("old", "new")]
        if isinstance(old, dict) and isinstance(new, dict):
            changed = [k for k in sorted(set(old) | set(new)) if old.get(k) != new.get(k)]
            parts = [f"{f(k)}：{v(k, old.get(k))} → {v(k, new.get(k))}" for k in changed] or ["无变化"]
        elif isinstance(new, dict):  # a record made ("新建"), or what an action did (a package, a key)
            made = "新建 " if self.entity in TABLE_LABELS or self.entity in TABLE_ALIASES or self.entity == "user" else ""
            parts = [made + "，".join(f"{f(k)} {v(k, val)}" for k, val in new.items())]
        elif isinstance(old, dict):
            parts = ["删除前 " + "，".join(f"{f(k)} {v(k, val)}" for k, val in old.items())]
        elif "old" in data or "new" in data:
            parts = [f"{v('', old)} → {v('', new)}"]
        else:
            parts = []
        return "；".join([*parts, *rest])

    def _field(self, key: str) -> str:
        table = TABLE_ALIASES.get(self.entity, self.entity)
        if key in FIELD_LABELS_BY_TABLE.get(table, {}):
            return FIELD_LABELS_BY_TABLE[table][key]
        return FIELD_LABELS.get(key) or _COMMON_FIELDS.get(key) or ("其他字段" if WORDS.search(key) else key)

    def _value(self, key: str, value) -> str:
        if key == "changed" and isinstance(value, list):  # a package's changes: [table, id, kind, old rev, new rev]
            return "、".join(f"{entity_label(c[0])}“{self.names.get(c[1], '（本机没有的记录）')}”（{CHANGE_KINDS.get(c[2], '变动')}）"
                            for c in value if isinstance(c, list) and len(c) >= 3) or "（无）"
        if key in ("kept", "taken", "fields") and isinstance(value, (list, dict)):  # column names of the record
            return "、".join(self._field(c) for c in value) or "（无）"
        if key == "tables" and isinstance(value, dict):
            return "，".join(f"{entity_label(t)} {n}" for t, n in value.items()) or "（无）"
        if key in ("backup", "safety_backup", "damaged_copy") and isinstance(value, str) and value:
            return re.split(r"[\\/]", value)[-1]  # in the data directory's backups folder
        if isinstance(value, list):
            return "、".join(self._value(key, v) for v in value) or "（无）"
        if isinstance(value, dict):
            return "，".join(f"{self._field(k)} {self._value(k, v)}" for k, v in value.items())
        text = _value(key, value)
        text = UUID.sub(lambda m: self.names.get(m.group(0), "（本机没有的记录）"), text)
        if key in ("org", "office", "peer", "sender", "receiver", "township_code", "org_code", "origin"):
            text = self.names.get(text, text)
        return text


WORDS = re.compile(r"[A-Za-z]{2,}")


def _value(key: str, value) -> str:
    if key == "role" and isinstance(value, str):
        try:
            return Role(value).label
        except ValueError:
            return value
    if key == "reason" and value in REASON_LABELS:
        return REASON_LABELS[value]
    if isinstance(value, str) and value in VALUE_LABELS:
        return VALUE_LABELS[value]
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


def search_audit(session: Session, actor: Actor, flt: AuditFilter = AuditFilter(), limit: int | None = DISPLAY_LIMIT) -> list[AuditRow]:
    """Matching entries, newest first (at most `limit`), each with its record's name."""
    actor.require(Permission.VIEW_AUDIT)
    q = _query(flt)
    if limit is not None:
        q = q.limit(limit)
    entries = [(e.id, e.at.astimezone().replace(tzinfo=None), e.username, e.action, e.entity, e.entity_id or "",
                mask_text(actor, audit.shown_details(e.details))) for e in session.scalars(q)]
    names = _names(session, entries)
    return [AuditRow(*e, object_name=_object_name(names, *e[3:]), names=names) for e in entries]


TABLE_ALIASES = {"contract": "collective_contract"}  # kinds of record logged under another name than their table


def _names(session: Session, entries) -> dict[str, str]:
    """Names for every record id the entries mention (as their object or inside their details):
    travelling records through record_labels.travelling_titles, users, settings, units by code.
    A bounded number of statements: one per kind of record, whatever the number of entries."""
    from zkdesk.services.record_labels import travelling_titles
    from zkdesk.services.settings import SPECS
    from zkdesk.store.base import Base
    from zkdesk.store.models import User

    names: dict[str, str] = dict(org_names(session))
    uuids = set()
    for _id, _at, _user, _action, _entity, entity_id, details in entries:
        uuids.update(UUID.findall(entity_id))
        uuids.update(UUID.findall(details))
    if uuids:
        wanted = sorted(uuids)
        for table_name in TABLE_LABELS:
            table = Base.metadata.tables.get(table_name)
            if table is None or "id" not in table.c:
                continue
            rows = [dict(r) for part in chunks(wanted)
                    for r in session.execute(select(table).where(table.c.id.in_(part))).mappings()]
            if rows:
                names.update(zip((r["id"] for r in rows), travelling_titles(session, table_name, rows)))
    user_ids = {int(e[5]) for e in entries if e[4] == "user" and str(e[5]).isdigit()}
    if user_ids:
        for part in chunks(sorted(user_ids)):
            for u in session.scalars(select(User).where(User.id.in_(part))):
                names[f"user:{u.id}"] = f"{u.display_name}（{u.username}）"
    names.update({f"setting:{key}": spec.label for key, spec in SPECS.items()})
    return names


def _object_name(names: dict[str, str], action: str, entity: str, entity_id: str, details: str) -> str:
    """The record an entry is about, by name: never its id."""
    try:
        data = json.loads(details)
    except ValueError:
        data = {}
    data = data if isinstance(data, dict) else {}
    if not entity_id:
        return _name_in(data) or (names.get(data.get("username", ""), data.get("username", "")) if entity == "user" else "")
    if entity == "user":
        return names.get(f"user:{entity_id}") or data.get("username", "") or "（本机没有的用户）"
    if entity == "setting":
        return names.get(f"setting:{entity_id}") or data.get("label", "") or "其他设置"
    if entity in ("office", "exchange_peer", "exchange_key"):
        return names.get(entity_id, entity_id)
    if entity == "package" and "#" in entity_id:
        code, _, seq = entity_id.partition("#")
        return f"{names.get(code, code)}第{seq}号数据包"
    if entity == "form":
        return str(data.get("form") or entity_id)  # the printed form's title, or the definition's file name
    if entity == "enterprise_year" and "/" in entity_id:
        enterprise, _, year = entity_id.partition("/")
        return f"{names.get(enterprise, '（本机没有的企业）')} {year}年"
    if UUID.fullmatch(entity_id):
        return names.get(entity_id) or _name_in(data) or "（本机没有的记录）"
    return entity_id  # a file name (backups, restores), a code


def _name_in(data: dict) -> str:
    for part in (data.get("new"), data.get("old"), data):
        if isinstance(part, dict):
            for key in ("name", "title", "display_name"):
                if isinstance(part.get(key), str) and part[key]:
                    return part[key]
    return ""


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


def logged_since(session: Session, after_id: int | None) -> tuple[int, set[tuple[str, str]]]:
    """What the trail says was written after entry `after_id`, in one query: the newest entry's
    id (0: none yet) and the (entity, action) pairs logged since (None: only the newest id, to
    start from).
    The window's watch for other clerks' changes (ui/change_watch.py) turns them into kinds."""
    if after_id is None:
        return session.scalar(select(func.max(AuditEntry.id))) or 0, set()
    rows = session.execute(select(AuditEntry.entity, AuditEntry.action, func.max(AuditEntry.id))
                           .where(AuditEntry.id > after_id).group_by(AuditEntry.entity, AuditEntry.action)).all()
    newest = max((row[2] for row in rows), default=after_id)
    return newest, {(entity, action) for entity, action, _ in rows}
