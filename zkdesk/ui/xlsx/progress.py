"""A QProgressDialog wired to a Job: shows its progress, and 取消 cancels it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QProgressDialog, QWidget

from zkdesk.ui.xlsx.worker import Job


def attach_progress(job: Job, parent: QWidget, title: str) -> QProgressDialog:
    dialog = QProgressDialog(title, "取消", 0, 0, parent)
    dialog.setObjectName("xlsxProgress")
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(400)  # quick files never flash a dialog
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)

    def on_progress(done: int, total: int, message: str) -> None:
        dialog.setLabelText(message)
        dialog.setMaximum(max(total, 0))
        dialog.setValue(min(done, total) if total else 0)

    def finish(*_args) -> None:
        dialog.reset()
        dialog.hide()
        dialog.deleteLater()

    job.signals.progress.connect(on_progress)
    job.signals.done.connect(finish)
    job.signals.failed.connect(finish)
    dialog.canceled.connect(job.cancel)
    return dialog
