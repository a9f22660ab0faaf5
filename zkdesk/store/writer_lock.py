"""One long writer at a time per data directory, across processes.

SQLite's write lock orders single transactions; the long writes are more than one: an Excel
import or a package import backs the database up and then writes, a restore replaces the file,
a migration backs up and upgrades. Each holds this lock on the data directory for its whole
length (a file `.zkdesk-writer.lock` there, locked with flock / LockFileEx through msvcrt), so
a second window or command waits a bounded time and then reads
"另一个zkdesk窗口或命令正在写入数据，请稍后再试" (DatabaseBusy), never an internal error.
The lock goes with the process: a crashed writer leaves nothing to clean up.

Re-entrant within a thread (a restore that migrates); other threads of the same process wait
like other processes do. A server database has no data directory of its own: its writers are
ordered by the server (store/postgres.py), so `long_write` takes nothing there.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from zkdesk.store.engine import LONG_WAIT_MS, DatabaseBusy
from zkdesk.store.private_files import FILE_MODE, private_dir

LOCK_NAME = ".zkdesk-writer.lock"
WAIT_MS = LONG_WAIT_MS  # how long a second long writer waits before DatabaseBusy

_local = threading.local()

if os.name == "nt":  # pragma: no cover - exercised on Windows
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            return False

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


def _held() -> dict[str, int]:
    if not hasattr(_local, "held"):
        _local.held = {}
    return _local.held


@contextmanager
def writer_lock(folder: Path | str, wait_ms: int | None = None) -> Iterator[None]:
    """Hold the data directory's writer lock; DatabaseBusy after `wait_ms` (default WAIT_MS)."""
    folder = private_dir(folder)
    key = str(folder.resolve())
    held = _held()
    if held.get(key):
        held[key] += 1
        try:
            yield
        finally:
            held[key] -= 1
        return
    fd = os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), FILE_MODE)
    try:
        deadline = time.monotonic() + (WAIT_MS if wait_ms is None else wait_ms) / 1000
        pause = 0.02
        while not _try_lock(fd):
            if time.monotonic() >= deadline:
                raise DatabaseBusy()
            time.sleep(pause)
            pause = min(pause * 2, 0.25)
        held[key] = 1
        try:
            yield
        finally:
            del held[key]
            _unlock(fd)
    finally:
        os.close(fd)


def is_locked(folder: Path | str) -> bool:
    """Whether another process or thread holds the writer lock now (for messages and tests)."""
    path = Path(folder) / LOCK_NAME
    if not path.exists():
        return False
    fd = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))
    try:
        if _try_lock(fd):
            _unlock(fd)
            return False
        return True
    finally:
        os.close(fd)


@contextmanager
def long_write(db, wait_ms: int | None = None) -> Iterator[None]:
    """The writer lock of `db`'s data directory (the SQLite file's folder); nothing on a server."""
    if getattr(db, "path", None) is None:
        yield
        return
    with writer_lock(Path(db.path).parent, wait_ms):
        yield
