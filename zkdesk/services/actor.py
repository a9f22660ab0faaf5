"""Who is acting, and the permission check every service makes."""

from __future__ import annotations

from dataclasses import dataclass

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
        return len(self.office_code) == 6


# Used by start-up code and migrations that act on behalf of the program itself.
SYSTEM = Actor(username="system", display_name="系统", role=Role.ADMIN, office_code="")
