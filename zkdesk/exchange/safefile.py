"""Writing a package onto a USB stick so that a stick pulled out half-way never leaves a
file that looks complete: a hidden temporary file on the target, flushed and fsynced, renamed
into place, then read back and verified. The importer also rejects a short file on its own.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from zkdesk.services.errors import UserError

PARTIAL_SUFFIX = ".partial"


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return  # Windows cannot open a directory for fsync; the rename is flushed with the volume
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def replace_atomically(target: Path, data: bytes) -> None:
    """Put `data` at `target` so that a reader, or a power cut, finds the old file or the new
    one, never half of one: a hidden temporary file beside it, fsynced, renamed into place.
    Raises OSError (the temporary file removed)."""
    partial = target.parent / f".{target.name}{PARTIAL_SUFFIX}"
    try:
        partial.unlink(missing_ok=True)  # a leftover from an interrupted write
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(partial, target)
    except OSError:
        partial.unlink(missing_ok=True)
        raise
    _fsync_dir(target.parent)


def write_verified(target: Path, data: bytes, verify: Callable[[bytes], object]) -> Path:
    """Write `data` to `target` safely; `verify` is called on what was read back."""
    folder = target.parent
    if not folder.is_dir():
        raise UserError(f"导出目录不存在：{folder}")
    try:
        replace_atomically(target, data)
        back = target.read_bytes()
    except OSError as exc:
        raise UserError(f"写入 {target.name} 失败（{exc.strerror or exc}）：U盘是否已拔出或已写满？") from exc
    if back != data:
        target.unlink(missing_ok=True)
        raise UserError(f"写入 {target.name} 后读回校验不一致，已删除该文件：请换一个U盘或文件夹再试")
    try:
        verify(back)
    except UserError:
        target.unlink(missing_ok=True)
        raise
    return target
