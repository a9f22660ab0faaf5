"""Background work for the exchange page, and finding USB sticks to write to."""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, QStorageInfo, Signal

from zkdesk.services.errors import UserError
from zkdesk.store.backup_file import BackupError

log = logging.getLogger("zkdesk")


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(str)


class Job(QRunnable):
    """Run `fn` on a pool thread; `signals.done(result)` or `signals.failed(Chinese message)`."""

    def __init__(self, fn: Callable[[], object]):
        super().__init__()
        self.fn = fn
        self.signals = _Signals()

    def run(self) -> None:
        try:
            result = self.fn()
        except (UserError, BackupError) as exc:
            self.signals.failed.emit(str(exc))
        except OSError as exc:
            self.signals.failed.emit(f"文件操作失败：{exc.strerror or exc}（{exc.filename or ''}）")
        except Exception as exc:  # a bug: keep the details for the log, tell the user plainly
            log.error("exchange job failed\n%s", traceback.format_exc())
            self.signals.failed.emit(f"程序内部错误（{type(exc).__name__}）")
        else:
            self.signals.done.emit(result)


def _removable_on_windows(root: str) -> bool:
    import ctypes

    DRIVE_REMOVABLE = 2
    return ctypes.windll.kernel32.GetDriveTypeW(root) == DRIVE_REMOVABLE  # type: ignore[attr-defined]


def removable_drives() -> list[tuple[str, Path]]:
    """(label, root) of mounted, writable removable drives: Windows drive letters of removable
    type; on Linux what the desktop mounts under /media or /run/media."""
    found = []
    for volume in QStorageInfo.mountedVolumes():
        if not volume.isValid() or not volume.isReady() or volume.isReadOnly():
            continue
        root = volume.rootPath()
        if sys.platform == "win32":
            if not _removable_on_windows(root):
                continue
        elif not (root.startswith("/media/") or root.startswith("/run/media/")):
            continue
        free = volume.bytesAvailable() / 1024 / 1024 / 1024
        name = volume.displayName() or root
        found.append((f"{name}（{root}，可用 {free:.1f} GB）", Path(root)))
    return found
