"""系统管理: tabs for the overview, accounts, backups and the audit trail.

Each tab calls its services with the logged-in actor; the services refuse what the role may not
do, and the tabs grey out those buttons so nobody is invited to try.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from zkdesk.domain.roles import Permission
from zkdesk.ui.pages.admin.audit_tab import AuditTab
from zkdesk.ui.pages.admin.backups_tab import BackupsTab
from zkdesk.ui.pages.admin.overview import OverviewTab
from zkdesk.ui.pages.admin.users_tab import UsersTab


class AdminPage(QWidget):
    def __init__(self, ctx, spec, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.tabs = QTabWidget(objectName="adminTabs")
        self.overview = OverviewTab(ctx)
        self.users = UsersTab(ctx)
        self.tabs.addTab(self.overview, "概况")
        self.tabs.addTab(self.users, "用户管理")
        self.backups = self.audit = None
        if ctx.actor.can(Permission.BACKUP):
            self.backups = BackupsTab(ctx)
            self.tabs.addTab(self.backups, "备份与恢复")
        if ctx.actor.can(Permission.VIEW_AUDIT):
            self.audit = AuditTab(ctx)
            self.tabs.addTab(self.audit, "操作日志")

        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<h2>系统管理</h2>"))
        layout.addWidget(self.tabs, 1)

    def show_tab(self, widget: QWidget) -> None:
        self.tabs.setCurrentWidget(widget)
