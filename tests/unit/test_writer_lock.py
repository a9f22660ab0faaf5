"""One long writer per data directory: while another process imports, restores or migrates, a
second long write waits a bounded time and then gets the Chinese busy message (nothing written);
reads, previews and logins are not held up by the lock itself."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.conftest import PASSWORD
from tests.importing import dry_run
from tests.unit.exchange_world import COUNTY, make_office_at
from tests.xlsxfiles import write_xlsx
from zkdesk.domain.uscc import uscc_check_char
from zkdesk.exchange.importing import import_packages
from zkdesk.imports.pipeline import apply_plan
from zkdesk.services.auth import login_and_commit
from zkdesk.services.errors import user_message
from zkdesk.store import writer_lock as lock_module
from zkdesk.store.engine import DatabaseBusy
from zkdesk.store.models import Enterprise
from zkdesk.store.writer_lock import is_locked, long_write, writer_lock

BUSY = "另一个zkdesk窗口或命令正在写入数据，请稍后再试"
ROOT = Path(__file__).resolve().parents[2]
HOLDER = ("import sys\nfrom zkdesk.store.writer_lock import writer_lock\n"
          "with writer_lock(sys.argv[1]):\n    print('held', flush=True)\n    sys.stdin.read()\n")


class OtherProcess:
    """Another zkdesk process in the middle of a long write on `folder` until `release()`."""

    def __init__(self, folder: Path):
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        self.proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(folder)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True, env=env)
        assert self.proc.stdout.readline().strip() == "held"

    def release(self) -> None:
        self.proc.stdin.close()
        assert self.proc.wait(timeout=60) == 0


@pytest.fixture
def short_wait(monkeypatch):
    monkeypatch.setattr(lock_module, "WAIT_MS", 300)


@pytest.fixture
def office(tmp_path):
    county = make_office_at(tmp_path, COUNTY)
    if county.db.path is None:
        pytest.skip("a server database has no data directory to lock: the server orders its writers")
    yield county
    county.db.dispose()


def roster(tmp_path: Path) -> Path:
    code = "91530924MA6K8T2C1" + uscc_check_char("91530924MA6K8T2C1")
    return write_xlsx(tmp_path / "企业.xlsx", [["企业名称", "统一社会信用代码", "所属乡镇"], ["南伞制糖有限公司", code, "南伞镇"]])


def enterprises(db) -> int:
    with db.read_session() as s:
        return s.scalar(select(func.count()).select_from(Enterprise))


def test_an_excel_import_waits_for_another_process_then_says_so_in_chinese(office, tmp_path, short_wait):
    plan = dry_run(office.db, office.actor, "enterprises", roster(tmp_path))  # a preview is not held up
    assert plan.summary.new == 1
    other = OtherProcess(office.root)
    try:
        assert is_locked(office.root)
        with pytest.raises(DatabaseBusy) as caught:
            apply_plan(office.db, office.actor, plan, office.backups)
        assert user_message(caught.value) == BUSY
        assert enterprises(office.db) == 0 and not list(office.backups.glob("*-import*"))
        assert login_and_commit(office.db, "admin", PASSWORD).username == "admin"  # a login is not a long write
    finally:
        other.release()
    assert not is_locked(office.root)
    apply_plan(office.db, office.actor, plan, office.backups)
    assert enterprises(office.db) == 1


def test_a_package_import_and_a_restore_wait_too(office, tmp_path, short_wait):
    from zkdesk.services.backups import backup_now
    from zkdesk.services.restore import restore_backup

    package = tmp_path / "x.zkx"
    package.write_bytes(b"ZKDESK\x00\x01")
    backup = backup_now(_home(office), office.db, "manual").path
    other = OtherProcess(office.root)
    try:
        with pytest.raises(DatabaseBusy):
            import_packages(office.db, office.actor, [package], office.backups)
        (preview,) = import_packages(office.db, office.actor, [package], office.backups, dry_run=True)
        assert preview.error  # a preview reads (and notes the refusal) without the lock
        office.db.dispose()
        with pytest.raises(DatabaseBusy):
            restore_backup(_home(office), office.db.path, backup, office.actor)
    finally:
        other.release()
    restore_backup(_home(office), office.db.path, backup, office.actor)


def _home(office):
    from zkdesk.config import Home

    return Home(office.root)


def test_threads_of_one_process_take_turns_and_one_thread_may_nest(tmp_path):
    order: list[str] = []
    inside = threading.Event()
    go = threading.Event()

    def first():
        with writer_lock(tmp_path):
            with writer_lock(tmp_path):  # a restore that migrates: the same thread again
                order.append("first in")
                inside.set()
                go.wait(timeout=30)
                order.append("first out")

    def second():
        inside.wait(timeout=30)
        with writer_lock(tmp_path, wait_ms=60_000):
            order.append("second in")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    inside.wait(timeout=30)
    assert is_locked(tmp_path)
    go.set()
    for t in threads:
        t.join(timeout=60)
    assert order == ["first in", "first out", "second in"]


def test_a_server_database_takes_no_directory_lock():
    class ServerDb:
        path = None

    with long_write(ServerDb()):
        pass


def test_the_command_line_prints_the_busy_line(office, tmp_path, short_wait, capsys, monkeypatch):
    from zkdesk import cli

    old_umask = os.umask(0o022)  # cli.main sets the owner-only umask: keep this test process as it was
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    other = OtherProcess(office.root)
    try:
        code = cli.main(["--home", str(office.root), "import", "enterprises", str(roster(tmp_path)),
                         "--user", "admin", "--password-stdin"])
    finally:
        other.release()
        os.umask(old_umask)
    assert code == 2 and capsys.readouterr().err == f"错误：{BUSY}\n"
    assert enterprises(office.db) == 0
