"""Finding the USB sticks a package can be written to."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QStorageInfo


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
