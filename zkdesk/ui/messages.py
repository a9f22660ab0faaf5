"""Showing errors to the user: a plain Chinese message box, never a traceback."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget


def show_error(parent: QWidget | None, message: str, title: str = "无法完成") -> None:
    box = QMessageBox(QMessageBox.Icon.Warning, title, str(message), QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("errorBox")
    box.exec()


def confirm(parent: QWidget | None, message: str, title: str = "请确认") -> bool:
    """是/否, in Chinese whatever translations are installed; 否 is the default."""
    box = QMessageBox(QMessageBox.Icon.Question, title, message,
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, parent)
    box.setObjectName("confirmBox")
    box.button(QMessageBox.StandardButton.Yes).setText("是")
    box.button(QMessageBox.StandardButton.No).setText("否")
    box.setDefaultButton(QMessageBox.StandardButton.No)
    return box.exec() == QMessageBox.StandardButton.Yes
