"""Who is acting, and the permission check every service makes."""

from __future__ import annotations

from dataclasses import dataclass

from zkdesk.domain.orgcodes import in_scope, is_county
from zkdesk.domain.roles import Permission, Role, role_can
from zkdesk.services.errors import PermissionDenied

_PERMISSION_LABELS = {
    Permission.VIEW: "查看数据",
    Permission.EDIT: "录入和修改数据",
    Permission.REVIEW: "审核",
    Permission.MANAGE_USERS: "管理用户",
    Permission.MANAGE_PLANS: "管理规划目录",
    Permission.EXCHANGE: "数据交换",
    Permission.BACKUP: "备份与恢复",
    Permission.VIEW_PERSONAL: "查看完整个人信息",
    Permission.VIEW_AUDIT: "查看操作日志",
}


@dataclass(frozen=True)
class Actor:
    username: str
    display_name: str
    role: Role
    office_code: str  # the org unit this database belongs to
    user_id: int | None = None

    def can(self, permission: Permission) -> bool:
        return role_can(self.role, permission)

    def require(self, permission: Permission) -> None:
        if not self.can(permission):
            raise PermissionDenied(
                f"当前用户“{self.display_name}”（{self.role.label}）没有“{_PERMISSION_LABELS[permission]}”的权限"
            )

    @property
    def at_county(self) -> bool:
        return is_county(self.office_code)

    def sees(self, org_code: str | None) -> bool:
        """Whether this office keeps `org_code`'s records: its own; the county also its townships'."""
        return in_scope(self.office_code, org_code)

    def require_scope(self, org_code: str | None, name: str = "") -> None:
        """The one check (and message) for reading or changing another unit's records."""
        if not self.sees(org_code):
            raise PermissionDenied(f"本单位只能查看和管理本单位的数据，不能查看或管理“{name or org_code or '未知单位'}”的数据")


# Used by start-up code and migrations that act on behalf of the program itself.
SYSTEM = Actor(username="system", display_name="系统", role=Role.ADMIN, office_code="")
