"""The 三室一站 page driven as a clerk would: register a studio with members, enter two years of
results, and watch the item-6 figures change."""

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QComboBox, QLineEdit, QPushButton, QSpinBox, QTableWidget, QTabWidget
from sqlalchemy import select

from tests.ui.settle import closed, error_text, settle
from zkdesk.store.models import Studio, StudioMember, StudioResult
from zkdesk.ui.pages.studios import TITLES
from zkdesk.ui.widgets.record_view import RecordView
from zkdesk.ui.studios.results import ResultDialog

LEFT = Qt.MouseButton.LeftButton


def child(parent, cls, name):
    found = parent.findChild(cls, name)
    assert found is not None, name
    return found


def click(qtbot, parent, name):
    qtbot.mouseClick(child(parent, QPushButton, name), LEFT)


def type_text(qtbot, widget, text):
    """Type as a clerk does; QTest.keyClicks knows only ASCII, so Chinese characters arrive as
    key events carrying their text, the way an input method commits them."""
    for ch in text:
        if ch.isascii():
            qtbot.keyClicks(widget, ch)
        else:
            QTest.sendKeyEvent(QTest.KeyAction.Click, widget, Qt.Key.Key_unknown, ch, Qt.KeyboardModifier.NoModifier)


def type_into(qtbot, parent, name, text):
    type_text(qtbot, child(parent, QLineEdit, name), text)


def open_tab(qtbot, dialog, index):
    bar = child(dialog, QTabWidget, "studioTabs").tabBar()
    qtbot.mouseClick(bar, LEFT, pos=bar.tabRect(index).center())


def item6_row(page, code):
    from pytestqt.qtbot import QtBot

    settle(QtBot(page))
    table = child(page, QTableWidget, "item6Table")
    for row in range(table.rowCount()):
        if table.item(row, 0).text().startswith(code):
            return [table.item(row, col).text() for col in range(table.columnCount())]
    raise AssertionError(code)


def enter_year(qtbot, dialog, year, **counts):
    click(qtbot, dialog, "addResultButton")
    result = dialog.findChild(ResultDialog)
    year_spin = child(result, QSpinBox, "yearSpin")
    year_spin.lineEdit().selectAll()
    qtbot.keyClicks(year_spin, str(year))
    for key, value in counts.items():
        spin = child(result, QSpinBox, f"{key}Spin")
        spin.lineEdit().selectAll()
        qtbot.keyClicks(spin, str(value))
    click(qtbot, result, "saveResultButton")
    settle(qtbot)
    assert closed(result), error_text(result)  # accepted: closed (and deleted)


