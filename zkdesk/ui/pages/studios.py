"""三室一站: the filterable list of studios with counts, and the item-6 figures they feed."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from zkdesk.domain.choices import INDUSTRIES, STUDIO_LEVELS, STUDIO_STATUSES, STUDIO_TYPES, industry_label
from zkdesk.domain.roles import Permission
from zkdesk.services.studios import StudioFilter, StudioList, delete_studio, list_studios
from zkdesk.ui import bus
from zkdesk.ui.messages import show_error
from zkdesk.ui.delete_confirm import delete_asking
from zkdesk.ui.refresh import Refresher
from zkdesk.ui.studios.dialog import StudioDialog
from zkdesk.ui.studios.item6_panel import Item6Panel
from zkdesk.ui.studios.status_dialog import StatusDialog
from zkdesk.ui.widgets.record_view import Column, RecordView

COLUMNS = [
    Column("名称", lambda r: r.name, width=220),
    Column("类型", lambda r: r.kind),
    Column("级别", lambda r: r.level),
    Column("状态", lambda r: r.status),
    Column("乡镇", lambda r: r.township_name),
    Column("产业", lambda r: industry_label(r.industry)),
    Column("依托单位", lambda r: r.host, stretch=True),
    Column("领衔人", lambda r: r.lead_name),
    Column("联系电话", lambda r: r.lead_phone, personal="phone"),
    Column("成员", lambda r: r.member_count, fmt="int"),
    Column("申报日期", lambda r: r.applied_on, fmt="date"),
    Column("命名日期", lambda r: r.named_on, fmt="date"),
    Column("命名文号", lambda r: r.naming_doc_no),
]
TITLES = [c.title for c in COLUMNS]
ALL = "全部"
LIST_KINDS = (bus.STUDIOS, bus.ENTERPRISES)


class StudiosPage(QWidget):
    def __init__(self, ctx, spec, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.listing: StudioList | None = None
        self.dialog: StudioDialog | None = None

        self.kind = self._filter("kindFilter", STUDIO_TYPES)
        self.level = self._filter("levelFilter", STUDIO_LEVELS)
        self.township = QComboBox(objectName="townshipFilter")
        if ctx.actor.at_county:
            self.township.addItem(ALL, None)
        for code, name in ctx.townships:
            self.township.addItem(name, code)
        self.township.setEnabled(self.township.count() > 1)  # a township office sees only its own
        self.township.currentIndexChanged.connect(self.refresh_list)
        self.industry = self._filter("industryFilter", INDUSTRIES, industry_label)
        self.status = self._filter("statusFilter", STUDIO_STATUSES)
        filters = QHBoxLayout()
        for label, combo in (("类型", self.kind), ("级别", self.level), ("乡镇", self.township),
                             ("产业", self.industry), ("状态", self.status)):
            filters.addWidget(QLabel(f"{label}："))
            filters.addWidget(combo)
        self.search = QLineEdit(objectName="searchEdit", placeholderText="搜索：名称、领办人、依托单位…", clearButtonEnabled=True)
        filters.addWidget(self.search, 1)

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
        self.table = RecordView(COLUMNS, key=lambda r: r.id, objectName="studiosTable",
                                empty="暂无工作室：点击“登记工作室…”，或从 文件 ▸ 导入Excel 导入")
        self.table.doubleClicked.connect(lambda _i: self.open_selected())
        self.search.textChanged.connect(self.table.set_filter_text)  # over every column, in memory

        self.item6 = Item6Panel(ctx)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<h2>三室一站</h2>"))
        layout.addLayout(filters)
        layout.addLayout(buttons)
        layout.addWidget(self.counts)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.item6)
        self.refresher = Refresher(self.table, self._read_list, self._show_list, LIST_KINDS)

    def _filter(self, name: str, values: tuple[str, ...], label=str) -> QComboBox:
        combo = QComboBox(objectName=name)
        combo.addItem(ALL, None)
        for v in values:
            combo.addItem(label(v), v)
        combo.currentIndexChanged.connect(self.refresh_list)
        return combo

    def refresh(self) -> None:
        self.refresh_list()
        self.item6.refresh()

    def current_filter(self) -> StudioFilter:
        return StudioFilter(kind=self.kind.currentData(), level=self.level.currentData(),
                            township_code=self.township.currentData(), industry=self.industry.currentData(),
                            status=self.status.currentData())

    def refresh_list(self) -> None:
        if hasattr(self, "refresher"):  # a filter may fire while the page is still being built
            self.refresher.request()

    def _read_list(self):
        flt = self.current_filter()
        return lambda s, actor: list_studios(s, actor, flt)

    def _show_list(self, listing: StudioList) -> None:
        self.listing = listing
        self.table.set_rows(listing.rows)
        self.counts.setText(_counts_text(listing))

    def selected_id(self) -> str | None:
        return self.table.current_key()

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
        row = self.table.current_row()
        if row is None:
            show_error(self, "请先在列表中选中一个工作室")
            return
        dialog = StatusDialog(self.ctx, row.id, row.name, row.status, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def delete_selected(self) -> None:
        row = self.table.current_row()
        if row is None:
            return
        delete_asking(self, "studio", row.id, f"删除“{row.name}”及其成员和各年度成果？",
                      lambda s, actor: delete_studio(s, actor, row.id))


def _counts_text(listing: StudioList) -> str:
    def part(counts: dict[str, int]) -> str:
        return "、".join(f"{k} {v}" for k, v in counts.items()) or "—"

    return (
        f"共 <b>{listing.total}</b> 家（目前命名且未撤销 {listing.named_today} 家）｜"
        f"按类型：{part(listing.by_kind)}｜按级别：{part(listing.by_level)}｜按状态：{part(listing.by_status)}<br>"
        f"按乡镇：{part(listing.by_township)}｜按产业：{part({industry_label(k): v for k, v in listing.by_industry.items()})}"
    )
