"""Sensible defaults and gentle warnings: the county chooses an enterprise's township itself, and an
enterprise missing what its indicators need is saved only when the clerk says so."""

from PySide6.QtWidgets import QApplication, QComboBox, QLabel, QLineEdit, QPushButton

from tests.ui.modal import answer_modal
from tests.ui.settle import settle
from zkdesk.store.models import Enterprise


def _new_enterprise(main_window, qtbot):
    page = main_window.show_page("enterprises")
    settle(qtbot)
    page.new_enterprise()
    return QApplication.activeModalWidget()


def _names(main_window):
    with main_window.ctx.db.session() as s:
        return [e.name for e in s.query(Enterprise).all()]


def test_no_township_is_chosen_for_the_county(main_window, qtbot):
    dialog = _new_enterprise(main_window, qtbot)
    assert dialog.findChild(QComboBox, "entTownship").currentText() == "（请选择乡镇）"
    dialog.findChild(QLineEdit, "entName").setText("南伞糖厂")
    dialog.findChild(QComboBox, "entIndustry").setCurrentText("糖")
    dialog.findChild(QLineEdit, "entUscc").setText("91530924MA6KXQ7T2Q")
    dialog.findChild(QComboBox, "entTownship").setCurrentIndex(0)
    answer_modal(qtbot, "仍然保存", "incompleteBox")  # 职工人数 left at 0
    dialog.findChild(QPushButton, "saveButton").click()
    settle(qtbot)
    assert dialog.isVisible() and dialog.findChild(QLabel, "errorLabel").text() == "请选择所属乡镇"
    assert _names(main_window) == []
    dialog.reject()


def test_an_enterprise_with_only_a_name_asks_before_saving(main_window, qtbot):
    dialog = _new_enterprise(main_window, qtbot)
    township = dialog.findChild(QComboBox, "entTownship")
    township.setCurrentIndex(township.findText("南伞镇"))
    dialog.findChild(QLineEdit, "entName").setText("只有名称的企业")
    answer_modal(qtbot, "返回填写", "incompleteBox")
    dialog.findChild(QPushButton, "saveButton").click()
    settle(qtbot)
    assert dialog.isVisible() and _names(main_window) == []  # back to the form, nothing saved
    answer_modal(qtbot, "仍然保存", "incompleteBox")
    dialog.findChild(QPushButton, "saveButton").click()
    settle(qtbot)
    assert _names(main_window) == ["只有名称的企业"]