def test_register_a_studio_with_members_and_results_moves_item6(qtbot, main_window):
    page = main_window.show_page("studios")
    db = main_window.ctx.db
    # 2021–2025 columns, 累计 at index 6, 完成率 last
    assert item6_row(page, "06.1")[6] == "0" and item6_row(page, "06.6")[6] == "0"

    click(qtbot, page, "newStudioButton")
    dialog = page.dialog
    settle(qtbot)  # the townships and hosts arrive
    type_into(qtbot, dialog, "leadNameEdit", "李明")
    assert child(dialog, QLineEdit, "nameEdit").text() == "李明劳模创新工作室"  # the suggested name
    type_into(qtbot, dialog, "hostNameEdit", "镇康县凤尾茶厂")
    type_into(qtbot, dialog, "leadIdEdit", "530924198001011234")
    type_into(qtbot, dialog, "appliedOnEdit", "2022-03-01")
    qtbot.keyClick(child(dialog, QComboBox, "statusCombo"), Qt.Key.Key_Down)  # 申报 → 命名
    assert child(dialog, QComboBox, "statusCombo").currentText() == "命名"
    type_into(qtbot, dialog, "namedOnEdit", "2022-06-01")
    type_into(qtbot, dialog, "namingDocNoEdit", "镇工发〔2022〕12号")

    open_tab(qtbot, dialog, 1)
    for name, job in (("张三", "机修工"), ("李四", "电工")):
        type_into(qtbot, dialog, "memberNameEdit", name)
        type_into(qtbot, dialog, "memberJobEdit", job)
        click(qtbot, dialog, "addMemberButton")
    click(qtbot, dialog, "saveStudioButton")
    settle(qtbot)  # saved (or refused) off the GUI thread
    errors = dialog.error.text()
    assert "身份证号码校验位错误" in errors and "工作室成员至少3人，现有2人" in errors
    with db.session() as s:
        assert s.scalars(select(Studio)).all() == []

    qtbot.keyClick(child(dialog, QLineEdit, "leadIdEdit"), Qt.Key.Key_Backspace)
    type_into(qtbot, dialog, "leadIdEdit", "9")  # 530924198001011239 is the valid number
    type_into(qtbot, dialog, "memberNameEdit", "王五")
    click(qtbot, dialog, "addMemberButton")
    assert child(dialog, QTableWidget, "membersTable").rowCount() == 3
    click(qtbot, dialog, "saveStudioButton")
    settle(qtbot)  # saved (or refused) off the GUI thread
    assert dialog.error.text() == "" and dialog.studio_id is not None
    with db.session() as s:
        studio = s.scalars(select(Studio)).one()
        assert (studio.name, studio.status, studio.host_name, studio.naming_doc_no) == (
            "李明劳模创新工作室", "命名", "镇康县凤尾茶厂", "镇工发〔2022〕12号")
        assert len(s.scalars(select(StudioMember)).all()) == 3
    settle(qtbot)
    assert child(page, RecordView, "studiosTable").row_count() == 1
    named = item6_row(page, "06.6")
    assert named[2] == "1" and named[6] == "1" and named[-1] == "20%"  # named in 2022, target 5

    open_tab(qtbot, dialog, 3)
    enter_year(qtbot, dialog, 2022, proposals=12, proposals_adopted=7, tech_innovations=2, patents=1)
    enter_year(qtbot, dialog, 2023, proposals=8, rd_projects=1, methods=1, achievements_awarded=2)

    settle(qtbot)
    results = child(dialog, RecordView, "resultsTable")
    assert results.column_texts(0) == ["2022", "2023", "合计"]  # the years in order, the totals last
    assert results.column_texts(1) == ["12", "8", "20"]
    total = results.record_model.index(2, 1)
    assert results.record_model.data(total, Qt.ItemDataRole.FontRole).bold()
    assert results.record_model.data(results.record_model.index(0, 1), Qt.ItemDataRole.FontRole) is None
    proposals = item6_row(page, "06.1")
    assert proposals[2:4] == ["12", "8"] and proposals[6] == "20" and proposals[-1] == "20%"
    assert item6_row(page, "06.2")[6] == "3"  # 2 技术革新 + 1 研发项目
    assert item6_row(page, "06.3")[6] == "1"
    assert item6_row(page, "06.4")[6] == "1"
    assert item6_row(page, "06.5")[6] == "2"
    with db.session() as s:
        assert sorted(r.year for r in s.scalars(select(StudioResult))) == [2022, 2023]


def test_filters_narrow_the_list_and_the_counts(qtbot, main_window):
    from tests.unit.test_studios_service import MEMBERS, studio_input
    from zkdesk.services.studios import register_studio

    db, actor = main_window.ctx.db, main_window.ctx.actor
    with db.session() as s:
        register_studio(s, actor, studio_input(), MEMBERS)
        register_studio(s, actor, studio_input(name="甲工匠创新工作室", kind="工匠创新工作室", industry="茶"), MEMBERS)
    page = main_window.show_page("studios")
    main_window.ctx.bus.notify("studios")
    settle(qtbot)
    table = child(page, RecordView, "studiosTable")
    assert table.row_count() == 2 and "共 <b>2</b> 家" in page.counts.text()
    industry = child(page, QComboBox, "industryFilter")
    for _ in range(industry.findData("茶")):
        qtbot.keyClick(industry, Qt.Key.Key_Down)
    assert industry.currentText() == "茶叶"  # the industries in full, not one character
    settle(qtbot)
    assert table.column_texts(0) == ["甲工匠创新工作室"] and table.column_texts(5) == ["茶叶"]
    assert "共 <b>1</b> 家" in page.counts.text() and "工匠创新工作室 1" in page.counts.text()
    assert "按产业：茶叶 1" in page.counts.text()


