"""Deleting a record from a page: the question, with what services say the deletion also does
(services.deletion_notice: at the county, a township's record is deleted at the township too),
read off the GUI thread before asking; then the deletion as an Op."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QWidget

from zkdesk.services.deletion_notice import deletion_notice
from zkdesk.ui.ops import Op, QueryOp


def delete_asking(parent: QWidget, table: str, record_id: str, question: str, work: Callable[..., Any],
                  done: Callable[[Any], None] | None = None) -> None:
    """Ask `question` (and the notice, when there is one) and, on 是, run `work(session, actor)`."""

    def ask(notice: str) -> None:
        op = Op(parent, work, confirm=f"{question}\n\n{notice}" if notice else question, busy="正在删除…")
        if done is not None:
            op.success(done)
        op.run()

    QueryOp(parent, lambda s, _actor: deletion_notice(s, table, record_id)).success(ask).run()
