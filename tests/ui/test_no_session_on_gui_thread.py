"""The window never opens a database session on the GUI thread: building the main window,
showing every page and every tab in it, reads and refreshes all run off it (ui/ops.py,
ui/refresh.py). The hook in store.engine sees every session opened."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget

from tests.ui.settle import settle
from zkdesk.app import build_context
from zkdesk.ui.main_window import MainWindow
from zkdesk.ui.pages import PAGES


# Files that still read on the GUI thread while the pages are driven (issue 16: each goes into a
# QueryOp/Refresher and leaves this list; a new one anywhere fails the test).
STILL_ON_GUI_THREAD: set[str] = set()


def _visit_every_page(qtbot, window) -> None:
    for spec in PAGES:
        page = window.show_page(spec.key)
        settle(qtbot)
        for tabs in page.findChildren(QTabWidget):
            for index in range(tabs.count()):
                tabs.setCurrentIndex(index)
                settle(qtbot)


def test_driving_every_page_opens_no_session_on_the_gui_thread(qtbot, home, gui_thread_sessions):
    from tests.conftest import make_office
    from tests.databases import new_database

    db = new_database(home.root, home.db_path.name)
    actor = make_office(db)
    ctx = build_context(home, db, actor)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    settle(qtbot)
    _visit_every_page(qtbot, window)
    ctx.bus.notify("all")  # after an import: every page is stale, the one on screen refreshes
    _visit_every_page(qtbot, window)
    settle(qtbot)
    window.close()
    db.dispose()
    opened = sorted({where for _kind, where in gui_thread_sessions if where.split(":")[0] not in STILL_ON_GUI_THREAD})
    assert not opened, "sessions opened on the GUI thread:\n" + "\n".join(opened)


def test_locking_and_unlocking_the_window_opens_no_session_on_the_gui_thread(qtbot, main_window, gui_thread_sessions):
    from tests.conftest import PASSWORD

    lock = main_window.idle_lock
    main_window.ctx.bus.notify("settings")  # the idle time is read again
    settle(qtbot)
    lock.lock()
    lock.try_unlock("not-the-password")
    settle(qtbot)
    assert lock.locked and lock.box.error.text()
    lock.try_unlock(PASSWORD)
    settle(qtbot)
    assert not lock.locked
    opened = [where for _kind, where in gui_thread_sessions if where.split(":")[0] not in STILL_ON_GUI_THREAD]
    assert not opened, opened


def test_every_dialog_loads_and_saves_off_the_gui_thread(qtbot, home, gui_thread_sessions):
    """Each editor opens on an existing record and on a new one, and saves the record it shows:
    all of it without a session on the GUI thread (the demo county has one of everything)."""
    from PySide6.QtWidgets import QDialogButtonBox
    from sqlalchemy import select

    from tests.ui.settle import closed, error_text
    from zkdesk.services import accounts
    from zkdesk.services.award_sessions import session_row
    from zkdesk.services.auth import login_and_commit
    from zkdesk.services.demo import DEMO_ADMIN, DEMO_PASSWORD, fill_demo
    from zkdesk.store.migrate import open_database
    from zkdesk.store.models import AwardSession, CollectiveContract, Enterprise, Nomination, QualityEvaluation, Studio
    from zkdesk.ui.enterprises.contract_dialog import ContractDialog
    from zkdesk.ui.enterprises.enterprise_dialog import EnterpriseDialog
    from zkdesk.ui.enterprises.evaluation_dialog import EvaluationDialog
    from zkdesk.ui.nominations.form import NominationDialog
    from zkdesk.ui.pages.admin.user_dialogs import NewUserDialog
    from zkdesk.ui.studios.dialog import StudioDialog
    from zkdesk.ui.studios.results import ResultDialog

    db = open_database(home.db_path, home.backups_dir)
    with db.session() as s:
        fill_demo(s)
    window = MainWindow(build_context(home, db, login_and_commit(db, DEMO_ADMIN, DEMO_PASSWORD)))
    qtbot.addWidget(window)
    window.show()
    settle(qtbot)
    ctx = window.ctx
    with db.read_session() as s:
        first = lambda model, *where: s.scalars(select(model.id).where(*where).order_by(model.id).limit(1)).one()  # noqa: E731
        enterprise_id = first(Enterprise, Enterprise.deleted.is_(False))
        contract_id = first(CollectiveContract, CollectiveContract.deleted.is_(False))
        evaluation_id = first(QualityEvaluation, QualityEvaluation.deleted.is_(False))
        studio_id = first(Studio, Studio.deleted.is_(False))
        draft_id = first(Nomination, Nomination.deleted.is_(False), Nomination.status == "draft")
        award = session_row(s.get(AwardSession, s.get(Nomination, draft_id).session_id))

    def save(dialog, button=None) -> None:
        dialog.open()
        settle(qtbot)  # loaded off the GUI thread
        assert not error_text(dialog), error_text(dialog)
        (button or dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)).click()
        settle(qtbot)
        assert closed(dialog), error_text(dialog)

    def open_and_close(dialog) -> None:
        dialog.open()
        settle(qtbot)
        assert not error_text(dialog), error_text(dialog)
        dialog.done(0)

    page = window.show_page("enterprises")
    settle(qtbot)
    save(EnterpriseDialog(ctx, enterprise_id, parent=page))
    save(ContractDialog(ctx, contract_id, parent=page))
    save(EvaluationDialog(ctx, evaluation_id, parent=page))
    open_and_close(EnterpriseDialog(ctx, default_year=2025, parent=page))
    open_and_close(ContractDialog(ctx, enterprise_id=enterprise_id, parent=page))
    open_and_close(EvaluationDialog(ctx, year=2025, parent=page))

    page = window.show_page("studios")
    settle(qtbot)
    studio = StudioDialog(ctx, studio_id, page)
    studio.open()
    settle(qtbot)
    studio.save_button.click()
    settle(qtbot)
    assert studio.error.text() == "" and studio.saved.text().startswith("已保存")
    studio.tabs.setCurrentIndex(3)  # 年度成果: read when shown
    settle(qtbot)
    studio.results.open_year(None)
    result = studio.results.findChild(ResultDialog)
    result.spins["proposals"].setValue(3)
    result.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    settle(qtbot)
    assert closed(result), error_text(result)
    studio.done(0)
    open_and_close(StudioDialog(ctx, None, page))

    page = window.show_page("nominations")
    settle(qtbot)
    form = NominationDialog(ctx, award, draft_id, page)
    save(form, button=form.save_button)
    open_and_close(NominationDialog(ctx, award, None, page))

    admin = window.show_page("admin")
    admin.show_tab(admin.users)
    settle(qtbot)
    new_user = NewUserDialog(lambda *a: lambda s, actor: accounts.create_user(s, actor, *a), admin.users)
    new_user.username.setText("li_na")
    new_user.display_name.setText("李娜")
    new_user.password.setText("li-na-pass-1")
    new_user.password2.setText("li-na-pass-1")
    save(new_user)

    window.close()
    settle(qtbot)
    db.dispose()
    opened = sorted({where for _kind, where in gui_thread_sessions if where.split(":")[0] not in STILL_ON_GUI_THREAD})
    assert not opened, "sessions opened on the GUI thread:\n" + "\n".join(opened)
