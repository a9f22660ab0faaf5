"""What a delete confirmation says besides its question: at the county, deleting a record a
township owns (its origin) does not stay at the county. The deletion is sent to that township
in the next package as the county's decision (exchange/deletions.py) and the township deletes
its copy too; the clerk is told so, naming the township, before saying 是.

One sentence for every register's delete (enterprises, contracts, quality evaluations,
nominations, studios): the services give the wording, the page adds it to its question.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from zkdesk.domain.orgcodes import is_county
from zkdesk.services.orgs import org_names
from zkdesk.services.settings import office_code
from zkdesk.store.base import Base
from zkdesk.store.models.exchange import ExchangeRecordState


def township_deletion_sentence(township: str) -> str:
    return f"该记录由{township}录入，删除后将在下次发往{township}的数据包中通知该乡镇一并删除。"


def deletion_notice(session: Session, table: str, record_id: str) -> str:
    """The sentence to add to the confirmation of deleting `record_id` of `table` here, or ""
    when the deletion concerns no other office: not at the county, a record of the county's
    own, or one the township never had (typed in here and never sent: nothing to tell it)."""
    here = office_code(session)
    t = Base.metadata.tables.get(table)
    if not is_county(here) or t is None or "origin" not in t.c:
        return ""
    origin = session.scalar(select(t.c.origin).where(t.c.id == record_id))
    if not origin or origin == here or is_county(origin):
        return ""
    known = session.scalar(select(ExchangeRecordState.record_id).where(
        ExchangeRecordState.peer_code == origin, ExchangeRecordState.table_name == table,
        ExchangeRecordState.record_id == record_id))
    if known is None:
        return ""
    return township_deletion_sentence(org_names(session).get(origin, origin))
