"""Files that hold an office's data are readable by their owner only (on Linux and other POSIX
systems; Windows keeps a user's data directory private by its own ACLs).

The database, its WAL, backups and their heads, exports and annotated copies are created 0600,
the data directory and the folders zkdesk makes in it 0700. Two layers, so that nothing slips
through: the command line and the window start with `restrict_umask()` (every file the process
creates, SQLite's WAL and journal included), and the places that create such files create them
private themselves (`private_dir`, `create_private`, `open_private`), so a library caller and the
tests get the same.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700
POSIX = os.name == "posix"


def restrict_umask() -> None:
    """New files and folders of this process: owner only."""
    if POSIX:
        os.umask(0o077)


def private_dir(folder: Path | str) -> Path:
    """Create `folder` (and missing parents) 0700; an existing one that zkdesk owns is tightened."""
    folder = Path(folder)
    missing = []
    probe = folder
    while not probe.exists() and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    folder.mkdir(parents=True, exist_ok=True)
    if POSIX:
        for made in missing:
            _chmod(made, DIR_MODE)
    return folder


def tighten(path: Path | str, mode: int = FILE_MODE) -> None:
    """Remove group and other access from an existing file or folder of ours (made by an older
    zkdesk, or copied in); leaves alone what it may not change."""
    if not POSIX:
        return
    try:
        current = stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        return
    if current & 0o077:
        _chmod(path, current & mode)


def create_private(path: Path | str) -> bool:
    """Create an empty file 0600 unless it exists; True when created."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), FILE_MODE))
        return True
    except FileExistsError:
        return False


def open_private(path: Path | str):
    """Open `path` for writing in binary, created 0600 (an existing file is truncated and
    tightened), for writers that take a file object (openpyxl's save)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), FILE_MODE)
    if POSIX:
        try:
            os.fchmod(fd, FILE_MODE)
        except OSError:
            pass  # a stick's FAT file system has no modes
    return os.fdopen(fd, "wb")


def mode_problems(paths: list[Path]) -> list[str]:
    """Paths (files and folders) readable by others than their owner, for `zkdesk verify`."""
    if not POSIX:
        return []
    found = []
    for path in paths:
        try:
            if stat.S_IMODE(os.stat(path).st_mode) & 0o077:
                found.append(str(path))
        except OSError:
            continue
    return found


def _chmod(path: Path | str, mode: int) -> None:
    try:
        os.chmod(path, mode)
    except OSError:
        pass
