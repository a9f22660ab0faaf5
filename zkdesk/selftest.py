"""`zkdesk --self-test`: prove this installation works, in one line, without the user's data."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path


def _check_database(tmp: Path) -> str:
    from sqlalchemy import func, select

    from zkdesk.services.office import initialise
    from zkdesk.store.migrate import current_revision, head_revision, open_database
    from zkdesk.store.models import Indicator

    db = open_database(tmp / "selftest.sqlite3", tmp / "backups")
    try:
        with db.session() as s:
            initialise(s, "530924", "selftest", "self-test-password", "自检")
            count = s.scalar(select(func.count(Indicator.id)))
        if current_revision(db) != head_revision():
            raise RuntimeError("迁移未到最新版本")
        if count < 50:
            raise RuntimeError(f"规划目录只有{count}个指标")
        return f"数据库与迁移正常，规划目录{count}个指标"
    finally:
        db.dispose()


def _check_window(tmp: Path) -> str:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from zkdesk.app import build_context, make_application
    from zkdesk.config import Home
    from zkdesk.services.auth import login_and_commit
    from zkdesk.store.migrate import open_database
    from zkdesk.ui.main_window import MainWindow

    app = make_application()
    home = Home(tmp)
    db = open_database(tmp / "selftest.sqlite3", tmp / "backups")
    try:
        actor = login_and_commit(db, "selftest", "self-test-password")
        window = MainWindow(build_context(home, db, actor))
        window.show()
        app.processEvents()
        pages = window.stack.count()
        window.close()
        return f"主窗口正常（{pages}个页面）"
    finally:
        db.dispose()


def _check_forms(tmp: Path) -> str:
    from zkdesk.output.catalog import load_catalog
    from zkdesk.output.fonts import font_set
    from zkdesk.output.printing import PrintRequest, prepare, render_pdf
    from zkdesk.services.auth import login_and_commit
    from zkdesk.store.migrate import open_database

    catalog = load_catalog()
    if catalog.problems:
        raise RuntimeError(catalog.problems[0])
    db = open_database(tmp / "selftest.sqlite3", tmp / "backups")
    try:
        actor = login_and_commit(db, "selftest", "self-test-password")
        with db.session() as s:
            prepared = prepare(s, actor, catalog.get("negotiation-summary"), PrintRequest("negotiation-summary", year=2025))
        pdf = render_pdf(prepared)
    finally:
        db.dispose()
    official = sum(choice.official for choice in font_set().choices.values())
    return f"报表正常（{len(catalog.forms)}种表样，PDF {len(pdf.data) // 1024} KB，系统正式字体{official}种）"


CHECKS: list[tuple[str, Callable[[Path], str]]] = [
    ("数据库", _check_database),
    ("报表", _check_forms),
    ("窗口", _check_window),
]


def run_self_test() -> int:
    started = time.perf_counter()
    results = []
    with tempfile.TemporaryDirectory(prefix="zkdesk-selftest-") as tmp:
        for name, check in CHECKS:
            try:
                results.append(check(Path(tmp)))
            except Exception as exc:  # report which check failed, in one line
                sys.stdout.write(f"自检失败：{name}：{type(exc).__name__}: {exc}\n")
                return 1
    sys.stdout.write(f"自检通过（{time.perf_counter() - started:.1f}秒）：" + "；".join(results) + "\n")
    return 0
