from datetime import date, timedelta

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QCheckBox, QComboBox, QDateEdit, QSpinBox, QDialog, QLabel, QLineEdit, QPlainTextEdit, QPushButton, QTableView
from sqlalchemy import select

from tests.ui.settle import closed, settle
from zkdesk.app import build_context
from zkdesk.domain.roles import Role
from zkdesk.services.auth import actor_for
from zkdesk.services.award_sessions import SessionInput, create_session, list_sessions
from zkdesk.services.nominations import NominationInput, create_nomination
from zkdesk.services.passwords import hash_password
from zkdesk.store.models import Nomination, NominationStep, User
from zkdesk.ui.main_window import MainWindow

LEFT = Qt.MouseButton.LeftButton
WRONG_ID = "530924199007041328"  # the check digit should be 9
RIGHT_ID = "530924199007041329"  # female, born 1990-07-04


def _user(db, username: str, role: Role, display_name: str):
    with db.session() as s:
        user = User(username=username, display_name=display_name, role=role.value, password_hash=hash_password("pass-word-9"))
        s.add(user)
        s.flush()
        return actor_for(s, user)


@pytest.fixture
def office(home, county_db):
    db, admin = county_db
    with db.session() as s:
        create_session(s, admin, SessionInput("第四届镇康县劳动模范", 2025, 4, quota=12))
    clerk = _user(db, "luru", Role.CLERK, "录入员小李")
    reviewer = _user(db, "shenhe", Role.REVIEWER, "审核员老张")
    return home, db, clerk, reviewer


_windows = []  # qtbot.addWidget closes them at the end; this keeps them alive until then


def _page(qtbot, home, db, actor):
    window = MainWindow(build_context(home, db, actor))
    qtbot.addWidget(window)
    _windows.append(window)
    window.show()
    page = window.show_page("nominations")
    settle(qtbot)
    return page


def _child(parent, cls, name):
    widget = parent.findChild(cls, name)
    assert widget is not None, name
    return widget


def _type(widget, text: str) -> None:
    """Chinese text arrives from the input method as a commit string (QTest.keyClicks takes ASCII only)."""
    widget.setFocus()
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def _choose(combo: QComboBox, text: str) -> None:
    index = combo.findText(text)
    assert index >= 0, text
    combo.setCurrentIndex(index)


def _click_row(qtbot, table: QTableView, row: int) -> None:
    rect = table.visualRect(table.model().index(row, 1))
    qtbot.mouseClick(table.viewport(), LEFT, pos=rect.center())
    settle(qtbot)


def _press(qtbot, page, name: str) -> None:
    qtbot.mouseClick(_child(page, QPushButton, name), LEFT)
    settle(qtbot)


def _status(db) -> str:
    with db.session() as s:
        return s.scalars(select(Nomination.status)).one()


