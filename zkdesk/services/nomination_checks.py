"""Session checks the county needs: who is on a session's list, and in what proportions.

"The list" is every live nomination of the session the office sees that has not been turned
down (未通过): drafts and nominations under review included, since the shares are watched
while the list is being made. The same figures are given for the honoured ones alone.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from zkdesk.domain import choices
from zkdesk.domain import nomination_rules as rules
from zkdesk.domain import nomination_workflow as wf
from zkdesk.domain.roles import Permission
from zkdesk.services.actor import Actor
from zkdesk.services.award_sessions import get_session
from zkdesk.services.nominations import duplicate_groups
from zkdesk.services.scope import org_filter
from zkdesk.store.models import Nomination, OrgUnit


@dataclass(frozen=True)
class Shares:
    total: int
    industrial: int  # 产业工人
    managers: int  # 企业负责人

    @property
    def industrial_share(self) -> float | None:
        return rules.share(self.industrial, self.total)

    @property
    def manager_share(self) -> float | None:
        return rules.share(self.managers, self.total)

    @property
    def industrial_target_met(self) -> bool:
        share = self.industrial_share
        return share is not None and share >= rules.INDUSTRIAL_SHARE_TARGET


@dataclass(frozen=True)
class SessionChecks:
    session_name: str
    quota: int | None
    listed: Shares  # not rejected
    honoured: Shares
    by_township: tuple[tuple[str, str, int], ...]  # (code, name, count on the list), every unit listed
    by_category: tuple[tuple[str, int], ...]  # (category, count on the list), in PERSON_CATEGORIES order
    by_status: tuple[tuple[str, int], ...]  # (status label, count of all live nominations)
    duplicates: tuple[tuple[str, tuple[str, ...]], ...]  # (person name, township names) nominated twice or more
    industrial_target: float = rules.INDUSTRIAL_SHARE_TARGET

    @property
    def warnings(self) -> list[str]:
        out = []
        if self.listed.total and not self.listed.industrial_target_met:
            out.append(f"产业工人占比{self.listed.industrial_share:.1f}%，低于{self.industrial_target:.0f}%的目标")
        # More candidates than places is normal (差额评选); more honoured than places is not.
        if self.quota is not None and self.honoured.total > self.quota:
            out.append(f"已表彰{self.honoured.total}人，超过表彰名额{self.quota}名")
        for name, places in self.duplicates:
            out.append(f"{name}在本届被重复推荐（{'、'.join(places)}）")
        return out


def _shares(noms: list[Nomination]) -> Shares:
    return Shares(
        total=len(noms),
        industrial=sum(1 for n in noms if rules.industrial_worker(n.category, n.industrial_worker).counts),
        managers=sum(1 for n in noms if n.category == rules.MANAGER_CATEGORY),
    )


def session_checks(session: Session, actor: Actor, session_id: str) -> SessionChecks:
    actor.require(Permission.VIEW)
    award = get_session(session, session_id)
    noms = list(session.scalars(select(Nomination).where(
        Nomination.session_id == session_id,
        Nomination.deleted.is_(False),
        org_filter(Nomination.township_code, actor.office_code),
    )))
    listed = [n for n in noms if n.status != wf.REJECTED]
    honoured = [n for n in noms if n.status == wf.HONOURED]
    units = session.scalars(select(OrgUnit).where(OrgUnit.level.in_(("county", "township"))).order_by(OrgUnit.sort_order))
    per_unit = Counter(n.township_code for n in listed)

    def shown(unit: OrgUnit) -> bool:  # the county: every township, 县直单位 when it nominated; a township: itself
        if actor.at_county:
            return unit.level == "township" or per_unit.get(unit.code, 0) > 0
        return unit.code == actor.office_code

    by_township = tuple(
        (u.code, "县直单位" if u.level == "county" else u.short_name, per_unit.get(u.code, 0)) for u in units if shown(u)
    )
    per_category = Counter(n.category for n in listed)
    by_category = tuple((c, per_category.get(c, 0)) for c in choices.PERSON_CATEGORIES)
    per_status = Counter(n.status for n in noms)
    by_status = tuple((wf.status_label(s), per_status[s]) for s in wf.STATUSES if per_status.get(s))
    names = {code: name for code, name, _ in by_township}
    duplicates = tuple(
        (group[0].name, tuple(names.get(n.township_code, n.township_code) for n in group))
        for group in duplicate_groups(session, actor, session_id).values()
    )
    return SessionChecks(
        session_name=award.name, quota=award.quota, listed=_shares(listed), honoured=_shares(honoured),
        by_township=by_township, by_category=by_category, by_status=by_status, duplicates=duplicates,
    )
