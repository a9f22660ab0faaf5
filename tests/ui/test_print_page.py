"""打印报表: choose a form, see the preview, save a PDF, print (to a PDF printer), export xlsx."""

from __future__ import annotations

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QDialog, QListWidget, QPushButton

from tests.ui.settle import settle
from zkdesk.app import build_context
from zkdesk.services.auth import login_and_commit
from zkdesk.services.demo import DEMO_ADMIN, DEMO_PASSWORD, fill_demo
from zkdesk.store.migrate import open_database
from zkdesk.ui import file_dialogs
from zkdesk.ui.main_window import MainWindow


@pytest.fixture
def demo_window(qtbot, home):
    db = open_database(home.db_path, home.backups_dir)
    with db.session() as s:
        fill_demo(s)
    window = MainWindow(build_context(home, db, login_and_commit(db, DEMO_ADMIN, DEMO_PASSWORD)))
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    yield window
    window.close()
    settle(qtbot)
    db.dispose()


def open_print_page(qtbot, window):
    nav = window.findChild(QListWidget, "navList")
    item = nav.findItems("打印报表", Qt.MatchFlag.MatchExactly)[0]
    qtbot.mouseClick(nav.viewport(), Qt.MouseButton.LeftButton, pos=nav.visualItemRect(item).center())
    page = window.pages["print"]
    qtbot.waitUntil(lambda: page.forms.count() > 0)  # the form files are read off the GUI thread
    return page


def choose_form(qtbot, page, name):
    forms = page.findChild(QListWidget, "formList")
    item = next(forms.item(i) for i in range(forms.count()) if forms.item(i).text().startswith(name))
    forms.scrollToItem(item)
    qtbot.mouseClick(forms.viewport(), Qt.MouseButton.LeftButton, pos=forms.visualItemRect(item).center())


def wait_for_preview(qtbot, page, timeout=60_000):
    save = page.findChild(QPushButton, "savePdfButton")
    qtbot.waitUntil(lambda: save.isEnabled() and page.preview.page_count > 0, timeout=timeout)


def test_choose_form_preview_and_save_pdf(qtbot, demo_window, tmp_path, monkeypatch):
    page = open_print_page(qtbot, demo_window)
    choose_form(qtbot, page, "镇康县集体协商建制情况汇总表")
    wait_for_preview(qtbot, page)
    assert page.preview.page_count == 1
    assert page.findChild(QComboBox, "yearCombo").currentData() == 2025
    assert "共 1 页" in page.status.text()
    assert page.preview.findChild(object, "previewPage1").pixmap().width() > 200

    target = tmp_path / "协商汇总.pdf"
    monkeypatch.setattr(file_dialogs, "save_file", lambda *a, **k: target)
    qtbot.mouseClick(page.findChild(QPushButton, "savePdfButton"), Qt.MouseButton.LeftButton)
    settle(qtbot)  # written and logged off the GUI thread
    assert target.read_bytes().startswith(b"%PDF")
    assert "镇康县集体协商建制情况汇总表" in PdfReader(target).pages[0].extract_text()
    assert str(target) in page.status.text() and "打开所在文件夹" in page.status.text()


def test_choosing_a_township_and_a_person_refreshes_the_preview(qtbot, demo_window):
    page = open_print_page(qtbot, demo_window)
    choose_form(qtbot, page, "劳动模范推荐审批表")
    wait_for_preview(qtbot, page)
    person = page.findChild(QComboBox, "personCombo")
    assert person.isVisible() and person.count() > 2
    assert page.preview.page_count >= 4  # cover, notice and the form of one person
    org = page.findChild(QComboBox, "orgCombo")
    org.setCurrentIndex(org.findText("南伞镇", Qt.MatchFlag.MatchStartsWith))
    qtbot.waitUntil(lambda: all("南伞镇" in person.itemText(i) for i in range(1, person.count())), timeout=10_000)
    person.setCurrentIndex(0)  # everybody of the year
    wait_for_preview(qtbot, page)
    qtbot.waitUntil(lambda: page.preview.page_count >= 4 * (person.count() - 1), timeout=60_000)


