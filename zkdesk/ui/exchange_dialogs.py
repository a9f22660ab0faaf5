"""Dialogs of the exchange page: the confirmation of a new sender's key (its fingerprint, checked
by phone before trusting) and one record of a package in detail (本地值 / 对方值)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from zkdesk.services.exchange_keys import normalise_fingerprint
from zkdesk.ui.form_parts import ok_cancel


class KeyConfirmDialog(QDialog):
    """Shows the fingerprint of a key seen for the first time; the user types what the other
    office reads out on the phone, and only a match enables 信任."""

    def __init__(self, sender_name: str, sender_code: str, fingerprint: str, parent=None):
        super().__init__(parent)
        self.setObjectName("keyConfirmDialog")
        self.setWindowTitle("核对对方密钥")
        self.setMinimumWidth(520)
        self.fingerprint = fingerprint
        self.sender_code = sender_code
        intro = QLabel(
            f"首次收到<b>{sender_name}（{sender_code}）</b>的数据包。<br>"
            "为防止伪造，请打电话给对方，请对方在 zkdesk“数据交换”页面读出<b>本单位密钥指纹</b>，"
            "与下面的指纹逐组核对，并把听到的指纹填在下面。"
        )
        intro.setWordWrap(True)
        shown = QLabel(fingerprint, objectName="fingerprintLabel")
        shown.setAlignment(Qt.AlignmentFlag.AlignCenter)
        shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        shown.setStyleSheet("font-size: 20pt; font-family: monospace; letter-spacing: 2px; padding: 10px;")
        self.heard = QLineEdit(objectName="heardFingerprintEdit", placeholderText="对方读出的指纹，如 1A2B-3C4D-…")
        self.status = QLabel(objectName="fingerprintStatus")
        self.buttons = ok_cancel(self, self.accept, "核对一致，信任此密钥", "不信任", ok_name="trustKeyButton")
        self.trust_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.trust_button.setEnabled(False)
        self.heard.textChanged.connect(self._compare)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(shown)
        layout.addWidget(QLabel("对方读出的指纹："))
        layout.addWidget(self.heard)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)

    def _compare(self, text: str) -> None:
        typed = normalise_fingerprint(text)
        match = typed == self.fingerprint
        self.trust_button.setEnabled(match)
        if not typed:
            self.status.setText("")
        elif match:
            self.status.setText("指纹一致")
            self.status.setStyleSheet("color: #1b7f3b;")
        elif len(typed) >= len(self.fingerprint):
            self.status.setText("指纹不一致：不要信任，请与对方核实")
            self.status.setStyleSheet("color: #b00020;")
        else:
            self.status.setText("")


class RecordDetailDialog(QDialog):
    """One record of a package: its name, what the import does with it and why, and per field
    本地值 / 对方值 (and what happens to the field)."""

    def __init__(self, note, parent=None):
        super().__init__(parent)
        self.setObjectName("recordDetailDialog")
        self.setWindowTitle(f"{note.table_label}：{note.label}")
        self.setMinimumSize(640, 420)
        head = QLabel(f"<b>{note.table_label}：{note.label}</b><br>"
                      f"来自{note.sender}的数据包 {note.package}；记录所属单位：{note.origin or '—'}<br>"
                      f"处理：<b>{note.action_label}</b>。{note.reason}", objectName="recordDetailHead")
        head.setWordWrap(True)
        head.setTextFormat(Qt.TextFormat.RichText)
        self.fields = QTableWidget(len(note.fields), 4, objectName="recordDetailFields")
        self.fields.setHorizontalHeaderLabels(["项目", "本地值", "对方值", "处理"])
        self.fields.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.fields.verticalHeader().setVisible(False)
        self.fields.setWordWrap(True)
        header = self.fields.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for r, d in enumerate(note.fields):
            for c, text in enumerate((d.label, d.local, d.remote, d.note)):
                item = QTableWidgetItem(text)
                item.setToolTip(text if len(text) > 20 else "")
                self.fields.setItem(r, c, item)
        empty = QLabel("两边的内容相同。" if not note.fields else "", objectName="recordDetailEmpty")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(head)
        layout.addWidget(self.fields, 1)
        if not note.fields:
            layout.addWidget(empty)
        layout.addWidget(buttons)
