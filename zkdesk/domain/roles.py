"""User roles and what each may do. Checked in services/, never by hiding buttons alone."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    CLERK = "clerk"
    REVIEWER = "reviewer"
    VIEWER = "viewer"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.ADMIN: "管理员",
    Role.CLERK: "录入员",
    Role.REVIEWER: "审核员",
    Role.VIEWER: "查看",
}


class Permission(StrEnum):
    VIEW = "view"
    EDIT = "edit"  # enter and change register records and indicator values
    REVIEW = "review"  # review steps, year locks, county decisions
    MANAGE_USERS = "manage_users"
    MANAGE_PLANS = "manage_plans"
    EXCHANGE = "exchange"  # write and read USB packages
    BACKUP = "backup"
    VIEW_PERSONAL = "view_personal"  # unmasked ID and phone numbers
    VIEW_AUDIT = "view_audit"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.CLERK: frozenset(
        {Permission.VIEW, Permission.EDIT, Permission.EXCHANGE, Permission.BACKUP, Permission.VIEW_PERSONAL}
    ),
    Role.REVIEWER: frozenset(
        {
            Permission.VIEW,
            Permission.REVIEW,
            Permission.EXCHANGE,
            Permission.BACKUP,
            Permission.VIEW_PERSONAL,
            Permission.VIEW_AUDIT,
        }
    ),
    Role.VIEWER: frozenset({Permission.VIEW}),
}


def role_can(role: Role | str, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[Role(role)]