def test_create_check_and_review_a_nomination(qtbot, office):
    home, db, clerk, reviewer = office
    page = _page(qtbot, home, db, clerk)
    assert _child(page, QComboBox, "sessionCombo").currentText() == "第四届镇康县劳动模范（2025年）"

    # A clerk opens the form and types a nomination with a mistyped ID number.
    _press(qtbot, page, "newNominationButton")
    form = _child(page, QDialog, "nominationDialog")
    assert form.isVisible()
    settle(qtbot)  # the townships and employers arrive
    _choose(_child(form, QComboBox, "townshipCombo"), "南伞镇")
    _type(_child(form, QLineEdit, "nameEdit"), "李芳")
    id_edit = _child(form, QLineEdit, "idNumberEdit")
    qtbot.keyClicks(id_edit, WRONG_ID)
    id_error = _child(form, QLabel, "idError")
    assert "校验位错误：最后一位应为9" in id_error.text() and "#b00020" in id_error.styleSheet()
    _choose(_child(form, QComboBox, "ethnicityCombo"), "佤族")
    assert _child(form, QComboBox, "ethnicityCombo").count() == 56
    _choose(_child(form, QComboBox, "politicalCombo"), "中共党员")
    _choose(_child(form, QComboBox, "educationCombo"), "大学专科")
    _type(_child(form, QComboBox, "employerCombo").lineEdit(), "镇康县南伞制糖有限公司")
    _type(_child(form, QLineEdit, "jobTitleEdit"), "制糖车间主任")
    qtbot.keyClicks(_child(form, QLineEdit, "phoneEdit"), "13988776655")
    # 产业工人 (plan 12.5): the 人员类别 decides where it can, the tick only where it cannot
    category = _child(form, QComboBox, "categoryCombo")
    industrial = _child(form, QCheckBox, "industrialCheck")
    reason = _child(form, QLabel, "industrialReason")
    _choose(category, "农民工")
    assert industrial.isEnabled() and not industrial.isChecked()
    assert reason.text() == "人员类别“农民工”不能确定是否为产业工人，未勾选，不计为产业工人"
    qtbot.keyClick(industrial, Qt.Key.Key_Space)
    assert industrial.isChecked() and reason.text().endswith("按勾选计为产业工人")
    _choose(category, "企业负责人")
    assert not industrial.isEnabled() and not industrial.isChecked()
    assert reason.text() == "人员类别为“企业负责人”，不计为产业工人"
    _choose(category, "企业一线工人和专业技术人员")
    assert not industrial.isEnabled() and industrial.isChecked()
    assert reason.text() == "人员类别为“企业一线工人和专业技术人员”，计为产业工人"
    _type(_child(form, QPlainTextEdit, "deedsShortEdit"), "扎根制糖一线攻坚克难。" * 40)  # 440 characters
    assert _child(form, QLabel, "deedsShortCount").text().startswith("字数：440字")
    _type(_child(form, QPlainTextEdit, "deedsFullEdit"), "长期工作在生产一线，带头攻关。" * 120)  # 1800
    assert _child(form, QLabel, "deedsFullCount").text().startswith("字数：1800字")

    # Saving is refused while the ID number is wrong; nothing is written.
    qtbot.mouseClick(_child(form, QPushButton, "saveButton"), LEFT)
    findings = _child(form, QLabel, "findingsLabel")
    assert form.isVisible() and "不能保存" in findings.text() and "校验位错误" in findings.text()
    with db.session() as s:
        assert s.scalars(select(Nomination)).all() == []

    # Correcting the last digit: the ID checks out and gives gender and birth date.
    id_edit.setFocus()
    id_edit.end(False)
    qtbot.keyClick(id_edit, Qt.Key.Key_Backspace)
    qtbot.keyClicks(id_edit, "9")
    assert id_error.text().startswith("校验通过：1990年07月04日出生，女")
    assert _child(form, QComboBox, "genderCombo").currentText() == "女"
    qtbot.mouseClick(_child(form, QPushButton, "saveButton"), LEFT)
    settle(qtbot)
    assert closed(form)
    with db.session() as s:
        nom = s.scalars(select(Nomination)).one()
        assert (nom.name, nom.id_number, nom.gender, nom.birth_date) == ("李芳", RIGHT_ID, "女", date(1990, 7, 4))
        assert nom.township_code == "530924103" and nom.industrial_worker and nom.status == "draft"

    table = _child(page, QTableView, "nominationTable")
    assert table.model().rowCount() == 1
    assert "产业工人 1 人，占 <b style='color:#1b7f3b'>100.0%</b>" in _child(page, QLabel, "checksSummary").text()

    # The clerk submits it (推荐), then is refused a review step (审核).
    _click_row(qtbot, table, 0)
    message = _child(page, QLabel, "workflowMessage")
    _press(qtbot, page, "recommendButton")
    assert message.text() == "已推荐，当前状态：单位推荐"
    assert _status(db) == "unit_recommended"
    _press(qtbot, page, "townshipReviewButton")
    assert "不能审核" in message.text() and "需要“审核”权限" in message.text() and "录入员" in message.text()
    assert _status(db) == "unit_recommended"

    # A reviewer takes it through 审核, 评审, 公示 and 表彰.
    page = _page(qtbot, home, db, reviewer)
    table = _child(page, QTableView, "nominationTable")
    _click_row(qtbot, table, 0)
    message = _child(page, QLabel, "workflowMessage")
    opinion = _child(page, QPlainTextEdit, "opinionEdit")
    _type(opinion, "情况属实，同意推荐")
    _press(qtbot, page, "townshipReviewButton")
    assert message.text() == "已审核，当前状态：乡镇审核"
    _press(qtbot, page, "honourButton")  # not yet: out of order
    assert _status(db) == "township_reviewed"
    _type(opinion, "评审通过")
    _press(qtbot, page, "countyReviewButton")
    started = date.today() - timedelta(days=14)
    _child(page, QDateEdit, "publicityStartEdit").setDate(QDate(started))
    _press(qtbot, page, "publicizeButton")
    assert message.text() == "已公示，当前状态：公示"
    _press(qtbot, page, "honourButton")
    assert message.text() == "已表彰，当前状态：表彰"
    assert "表彰" in table.model().index(0, 12).data()
    assert "已表彰 1 人" in _child(page, QLabel, "checksSummary").text()

    with db.session() as s:
        steps = s.scalars(select(NominationStep).order_by(NominationStep.at)).all()
        assert [(st.to_status, st.actor, st.opinion) for st in steps] == [
            ("unit_recommended", "luru", ""),
            ("township_reviewed", "shenhe", "情况属实，同意推荐"),
            ("county_reviewed", "shenhe", "评审通过"),
            ("publicized", "shenhe", ""),
            ("honoured", "shenhe", ""),
        ]
        assert s.scalars(select(Nomination.publicity_start)).one() == started


