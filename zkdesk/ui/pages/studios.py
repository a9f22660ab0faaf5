"""三室一站: the filterable list of studios with counts, and the item-6 figures they feed."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from zkdesk.domain.choices import INDUSTRIES, STUDIO_LEVELS, STUDIO_STATUSES, STUDIO_TYPES
from zkdesk.domain.dates import format_date
from zkdesk.domain.orgcodes import is_county
from zkdesk.domain.roles import Permission
from zkdesk.services.errors import UserError
from zkdesk.services.orgs import township_choices
from zkdesk.services.studios import StudioFilter, StudioList, delete_studio, list_studios
from zkdesk.ui import bus
from zkdesk.ui.messages import confirm, show_error
from zkdesk.ui.studios.dialog import StudioDialog
from zkdesk.ui.studios.item6_panel import Item6Panel
from zkdesk.ui.studios.status_dialog import StatusDialog

COLUMNS = ["名称", "类型", "级别", "状态", "乡镇", "产业", "依托单位", "领衔人", "联系电话", "成员", "申报日期", "命名日期", "命名文号"]
ALL = "全部"


class StudiosPage(QWidget):
    def __init__(self, ctx, spec, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.listing: StudioList | None = None
        self.dialog: StudioDialog | None = None

        self.kind = self._filter("kindFilter", STUDIO_TYPES)
        self.level = self._filter("levelFilter", STUDIO_LEVELS)
        self.township = QComboBox(objectName="townshipFilter")
        self.township.addItem(ALL, None)
        with ctx.db.session() as s:
            for code, name in township_choices(s, ctx.actor):
                self.township.addItem(name, code)
        if not is_county(ctx.actor.office_code):  # a township office sees only its own
            self.township.setCurrentIndex(self.township.findData(ctx.actor.office_code))
            self.township.setEnabled(False)
        self.township.currentIndexChanged.connect(self.refresh_list)
        self.industry = self._filter("industryFilter", INDUSTRIES)
        self.status = self._filter("statusFilter", STUDIO_STATUSES)
        filters = QHBoxLayout()
        for label, combo in (("类型", self.kind), ("级别", self.level), ("乡镇", self.township),
                             ("产业", self.industry), ("状态", self.status)):
            filters.addWidget(QLabel(f"{label}："))
            filters.addWidget(combo)
        filters.addStretch(1)

        can_edit = ctx.actor.can(Permission.EDIT)
        self.new_button = QPushButton("登记工作室…", objectName="newStudioButton", enabled=can_edit)
        self.edit_button = QPushButton("查看/修改…", objectName="editStudioButton")
        self.status_button = QPushButton("变更状态…", objectName="statusStudioButton", enabled=can_edit)
        self.delete_button = QPushButton("删除", objectName="deleteStudioButton", enabled=can_edit)
        self.new_button.clicked.connect(lambda: self.open_studio(None))
        self.edit_button.clicked.connect(self.open_selected)
        self.status_button.clicked.connect(self.change_selected_status)
        self.delete_button.clicked.connect(self.delete_selected)
        buttons = QHBoxLayout()
        for b in (self.new_button, self.edit_button, self.status_button, self.delete_button):
            buttons.addWidget(b)
        buttons.addStretch(1)

        self.counts = QLabel(objectName="countsLabel", wordWrap=True)
        self.table = QTableWidget(0, len(COLUMNS), objectName="studiosTable")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COLUMNS.index("依托单位"), QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        self.table.doubleClicked.connect(lambda _i: self.open_selected())

        self.item6 = Item6Panel(ctx)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<h2>三室一站</h2>"))
        layout.addLayout(filters)
        layout.addLayout(buttons)
        layout.addWidget(self.counts)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.item6)
        ctx.bus.changed.connect(self._on_changed)
        self.refresh()

    def _filter(self, name: str, values: tuple[str, ...]) -> QComboBox:
        combo = QComboBox(objectName=name)
        combo.addItem(ALL, None)
        for v in values:
            combo.addItem(v, v)
        combo.currentIndexChanged.connect(self.refresh_list)
        return combo

    def _on_changed(self, kind: str) -> None:
        if kind in (bus.STUDIOS, bus.ENTERPRISES, bus.PLANS, bus.INDICATORS, bus.ALL):
            self.refresh()

    def refresh(self) -> None:
        self.refresh_list()
        self.item6.refresh()

    def current_filter(self) -> StudioFilter:
        return StudioFilter(kind=self.kind.currentData(), level=self.level.currentData(),
                            township_code=self.township.currentData(), industry=self.industry.currentData(),
                            status=self.status.currentData())

    def refresh_list(self) -> None:
        if not hasattr(self, "table"):
            return  # a filter fired while the page is still being built
        with self.ctx.db.session() as s:
            self.listing = listing = list_studios(s, self.ctx.actor, self.current_filter())
        self.table.setSortingEnabled(False)
        self.table.setRowCount(len(listing.rows))
        for row, r in enumerate(listing.rows):
            cells = [r.name, r.kind, r.level, r.status, r.township_name, r.industry, r.host, r.lead_name, r.lead_phone,
                     str(r.member_count), format_date(r.applied_on), format_date(r.named_on), r.naming_doc_no]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, r.id)
                self.table.setItem(row, col, item)
        self.table.setSortingEnabled(True)
        self.counts.setText(_counts_text(listing))

    def selected_id(self) -> str | None:
        items = self.table.selectedItems()
        return items[0].data(Qt.ItemDataRole.UserRole) if items else None

    def open_selected(self) -> None:
        studio_id = self.selected_id()
        if studio_id:
            self.open_studio(studio_id)

    def open_studio(self, studio_id: str | None) -> StudioDialog:
        dialog = StudioDialog(self.ctx, studio_id, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        dialog.destroyed.connect(lambda: setattr(self, "dialog", None))
        dialog.open()
        return dialog

    def change_selected_status(self) -> None:
        studio_id = self.selected_id()
        row = next((r for r in (self.listing.rows if self.listing else []) if r.id == studio_id), None)
        if row is None:
            show_error(self, "请先在列表中选中一个工作室")
            return
        dialog = StatusDialog(self.ctx, row.id, row.name, row.status, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def delete_selected(self) -> None:
        studio_id = self.selected_id()
        row = next((r for r in (self.listing.rows if self.listing else []) if r.id == studio_id), None)
        if row is None or not confirm(self, f"删除“{row.name}”及其成员和各年度成果？"):
            return
        try:
            with self.ctx.db.session() as s:
                delete_studio(s, self.ctx.actor, row.id)
        except UserError as exc:
            show_error(self, str(exc))
            return
        self.ctx.bus.notify(bus.STUDIOS)


def _counts_text(listing: StudioList) -> str:
    def part(counts: dict[str, int]) -> str:
        return "、".join(f"{k} {v}" for k, v in counts.items()) or "—"

    return (
        f"共 <b>{listing.total}</b> 家（目前命名且未撤销 {listing.named_today} 家）｜"
        f"按类型：{part(listing.by_kind)}｜按级别：{part(listing.by_level)}｜按状态：{part(listing.by_status)}<br>"
        f"按乡镇：{part(listing.by_township)}｜按产业：{part(listing.by_industry)}"
    )
