"""合并重复企业: one enterprise registered twice (typed twice, or brought in by two offices before
natural keys existed) becomes one. The user picks the survivor; every row of the other moves onto
it (per-year figures, union, collective contracts and their coverage, quality evaluations,
studios, nominations), a value the survivor lacks is taken from the other, the other is
tombstoned, and its UUID is kept as an alias of the survivor so a package naming it later lands
on the survivor (exchange/matching.py). The tombstone and the moved rows travel as any change.

Rows that may exist once per enterprise (a year, the union, a year's evaluation) and exist on
both: the survivor's row stays, its empty fields are filled from the other's, and the other's row
is tombstoned (and aliased); values that differ are named in the result and the audit entry.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from zkdesk.domain.roles import Permission
from zkdesk.services import audit
from zkdesk.services.actor import Actor
from zkdesk.services.enterprise_facts import require_in_scope
from zkdesk.services.enterprises import duplicate_usccs
from zkdesk.services.errors import UserError
from zkdesk.services.orgs import org_names
from zkdesk.services.record_labels import field_label
from zkdesk.services.records import live_record
from zkdesk.store.models import (
    CollectiveContract,
    ContractCoverage,
    Enterprise,
    EnterpriseUnion,
    EnterpriseYear,
    Nomination,
    QualityEvaluation,
    Studio,
)
from zkdesk.store.models.exchange import ExchangeAlias

ENTERPRISE_FIELDS = ("uscc", "ownership", "industry", "address", "contact_person", "contact_phone", "note")
SKIP = frozenset({"id", "origin", "revision", "updated_at", "deleted", "enterprise_id", "contract_id"})


@dataclass
class MergeResult:
    kept_id: str
    kept_name: str
    merged_id: str
    merged_name: str
    moved: dict[str, int] = field(default_factory=dict)  # Chinese kind -> rows moved onto the survivor
    filled: list[str] = field(default_factory=list)  # what the survivor took from the other
    differing: list[str] = field(default_factory=list)  # values both had, the survivor's kept

    @property
    def summary(self) -> str:
        moved = "、".join(f"{kind}{n}条" for kind, n in self.moved.items() if n) or "没有需要移动的记录"
        text = f"已将“{self.merged_name}”合并到“{self.kept_name}”：{moved}"
        if self.filled:
            text += f"；补充了{'、'.join(self.filled)}"
        if self.differing:
            text += f"；两边不同、保留了“{self.kept_name}”的：{'；'.join(self.differing)}"
        return text

    def to_json(self) -> dict:
        return {"kept": self.kept_id, "kept_name": self.kept_name, "merged": self.merged_id,
                "merged_name": self.merged_name, "moved": self.moved, "filled": self.filled,
                "differing": self.differing, "summary": self.summary}


def _empty(value) -> bool:
    return value is None or value == ""


def _columns(obj) -> list[str]:
    return [c.key for c in obj.__table__.columns if c.key not in SKIP]


def _link(session: Session, table: str, old_id: str, new_id: str) -> None:
    """Later packages naming `old_id` find `new_id` (a merge made here: no peer)."""
    existing = session.get(ExchangeAlias, (table, old_id, ""))
    if existing is None:
        session.add(ExchangeAlias(table_name=table, remote_id=old_id, local_id=new_id, peer_code=""))
    else:
        existing.local_id = new_id
    # links that pointed at the old record point at the survivor now
    for alias in session.scalars(select(ExchangeAlias).where(ExchangeAlias.table_name == table,
                                                             ExchangeAlias.local_id == old_id)):
        alias.local_id = new_id


def _fold(result: MergeResult, table: str, label: str, keep, other) -> None:
    """The survivor's row `keep` takes the other's values where it has none; differences are named."""
    for name in _columns(keep):
        ours, theirs = getattr(keep, name), getattr(other, name)
        if _empty(theirs) or ours == theirs:
            continue
        if _empty(ours) or (isinstance(ours, bool) and not ours and theirs):
            setattr(keep, name, theirs)
            result.filled.append(f"{label}的{field_label(table, name)}")
        else:
            result.differing.append(f"{label}的{field_label(table, name)}（{ours} / {theirs}）")


def _move_unique(session: Session, result: MergeResult, model, table: str, kind: str, keep_id: str, other_id: str,
                 key: str | None, label) -> None:
    """Rows of which an enterprise has one per `key` (None: one in all): moved when the survivor has
    none live; else folded into the survivor's and tombstoned."""
    mine = {getattr(r, key) if key else None: r for r in session.scalars(
        select(model).where(model.enterprise_id == keep_id).order_by(model.deleted.desc()))}  # live ones win
    moved = 0
    for row in session.scalars(select(model).where(model.enterprise_id == other_id, model.deleted.is_(False))):
        k = getattr(row, key) if key else None
        target = mine.get(k)
        if target is None:
            row.enterprise_id = keep_id
            moved += 1
            continue
        if target.deleted:  # the survivor once had one, deleted: bring it back with the other's values
            for name in _columns(row):
                setattr(target, name, getattr(row, name))
            target.deleted = False
            moved += 1
        else:
            _fold(result, table, label(row), target, row)
        row.deleted = True
        _link(session, table, row.id, target.id)
    result.moved[kind] = moved