def test_status_dialog_names_a_studio_with_its_document_number(qtbot, main_window):
    from tests.unit.test_studios_service import MEMBERS, studio_input
    from zkdesk.services.studios import register_studio
    from zkdesk.ui.studios.status_dialog import StatusDialog

    db, actor = main_window.ctx.db, main_window.ctx.actor
    with db.session() as s:
        register_studio(s, actor, studio_input(applied_on=date(2023, 4, 1)), MEMBERS)
    page = main_window.show_page("studios")
    main_window.ctx.bus.notify("studios")
    settle(qtbot)
    table = child(page, RecordView, "studiosTable")
    qtbot.mouseClick(table.viewport(), LEFT, pos=table.visualRect(table.model().index(0, 0)).center())
    click(qtbot, page, "statusStudioButton")
    dialog = page.findChild(StatusDialog)
    assert child(dialog, QComboBox, "newStatusCombo").currentText() == "命名"
    date_edit = child(dialog, QLineEdit, "statusDateEdit")
    date_edit.selectAll()
    qtbot.keyClicks(date_edit, "2023-03-01")
    type_into(qtbot, dialog, "statusDocNoEdit", "镇工发〔2023〕7号")
    ok = child(dialog, QPushButton, "statusOkButton")
    qtbot.mouseClick(ok, LEFT)
    settle(qtbot)
    assert "未申报不能命名" in dialog.error.text()  # named before the application: refused
    date_edit.selectAll()
    qtbot.keyClicks(date_edit, "2023-05-20")
    qtbot.mouseClick(ok, LEFT)
    settle(qtbot)
    assert closed(dialog)  # accepted: closed (and deleted)
    assert table.column_texts(TITLES.index("状态")) == ["命名"]
    assert table.column_texts(TITLES.index("命名文号")) == ["镇工发〔2023〕7号"]
    assert item6_row(page, "06.6")[3] == "1"  # the 2023 column


def test_editing_members_of_a_registered_studio_keeps_the_minimum(qtbot, main_window):
    from tests.unit.test_studios_service import MEMBERS, studio_input
    from zkdesk.services.studios import register_studio

    db, actor = main_window.ctx.db, main_window.ctx.actor
    with db.session() as s:
        sid = register_studio(s, actor, studio_input(), MEMBERS)
    page = main_window.show_page("studios")
    dialog = page.open_studio(sid)
    settle(qtbot)
    open_tab(qtbot, dialog, 1)
    members = child(dialog, QTableWidget, "membersTable")

    def remove_row(row):
        qtbot.mouseClick(members.viewport(), LEFT, pos=members.visualItemRect(members.item(row, 0)).center())
        click(qtbot, dialog, "removeMemberButton")

    removed = members.item(0, 0).text()
    remove_row(0)
    click(qtbot, dialog, "saveStudioButton")
    settle(qtbot)  # saved (or refused) off the GUI thread
    assert "工作室成员至少3人" in dialog.error.text()
    with db.session() as s:
        assert not any(m.deleted for m in s.scalars(select(StudioMember)))

    type_into(qtbot, dialog, "memberNameEdit", "赵六")
    click(qtbot, dialog, "addMemberButton")
    click(qtbot, dialog, "saveStudioButton")
    settle(qtbot)  # saved (or refused) off the GUI thread
    assert dialog.error.text() == ""
    with db.session() as s:
        rows = s.scalars(select(StudioMember)).all()
    assert len(rows) == 4 and sum(m.deleted for m in rows) == 1
    assert [m.name for m in rows if m.deleted] == [removed]
    assert members.rowCount() == 3 and "赵六" in [members.item(r, 0).text() for r in range(3)]
