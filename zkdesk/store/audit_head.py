"""The audit chain's head kept outside the audit table: how many entries the chain has and the
hash of the last one.

The chain alone cannot show that its end was cut off, or that its tail was rewritten and every
hash after it recomputed. So each append also moves the head (setting `audit_head`, written in
the same transaction, under the write lock), and each backup keeps the head it was made at in a
small file beside it (`<backup>.head.json`). `services.audit.verify_chain` checks that the chain
reaches the head and passes through every backup's head.

Kept in store/ because backups (store/dumps.py) write the sidecar and the migration that anchors
an existing database reads the chain without the services.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

HEAD_KEY = "audit_head"
HEAD_MAC_KEY = "audit_head_mac"  # the head's HMAC under the office data key (store/key_material.py)
CHAIN_KEYS = (HEAD_KEY, HEAD_MAC_KEY)  # the settings that move with every audit entry
SIDECAR_SUFFIX = ".head.json"


@dataclass(frozen=True)
class ChainHead:
    count: int  # entries in the chain
    hash: str  # hash of the last one

    def as_text(self) -> str:
        return json.dumps({"count": self.count, "hash": self.hash}, sort_keys=True)

    @classmethod
    def from_text(cls, text: str | None) -> "ChainHead | None":
        if not text:
            return None
        try:
            data = json.loads(text)
            return cls(int(data["count"]), str(data["hash"]))
        except (ValueError, KeyError, TypeError):
            return None


def read_head(session) -> ChainHead | None:
    from zkdesk.store.models import Setting

    row = session.get(Setting, HEAD_KEY)
    return ChainHead.from_text(row.value) if row else None


def write_head(session, head: ChainHead) -> None:
    from zkdesk.store.models import Setting

    row = session.get(Setting, HEAD_KEY)
    if row is None:
        session.add(Setting(key=HEAD_KEY, value=head.as_text()))
    else:
        row.value = head.as_text()


def sidecar_of(backup: Path) -> Path:
    return Path(backup).with_name(Path(backup).name + SIDECAR_SUFFIX)


def write_sidecar(backup: Path, head: ChainHead, **extra) -> Path:
    """The head a backup was made at, beside it (owner-only, like the backup)."""
    path = sidecar_of(backup)
    data = {"count": head.count, "hash": head.hash, "backup": Path(backup).name, **extra}
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, sort_keys=True)
    return path


def read_sidecar(path: Path) -> dict | None:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        int(data["count"]), str(data["hash"])
        return data
    except (OSError, ValueError, KeyError, TypeError):
        return None


def backup_heads(folder: Path | None) -> list[tuple[Path, dict]]:
    """(sidecar, its content) for every backup head in `folder`, oldest count first."""
    if folder is None or not Path(folder).is_dir():
        return []
    found = [(p, data) for p in Path(folder).glob("*" + SIDECAR_SUFFIX) if (data := read_sidecar(p)) is not None]
    return sorted(found, key=lambda item: (int(item[1]["count"]), item[0].name))
