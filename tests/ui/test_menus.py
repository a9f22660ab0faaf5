"""Menus and shortcuts as desktop users expect: 文件 / 编辑 / 帮助, Ctrl+F, Ctrl+N, Ctrl+P, F5, Delete, F1."""

from datetime import date

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit, QMenu, QTextBrowser

from tests.enterprise_helpers import add_enterprise
from tests.ui.modal import answer_modal
from tests.ui.settle import settle
from zkdesk import __version__
from zkdesk.store.models import Enterprise
from zkdesk.ui.widgets.record_view import RecordView


def _menu_texts(window, name):
    return [a.text() for a in window.findChild(QMenu, name).actions() if not a.isSeparator()]


def _shortcut(window, name):
    return window.findChild(QAction, name).shortcut()


def test_the_menus_and_their_shortcuts(main_window):
    assert _menu_texts(main_window, "fileMenu") == ["导入Excel…", "导出Excel…", "打印…", "注销/切换用户…", "退出"]
    assert _menu_texts(main_window, "editMenu") == ["查找", "新增…", "删除…", "刷新"]
    assert _menu_texts(main_window, "helpMenu") == ["使用说明", "关于"]
    for name, key in (("actionFind", "Ctrl+F"), ("actionNew", "Ctrl+N"), ("actionPrint", "Ctrl+P"),
                      ("actionRefresh", "F5"), ("actionDelete", "Del"), ("actionQuit", "Ctrl+Q")):
        assert _shortcut(main_window, name).matches(QKeySequence(key)) == QKeySequence.SequenceMatch.ExactMatch, name
    assert "产业工人队伍建设改革台账" not in main_window.windowTitle()  # Qt adds the program's name once


def _enterprises(window, qtbot, *names):
    with window.ctx.db.session() as s:
        ids = [add_enterprise(s, window.ctx.actor, n, year=date.today().year) for n in names]
    page = window.show_page("enterprises")
    window.ctx.bus.notify("enterprises")
    settle(qtbot)
    return page, ids


def test_ctrl_f_goes_to_the_search_box_of_the_page_shown(main_window, qtbot):
    for key, box in (("enterprises", "searchEdit"), ("studios", "searchEdit"), ("nominations", "searchEdit")):
        page = main_window.show_page(key)
        settle(qtbot)
        main_window.findChild(QAction, "actionFind").trigger()
        assert QApplication.focusWidget() is page.findChild(QLineEdit, box), key


def test_studios_and_contracts_lists_have_text_search(main_window, qtbot):
    from tests.unit.test_studios_service import MEMBERS, studio_input
    from zkdesk.services.studios import register_studio

    with main_window.ctx.db.session() as s:
        for name, lead in (("李明劳模创新工作室", "李明"), ("张华工匠创新工作室", "张华")):
            register_studio(s, main_window.ctx.actor, studio_input(name=name, lead_name=lead), MEMBERS)
    page = main_window.show_page("studios")
    main_window.ctx.bus.notify("studios")
    settle(qtbot)
    assert page.table.row_count() == 2
    page.findChild(QLineEdit, "searchEdit").setText("张华")
    assert page.table.row_count() == 1 and page.table.shown_rows()[0].name == "张华工匠创新工作室"
    enterprises = main_window.show_page("enterprises")
    contracts = enterprises.findChild(QLineEdit, "contractSearch")
    contracts.setText("没有这份合同")
    assert enterprises.contract_table.row_count() == 0


def test_f5_reads_what_another_window_wrote_and_delete_in_a_list_asks_then_deletes(main_window, qtbot):
    page, _ = _enterprises(main_window, qtbot, "甲糖厂")
    table = page.findChild(RecordView, "enterpriseTable")
    assert table.column_texts(0) == ["甲糖厂"]
    with main_window.ctx.db.session() as s:  # as another window would: nothing announced here
        add_enterprise(s, main_window.ctx.actor, "乙茶厂", year=date.today().year)
    settle(qtbot)
    assert table.column_texts(0) == ["甲糖厂"]
    main_window.findChild(QAction, "actionRefresh").trigger()
    settle(qtbot)
    assert sorted(table.column_texts(0)) == ["乙茶厂", "甲糖厂"]

    main_window.activateWindow()  # keyboard shortcuts reach the active window only
    qtbot.waitUntil(main_window.isActiveWindow)
    table.setFocus()
    table.selectRow([r.name for r in table.shown_rows()].index("乙茶厂"))
    answer_modal(qtbot, "否", "confirmBox")
    qtbot.keyClick(table, Qt.Key.Key_Delete)
    settle(qtbot)
    assert sorted(table.column_texts(0)) == ["乙茶厂", "甲糖厂"]
    main_window.activateWindow()  # the question took the focus away; back to the list as a user would
    qtbot.waitUntil(main_window.isActiveWindow)
    table.setFocus()
    answer_modal(qtbot, "是", "confirmBox")
    qtbot.keyClick(table, Qt.Key.Key_Delete)
    settle(qtbot)
    assert table.column_texts(0) == ["甲糖厂"]
    with main_window.ctx.db.session() as s:
        assert s.query(Enterprise).filter_by(name="乙茶厂").one().deleted


def test_delete_in_a_text_box_stays_the_text_box_s(main_window, qtbot):
    page, _ = _enterprises(main_window, qtbot, "甲糖厂")
    table = page.findChild(RecordView, "enterpriseTable")
    table.selectRow(0)
    main_window.activateWindow()
    qtbot.waitUntil(main_window.isActiveWindow)
    search = page.findChild(QLineEdit, "searchEdit")
    search.setFocus()
    search.setText("甲x")
    asked = []

    def close_any_question():
        box = QApplication.activeModalWidget()
        if box is not None:
            asked.append(box.objectName())
            box.reject()

    QTimer.singleShot(100, close_any_question)
    qtbot.keyClick(search, Qt.Key.Key_Left)
    qtbot.keyClick(search, Qt.Key.Key_Delete)
    qtbot.wait(200)
    assert asked == [] and search.text() == "甲"


def test_ctrl_n_opens_the_page_s_new_record_form(main_window, qtbot):
    main_window.show_page("enterprises")
    settle(qtbot)
    main_window.findChild(QAction, "actionNew").trigger()
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, QDialog) and dialog.windowTitle() == "新增企业"
    dialog.reject()
    settle(qtbot)


def test_ctrl_p_goes_to_the_print_page(main_window, qtbot):
    main_window.show_page("indicators")
    main_window.findChild(QAction, "actionPrint").trigger()
    assert main_window.stack.currentWidget() is main_window.pages["print"]


def test_f1_explains_the_page_shown_and_about_names_version_and_data_directory(main_window, qtbot):
    main_window.show_page("exchange")
    settle(qtbot)
    main_window.findChild(QAction, "actionManual").trigger()
    manual = main_window.findChild(QDialog, "manualDialog")
    text = manual.findChild(QTextBrowser).toPlainText()
    assert manual.windowTitle() == "使用说明 — 数据交换" and "先导入县总工会发来的第一个数据包" in text and "Ctrl+F" in text
    manual.reject()
    main_window.findChild(QAction, "actionAbout").trigger()
    about = main_window.findChild(QDialog, "aboutDialog")
    text = about.findChild(QTextBrowser).toPlainText()
    assert __version__ in text and str(main_window.ctx.home.root) in text
    about.reject()