def merge_enterprises(session: Session, actor: Actor, keep_id: str, other_id: str) -> MergeResult:
    """Merge enterprise `other_id` into `keep_id` (see the module docstring)."""
    actor.require(Permission.EDIT)
    if keep_id == other_id:
        raise UserError("请选择两家不同的企业")
    keep = live_record(session, Enterprise, keep_id, "找不到要保留的企业，可能已被删除")
    other = live_record(session, Enterprise, other_id, "找不到要合并的企业，可能已被删除")
    require_in_scope(session, actor, keep.township_code)
    require_in_scope(session, actor, other.township_code)
    same_code = keep.uscc and keep.uscc == other.uscc
    same_name = not keep.uscc and not other.uscc and keep.name.strip() == other.name.strip() \
        and keep.township_code == other.township_code
    if not (same_code or same_name):
        raise UserError(f"“{keep.name}”和“{other.name}”的统一社会信用代码不同，不是同一家企业，不能合并")
    result = MergeResult(keep.id, keep.name, other.id, other.name)
    before = {name: getattr(keep, name) for name in ENTERPRISE_FIELDS}
    for name in ENTERPRISE_FIELDS:
        if _empty(getattr(keep, name)) and not _empty(getattr(other, name)):
            setattr(keep, name, getattr(other, name))
            result.filled.append(field_label("enterprise", name))
    if other.is_company and not keep.is_company:
        keep.is_company = True
        result.filled.append(field_label("enterprise", "is_company"))

    _move_unique(session, result, EnterpriseYear, "enterprise_year", "年度情况", keep.id, other.id, "year",
                 lambda r: f"{r.year}年")
    _move_unique(session, result, EnterpriseUnion, "enterprise_union", "企业工会", keep.id, other.id, None,
                 lambda r: "企业工会")
    _move_unique(session, result, QualityEvaluation, "quality_evaluation", "质效评估", keep.id, other.id, "year",
                 lambda r: f"{r.year}年质效评估")
    contracts = session.scalars(select(CollectiveContract).where(CollectiveContract.enterprise_id == other.id,
                                                                  CollectiveContract.deleted.is_(False))).all()
    for c in contracts:
        c.enterprise_id = keep.id
    result.moved["集体合同"] = len(contracts)
    covered = {r.contract_id: r for r in session.scalars(
        select(ContractCoverage).where(ContractCoverage.enterprise_id == keep.id).order_by(ContractCoverage.deleted.desc()))}
    moved = 0
    for row in session.scalars(select(ContractCoverage).where(ContractCoverage.enterprise_id == other.id,
                                                              ContractCoverage.deleted.is_(False))):
        target = covered.get(row.contract_id)
        if target is None:
            row.enterprise_id = keep.id
            moved += 1
            continue
        if target.deleted:
            target.deleted = False
            moved += 1
        row.deleted = True
        _link(session, "contract_coverage", row.id, target.id)
    result.moved["合同覆盖"] = moved
    for model, kind in ((Studio, "三室一站"), (Nomination, "劳模推荐")):
        rows = session.scalars(select(model).where(model.enterprise_id == other.id, model.deleted.is_(False))).all()
        for r in rows:
            r.enterprise_id = keep.id
        result.moved[kind] = len(rows)

    other.deleted = True
    _link(session, "enterprise", other.id, keep.id)
    session.flush()
    audit.record(session, actor.username, "merge", "enterprise", keep.id, {
        "old": {"merged": other.id, "merged_name": other.name, **before},
        "new": {name: getattr(keep, name) for name in ENTERPRISE_FIELDS},
        "moved": result.moved, "filled": result.filled, "differing": result.differing,
    })
    return result


@dataclass(frozen=True)
class DuplicateEnterprise:
    id: str
    name: str
    township: str
    uscc: str
    years: int  # live per-year rows
    contracts: int  # live contracts
    revision: int


def duplicates_of(session: Session, actor: Actor, enterprise_id: str) -> list[DuplicateEnterprise]:
    """The live enterprises sharing the given one's 统一社会信用代码 (itself first), for choosing
    the survivor of a merge."""
    actor.require(Permission.VIEW)
    ent = live_record(session, Enterprise, enterprise_id, "找不到该企业，可能已被删除")
    if not ent.uscc:
        return []
    towns = org_names(session)
    rows = session.scalars(select(Enterprise).where(Enterprise.uscc == ent.uscc, Enterprise.deleted.is_(False))
                           .order_by(Enterprise.id)).all()
    out = []
    for e in sorted(rows, key=lambda e: e.id != ent.id):
        if not actor.sees(e.township_code):
            continue
        years = sum(1 for y in e.years if not y.deleted)
        contracts = len(session.scalars(select(CollectiveContract.id).where(
            CollectiveContract.enterprise_id == e.id, CollectiveContract.deleted.is_(False))).all())
        out.append(DuplicateEnterprise(e.id, e.name, towns.get(e.township_code, e.township_code), e.uscc, years,
                                       contracts, e.revision))
    return out


def duplicate_groups(session: Session, actor: Actor) -> list[list[DuplicateEnterprise]]:
    """Every 统一社会信用代码 held by more than one live enterprise the actor sees, with its holders."""
    actor.require(Permission.VIEW)
    out = []
    for code in sorted(duplicate_usccs(session)):
        first = session.scalars(select(Enterprise.id).where(Enterprise.uscc == code, Enterprise.deleted.is_(False))
                                .order_by(Enterprise.id)).first()
        group = duplicates_of(session, actor, first) if first else []
        if len(group) > 1:
            out.append(group)
    return out