def test_print_goes_through_the_print_dialog(qtbot, demo_window, tmp_path, monkeypatch):
    import zkdesk.ui.pages.printing as printing

    out = tmp_path / "printed.pdf"

    class AcceptingDialog:  # stands in for the system print dialog: prints to a PDF file
        def __init__(self, printer, parent=None):
            printer.setOutputFormat(printer.OutputFormat.PdfFormat)
            printer.setOutputFileName(str(out))
            printer.setResolution(150)

        def setWindowTitle(self, _):
            pass

        def exec(self):
            return QDialog.DialogCode.Accepted

    monkeypatch.setattr(printing, "QPrintDialog", AcceptingDialog)
    page = open_print_page(qtbot, demo_window)
    choose_form(qtbot, page, "镇康县“三室一站”创建情况统计表")
    wait_for_preview(qtbot, page)
    pages = page.preview.page_count
    qtbot.mouseClick(page.findChild(QPushButton, "printButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "已送打印" in page.status.text(), timeout=60_000)
    printed = PdfReader(out)
    assert len(printed.pages) == pages
    box = printed.pages[0].mediabox
    assert float(box.width) > float(box.height)  # landscape form on landscape paper


def test_export_xlsx(qtbot, demo_window, tmp_path, monkeypatch):
    page = open_print_page(qtbot, demo_window)
    choose_form(qtbot, page, "镇康县企业集体合同签订情况统计表")
    wait_for_preview(qtbot, page)
    target = tmp_path / "list"
    monkeypatch.setattr(file_dialogs, "save_file", lambda *a, **k: target)
    qtbot.mouseClick(page.findChild(QPushButton, "exportXlsxButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "已导出" in page.status.text(), timeout=60_000)
    assert (tmp_path / "list.xlsx").read_bytes()[:2] == b"PK"


def test_quitting_waits_for_the_preview_being_made(qtbot, demo_window):
    """The program quits while the (slow) county progress form is being prepared: the page lets
    the worker finish before the database is closed, instead of crashing on the way out."""
    page = open_print_page(qtbot, demo_window)
    choose_form(qtbot, page, "产业工人队伍建设改革主要指标完成情况表")
    qtbot.waitUntil(lambda: page.pool.activeThreadCount() == 1, timeout=10_000)
    QApplication.instance().aboutToQuit.emit()
    assert page.pool.activeThreadCount() == 0


def test_saving_a_form_with_personal_data_logs_it_and_the_page_opens_no_session_on_the_gui_thread(
        qtbot, demo_window, tmp_path, monkeypatch, gui_thread_sessions):
    from sqlalchemy import select

    from zkdesk.store.models import AuditEntry

    page = open_print_page(qtbot, demo_window)
    choose_form(qtbot, page, "劳动模范推荐审批表")
    wait_for_preview(qtbot, page)
    org = page.findChild(QComboBox, "orgCombo")
    org.setCurrentIndex(org.findText("南伞镇", Qt.MatchFlag.MatchStartsWith))
    settle(qtbot)
    wait_for_preview(qtbot, page)
    target = tmp_path / "审批表.pdf"
    monkeypatch.setattr(file_dialogs, "save_file", lambda *a, **k: target)
    qtbot.mouseClick(page.findChild(QPushButton, "savePdfButton"), Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert target.read_bytes().startswith(b"%PDF") and "已保存" in page.status.text()
    with demo_window.ctx.db.read_session() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "disclose_personal")).one()
    assert entry.entity_id == "nomination-approval"
    assert "pdf:审批表.pdf" in entry.details
    assert not gui_thread_sessions, gui_thread_sessions


def test_a_newer_choice_stops_the_preview_being_made_so_two_renders_do_not_run_back_to_back(
        qtbot, demo_window, monkeypatch):
    """A form chosen while the previous one is still being prepared: the older preview stops
    before its PDF is drawn (it is not rendered and then thrown away), and the newer one shows."""
    import threading

    import zkdesk.ui.pages.printing as printing

    page = open_print_page(qtbot, demo_window)
    wait_for_preview(qtbot, page)  # the first form of the list, as the page opens
    gate, entered, rendered = threading.Event(), [], []
    prepare, render_pdf = printing.prepare, printing.render_pdf

    def held_prepare(session, actor, form, request, *args, **kwargs):
        entered.append(form.title)
        if len(entered) == 1:
            gate.wait(30)  # the first preview is being prepared while the clerk picks another form
        return prepare(session, actor, form, request, *args, **kwargs)

    def counted_render(prepared):
        rendered.append(prepared.form.title)
        return render_pdf(prepared)

    monkeypatch.setattr(printing, "prepare", held_prepare)
    monkeypatch.setattr(printing, "render_pdf", counted_render)
    choose_form(qtbot, page, "镇康县“三室一站”创建情况统计表")
    qtbot.waitUntil(lambda: len(entered) == 1, timeout=10_000)
    choose_form(qtbot, page, "镇康县集体协商建制情况汇总表")  # the older preview is out of date from here
    gate.set()
    settle(qtbot, 60_000)
    wait_for_preview(qtbot, page)
    assert len(rendered) == 1 and "集体协商" in rendered[0], rendered  # only the newest was drawn
    assert "集体协商" in page._current.prepared.form.title


def test_the_form_files_are_read_off_the_gui_thread(qtbot, main_window, monkeypatch):
    """Opening 打印报表 parses the forms/*.toml files on a worker thread (issue 16), then lists them."""
    import threading

    from zkdesk.ui.pages import printing

    readers: list[threading.Thread] = []

    def recorded(folders):
        readers.append(threading.current_thread())
        return real(folders)

    real = printing.load_catalog
    monkeypatch.setattr(printing, "load_catalog", recorded)
    page = main_window.show_page("print")
    settle(qtbot)
    forms = page.findChild(QListWidget, "formList")
    assert forms.count() > 5 and forms.currentRow() == 0
    assert readers and all(thread is not threading.main_thread() for thread in readers)
