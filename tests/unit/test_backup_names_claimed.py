"""Two processes backing up in the same second must not share a file name (a concurrent
import once made two pg_dump runs write one .partial file and one of them failed)."""

from datetime import datetime
from multiprocessing import get_context

from zkdesk.store.backup_file import free_backup_path


def _claim(args):
    folder, at = args
    return str(free_backup_path(folder, at, "import"))


def test_the_same_moment_gives_each_caller_its_own_name(tmp_path):
    at = datetime(2026, 12, 4, 23, 19, 58)
    first = free_backup_path(tmp_path, at, "import")
    second = free_backup_path(tmp_path, at, "import")
    assert first != second
    assert first.with_name(first.name + ".partial").exists()


def test_parallel_processes_never_get_the_same_name(tmp_path):
    at = datetime(2026, 12, 4, 23, 19, 58)
    with get_context("spawn").Pool(4) as pool:
        names = pool.map(_claim, [(tmp_path, at)] * 16)
    assert len(set(names)) == 16
