"""Guard against a Qt binding that corrupts None's reference count (PySide6 6.12.0 on
Python 3.11 dropped one reference per void method call, killing busy windows at random)."""

import sys

from PySide6.QtWidgets import QLabel


def test_void_qt_calls_keep_none_alive(qtbot):
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(2000):
        label.setText("镇康")
    lost = before - sys.getrefcount(None)
    assert lost < 100, f"the Qt binding drops references to None ({lost} per 2000 calls): pin another PySide6"
