"""Qt's own dialogs in Chinese: Qt's zh_CN catalogue, and the strings it lacks.

qtbase_zh_CN has no translation for a few strings the widget-based file and print dialogs show
("&Look in:", "Files of &type:", "Folder" …), so they stayed English. A small translator of our
own is installed after Qt's (so it is asked first) and answers only those, leaving everything
else to Qt's catalogue.
"""

from __future__ import annotations

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

CHINA = QLocale(QLocale.Language.Chinese, QLocale.Country.China)

# (context, source text) -> Chinese; found by opening each dialog with a translator that logs
# what Qt asks for (tests/ui/test_chinese_dialogs.py keeps it complete).
MISSING_IN_QTBASE: dict[tuple[str, str], str] = {
    ("QFileDialog", "&Look in:"): "查找范围(&I)：",
    ("QFileDialog", "Files of &type:"): "文件类型(&T)：",
    ("QAbstractFileIconProvider", "Folder"): "文件夹",
    ("QAbstractFileIconProvider", "File Folder"): "文件夹",
    ("QAbstractFileIconProvider", "Drive"): "驱动器",
    ("QAbstractFileIconProvider", "File"): "文件",
    ("QAbstractFileIconProvider", "Alias"): "快捷方式",
    ("QAbstractFileIconProvider", "Shortcut"): "快捷方式",
    ("QFileSystemModel", "Size"): "大小",  # Qt's catalogue says 体积 (volume)
    ("QPrintSettingsOutput", "Page &Set:"): "打印页面(&S)：",
}


class MissingStrings(QTranslator):
    def translate(self, context, source, disambiguation=None, n=-1):  # noqa: N802 (Qt's name)
        return MISSING_IN_QTBASE.get((context, source))  # None: ask the next translator

    def isEmpty(self) -> bool:  # noqa: N802
        return False


def install_chinese(app: QApplication) -> None:
    """Qt's catalogue, then ours over it; Chinese number and date formats by default. Once per application."""
    if app.property("zkdesk_chinese"):
        return
    app.setProperty("zkdesk_chinese", True)
    QLocale.setDefault(CHINA)
    qt = QTranslator(app)
    if qt.load(CHINA, "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)
    app.installTranslator(MissingStrings(app))