def test_a_viewer_sees_masked_numbers(qtbot, office):
    home, db, clerk, _ = office
    with db.session() as s:
        session_id = list_sessions(s, clerk)[0].id
        create_nomination(s, clerk, NominationInput(
            session_id=session_id, township_code="530924103", name="李芳", id_number=RIGHT_ID, phone="13988776655",
            category="农民工", political_status="群众",
        ))
    viewer = _user(db, "chakan", Role.VIEWER, "查看人员")
    page = _page(qtbot, home, db, viewer)
    model = _child(page, QTableView, "nominationTable").model()
    assert model.index(0, 5).data() == "530924********1329"
    assert model.index(0, 6).data() == "139****6655"
    assert not _child(page, QPushButton, "newSessionButton").isHidden()  # at the county


def test_a_township_without_sessions_is_told_where_they_come_from(qtbot, home, township_db):
    db, admin = township_db
    page = _page(qtbot, home, db, admin)
    assert _child(page, QPushButton, "newSessionButton").isHidden()
    assert not _child(page, QPushButton, "newNominationButton").isEnabled()
    assert _child(page, QLabel, "listCount").text() == "尚未设立届次：请导入县总工会下发的数据包"
    assert _child(page, QComboBox, "townshipFilter").isHidden()  # a township sees only itself


def test_the_county_sets_up_a_session(qtbot, county_db):
    from zkdesk.ui.bus import ChangeBus
    from zkdesk.ui.context import UiContext
    from zkdesk.ui.nominations.session_dialog import SessionDialog

    db, admin = county_db
    dialog = SessionDialog(UiContext(home=None, db=db, actor=admin, bus=ChangeBus()))
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    qtbot.mouseClick(ok, LEFT)
    settle(qtbot)
    assert "请填写届次名称" in _child(dialog, QLabel, "errorLabel").text()
    _type(_child(dialog, QLineEdit, "sessionNameEdit"), "第五届镇康县劳动模范")
    number = _child(dialog, QSpinBox, "sessionNumberSpin")
    number.selectAll()
    qtbot.keyClicks(number, "5")
    qtbot.mouseClick(ok, LEFT)
    settle(qtbot)
    assert dialog.result() == QDialog.DialogCode.Accepted
    with db.session() as s:
        rows = list_sessions(s, admin)
    assert [(r.name, r.number, r.level, r.quota) for r in rows] == [("第五届镇康县劳动模范", 5, "县级", None)]
