import pytest
from PySide6.QtCore import QSettings

from tests.ui.settle import settle
from zkdesk.app import build_context
from zkdesk.ui.main_window import MainWindow


@pytest.fixture(autouse=True)
def _isolated_qsettings(tmp_path):
    """Remembered window sizes and folders go to the test's own folder, never the user's."""
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(tmp_path / "qsettings"))


@pytest.fixture
def main_window(qtbot, home):
    """A main window on an initialised county database, logged in as its admin."""
    from tests.conftest import make_office
    from tests.databases import new_database

    db = new_database(home.root, home.db_path.name)  # on the PostgreSQL pass: a server database
    actor = make_office(db)
    window = MainWindow(build_context(home, db, actor))
    window.show()
    settle(qtbot)
    yield window
    settle(qtbot)  # no background work may outlive the database
    window.close_unasked()  # a test may leave typed values behind: closing must not ask (not qtbot's close)
    window.deleteLater()
    db.dispose()


@pytest.fixture
def gui_thread_sessions(monkeypatch):
    """Records every session opened on the GUI thread (where the window must never open one):
    a list of (kind, where) that a test asserts to be empty after driving a page."""
    import traceback

    from PySide6.QtCore import QThread
    from PySide6.QtWidgets import QApplication

    from zkdesk.store import engine

    opened: list[tuple[str, str]] = []
    gui = QApplication.instance().thread()

    def hook(kind: str) -> None:
        if QThread.currentThread() != gui:
            return
        frames = [f for f in traceback.extract_stack()[:-1] if "/zkdesk/ui/" in f.filename.replace("\\", "/")]
        if frames:  # opened by the window's code, not by the test preparing its data
            opened.append((kind, f"{frames[-1].filename.replace(chr(92), '/').rsplit('/zkdesk/', 1)[-1]}:{frames[-1].lineno}"))

    monkeypatch.setattr(engine, "session_hook", hook)
    return opened
