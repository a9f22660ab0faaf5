"""The main window: a navigation list, one page per feature, the office and user below."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QMainWindow, QStackedWidget, QVBoxLayout, QWidget

from zkdesk.ui.context import UiContext
from zkdesk.ui.idle_lock import IdleLock
from zkdesk.ui.pages import PAGES, load_page_class
from zkdesk.ui.xlsx.menu import install_file_menu


class MainWindow(QMainWindow):
    def __init__(self, ctx: UiContext):
        super().__init__()
        self.ctx = ctx
        title = f"zkdesk 产业工人队伍建设改革台账 — {ctx.office_name}"
        if ctx.demo:
            title += "（演示数据）"
        self.setWindowTitle(title)
        self.resize(1280, 800)

        self.nav = QListWidget(objectName="navList")
        self.nav.setFixedWidth(150)
        self.nav.setIconSize(QSize(20, 20))
        self.nav.setStyleSheet(
            "QListWidget { font-size: 11pt; background: #f3f5f8; border: none; }"
            "QListWidget::item { padding: 10px 8px; }"
            "QListWidget::item:selected { background: #c62f2f; color: white; }"
        )
        self.stack = QStackedWidget(objectName="pageStack")
        self.pages: dict[str, QWidget] = {}
        for spec in PAGES:
            page = load_page_class(spec)(ctx, spec)
            page.setObjectName(f"page_{spec.key}")
            self.pages[spec.key] = page
            self.stack.addWidget(page)
            self.nav.addItem(QListWidgetItem(spec.label))
        self.nav.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.nav.setCurrentRow(0)

        body = QWidget()
        layout = QHBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.nav)
        right = QVBoxLayout()
        if ctx.demo:
            banner = QLabel("演示数据：本数据库中的企业、人员和数值均为虚构，仅供试用。", objectName="demoBanner")
            banner.setStyleSheet("background: #fff3cd; color: #7a5b00; padding: 4px 10px;")
            right.addWidget(banner)
        right.addWidget(self.stack, 1)
        layout.addLayout(right, 1)
        self.setCentralWidget(body)

        office = QLabel(f"本单位：{ctx.office_name}（{ctx.actor.office_code}）", objectName="officeStatus")
        user = QLabel(f"用户：{ctx.actor.display_name}（{ctx.actor.role.label}）", objectName="userStatus")
        self.statusBar().addWidget(office)
        self.statusBar().addPermanentWidget(user)
        self.idle_lock = IdleLock(self, ctx)
        install_file_menu(self, ctx)

    def show_page(self, key: str) -> QWidget:
        index = [spec.key for spec in PAGES].index(key)
        self.nav.setCurrentRow(index)
        return self.pages[key]
