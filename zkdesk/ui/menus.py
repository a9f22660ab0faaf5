"""The main window's menus and keyboard shortcuts, as desktop users expect them.

    文件  导入Excel… / 导出Excel… / 打印… (Ctrl+P) / 注销/切换用户… / 退出 (Ctrl+Q)
    编辑  查找 (Ctrl+F) / 新增… (Ctrl+N) / 删除… (Delete, in a list) / 刷新 (F5)
    帮助  使用说明 (F1, the page shown) / 关于

The editing commands act on the page on screen through what it already shows — its search box,
its 新增…/删除 buttons, its lists' refreshers — so a page needs no code of its own for them and a
command never does what the page's own buttons would not (a disabled button stays disabled).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QMainWindow,
    QMenu,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from zkdesk.ui.help_texts import SHORTCUTS_HELP, page_manual
from zkdesk.ui.refresh import Refresher
from zkdesk.ui.widgets.record_view import RecordView
from zkdesk.ui.xlsx.menu import install_file_menu

NEW_PREFIXES = ("新增", "新建", "登记", "录入")
DELETE_PREFIX = "删除"


def _action(window: QMainWindow, text: str, name: str, slot, shortcut: QKeySequence | str | None = None) -> QAction:
    action = QAction(text, window, objectName=name)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    action.triggered.connect(slot)
    return action


def install_menus(window) -> None:
    """Menus and shortcuts of a MainWindow (its pages get theirs from attach_to_page when built)."""
    install_file_menu(window, window.ctx)  # 导入Excel… / 导出Excel…
    file_menu = window.findChild(QMenu, "fileMenu")
    file_menu.addAction(_action(window, "打印…", "actionPrint", lambda: print_current(window), QKeySequence.StandardKey.Print))
    file_menu.addSeparator()
    file_menu.addAction(_action(window, "注销/切换用户…", "actionSignOut", window.sign_out))
    file_menu.addAction(_action(window, "退出", "actionQuit", window.close, QKeySequence("Ctrl+Q")))

    edit = window.menuBar().addMenu("编辑")
    edit.setObjectName("editMenu")
    edit.addAction(_action(window, "查找", "actionFind", lambda: find_in_page(window), QKeySequence.StandardKey.Find))
    edit.addAction(_action(window, "新增…", "actionNew", lambda: new_in_page(window), QKeySequence.StandardKey.New))
    delete = _action(window, "删除…", "actionDelete", lambda: delete_in_page(window), QKeySequence(Qt.Key.Key_Delete))
    # Delete acts only where a list has the focus: in a text box or the entry grid it stays theirs
    delete.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
    edit.addAction(delete)
    edit.addSeparator()
    edit.addAction(_action(window, "刷新", "actionRefresh", lambda: refresh_page(window), QKeySequence.StandardKey.Refresh))

    help_menu = window.menuBar().addMenu("帮助")
    help_menu.setObjectName("helpMenu")
    help_menu.addAction(_action(window, "使用说明", "actionManual", lambda: show_manual(window), QKeySequence.StandardKey.HelpContents))
    help_menu.addAction(_action(window, "关于", "actionAbout", lambda: show_about(window)))


def attach_to_page(window, page: QWidget) -> None:
    """A page just built: its lists take the Delete key (the window builds a page when first shown)."""
    delete = window.findChild(QAction, "actionDelete")
    if delete is None:
        return  # the menus are not made yet: install_menus's caller attaches the pages built so far
    for view in page.findChildren(RecordView):
        view.addAction(delete)


# -- the commands ---------------------------------------------------------------------------------

def _page(window) -> QWidget:
    return window.stack.currentWidget()


def _say(window, text: str) -> None:
    window.statusBar().showMessage(text, 5000)


def _shown(widgets):
    return [w for w in widgets if w.isVisible() and w.isEnabled()]


def _nearest_button(window, prefixes: tuple[str, ...]) -> QPushButton | None:
    """The page's visible, enabled button whose text starts with one of `prefixes`, nearest the
    widget with the focus (a page with tabs: the tab on screen; two lists: the one in use)."""
    page = _page(window)
    start = QApplication.focusWidget()
    if start is None or not page.isAncestorOf(start):
        start = page
    widget = start
    while widget is not None:
        found = [b for b in _shown(widget.findChildren(QPushButton)) if b.text().startswith(prefixes)]
        if found:
            return found[0]
        if widget is page:
            return None
        widget = widget.parentWidget()
    return None


def find_in_page(window) -> None:
    """Ctrl+F: to the page's search box (the one nearest the focus), text selected."""
    page = _page(window)
    boxes = [e for e in _shown(page.findChildren(QLineEdit)) if "搜索" in e.placeholderText()
             or "search" in e.objectName().lower() or "filter" in e.objectName().lower()]
    if not boxes:
        _say(window, "本页没有可搜索的列表")
        return
    focus = QApplication.focusWidget()
    near = [b for b in boxes if focus is not None and b.parentWidget() is not None and b.parentWidget().isAncestorOf(focus)]
    box = (near or boxes)[0]
    box.setFocus(Qt.FocusReason.ShortcutFocusReason)
    box.selectAll()


