"""Reminders on the enterprise page: contracts to renegotiate, contracts not yet filed,
enterprises of 100+ employees without a union."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from zkdesk.domain.contract_rules import FILING_DAYS, MULTI_ENTERPRISE_KINDS, filing_deadline, filing_overdue, in_renewal_window
from zkdesk.domain.roles import Permission
from zkdesk.services.actor import Actor
from zkdesk.services.enterprise_facts import enterprise_year_facts
from zkdesk.services.orgs import org_names
from zkdesk.services.scope import org_filter
from zkdesk.store.models import CollectiveContract, Enterprise

RENEWAL = "renewal"  # 到期续签
FILING = "filing"  # 逾期未报送
NO_UNION = "no_union"  # 百人以上未建会

KIND_LABELS = {RENEWAL: "合同即将到期", FILING: "逾期未报送", NO_UNION: "百人以上未建会"}


@dataclass(frozen=True)
class Reminder:
    kind: str
    record_kind: str  # "contract" | "enterprise"
    record_id: str
    text: str  # one Chinese line for the panel
    due: date | None = None  # the date the reminder is about (expiry, filing deadline)

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]


def _superseded(contract: CollectiveContract, contracts: list[CollectiveContract]) -> bool:
    """A later contract of the same kind for the same party: already renewed."""
    def same_party(other: CollectiveContract) -> bool:
        if contract.kind in MULTI_ENTERPRISE_KINDS:
            return other.township_code == contract.township_code
        return other.enterprise_id == contract.enterprise_id

    return any(
        other.id != contract.id and other.kind == contract.kind and same_party(other)
        and other.signed_on is not None and contract.signed_on is not None and other.signed_on > contract.signed_on
        for other in contracts
    )


def list_reminders(session: Session, actor: Actor, today: date | None = None) -> list[Reminder]:
    """The actor's office's reminders, most urgent kind first, then by date."""
    actor.require(Permission.VIEW)
    today = today or date.today()
    contracts = list(session.scalars(
        select(CollectiveContract).where(CollectiveContract.deleted.is_(False),
                                         org_filter(CollectiveContract.township_code, actor.office_code))
    ))
    enterprises = dict(session.execute(
        select(Enterprise.id, Enterprise.name).where(Enterprise.deleted.is_(False))
    ).all())
    names = org_names(session)

    def party(c: CollectiveContract) -> str:
        if c.kind in MULTI_ENTERPRISE_KINDS:
            return f"{names.get(c.township_code, '')}{c.title or c.kind}"
        return enterprises.get(c.enterprise_id, "")

    live = [c for c in contracts if c.kind in MULTI_ENTERPRISE_KINDS or c.enterprise_id in enterprises]
    filing, renewal = [], []
    for c in live:
        expired = c.expires_on is not None and c.expires_on < today
        if filing_overdue(c.signed_on, c.filed_on, today) and not expired:  # an expired one is past filing
            deadline = filing_deadline(c.signed_on)
            filing.append(Reminder(FILING, "contract", c.id,
                                   f"{party(c)}：{c.kind}于{c.signed_on:%Y-%m-%d}签订，超过{FILING_DAYS}日仍未报送人社部门"
                                   f"（应于{deadline:%Y-%m-%d}前报送）", deadline))
        if not c.review_objection and in_renewal_window(c.expires_on, today) and not _superseded(c, live):
            days = (c.expires_on - today).days
            renewal.append(Reminder(RENEWAL, "contract", c.id,
                                    f"{party(c)}：{c.kind}将于{c.expires_on:%Y-%m-%d}到期（还有{days}天），请启动续签协商",
                                    c.expires_on))
    no_union = [
        Reminder(NO_UNION, "enterprise", f.enterprise_id,
                 f"{f.name}（{names.get(f.township_code, '')}）：职工{f.employees}人，尚未建立工会")
        for f in enterprise_year_facts(session, actor.office_code, today.year)
        if f.large and not f.has_union
    ]
    return sorted(filing, key=lambda r: r.due) + sorted(renewal, key=lambda r: r.due) + no_union
