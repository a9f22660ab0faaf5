"""The county deletes an enterprise a township entered: before 是, the confirmation says that the
township will be told in the next package and delete it too, naming the township; the county's
own enterprise is deleted with the plain question."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QAbstractButton, QApplication, QPushButton

from tests.ui.settle import settle
from tests.unit.exchange_world import COUNTY, make_office_at
from zkdesk.app import build_context
from zkdesk.store.models import Enterprise
from zkdesk.ui.main_window import MainWindow

TOWN = "530924103"
NOTICE = "该记录由南伞镇录入，删除后将在下次发往南伞镇的数据包中通知该乡镇一并删除。"


def _answer_confirm(qtbot, seen: list[str], button_text: str) -> None:
    """When the confirmation is up, keep its text and click `button_text` (it comes after a read)."""

    def try_click(left: int = 500) -> None:
        box = QApplication.activeModalWidget()
        if box is None or box.objectName() != "confirmBox":
            if left:
                QTimer.singleShot(20, lambda: try_click(left - 1))
            return
        seen.append(box.text())
        for button in box.findChildren(QAbstractButton):
            if button.text() == button_text:
                qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
                return
        box.reject()

    QTimer.singleShot(0, try_click)


def _delete(qtbot, page, enterprise_id: str, answer: str) -> str:
    assert page.enterprise_table.select_key(enterprise_id)
    seen: list[str] = []
    _answer_confirm(qtbot, seen, answer)
    qtbot.mouseClick(page.findChild(QPushButton, "deleteEnterprise"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(seen), timeout=15000)
    settle(qtbot)
    return seen[0]


def _deleted(db, enterprise_id: str) -> bool:
    with db.read_session() as s:
        return s.get(Enterprise, enterprise_id).deleted


def test_the_county_deleting_a_townships_enterprise_is_told_the_township_deletes_it_too(qtbot, tmp_path, home):
    county, town = make_office_at(tmp_path, COUNTY), make_office_at(tmp_path, TOWN)
    county.export(tmp_path / "setup", TOWN)
    town.applied(tmp_path / "setup", trust=[county.fingerprint])
    with town.db.session() as s:
        theirs = Enterprise(origin=TOWN, name="南伞糖厂", township_code=TOWN)
        s.add(theirs)
        s.flush()
        theirs_id = theirs.id
    county.applied(*[p.path for p in town.export(tmp_path / "t1")], trust=[town.fingerprint])
    with county.db.session() as s:
        ours = Enterprise(origin=COUNTY, name="县本级企业", township_code=TOWN)
        s.add(ours)
        s.flush()
        ours_id = ours.id

    window = MainWindow(build_context(home, county.db, county.actor))
    window.show()
    try:
        page = window.show_page("enterprises")
        settle(qtbot)
        assert sorted(page.enterprise_table.column_texts(0)) == sorted(["南伞糖厂", "县本级企业"])

        question = _delete(qtbot, page, theirs_id, "否")  # told, and says no: nothing happens
        assert question.startswith("删除所选企业？") and NOTICE in question
        assert _deleted(county.db, theirs_id) is False

        question = _delete(qtbot, page, theirs_id, "是")
        assert NOTICE in question
        assert _deleted(county.db, theirs_id) is True

        question = _delete(qtbot, page, ours_id, "是")  # the county's own: nobody else to tell
        assert question == "删除所选企业？其分年度数据和工会信息一并删除。"
        assert _deleted(county.db, ours_id) is True
    finally:
        settle(qtbot)
        window.close_unasked()
        window.deleteLater()