def new_in_page(window) -> None:
    button = _nearest_button(window, NEW_PREFIXES)
    if button is None:
        _say(window, "本页没有可新增的内容")
        return
    button.click()


def delete_in_page(window) -> None:
    button = _nearest_button(window, (DELETE_PREFIX,))
    if button is None:
        _say(window, "本页没有可删除的内容，或没有删除的权限")
        return
    button.click()


def refresh_page(window) -> None:
    """F5: read the page's lists again (those on screen now, the others when shown)."""
    page = _page(window)
    refreshers = page.findChildren(Refresher)
    for refresher in refreshers:
        refresher.request()
    if not refreshers and hasattr(page, "refresh"):
        page.refresh()
    _say(window, "已刷新")


def print_current(window) -> None:
    """Ctrl+P: on 打印报表 the form previewed goes to the printer; elsewhere, to 打印报表."""
    page = window.pages.get("print")  # built once shown
    if page is None or _page(window) is not page:
        window.show_page("print")
        return
    button = page.findChild(QPushButton, "printButton")
    if button is not None and button.isEnabled():
        button.click()
    else:
        _say(window, "请先选择报表，预览出现后再打印")


# -- help -----------------------------------------------------------------------------------------

class TextDialog(QDialog):
    def __init__(self, parent: QWidget, title: str, html: str, name: str):
        super().__init__(parent)
        self.setObjectName(name)
        self.setWindowTitle(title)
        self.text = QTextBrowser(objectName="helpText", openExternalLinks=False)
        self.text.setHtml(html)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)
        self.resize(560, 460)


def show_manual(window) -> QDialog:
    key = next((k for k, p in window.pages.items() if p is _page(window)), "")
    title, html = page_manual(key)
    dialog = TextDialog(window, f"使用说明 — {title}", html + SHORTCUTS_HELP, "manualDialog")
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def about_html(ctx) -> str:
    from zkdesk import __version__

    db = ctx.db
    where = str(db.path) if db.path is not None else db.url.render_as_string(hide_password=True)
    demo = "<p><b>本数据库为演示数据。</b></p>" if ctx.demo else ""
    return (f"<h3>产业工人队伍建设改革台账</h3><p>版本 {__version__}</p>{demo}"
            f"<p>本单位：{ctx.office_name}</p><p>数据目录：{ctx.home.root}</p><p>数据库：{where}</p>"
            f"<p>备份目录：{ctx.home.backups_dir}</p>")


def show_about(window) -> QDialog:
    dialog = TextDialog(window, "关于", about_html(window.ctx), "aboutDialog")
    dialog.text.setMinimumHeight(200)
    dialog.resize(520, 300)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
