"""Moving an office's database to another engine (`zkdesk migrate-to`): from this PC's SQLite
file to the unit's PostgreSQL server when several clerks must work at once, or back.

The copy is all the office's data, personal data included, so only an administrator may make
it, and both databases record it in their audit trail: the source that it was copied and
where to, the copy where it came from (after its chain was verified as copied).
"""

from __future__ import annotations

from sqlalchemy.engine import URL

from zkdesk.domain.roles import Permission
from zkdesk.services import audit
from zkdesk.services.actor import Actor
from zkdesk.store.engine import Database
from zkdesk.store.transfer import TransferError, TransferReport, copy_office


def _chain_intact(copy: Database) -> None:
    with copy.read_session() as s:
        chain = audit.verify_chain(s)
    if not chain.ok:
        raise TransferError(f"复制后的操作日志链条校验未通过：{chain.message}")


def move_office(source: Database, actor: Actor, target: str | URL, password: str | None = None) -> TransferReport:
    """Copy this office's database into the empty database `target` (postgresql://… or
    sqlite:FILE). Raises TransferError / UserError (Chinese) and leaves the target empty."""
    actor.require(Permission.MANAGE_USERS)
    report = copy_office(source, target, password, check=_chain_intact)
    details = {"to": report.target, "from": report.source, "rows": report.total}
    copy = Database(target, password)
    try:
        with copy.session() as s:
            audit.record(s, actor.username, "migrated_from", "database", "", details)
    finally:
        copy.dispose()
    with source.session() as s:
        audit.record(s, actor.username, "migrate_to", "database", "", details)
    return report
