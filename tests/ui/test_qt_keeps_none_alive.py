"""Guard against a Qt binding that drops references to None (PySide6 6.12.0 on Python 3.11):
each widget call then lowers None's count, and the program aborts once it reaches zero."""

import sys

from PySide6.QtWidgets import QComboBox, QLabel


def test_widget_calls_do_not_consume_references_to_none(qtbot):
    label, combo = QLabel(), QComboBox()
    qtbot.addWidget(label)
    qtbot.addWidget(combo)
    before = sys.getrefcount(None)
    for i in range(200):
        label.setText(str(i))
        combo.addItem(str(i), str(i))
    assert sys.getrefcount(None) - before > -50  # 6.12.0 loses 400 here
